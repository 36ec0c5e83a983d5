//! Exit codes by cause and by whether anything was sent (docs/reliability.md, "Exit
//! codes"): an input file that cannot be read further, or a report or
//! export that cannot be written, is exit 2 when nothing was sent and exit
//! 3 once contacts were; every such message names its file. Checked against
//! the simulator's store.

use heymarket_sim::SimConfig;

use crate::test_import::{as_refs, clean_rows, digits, store_phones};
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

/// `people.csv`: `good` clean rows, then a line of more than 1 MiB with no
/// line break (not CSV text): the reader stops there. (A quote that never
/// closes is a row error instead: test_unclosed_quote.)
fn file_broken_after(wd: &Workdir, good: usize) {
    let path = wd.create("people.csv", &as_refs(&clean_rows(good)));
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"Broken,Row,");
    bytes.extend(std::iter::repeat_n(b'x', (1 << 20) + 10));
    bytes.extend_from_slice(b",x@example.com\n");
    for i in 0..30_000 {
        bytes.extend_from_slice(format!("More{i},Rows,(415) 555-0100,m@example.com\n").as_bytes());
    }
    std::fs::write(&path, bytes).unwrap();
}

fn sorted_phones(n: usize) -> Vec<String> {
    let mut p: Vec<String> = (0..n).map(digits).collect();
    p.sort();
    p
}

#[test]
fn an_unreadable_input_after_batches_were_sent_is_exit_3_naming_the_file() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    file_broken_after(&wd, 30);
    let out = wd.run(&["import", "people.csv", "--batch-size", "10", "--rate", "0"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 3, "{err}");
    assert!(err.contains("people.csv after data row 30"), "{err}");
    assert!(err.contains("runs past 1 MiB"), "{err}");
    assert!(err.contains("contacts had been sent"), "{err}");
    // The rows before the break were sent and are in the reports.
    assert_eq!(store_phones(&wd), sorted_phones(30));
    assert_each_row_once(&wd, "people", 30);
    let results = wd.read_csv("people.results.csv");
    assert!(column(&results, "action").iter().all(|a| a == "created"));
    let summary = wd.read_json("people.summary.json");
    assert!(
        summary["stopped"]
            .as_str()
            .unwrap()
            .contains("after data row 30"),
        "{summary}"
    );
}

#[test]
fn the_same_input_error_with_nothing_sent_is_exit_2() {
    // A dry run sends nothing; an import whose first row is the broken one
    // has nothing to send.
    let wd = Workdir::with_sim(Workdir::sim_config());
    file_broken_after(&wd, 30);
    let out = wd.run(&["validate", "people.csv"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("people.csv after data row 30"));
    assert_each_row_once(&wd, "people", 30);

    file_broken_after(&wd, 0);
    let out = wd.run(&["import", "people.csv", "--rate", "0"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(err.contains("people.csv after data row 0"), "{err}");
    assert!(!err.contains("contacts had been sent"), "{err}");
    assert!(wd.sim().contacts().is_empty());
    assert_eq!(wd.sim().stats()["writes"], 0);
}

#[test]
fn a_report_that_cannot_be_written_after_sending_is_exit_3_naming_it() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create("people.csv", &as_refs(&clean_rows(12)));
    // A folder where the results report goes: the rename at the end fails.
    std::fs::create_dir(wd.path("people.results.csv")).unwrap();
    let out = wd.run(&["import", "people.csv", "--batch-size", "5", "--rate", "0"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 3, "{err}");
    // The path as the run names it: relative to the input's folder.
    let shown = "cannot write people.results.csv: ";
    assert!(err.contains(shown), "{err}");
    assert!(!err.contains("cannot write a report"), "{err}");
    assert_eq!(store_phones(&wd), sorted_phones(12));

    // Before anything is sent (a dry run), the same is exit 2.
    let out = wd.run(&["validate", "people.csv"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains(shown));
}

#[test]
fn an_export_whose_output_cannot_be_written_is_exit_2_naming_it() {
    let wd = Workdir::with_sim(SimConfig {
        rate_limit: 0,
        ..Workdir::sim_config()
    });
    wd.create("people.csv", &as_refs(&clean_rows(5)));
    let out = wd.run(&["import", "people.csv", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let writes = wd.sim().stats()["writes"].clone();

    // Read in full, then the rename onto a folder fails: nothing replaced.
    std::fs::create_dir(wd.path("taken")).unwrap();
    std::fs::write(wd.path("taken").join("keep.txt"), "kept").unwrap();
    let out = wd.run(&["export", "--out", "taken", "--rate", "0"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(err.contains("cannot write taken: "), "{err}");
    assert!(!err.contains("report"), "{err}");
    assert_eq!(wd.read("taken/keep.txt"), "kept");
    // A folder that does not exist: found before anything is written.
    let out = wd.run(&["export", "--out", "nowhere/all.jsonl", "--format", "jsonl"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(err.contains("nowhere/all.jsonl"), "{err}");
    // No temporary file left; the store is as the import left it.
    let names: Vec<String> = std::fs::read_dir(wd.path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".hmbulk-tmp"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    assert_eq!(store_phones(&wd), sorted_phones(5));
    assert_eq!(wd.sim().stats()["writes"], writes);
}
