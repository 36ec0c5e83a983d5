//! Reports never destroy work (issue 21): a report is replaced only when
//! it is the one hmbulk wrote (its size and CRC-32 are in the summary
//! beside it); an error report a person was fixing is kept as
//! `<name>.edited-<time>.csv` and said; `status` and `delete` keep every
//! earlier run's reports, numbered, unless `--overwrite`; and `status` and
//! `delete` create `--report-dir` as `import` does.

use serde_json::{Value, json};

use crate::api::seed;
use crate::test_import::stored;
use crate::workdir::{Workdir, code, column, read_csv, stderr};

/// The names of the files in the workdir's folder that start with `prefix`.
fn files(wd: &Workdir, prefix: &str) -> Vec<String> {
    let dir = wd.path("");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    names
}

fn people(wd: &Workdir) {
    wd.create(
        "people.csv",
        &[
            vec!["First Name", "Mobile", "Email"],
            vec!["Ann", "(415) 200-0301", "ann@example.com"],
            vec!["Bo", "not a phone", "bo@example.com"],
            vec!["Cy", "(415) 200-0303", "cy@"],
        ],
    );
}

#[test]
fn an_error_report_being_fixed_is_kept_when_the_file_is_imported_again() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    people(&wd);
    let out = wd.run(&["import", "people.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let summary = wd.read_json("people.summary.json");
    for name in [
        "people.results.csv",
        "people.errors.csv",
        "people.mapping.toml",
    ] {
        let stamp = &summary["report_files"][name];
        let bytes = std::fs::metadata(wd.path(name)).unwrap().len();
        assert_eq!(stamp["bytes"], bytes, "{name}: {summary}");
        assert_eq!(stamp["crc32"].as_str().unwrap().len(), 8, "{name}");
    }

    // The same run again: its reports are hmbulk's as written, replaced.
    let out = wd.run(&["import", "people.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        files(&wd, "people.errors.edited").is_empty(),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("kept as"), "{}", stderr(&out));

    // A person fixes Bo's phone in the error report (one cell, same width
    // would do: CRC-32 sees it) and tweaks the mapping; then, before
    // importing the error report, runs the original file again.
    let errors = wd.read("people.errors.csv");
    let fixed = errors.replace("not a phone", "415-200-0302");
    std::fs::write(wd.path("people.errors.csv"), &fixed).unwrap();
    let mapping = wd.read("people.mapping.toml") + "# checked by Priya\n";
    std::fs::write(wd.path("people.mapping.toml"), &mapping).unwrap();
    let out = wd.run(&["validate", "people.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let said = stderr(&out);
    let kept = files(&wd, "people.errors.edited-");
    assert_eq!(kept.len(), 1, "{said}");
    assert!(kept[0].ends_with(".csv"));
    assert!(
        said.contains(&format!(
            "people.errors.csv was not as hmbulk wrote it (edited since?): kept as {}",
            kept[0]
        )),
        "{said}"
    );
    assert_eq!(wd.read(&kept[0]), fixed, "the person's work, byte for byte");
    let kept_map = files(&wd, "people.mapping.edited-");
    assert_eq!(kept_map.len(), 1, "{said}");
    assert_eq!(wd.read(&kept_map[0]), mapping);
    // The new reports are in place, the summary says what was kept.
    assert_eq!(
        column(&wd.read_csv("people.errors.csv"), "_row"),
        ["2", "3"]
    );
    let notes = wd.read_json("people.summary.json")["notes"].to_string();
    assert!(
        notes.contains(&kept[0]) && notes.contains(&kept_map[0]),
        "{notes}"
    );

    // The kept report imports as it is: Bo is stored with the fixed phone.
    let out = wd.run(&["import", &kept[0]]);
    assert_eq!(code(&out), 1, "Cy's email is still bad: {}", stderr(&out));
    assert_eq!(stored(&wd, "14152000302")["first"], "Bo");
}

/// Seeds contacts `+1 415 555 04NN`, `n` in `0..count`.
fn contacts(wd: &Workdir, count: usize) -> Vec<Value> {
    let list: Vec<Value> = (0..count)
        .map(|n| json!({"phone": format!("141555504{n:02}"), "first": format!("P{n}")}))
        .collect();
    seed(wd, &list)
}

#[test]
fn delete_and_status_keep_the_reports_of_earlier_runs_numbered_unless_overwrite() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    contacts(&wd, 3);
    wd.create(
        "leavers.csv",
        &[
            vec!["Phone"],
            vec!["(415) 555-0400"],
            vec!["(415) 555-0401"],
            vec!["(415) 555-0499"],
        ],
    );
    let out = wd.run(&["delete", "leavers.csv", "--yes"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(wd.sim().contacts().len(), 1);
    // The same file again: nothing left to delete, and the record of what
    // was deleted stays.
    let out = wd.run(&["delete", "leavers.csv", "--yes"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("the reports of an earlier run were kept as leavers.delete.1.results.csv, leavers.delete.1.errors.csv, leavers.delete.1.summary.json"),
        "{said}"
    );
    let first = wd.read_csv("leavers.delete.1.results.csv");
    assert_eq!(column(&first, "action"), ["deleted", "deleted"]);
    assert_eq!(wd.read_json("leavers.delete.1.summary.json")["deleted"], 2);
    let now = wd.read_csv("leavers.delete.errors.csv");
    assert_eq!(column(&now, "_error_code"), ["not_found"; 3]);
    // A third run keeps the second as .2; --overwrite replaces instead.
    assert_eq!(code(&wd.run(&["delete", "leavers.csv", "--yes"])), 1);
    assert!(wd.path("leavers.delete.2.errors.csv").exists());
    assert_eq!(wd.read_json("leavers.delete.1.summary.json")["deleted"], 2);
    let out = wd.run(&["delete", "leavers.csv", "--yes", "--overwrite"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(!wd.path("leavers.delete.3.errors.csv").exists());
    assert!(!stderr(&out).contains("kept as"), "{}", stderr(&out));

    // status --check: an audit is a record too.
    wd.create("audit.csv", &[vec!["Phone"], vec!["(415) 555-0402"]]);
    for _ in 0..2 {
        let out = wd.run(&["status", "audit.csv", "--check"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    assert_eq!(
        column(&wd.read_csv("audit.status.1.results.csv"), "action"),
        ["checked"]
    );
    assert!(wd.path("audit.status.results.csv").exists());
}

#[test]
fn status_and_delete_create_the_report_dir() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    contacts(&wd, 2);
    wd.create(
        "some.csv",
        &[
            vec!["Phone"],
            vec!["(415) 555-0400"],
            vec!["(415) 555-0401"],
        ],
    );
    let out = wd.run(&[
        "status",
        "some.csv",
        "--check",
        "--report-dir",
        "audit/2026-11",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let results = read_csv(&wd.path("audit/2026-11/some.status.results.csv"));
    assert_eq!(column(&results, "action"), ["checked", "checked"]);
    let out = wd.run(&["delete", "some.csv", "--dry-run", "--report-dir", "dry/run"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let results = read_csv(&wd.path("dry/run/some.delete.results.csv"));
    assert_eq!(column(&results, "action"), ["valid", "valid"]);
    assert_eq!(wd.sim().contacts().len(), 2, "a dry run deletes nothing");
}

/// The words of the `fix … and run: hmbulk …` line, after `hmbulk`.
fn fix_command(out: &std::process::Output) -> Vec<String> {
    let said = stderr(out);
    let line = said.lines().last().unwrap_or_default().to_string();
    let (_, command) = line
        .split_once(" and run: hmbulk ")
        .unwrap_or_else(|| panic!("the last line says what to run: {said}"));
    command.split(' ').map(str::to_string).collect()
}

#[test]
fn after_failures_the_last_line_says_what_to_fix_and_run_and_that_command_works() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    seed(
        &wd,
        &[json!({"phone": "14155550501", "first": "Ann", "tags": [{"tag_id": 11}]})],
    );
    wd.create(
        "people.csv",
        &[
            vec!["First Name", "Mobile", "Tags"],
            vec!["Ann", "(415) 555-0501", "Lead"],
            vec!["Bo", "(415) 555-05O2", "Lead"],
        ],
    );
    let out = wd.run(&["import", "people.csv", "--tags", "replace", "--no-channels"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).ends_with(
            "fix people.errors.csv and run: hmbulk import people.errors.csv --tags replace \
             --no-channels\n"
        ),
        "{}",
        stderr(&out)
    );
    // Fixed (a letter O for a zero), and run as the line says.
    let errors = wd.read("people.errors.csv").replace("05O2", "0502");
    std::fs::write(wd.path("people.errors.csv"), errors).unwrap();
    let words = fix_command(&out);
    let args: Vec<&str> = words.iter().map(String::as_str).collect();
    let again = wd.run(&args);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(
        !stderr(&again).contains("and run:"),
        "nothing failed: no such line"
    );
    let bo = stored(&wd, "14155550502");
    assert_eq!((&bo["first"], &bo["tags"]), (&json!("Bo"), &json!([16])));
    assert_eq!(stored(&wd, "14155550501")["tags"], json!([16]), "replaced");

    // status: the same, with the status it was asked for.
    wd.create(
        "stop.csv",
        &[
            vec!["Phone"],
            vec!["(415) 555-0501"],
            vec!["(415) 555-0599"],
        ],
    );
    let out = wd.run(&["status", "stop.csv", "--set", "STOP"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        fix_command(&out),
        ["status", "stop.status.errors.csv", "--set", "unsubscribed"]
    );
}
