//! `unchanged` (issue 10): a row whose contact already holds every field it
//! sets is reported `unchanged` and not written — a re-import of the same
//! file writes nothing and leaves every contact's `rev` and `updated` as
//! they were (the simulator bumps both on every write, even one that
//! changes nothing), so the next nightly `export --state` exports nothing.
//! Each kind of field is compared the way the API reads it back: custom
//! fields keyed by id as text, tags as a set, the display name left to its
//! default, the assignee by member id, the opt-out flag.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::api::requests;
use crate::test_import::{as_refs, clean_rows, digits, phone};
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

const WRITE: &str = "POST /v2/contacts";
const SEARCH: &str = "POST /v2/contacts/search";

/// A file that sets every kind of field: names (a display name on odd
/// rows, the default on even ones), email, two custom fields (one left
/// blank on every third row), tags (in either order, none on every fourth
/// row), the opt-out flag and the owner.
pub fn rich_rows(n: usize) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "First Name",
            "Last Name",
            "Display Name",
            "Mobile",
            "E-mail",
            "Company",
            "Loyalty Tier",
            "Tags",
            "Opted Out",
            "Owner",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for i in 0..n {
        rows.push(vec![
            format!("First{i}"),
            format!("Last{i}"),
            if i % 2 == 1 {
                format!("Display {i}")
            } else {
                String::new()
            },
            phone(i),
            format!("p{i}@example.com"),
            format!("Acme {i}"),
            if i % 3 == 0 {
                String::new()
            } else {
                "Gold".into()
            },
            match i % 4 {
                0 => String::new(),
                1 => "VIP;Newsletter".into(),
                2 => "Newsletter;VIP".into(),
                _ => "Spring Sale".into(),
            },
            if i % 5 == 0 { "yes" } else { "no" }.into(),
            if i % 2 == 0 {
                "Dana Scully"
            } else {
                "Fox Mulder"
            }
            .into(),
        ]);
    }
    rows
}

/// `(rev, updated)` of every stored contact, by phone.
pub fn revisions(wd: &Workdir) -> BTreeMap<String, (Value, Value)> {
    wd.sim()
        .contacts()
        .into_iter()
        .map(|c| {
            (
                c["phone"].as_str().unwrap().to_string(),
                (c["rev"].clone(), c["updated"].clone()),
            )
        })
        .collect()
}

/// A change to a file: data row, column, new value, and what the stored
/// contact must then hold.
type Change = (usize, usize, &'static str, fn(&Value) -> bool);

fn writes(wd: &Workdir) -> u64 {
    wd.sim().stats()["writes"].as_u64().unwrap()
}

fn actions(wd: &Workdir, stem: &str) -> Vec<String> {
    column(&wd.read_csv(&format!("{stem}.results.csv")), "action")
}

#[test]
fn reimporting_the_same_file_writes_nothing_and_every_row_is_unchanged() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create("people.csv", &as_refs(&rich_rows(30)));
    let args = ["import", "people.csv", "--batch-size", "7"];
    let out = wd.run(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(actions(&wd, "people"), vec!["created"; 30]);
    let before = revisions(&wd);
    let (writes_before, calls_before) = (writes(&wd), requests(&wd, WRITE));
    let searches_before = requests(&wd, SEARCH);

    for mode in ["upsert", "update"] {
        let out = wd.run(&[&args[..], &["--mode", mode]].concat());
        assert_eq!(code(&out), 0, "{mode}: {}", stderr(&out));
        assert_each_row_once(&wd, "people", 30);
        assert_eq!(actions(&wd, "people"), vec!["unchanged"; 30], "{mode}");
        let summary = wd.read_json("people.summary.json");
        assert_eq!(summary["unchanged"], 30);
        assert_eq!(summary["updated"], 0);
        assert!(stderr(&out).contains("30 unchanged"), "{}", stderr(&out));
        let uuids = column(&wd.read_csv("people.results.csv"), "uuid");
        assert!(uuids.iter().all(|u| u.len() == 36), "{uuids:?}");
    }
    assert_eq!(writes(&wd), writes_before, "no contact written");
    assert_eq!(requests(&wd, WRITE), calls_before, "no write call at all");
    assert_eq!(
        requests(&wd, SEARCH) - searches_before,
        2 * 5,
        "one search a batch of 7"
    );
    assert_eq!(revisions(&wd), before, "no rev or updated changed");
}

#[test]
fn a_row_with_one_changed_field_is_updated_and_the_others_unchanged() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let mut rows = rich_rows(16);
    wd.create("people.csv", &as_refs(&rows));
    let out = wd.run(&["import", "people.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let before = revisions(&wd);

    let changes: [Change; 9] = [
        (0, 0, "Ada", |c| {
            c["first"] == "Ada" && c["display_name"] == "Ada Last0"
        }),
        (1, 1, "King", |c| {
            c["last"] == "King" && c["display_name"] == "Display 1"
        }),
        (3, 2, "The Countess", |c| {
            c["display_name"] == "The Countess"
        }),
        (4, 4, "new4@example.com", |c| {
            c["email"] == "new4@example.com"
        }),
        (5, 5, "Initech", |c| c["custom"]["101"] == "Initech"),
        (6, 6, "Platinum", |c| c["custom"]["103"] == "Platinum"),
        // Added to its Spring Sale (14): `--tags add` is the default.
        (7, 7, "VIP", |c| c["tags"] == json!([14, 11])),
        (8, 8, "yes", |c| c["is_opted_out"] == true),
        (9, 9, "Walter Skinner", |c| c["assigned_user_id"] == 503),
    ];
    for (row, col, value, _) in &changes {
        rows[row + 1][*col] = value.to_string();
    }
    // Changes that change nothing: tags in the other order, a blank
    // display name (left to its default), a blank custom field (kept).
    rows[2 + 1][7] = "VIP;Newsletter".into();
    rows[11 + 1][2] = String::new();
    rows[13 + 1][6] = String::new();
    wd.create("people.csv", &as_refs(&rows));
    let out = wd.run(&["import", "people.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "people", 16);
    let got = actions(&wd, "people");
    let after = revisions(&wd);
    let store = wd.sim().contacts();
    assert_eq!(got.len(), 16);
    for (i, action) in got.iter().enumerate() {
        let changed = changes.iter().find(|c| c.0 == i);
        let want = if changed.is_some() {
            "updated"
        } else {
            "unchanged"
        };
        assert_eq!(action, want, "row {}", i + 1);
        let p = digits(i);
        let c = store.iter().find(|c| c["phone"] == p).unwrap();
        if let Some((_, _, _, holds)) = changed {
            assert!(holds(c), "row {}: {c}", i + 1);
            assert_eq!(after[&p].0, 2, "written once: {c}");
        } else {
            assert_eq!(after[&p], before[&p], "row {} not written", i + 1);
        }
    }
    let summary = wd.read_json("people.summary.json");
    assert_eq!(
        (&summary["updated"], &summary["unchanged"]),
        (&json!(9), &json!(7))
    );

    // --blank clear: clearing a field that is set is a change; clearing
    // one that was never set (row 1 has no tier) is not.
    wd.create(
        "cleared.csv",
        &[
            vec!["Mobile", "Loyalty Tier"],
            vec![&phone(0), ""],
            vec![&phone(1), ""],
        ],
    );
    let out = wd.run(&["import", "cleared.csv", "--blank", "clear"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(actions(&wd, "cleared"), ["unchanged", "updated"]);
    let c = wd.sim().contacts();
    let tier = |i: usize| {
        c.iter().find(|c| c["phone"] == digits(i)).unwrap()["custom"]
            .get("103")
            .cloned()
    };
    assert_eq!((tier(0), tier(1)), (None, None));
}

#[test]
fn reimporting_an_export_changes_nothing() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create("people.csv", &as_refs(&rich_rows(20)));
    assert_eq!(code(&wd.run(&["import", "people.csv"])), 0);
    let out = wd.run(&["export", "--out", "all.csv", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let (before, calls) = (revisions(&wd), requests(&wd, WRITE));
    let out = wd.run(&["import", "all.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "all", 20);
    assert_eq!(actions(&wd, "all"), vec!["unchanged"; 20]);
    assert_eq!(requests(&wd, WRITE), calls);
    assert_eq!(revisions(&wd), before);
}

#[test]
fn a_nightly_export_after_an_unchanged_reimport_exports_nothing() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    // The file's contacts, stored long ago exactly as the file has them.
    let rows = clean_rows(40);
    let seed: Vec<Value> = rows[1..]
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({"phone": digits(i), "first": r[0], "last": r[1], "email": r[3],
                   "updated": "2020-06-01T12:00:00Z"})
        })
        .collect();
    wd.sim().seed(&seed, false);
    let nightly = |name: &str| {
        let out = wd.run(&[
            "export",
            "--out",
            name,
            "--state",
            "nightly.json",
            "--rate",
            "0",
        ]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        column(&wd.read_csv(name), "phone")
    };
    assert_eq!(nightly("night1.csv").len(), 40);

    wd.create("people.csv", &as_refs(&rows));
    let out = wd.run(&["import", "people.csv", "--batch-size", "15"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(actions(&wd, "people"), vec!["unchanged"; 40]);
    for (phone, (rev, updated)) in revisions(&wd) {
        assert_eq!(
            (rev, updated),
            (json!(1), json!("2020-06-01T12:00:00Z")),
            "{phone}"
        );
    }
    assert!(nightly("night2.csv").is_empty(), "nothing changed");

    // One row changed: the next night exports that contact alone.
    let mut rows = rows;
    rows[8][1] = "Changed".into();
    wd.create("people.csv", &as_refs(&rows));
    let out = wd.run(&["import", "people.csv", "--batch-size", "15"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(wd.read_json("people.summary.json")["updated"], 1);
    assert_eq!(nightly("night3.csv"), [digits(7)]);
}
