//! `hmbulk delete`: a preview, no deletion off a terminal without `--yes`,
//! `--dry-run` reports, and exactly the contacts asked for deleted — by
//! phone, id or uuid — in `DELETE /v2/contacts` calls of the batch size.

use heymarket_sim::SimConfig;
use serde_json::{Value, json};

use crate::api::{requests, seed};
use crate::test_import::as_refs;
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

/// Seeds contacts `+1 415 555 02NN` for `n` in `0..count`; gives them.
fn people(wd: &Workdir, count: usize) -> Vec<Value> {
    let contacts: Vec<Value> = (0..count)
        .map(|n| json!({"phone": format!("141555502{n:02}"), "first": format!("P{n}")}))
        .collect();
    seed(wd, &contacts)
}

fn phones(wd: &Workdir) -> Vec<String> {
    let mut phones: Vec<String> = wd
        .sim()
        .contacts()
        .iter()
        .map(|c| c["phone"].as_str().unwrap().to_string())
        .collect();
    phones.sort();
    phones
}

/// A file naming contacts 1 (phone), 3 (id) and 4 (uuid), a phone no
/// contact has, and contact 1 again by its uuid.
fn leavers(wd: &Workdir, stored: &[Value]) {
    let id3 = stored[3]["id"].to_string();
    let uuid4 = stored[4]["uuid"].as_str().unwrap();
    let uuid1 = stored[1]["uuid"].as_str().unwrap();
    wd.create(
        "leavers.csv",
        &[
            vec!["Phone", "id", "uuid", "Reason"],
            vec!["(415) 555-0201", "", "", "left"],
            vec!["", &id3, "", "asked"],
            vec!["", "", uuid4, ""],
            vec!["+1 415 555 0299", "", "", "typo"],
            vec!["", "", uuid1, "twice"],
        ],
    );
}

#[test]
fn off_a_terminal_without_yes_nothing_is_deleted() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let stored = people(&wd, 6);
    leavers(&wd, &stored);
    let before = wd.sim().contacts();
    let out = wd.run(&["delete", "leavers.csv"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("3 contacts would be deleted permanently"),
        "{said}"
    );
    assert!(said.contains("1 row names no contact"), "{said}");
    assert!(said.contains("14155550201"), "a sample: {said}");
    assert!(said.contains("nothing was deleted"), "{said}");
    assert!(said.contains("--yes"), "{said}");
    assert_eq!(wd.sim().contacts(), before);
    assert_eq!(requests(&wd, "DELETE /v2/contacts"), 0);
    assert!(
        !wd.path("leavers.delete.results.csv").exists(),
        "no reports"
    );
}

#[test]
fn dry_run_reports_what_would_go_and_deletes_nothing() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let stored = people(&wd, 6);
    leavers(&wd, &stored);
    let before = wd.sim().contacts();
    let out = wd.run(&["delete", "leavers.csv", "--dry-run"]);
    assert_eq!(code(&out), 1, "a row names no contact: {}", stderr(&out));
    assert_eq!(wd.sim().contacts(), before);
    assert_each_row_once(&wd, "leavers.delete", 5);
    let results = wd.read_csv("leavers.delete.results.csv");
    assert_eq!(column(&results, "action"), ["valid"; 3]);
    assert_eq!(
        column(&results, "phone"),
        ["14155550201", "14155550203", "14155550204"]
    );
    assert_eq!(column(&results, "name"), ["P1", "P3", "P4"]);
    let errors = wd.read_csv("leavers.delete.errors.csv");
    assert_eq!(
        column(&errors, "_error_code"),
        ["not_found", "duplicate_in_file"]
    );
    assert_eq!(column(&errors, "Reason"), ["typo", "twice"]);
}

#[test]
fn yes_deletes_exactly_the_contacts_named() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let stored = people(&wd, 6);
    leavers(&wd, &stored);
    let out = wd.run(&["delete", "leavers.csv", "--yes", "--batch-size", "2"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        phones(&wd),
        ["14155550200", "14155550202", "14155550205"],
        "the others are untouched"
    );
    assert_eq!(
        requests(&wd, "DELETE /v2/contacts"),
        2,
        "3 contacts, 2 per call"
    );
    assert_each_row_once(&wd, "leavers.delete", 5);
    let results = wd.read_csv("leavers.delete.results.csv");
    assert_eq!(column(&results, "action"), ["deleted"; 3]);
    assert_eq!(column(&results, "row"), ["1", "2", "3"]);
    let summary = wd.read_json("leavers.delete.summary.json");
    assert_eq!(summary["deleted"], 3);
    assert_eq!(summary["errors_by_code"]["not_found"], 1);

    // The error report, fed back: the missing one is still missing and
    // the duplicate's contact is gone now.
    let out = wd.run(&["delete", "leavers.delete.errors.csv", "--yes"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let errors = wd.read_csv("leavers.delete.errors.delete.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["not_found", "not_found"]);
    assert_eq!(phones(&wd).len(), 3);
}

#[test]
fn a_file_that_names_everything_found_exits_0() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    people(&wd, 3);
    wd.create(
        "all.csv",
        &[vec!["mobile"], vec!["415 555 0200"], vec!["415-555-0202"]],
    );
    let out = wd.run(&["delete", "all.csv", "-y", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["deleted"], 2);
    assert_eq!(phones(&wd), ["14155550201"]);
    assert_eq!(wd.sim().stats()["deleted"], 2);
}

#[test]
fn an_api_that_goes_down_deletes_nothing_and_reports_every_row() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let stored = people(&wd, 6);
    leavers(&wd, &stored);
    wd.sim().set_faults(&json!({"fail_rate": 1.0}));
    let out = wd.run(&["delete", "leavers.csv", "--yes", "--retries", "0"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    wd.sim().set_faults(&json!({"fail_rate": 0.0}));
    assert_eq!(phones(&wd).len(), 6, "nothing deleted");
    assert_eq!(requests(&wd, "DELETE /v2/contacts"), 0);
    assert_each_row_once(&wd, "leavers.delete", 5);
    let errors = wd.read_csv("leavers.delete.errors.csv");
    assert!(
        column(&errors, "_error_code")
            .iter()
            .all(|c| c == "not_sent"),
        "{errors:?}"
    );
}

#[test]
fn an_api_taking_fewer_per_call_is_met_by_splitting_and_remembered() {
    let wd = Workdir::with_sim(SimConfig {
        max_batch: 3,
        ..Workdir::sim_config()
    });
    people(&wd, 16);
    let mut rows = vec![vec!["phone".to_string()]];
    rows.extend((0..16).map(|n| vec![format!("+1 415 555 02{n:02}")]));
    let rows = as_refs(&rows);
    wd.create("all.csv", &rows);
    let out = wd.run(&["delete", "all.csv", "--yes", "--batch-size", "8"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(phones(&wd).is_empty());
    assert_each_row_once(&wd, "all.delete", 16);
    // 8 refused, 4 + 4 refused, 2 + 2 + 2 + 2 deleted: from then on 2 a call.
    assert_eq!(requests(&wd, "DELETE /v2/contacts"), 7 + 4);
}
