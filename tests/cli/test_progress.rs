//! `--progress` everywhere (issue 21): when stderr is not a terminal (a
//! log, a file, CI — as in every test here), `--progress` writes a line
//! every few seconds (rows, rate, share and ETA) and one at the end, for
//! `import`, `validate`, `status`, `delete` and `export`; without it,
//! nothing. `HMBULK_PROGRESS_SECS` sets the interval.

use heymarket_sim::SimConfig;
use serde_json::json;

use crate::api::seed;
use crate::test_import::{as_refs, clean_rows};
use crate::workdir::{Workdir, code, stderr};

/// The progress lines of a run of `label`.
fn lines(out: &std::process::Output, label: &str) -> Vec<String> {
    stderr(out)
        .lines()
        .filter(|l| l.starts_with(&format!("{label}: ")) && l.contains(" done"))
        .map(str::to_string)
        .collect()
}

#[test]
fn progress_off_a_terminal_is_a_line_every_few_seconds_and_one_at_the_end() {
    // 40 ms a request, batches of 5: 60 rows take a second or more.
    let wd = Workdir::with_sim(SimConfig {
        latency_ms: 40,
        ..Workdir::sim_config()
    });
    wd.create("people.csv", &as_refs(&clean_rows(60)));
    let run = |args: &[&str]| {
        wd.command(args)
            .env("HMBULK_PROGRESS_SECS", "0.2")
            .output()
            .unwrap()
    };
    let out = run(&[
        "import",
        "people.csv",
        "--batch-size",
        "5",
        "--concurrency",
        "1",
        "--progress",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let seen = lines(&out, "import");
    assert!(
        seen.len() >= 3,
        "a line every 0.2 s and one at the end: {seen:?}"
    );
    let (last, before) = seen.split_last().unwrap();
    assert!(
        last.starts_with("import: 60 rows read, 60 done, 0 failed, ")
            && last.contains("finished in"),
        "{last}"
    );
    assert!(
        before
            .iter()
            .all(|l| l.contains("rows read") && l.contains("rows/s")),
        "{before:?}"
    );
    assert!(
        before.iter().any(|l| l.contains('%')),
        "the share of the file: {before:?}"
    );
    assert_eq!(wd.sim().contacts().len(), 60);

    // Without --progress: nothing of the kind.
    let out = run(&["import", "people.csv", "--batch-size", "5"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(lines(&out, "import").is_empty(), "{}", stderr(&out));

    // validate, status, delete and export say how far they got too.
    let out = run(&["validate", "people.csv", "--progress"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        lines(&out, "validate")
            .last()
            .unwrap()
            .contains("finished in")
    );
    wd.create(
        "stop.csv",
        &[vec!["Phone", "Status"], vec!["(415) 200-0000", "STOP"]],
    );
    let out = run(&["status", "stop.csv", "--progress"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        lines(&out, "status")
            .last()
            .unwrap()
            .starts_with("status: 1 done, 0 failed")
    );
    let out = run(&["export", "--out", "all.csv", "--rate", "0", "--progress"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        lines(&out, "export")
            .last()
            .unwrap()
            .starts_with("export: 60 done")
    );
    seed(&wd, &[json!({"phone": "14155550999"})]);
    wd.create("gone.csv", &[vec!["Phone"], vec!["(415) 555-0999"]]);
    let out = run(&["delete", "gone.csv", "--yes", "--progress"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        lines(&out, "delete")
            .last()
            .unwrap()
            .contains("finished in")
    );
}
