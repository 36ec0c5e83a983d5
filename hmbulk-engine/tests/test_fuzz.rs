//! The fuzz harness (issue 9): arbitrary bytes through the reader, the
//! mapping, validation and the reports (a dry run of the real pipeline),
//! and arbitrary text through the phone layer. No input may panic, and
//! every row read is accounted for: rows 1..=rows_read each appear exactly
//! once across the results and errors reports, and a file written from
//! known records reads back as exactly that many rows.
//!
//! In CI each property runs a small number of cases (`PROPTEST_CASES`,
//! default 64). `FUZZ_SECONDS=1800 cargo test -p hmbulk-engine --release
//! --test test_fuzz -- --nocapture` runs each for that long instead, with
//! fresh seeds, and prints how many cases it ran.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use hmbulk_engine::api::ApiVersion;
use hmbulk_engine::batch::Mode;
use hmbulk_engine::catalog::Catalog;
use hmbulk_engine::contact::{BlankPolicy, Validator};
use hmbulk_engine::error::Error;
use hmbulk_engine::input::config::Config as Input;
use hmbulk_engine::mapping::Mapping;
use hmbulk_engine::phone::PhoneNormaliser;
use hmbulk_engine::pipeline::{self, ImportSettings, OnDuplicate};
use hmbulk_engine::progress::Progress;
use hmbulk_engine::report::{Dialect, ReportPaths, Reporter};

/// Run `check` over `strategy`: `PROPTEST_CASES` cases (default 64), or
/// for `FUZZ_SECONDS` with fresh seeds; gives the number of cases run.
fn fuzz<S: Strategy>(
    name: &str,
    strategy: S,
    check: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> u64 {
    let seconds: Option<u64> = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let cases: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let config = Config {
        cases: if seconds.is_some() { 2_000 } else { cases },
        failure_persistence: None,
        ..Config::default()
    };
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let mut total = 0u64;
    loop {
        let mut runner = TestRunner::new(config.clone());
        if let Err(e) = runner.run(&strategy, &check) {
            panic!("{name}: {e}");
        }
        total += u64::from(config.cases);
        if deadline.is_none_or(|d| Instant::now() >= d) {
            break;
        }
    }
    eprintln!("{name}: {total} cases");
    total
}

/// A dry run of `bytes` as a file: no panic, and if the file can be read
/// at all, its reports hold rows 1..=rows_read each once. Gives rows_read.
fn dry_run(bytes: &[u8]) -> Result<Option<u64>, TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.csv");
    std::fs::write(&path, bytes).unwrap();
    let reader = match Input::new(&path).reader() {
        Ok(r) => r,
        Err(Error::Input { .. }) => return Ok(None),
        Err(e) => return Err(TestCaseError::fail(format!("not an input error: {e}"))),
    };
    let catalog = Catalog::offline();
    let Ok(mapping) = Mapping::build(reader.headers(), &catalog, None, true) else {
        return Ok(None);
    };
    let phones = PhoneNormaliser::new("US").unwrap().e164_digits(
        hmbulk_engine::mapping::layouts::e164_digits(reader.headers()),
    );
    let validator = Validator::new(mapping, catalog, phones, BlankPolicy::Keep);
    let paths = ReportPaths::for_input(&path, None);
    let reporter = Reporter::create(paths.clone(), reader.headers(), Dialect::PLAIN).unwrap();
    let settings = ImportSettings {
        mode: Mode::Upsert,
        api: ApiVersion::V2,
        batch_size: 1000,
        concurrency: 1,
        on_duplicate: OnDuplicate::Error,
        journal: None,
        resume: None,
        strategy: None,
        merge: None,
        held_budget: pipeline::HELD_BUDGET,
    };
    let progress = Progress::new("fuzz", None, false, true);
    let result = pipeline::run(
        reader,
        &validator,
        None,
        &settings,
        reporter,
        &progress,
        &AtomicBool::new(false),
    );
    let rows_read = match result {
        Ok(r) => {
            let s = r.summary;
            prop_assert_eq!(s.rows_read, s.rows_ok + s.rows_failed);
            s.rows_read
        }
        // Unreadable past a row: the reports cover the rows before it.
        Err(Error::Input { .. }) => {
            let summary: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&paths.summary).unwrap()).unwrap();
            summary["rows_read"].as_u64().unwrap()
        }
        Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
    };
    let mut rows = report_rows(&paths.results, "row");
    rows.extend(report_rows(&paths.errors, "_row"));
    rows.sort_unstable();
    prop_assert_eq!(rows, (1..=rows_read).collect::<Vec<_>>());
    Ok(Some(rows_read))
}

/// The row numbers of a report's `column`.
fn report_rows(path: &Path, column: &str) -> Vec<u64> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap();
    let at = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap()[at].parse().unwrap())
        .collect()
}

/// Bytes that start like the files people have: a BOM or none, a header
/// naming a phone column or not.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let start = prop::sample::select(vec![
        b"".to_vec(),
        b"phone,first,email,tags\n".to_vec(),
        b"\xEF\xBB\xBFMobile;E-mail;Country\r\n".to_vec(),
        b"\xFF\xFEp\x00h\x00o\x00n\x00e\x00\n\x00".to_vec(),
        b"\xFE\xFF\x00p\x00h\x00o\x00n\x00e\x00\n".to_vec(),
        b"Phone Number\tName\t_row\t_error\n".to_vec(),
    ]);
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..400),
        prop::collection::vec(
            prop::sample::select(b"0123456789+-()., ;\t\"\r\nxE=@".to_vec()),
            0..400
        ),
    ];
    (start, body).prop_map(|(mut a, b)| {
        a.extend(b);
        a
    })
}

#[test]
fn any_bytes_read_mapped_and_validated_never_panic_and_every_row_is_reported() {
    fuzz("bytes", file_bytes(), |bytes| dry_run(&bytes).map(drop));
}

/// A cell: text of any kind, phones, formulas, quotes and line breaks.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9 ()+.-]{0,20}",
        Just("=1+1".to_string()),
        Just("a\"b\r\nc".to_string()),
        Just(String::new()),
    ]
}

#[test]
fn a_file_of_known_records_reads_back_as_exactly_its_rows() {
    let records = prop::collection::vec(prop::collection::vec(cell(), 1..6), 0..30);
    fuzz("records", records, |records| {
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(vec![]);
        w.write_record(["phone", "first", "last", "email"]).unwrap();
        let mut expected = 0u64;
        for r in &records {
            w.write_record(r).unwrap();
            // A record of cells of ASCII blanks is a blank line: skipped,
            // not a row (the reader's rule).
            if r.iter()
                .any(|c| !c.bytes().all(|b| b.is_ascii_whitespace()))
            {
                expected += 1;
            }
        }
        let bytes = w.into_inner().unwrap();
        let read = dry_run(&bytes)?;
        prop_assert_eq!(read, Some(expected));
        Ok(())
    });
}

#[test]
fn any_text_through_the_phone_layer_never_panics_and_gives_e164_digits_or_an_error() {
    let region = prop::sample::select(vec!["US", "GB", "DE", "IN", "FR", "BR", "none", "ZZ"]);
    let raw = prop_oneof![
        any::<String>(),
        "[+0-9 ()./x#-]{0,30}",
        "[0-9]{1,3}\\.[0-9]{1,12}E\\+[0-9]{1,2}",
        "[＋０-９ ]{0,20}",
    ];
    fuzz("phones", (region, raw), |(region, raw)| {
        let Ok(normaliser) = PhoneNormaliser::new(region) else {
            return Ok(());
        };
        if let Ok(phone) = normaliser.normalise(&raw) {
            let d = &phone.digits;
            prop_assert!(
                (1..=15).contains(&d.len())
                    && d.bytes().all(|b| b.is_ascii_digit())
                    && !d.starts_with('0'),
                "{raw:?} in {region} gave {d:?}"
            );
        }
        Ok(())
    });
}
