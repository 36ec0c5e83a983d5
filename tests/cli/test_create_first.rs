//! Create first (issue 10): a batch of new contacts costs one request once
//! the API has refused a create whose phone exists (the probe); the creates
//! it refuses are searched, compared and updated only if changed; upsert
//! searches first again once a batch met existing contacts; `--mode create`
//! takes a refusal as `skipped` without a search; `--search-first` is the
//! old way. Request counts come from the simulator's counters. Under the
//! simulator's other readings of the unknown (`existing_phone: duplicate`
//! or `update`), the run never creates first and the store ends with each
//! phone once. A stop between a batch's creates and its follow-up (the
//! search, or the update) resumes to the reports of a run never stopped.

use heymarket_sim::{ExistingPhone, SimConfig};
use serde_json::{Value, json};

use crate::api::requests;
use crate::hostile::{Hostile, Reply};
use crate::test_hostile::run_at;
use crate::test_import::{as_refs, clean_rows, digits, store_phones};
use crate::test_resume::sorted_phones;
use crate::test_unchanged::revisions;
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

const WRITE: &str = "POST /v2/contacts";
const SEARCH: &str = "POST /v2/contacts/search";

/// `(searches, write calls)` the simulator has taken.
fn calls(wd: &Workdir) -> (u64, u64) {
    (requests(wd, SEARCH), requests(wd, WRITE))
}

/// Seed contact `i` of [`clean_rows`] as the file has it (or with another
/// first name when `changed`), stored long ago.
fn seed_rows(wd: &Workdir, which: impl IntoIterator<Item = (usize, bool)>) {
    let seed: Vec<Value> = which
        .into_iter()
        .map(|(i, changed)| {
            let first = if changed {
                format!("Old{i}")
            } else {
                format!("First{i}")
            };
            json!({"phone": digits(i), "first": first, "last": format!("Last{i}"),
                   "email": format!("p{i}@example.com"), "updated": "2020-06-01T12:00:00Z"})
        })
        .collect();
    wd.sim().seed(&seed, false);
}

/// `import people.csv` with one worker, in batches of `batch`, and `more`.
fn serial<'a>(batch: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "import",
        "people.csv",
        "--batch-size",
        batch,
        "--concurrency",
        "1",
    ];
    args.extend_from_slice(more);
    args
}

fn actions(wd: &Workdir) -> Vec<String> {
    column(&wd.read_csv("people.results.csv"), "action")
}

#[test]
fn a_file_of_new_contacts_costs_one_request_a_batch() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create("people.csv", &as_refs(&clean_rows(2000)));
    let out = wd.run(&["import", "people.csv", "--batch-size", "200"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "people", 2000);
    assert_eq!(actions(&wd), vec!["created"; 2000]);
    // 10 batches: the first searched (it leads), the probe, then one
    // create call a batch.
    assert_eq!(calls(&wd), (1, 10 + 1));
    assert_eq!(store_phones(&wd), sorted_phones(2000), "each stored once");
    assert_eq!(wd.sim().stats()["writes"], 2000);
    let summary = wd.read_json("people.summary.json");
    assert_eq!(
        summary["requests"],
        1 + 1 + 11,
        "the credential check (the file needs no fields, tags or team), search, writes"
    );
    assert_eq!(summary["notes"], json!([]));

    // --search-first: a search and a write a batch, as before.
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create("people.csv", &as_refs(&clean_rows(2000)));
    let out = wd.run(&[
        "import",
        "people.csv",
        "--batch-size",
        "200",
        "--search-first",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(actions(&wd), vec!["created"; 2000]);
    assert_eq!(calls(&wd), (10, 10));
}

#[test]
fn a_mixed_file_is_searched_first_where_it_meets_existing_contacts() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let n = 120;
    // Interleaved: every other row exists, one in ten of them changed.
    seed_rows(&wd, (0..n).step_by(2).map(|i| (i, i % 20 == 0)));
    wd.create("people.csv", &as_refs(&clean_rows(n)));
    let before = revisions(&wd);
    let args = serial("20", &[]);
    let out = wd.run(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "people", n);
    let got = actions(&wd);
    for (i, action) in got.iter().enumerate() {
        let want = match (i % 2, i % 20) {
            (1, _) => "created",
            (_, 0) => "updated",
            _ => "unchanged",
        };
        assert_eq!(action, want, "row {}", i + 1);
    }
    // Every batch meets existing contacts: searched first, one write each.
    assert_eq!(calls(&wd), (6, 6));
    assert_eq!(store_phones(&wd), sorted_phones(n));
    let after = revisions(&wd);
    for (p, (rev, _)) in &before {
        let changed = (0..n).step_by(20).any(|i| digits(i) == *p);
        assert_eq!(after[p].0, if changed { 2 } else { 1 }, "{p} {rev}");
    }

    // In blocks: the existing half first, then the new half, created first.
    let wd = Workdir::with_sim(Workdir::sim_config());
    seed_rows(&wd, (0..60).map(|i| (i, i == 45)));
    wd.create("people.csv", &as_refs(&clean_rows(n)));
    let out = wd.run(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let got = actions(&wd);
    assert_eq!(got[45], "updated");
    assert_eq!(got[..60].iter().filter(|a| *a == "unchanged").count(), 59);
    assert_eq!(&got[60..], vec!["created"; 60]);
    // Batches 1-4 searched (1-3 meet existing contacts, 3 updates one; 4
    // meets none and creates its rows), the probe, batches 5-6 created
    // first.
    assert_eq!(calls(&wd), (4, 1 + 1 + 1 + 2));
    assert_eq!(store_phones(&wd), sorted_phones(n));
}

#[test]
fn create_first_meets_existing_contacts_compares_and_updates_only_the_changed() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    // Batch 1 new (it leads); batch 2 (rows 11-20), sent create first,
    // holds three existing contacts, one of them changed.
    seed_rows(&wd, [(12, false), (15, true), (18, false)]);
    wd.create("people.csv", &as_refs(&clean_rows(30)));
    let out = wd.run(&serial("10", &[]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "people", 30);
    let got = actions(&wd);
    assert_eq!(
        (got[12].as_str(), got[15].as_str(), got[18].as_str()),
        ("unchanged", "updated", "unchanged")
    );
    assert_eq!(got.iter().filter(|a| *a == "created").count(), 27);
    // Batch 1: search + write; the probe; batch 2: creates, a search of
    // the 3 refused, the update; batch 3 (after a batch that met
    // existing contacts): search + write.
    assert_eq!(calls(&wd), (1 + 1 + 1, 1 + 1 + 2 + 1));
    let revs = revisions(&wd);
    assert_eq!(
        (&revs[&digits(12)].0, &revs[&digits(15)].0),
        (&json!(1), &json!(2))
    );
    assert_eq!(store_phones(&wd), sorted_phones(30));
}

#[test]
fn create_mode_skips_existing_phones_without_a_search() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    seed_rows(&wd, [(11, true), (14, false), (25, true)]);
    let seeded: Vec<(String, String)> = wd
        .sim()
        .contacts()
        .iter()
        .map(|c| {
            (
                c["phone"].as_str().unwrap().into(),
                c["uuid"].as_str().unwrap().into(),
            )
        })
        .collect();
    let before = revisions(&wd);
    wd.create("people.csv", &as_refs(&clean_rows(30)));
    let args = serial("10", &["--mode", "create"]);
    let out = wd.run(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "people", 30);
    let results = wd.read_csv("people.results.csv");
    let got = column(&results, "action");
    let uuids = column(&results, "uuid");
    for (phone, uuid) in &seeded {
        let i = (0..30).find(|&i| digits(i) == *phone).unwrap();
        assert_eq!(got[i], "skipped", "row {}", i + 1);
        assert_eq!(&uuids[i], uuid, "the contact the refusal names");
    }
    assert_eq!(got.iter().filter(|a| *a == "created").count(), 27);
    // Only the first batch was searched; batches 2 and 3 went create first
    // (after the probe) and took their refusals as skipped.
    assert_eq!(calls(&wd), (1, 1 + 1 + 2));
    let after = revisions(&wd);
    for (phone, _) in &seeded {
        assert_eq!(after[phone], before[phone], "not touched");
    }
}

#[test]
fn update_mode_never_creates_and_writes_only_what_changed() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    seed_rows(&wd, (0..20).map(|i| (i, i % 5 == 0)));
    wd.create("people.csv", &as_refs(&clean_rows(25)));
    let out = wd.run(&[
        "import",
        "people.csv",
        "--mode",
        "update",
        "--batch-size",
        "10",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let got = actions(&wd);
    assert_eq!(got.iter().filter(|a| *a == "updated").count(), 4);
    assert_eq!(got.iter().filter(|a| *a == "unchanged").count(), 16);
    assert_eq!(&got[20..], vec!["skipped"; 5]);
    assert_eq!(
        calls(&wd),
        (3, 2),
        "a search a batch, a write where one changed"
    );
    assert_eq!(wd.sim().contacts().len(), 20);
}

/// Under `existing` (an API that does not refuse a create whose phone
/// exists), 50 new contacts, then the same file again with 10 more; gives
/// the first run's notes.
fn under(existing: ExistingPhone) -> (Workdir, String) {
    let wd = Workdir::with_sim(SimConfig {
        existing_phone: existing,
        ..Workdir::sim_config()
    });
    let args = serial("10", &[]);
    wd.create("people.csv", &as_refs(&clean_rows(50)));
    let out = wd.run(&args);
    assert_eq!(code(&out), 0, "{existing:?}: {}", stderr(&out));
    assert_eq!(actions(&wd), vec!["created"; 50]);
    // Every batch searched: no create first after the probe.
    assert_eq!(calls(&wd), (5, 5 + 1), "{existing:?}");
    assert_eq!(store_phones(&wd), sorted_phones(50), "each phone once");
    let notes = wd.read_json("people.summary.json")["notes"].to_string();

    // Again, with 10 more: every batch meets existing contacts but the
    // last, which is searched first too (the probe already failed).
    wd.create("people.csv", &as_refs(&clean_rows(60)));
    let out = wd.run(&args);
    assert_eq!(code(&out), 0, "{existing:?}: {}", stderr(&out));
    let got = actions(&wd);
    assert_eq!(&got[..50], vec!["unchanged"; 50]);
    assert_eq!(&got[50..], vec!["created"; 10]);
    assert_eq!(store_phones(&wd), sorted_phones(60), "each phone once");
    (wd, notes)
}

#[test]
fn an_api_that_duplicates_an_existing_phone_never_gets_a_create_first_batch() {
    let (wd, note) = under(ExistingPhone::Duplicate);
    // The probe's duplicate was deleted at once.
    assert_eq!(wd.sim().stats()["deleted"], 1);
    assert!(note.contains("stored a second contact"), "{note}");
    assert!(note.contains("deleted that contact"), "{note}");
}

#[test]
fn an_api_that_takes_an_existing_phone_as_an_update_never_gets_a_create_first_batch() {
    let (wd, note) = under(ExistingPhone::Update);
    assert_eq!(wd.sim().stats()["deleted"], 0);
    assert!(note.contains("as an update"), "{note}");
}

/// A proxy in front of the simulator: the search after batch 2's creates
/// (`stop_at`: "search") or its update (`"update"`) never gets through,
/// nor anything after it.
fn stopping(wd: &Workdir, stop_at: &'static str) -> Hostile {
    Hostile::proxy(wd.sim().url(), move |r, up| {
        let down = Reply::Json(500, r#"{"error":"down"}"#.into());
        match (r.route().as_str(), r.nth, stop_at) {
            (SEARCH, n, "search") if n >= 1 => down,
            // Writes: batch 1, the probe, batch 2's creates, its update.
            (WRITE, 3, "update") => {
                up.forward(r);
                Reply::Hangup
            }
            (WRITE, n, "update") if n > 3 => down,
            (WRITE, n, "search") if n > 2 => down,
            _ => up.reply(r),
        }
    })
}

#[test]
fn a_stop_between_the_creates_and_their_follow_up_resumes_as_if_never_stopped() {
    for stop_at in ["search", "update"] {
        let wd = Workdir::with_sim(Workdir::sim_config());
        // Batch 2 (rows 4-6): row 4 exists changed, row 5 as it is (and
        // created moments before the run, so only the journal can tell
        // that the run did not create it).
        seed_rows(&wd, [(3, true)]);
        let row5 = json!({"phone": digits(4), "first": "First4", "last": "Last4",
                          "email": "p4@example.com"});
        wd.sim().seed(&[row5], false);
        wd.create("people.csv", &as_refs(&clean_rows(9)));
        let args = serial("3", &["--retries", "1"]);
        let server = stopping(&wd, stop_at);
        let run = run_at(&wd, &server, &args);
        assert_eq!(run.code(), 3, "{stop_at}: {}", run.stderr());
        assert_each_row_once(&wd, "people", 9);
        let codes = column(&wd.read_csv("people.errors.csv"), "_error_code");
        let rows = column(&wd.read_csv("people.errors.csv"), "_row");
        match stop_at {
            // Rows 4 and 5, refused as existing, never searched.
            "search" => {
                assert_eq!(rows, ["4", "5", "7", "8", "9"]);
                assert_eq!(codes, ["not_sent"; 5]);
            }
            // Row 4's update was stored, its answer lost; row 5 unchanged.
            _ => {
                assert_eq!(rows, ["4", "7", "8", "9"]);
                assert_eq!(codes, ["unconfirmed", "not_sent", "not_sent", "not_sent"]);
            }
        }

        let out = wd.run(&[&args[..], &["--rate", "0", "--resume"]].concat());
        assert_eq!(code(&out), 0, "{stop_at}: {}", stderr(&out));
        assert_each_row_once(&wd, "people", 9);
        let want = [
            "created",
            "created",
            "created",
            "updated",
            "unchanged",
            "created",
            "created",
            "created",
            "created",
        ];
        assert_eq!(actions(&wd), want, "{stop_at}");
        assert_eq!(store_phones(&wd), sorted_phones(9));
        let revs = revisions(&wd);
        for i in 0..9 {
            let rev = if i == 3 { 2 } else { 1 };
            assert_eq!(
                revs[&digits(i)].0,
                rev,
                "{stop_at}: row {} written once",
                i + 1
            );
        }
        let c = wd.sim().contacts();
        let row4 = c.iter().find(|c| c["phone"] == digits(3)).unwrap();
        assert_eq!(row4["first"], "First3");
    }
}
