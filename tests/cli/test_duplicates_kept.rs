//! Duplicate rows stay duplicates (issue 21): the error report remembers
//! why a `duplicate_in_file` row is there (a mark at the end of its
//! `_error`), so importing the report as it is — after fixing another row —
//! reports that row again, naming the original row, and does not write it
//! over the contact its first row made; a row the person changed is
//! imported. A spreadsheet rewriting the phone's spelling changes nothing.

use serde_json::{Value, json};

use crate::test_import::as_refs;
use crate::workdir::{Workdir, code, column, stderr};

fn ada(wd: &Workdir) -> Value {
    (wd.sim().contacts().into_iter())
        .find(|c| c["phone"] == "14155550301")
        .expect("Ada is stored")
}

fn writes(wd: &Workdir) -> u64 {
    wd.sim().stats()["writes"].as_u64().unwrap()
}

/// Rows of an error report, header first, with `edit` applied to the
/// data row whose `_row` is `row`.
fn edited(
    wd: &Workdir,
    name: &str,
    row: &str,
    edit: impl Fn(&mut Vec<String>, &[String]),
) -> Vec<Vec<String>> {
    let mut rows = wd.read_csv(name);
    let header = rows[0].clone();
    let at = header.iter().position(|h| h == "_row").unwrap();
    for r in rows.iter_mut().skip(1).filter(|r| r[at] == row) {
        edit(r, &header);
    }
    rows
}

fn set(r: &mut [String], header: &[String], column: &str, value: &str) {
    let i = header.iter().position(|h| h == column).unwrap();
    r[i] = value.to_string();
}

#[test]
fn an_unchanged_duplicate_row_of_an_error_report_is_reported_again_not_written() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "people.csv",
        &[
            vec!["First Name", "Mobile", "Email", "Tags"],
            vec!["Ada", "(415) 555-0301", "ada@example.com", "VIP"],
            vec!["Ada", "+1 415 555 0301", "ada@old.example", "Newsletter"],
            vec!["Bo", "not a phone", "bo@example.com", ""],
        ],
    );
    let out = wd.run(&["import", "people.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let errors = wd.read_csv("people.errors.csv");
    assert_eq!(
        column(&errors, "_error_code"),
        ["duplicate_in_file", "phone_invalid"]
    );
    let why = &column(&errors, "_error")[0];
    assert!(
        why.contains("imported again as it is, this row is reported again"),
        "{why}"
    );
    assert!(why.contains("(duplicate of row 1, check "), "{why}");
    assert_eq!(ada(&wd)["email"], "ada@example.com");

    // Bo's phone fixed; Ada's second row left as it was: it is reported
    // again, naming row 1, and Ada keeps what row 1 gave her.
    let fixed = edited(&wd, "people.errors.csv", "3", |r, h| {
        set(r, h, "Mobile", "(415) 555-0302")
    });
    wd.create("people.errors.csv", &as_refs(&fixed));
    let before = writes(&wd);
    let out = wd.run(&["import", "people.errors.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(writes(&wd) - before, 1, "Bo created, Ada not written");
    assert_eq!(wd.read_json("people.errors.summary.json")["duplicates"], 1);
    let again = wd.read_csv("people.errors.errors.csv");
    assert_eq!(column(&again, "_error_code"), ["duplicate_in_file"]);
    assert_eq!(column(&again, "_row"), ["1"]);
    let why = &column(&again, "_error")[0];
    assert!(
        why.starts_with(
            "this row was reported as a duplicate of row 1 of the file this error report came from"
        ),
        "{why}"
    );
    let a = ada(&wd);
    assert_eq!(
        (&a["email"], &a["tags"]),
        (&json!("ada@example.com"), &json!([11]))
    );
    assert_eq!(
        column(&wd.read_csv("people.errors.results.csv"), "source_row"),
        ["3"]
    );

    // Its own error report, as it is (a spreadsheet re-spelled the phone
    // on the way): still held; a dry run says so too.
    let respelled = edited(&wd, "people.errors.errors.csv", "1", |r, h| {
        set(r, h, "Mobile", "14155550301")
    });
    wd.create("held.csv", &as_refs(&respelled));
    let out = wd.run(&["validate", "held.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        column(&wd.read_csv("held.errors.csv"), "_error_code"),
        ["duplicate_in_file"]
    );
    let out = wd.run(&["import", "held.csv", "--on-duplicate", "skip"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        column(&wd.read_csv("held.results.csv"), "action"),
        ["skipped"]
    );
    assert_eq!(ada(&wd)["email"], "ada@example.com");

    // The person changes the row: now it is theirs to import.
    let changed = edited(&wd, "people.errors.errors.csv", "1", |r, h| {
        set(r, h, "Email", "ada@new.example")
    });
    wd.create("people.errors.errors.csv", &as_refs(&changed));
    let out = wd.run(&["import", "people.errors.errors.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let a = ada(&wd);
    assert_eq!(a["email"], "ada@new.example");
    assert_eq!(a["tags"], json!([11, 12]), "Newsletter added to her VIP");
}
