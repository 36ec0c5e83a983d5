//! Property: for any file, every data row appears exactly once across the
//! results and errors reports, and `rows_read == rows_ok + rows_failed` —
//! whatever the cells hold (ragged rows, quotes, newlines, formulas, junk
//! phones, duplicates, blank lines), offline and against the simulator.

use proptest::prelude::*;

use crate::test_import::phone;
use crate::workdir::{Workdir, column};

/// One cell as people and spreadsheets write them.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0usize..40).prop_map(phone),
        1 => Just(String::new()),
        1 => Just("4.15555E+09".to_string()),
        1 => Just("=HYPERLINK(\"x\")".to_string()),
        1 => Just("a,b;\"c\"\nd".to_string()),
        1 => "[a-zA-Z0-9 @.+éü€-]{0,12}",
        1 => any::<String>().prop_map(|s| s.chars().filter(|c| *c != '\0').take(16).collect()),
    ]
}

/// A file: header, then rows of 2..=5 cells (the header has 4), some blank.
fn file() -> impl Strategy<Value = (Vec<Vec<String>>, u8)> {
    let row = prop_oneof![
        8 => prop::collection::vec(cell(), 4),
        1 => prop::collection::vec(cell(), 2..6),
        1 => Just(vec![]),
    ];
    (
        prop::collection::vec(row, 1..40),
        prop::sample::select(vec![b',', b';', b'\t', b'|']),
    )
}

fn write_file(wd: &Workdir, rows: &[Vec<String>], delimiter: u8) -> usize {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_path(wd.path("gen.csv"))
        .unwrap();
    w.write_record(["First Name", "Mobile", "Email", "Last Name"])
        .unwrap();
    let mut data_rows = 0;
    for r in rows {
        if r.is_empty() {
            w.write_record(None::<&[u8]>).unwrap();
        } else {
            w.write_record(r).unwrap();
            data_rows += 1;
        }
    }
    w.flush().unwrap();
    data_rows
}

fn check_reports(wd: &Workdir, expect_at_most: usize) {
    let results = wd.read_csv("gen.results.csv");
    let errors = wd.read_csv("gen.errors.csv");
    let summary = wd.read_json("gen.summary.json");
    let read = summary["rows_read"].as_u64().unwrap() as usize;
    let mut rows: Vec<usize> = column(&results, "row")
        .iter()
        .chain(column(&errors, "_row").iter())
        .map(|r| r.parse().unwrap())
        .collect();
    rows.sort_unstable();
    assert_eq!(
        rows,
        (1..=read).collect::<Vec<_>>(),
        "each row exactly once"
    );
    assert_eq!(
        summary["rows_ok"].as_u64().unwrap() + summary["rows_failed"].as_u64().unwrap(),
        read as u64
    );
    assert_eq!(
        results.len() - 1,
        summary["rows_ok"].as_u64().unwrap() as usize
    );
    // Rows whose cells are all empty are blank lines, skipped; never more rows than written.
    assert!(
        read <= expect_at_most,
        "{read} rows read, {expect_at_most} written"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn offline_every_row_once((rows, delimiter) in file()) {
        let wd = Workdir::new();
        let n = write_file(&wd, &rows, delimiter);
        let out = wd.run(&["validate", "gen.csv", "--ignore-unknown"]);
        let code = out.status.code().unwrap();
        prop_assert!(code == 0 || code == 1, "exit {code}: {}", String::from_utf8_lossy(&out.stderr));
        check_reports(&wd, n);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn against_the_simulator_every_row_once((rows, delimiter) in file()) {
        let wd = Workdir::with_sim(Workdir::sim_config());
        let n = write_file(&wd, &rows, delimiter);
        let out = wd.run(&["import", "gen.csv", "--ignore-unknown", "--batch-size", "7"]);
        let code = out.status.code().unwrap();
        prop_assert!(code == 0 || code == 1, "exit {code}: {}", String::from_utf8_lossy(&out.stderr));
        check_reports(&wd, n);
        let summary = wd.read_json("gen.summary.json");
        let stored = wd.sim().contacts().len() as u64;
        prop_assert_eq!(stored, summary["created"].as_u64().unwrap());
    }
}
