//! The import pipeline driven from the engine, not the binary, against an
//! in-process simulator, with settings the command line does not offer: a tiny budget
//! for rows decided early, so a file whose valid rows are sparse is sent in
//! spans cut short, and every row still reaches the reports once, in order.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use heymarket_sim::{Sim, SimConfig};

use crate::hostile::Hostile;
use crate::test_import::{as_refs, clean_rows, digits};
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};
use hmbulk_engine::api::{ApiVersion, Client, ClientOptions, Credentials};
use hmbulk_engine::batch::Mode;
use hmbulk_engine::contact::{BlankPolicy, Validator};
use hmbulk_engine::input::config::Config;
use hmbulk_engine::mapping::Mapping;
use hmbulk_engine::phone::PhoneNormaliser;
use hmbulk_engine::pipeline::{self, CHUNK_ROWS, HELD_BUDGET, ImportSettings, OnDuplicate};
use hmbulk_engine::progress::Progress;
use hmbulk_engine::report::{Dialect, ReportPaths, Reporter, Summary};

const KEY: &str = "pipeline-test-key";

/// `rows` rows, every `every`-th one valid (a distinct number), the others
/// with a phone no one can read.
fn sparse_file(dir: &Path, rows: usize, every: usize) -> std::path::PathBuf {
    let mut text = String::from("phone,first,note\n");
    for i in 1..=rows {
        if i % every == 0 {
            text.push_str(&format!("(415) 555-{:04},Ann {i},fine\n", i / every));
        } else {
            text.push_str(&format!("not a phone {i},Bob,\"a note, with a comma\"\n"));
        }
    }
    let path = dir.join("sparse.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn import(sim: &Sim, path: &Path, held_budget: usize) -> Summary {
    let client = Client::new(
        &sim.url(),
        Credentials::ApiKey(KEY.into()),
        ClientOptions {
            rate_per_minute: 0,
            ..ClientOptions::default()
        },
    )
    .unwrap();
    let reader = Config::new(path).reader().unwrap();
    let catalog = client.catalog().unwrap();
    let mapping = Mapping::build(reader.headers(), &catalog, None, true).unwrap();
    let phones = PhoneNormaliser::new("US").unwrap();
    let validator = Validator::new(mapping, catalog, phones, BlankPolicy::Keep);
    let reporter = Reporter::create(
        ReportPaths::for_input(path, None),
        reader.headers(),
        Dialect::PLAIN,
    )
    .unwrap();
    let settings = ImportSettings {
        mode: Mode::Upsert,
        api: ApiVersion::V2,
        batch_size: 1000,
        concurrency: 2,
        on_duplicate: OnDuplicate::Error,
        journal: None,
        resume: None,
        strategy: None,
        merge: None,
        held_budget,
    };
    let progress = Progress::new("import", None, false, true);
    let interrupt = AtomicBool::new(false);
    let run = pipeline::run(
        reader,
        &validator,
        Some(&client),
        &settings,
        reporter,
        &progress,
        &interrupt,
    )
    .unwrap();
    assert!(run.fatal.is_none());
    run.summary
}

/// The `row` column (results) or `_row` column (errors) of a report.
fn rows_of(path: &Path, column: &str) -> Vec<u64> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let at = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[at].parse().unwrap())
        .collect()
}

#[test]
fn sparse_valid_rows_are_sent_in_short_spans_and_reported_in_order() {
    let sim = Sim::start(
        SimConfig {
            api_key: Some(KEY.to_string()),
            rate_limit: 0,
            ..SimConfig::default()
        }
        .with_samples(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = sparse_file(dir.path(), 3000, 100);

    // A budget of a few error lines: spans are cut long before 1000 valid rows.
    let summary = import(&sim, &path, 2000);
    assert_eq!(
        (summary.rows_read, summary.created, summary.rows_failed),
        (3000, 30, 2970)
    );
    assert!(summary.batches >= 10, "{} batches", summary.batches);
    let results = rows_of(&dir.path().join("sparse.results.csv"), "row");
    let errors = rows_of(&dir.path().join("sparse.errors.csv"), "_row");
    assert_eq!(results, (1..=30).map(|i| i * 100).collect::<Vec<u64>>());
    assert!(
        errors.windows(2).all(|w| w[0] < w[1]),
        "errors in row order"
    );
    let mut every: Vec<u64> = results.iter().chain(&errors).copied().collect();
    every.sort_unstable();
    assert_eq!(every, (1..=3000).collect::<Vec<u64>>(), "each row once");

    // The usual budget: one span holds the whole file, one batch (its
    // rows already stored as they are: unchanged).
    let again = import(&sim, &path, HELD_BUDGET);
    assert_eq!(
        (again.rows_read, again.unchanged, again.batches),
        (3000, 30, 1)
    );
}

/// A batch that fills on the last row of a chunk of records (the reader
/// takes CHUNK_ROWS rows at a time; here batches of 256) leaves no empty
/// span behind it: the next batch, answered first while that one is held
/// up, is reported once and in order like every other row.
#[test]
fn a_batch_that_ends_a_chunk_of_records_leaves_nothing_behind() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let n = 2 * CHUNK_ROWS;
    wd.create("people.csv", &as_refs(&clean_rows(n)));
    // The chunk's last 256 rows: their requests (the creates of a new
    // file, a search if there is one) wait, so the batch of the next
    // chunk's first 256 rows is answered first.
    let last_of_chunk = digits(CHUNK_ROWS - 1);
    let held = Arc::new(AtomicUsize::new(0));
    let held_here = held.clone();
    let server = Hostile::proxy(wd.sim().url(), move |r, up| {
        let body = String::from_utf8_lossy(&r.body);
        if r.route().starts_with("POST /v2/contacts") && body.contains(&last_of_chunk) {
            held_here.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(1500));
        }
        up.reply(r)
    });
    let args = [
        "import",
        "people.csv",
        "--batch-size",
        "256",
        "--concurrency",
        "2",
        "--rate",
        "0",
    ];
    let out = wd
        .command(&args)
        .env("HEYMARKET_BASE_URL", server.url())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        held.load(Ordering::SeqCst) > 0,
        "the chunk's last batch was held up"
    );
    assert_each_row_once(&wd, "people", n);
    let results = wd.read_csv("people.results.csv");
    let rows = column(&results, "row");
    assert!(
        rows.windows(2)
            .all(|w| w[0].parse::<u64>().unwrap() < w[1].parse().unwrap())
    );
    assert_eq!(wd.sim().contacts().len(), n);
}
