//! Nothing claimed without confirmation (issue 9, defect 3): a write whose
//! answer does not name the row's contact — `{}`, wrong types, a contact of
//! another phone, half a list — or whose answer was lost is `unconfirmed`,
//! never `created`/`updated` and never `not_sent`. A scripted proxy
//! (tests/hostile) stands in front of the simulator, so each write is
//! stored for real and only its answer is scripted: the tests check the
//! row outcomes against the store, and that importing again settles them.

use serde_json::{Value, json};

use crate::hostile::{Hostile, Reply};
use crate::test_hostile::{assert_ends, run_at};
use crate::test_import::{as_refs, clean_rows, digits, store_phones};
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

fn phones(range: std::ops::Range<usize>) -> Vec<String> {
    let mut p: Vec<String> = range.map(digits).collect();
    p.sort();
    p
}

/// A proxy to the workdir's simulator that stores every `/v2/contacts`
/// write and answers it with `answer(the real answer)`.
fn answering(wd: &Workdir, answer: fn(Value) -> String) -> Hostile {
    Hostile::proxy(wd.sim().url(), move |r, up| match r.route().as_str() {
        "POST /v2/contacts" => Reply::Json(200, answer(up.json(r))),
        _ => up.reply(r),
    })
}

fn codes_and_rows(wd: &Workdir) -> (Vec<String>, Vec<String>) {
    let errors = wd.read_csv("people.errors.csv");
    (column(&errors, "_error_code"), column(&errors, "_row"))
}

#[test]
fn a_write_answered_with_an_empty_object_is_unconfirmed_and_importing_again_settles_it() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    // Row 1's contact exists, with another first name: its write is an update.
    wd.create("people.csv", &as_refs(&clean_rows(1)));
    assert_eq!(code(&wd.run(&["import", "people.csv", "--rate", "0"])), 0);
    let mut rows = clean_rows(3);
    rows[1][0] = "Renamed".into();
    wd.create("people.csv", &as_refs(&rows));

    let server = answering(&wd, |_| "{}".into());
    let run = run_at(&wd, &server, &["import", "people.csv"]);
    assert_ends(&run, 1, "0 ok");
    assert_each_row_once(&wd, "people", 3);
    let (codes, rows) = codes_and_rows(&wd);
    assert_eq!(codes, ["unconfirmed"; 3]);
    assert_eq!(rows, ["1", "2", "3"]);
    let messages = column(&wd.read_csv("people.errors.csv"), "_error");
    assert!(
        messages[0].contains("may or may not be stored"),
        "{messages:?}"
    );
    assert_eq!(store_phones(&wd), phones(0..3), "the writes were stored");

    // Importing again, honestly answered: the search finds each one
    // holding its row, and writes nothing.
    let writes = wd.sim().stats()["writes"].clone();
    let out = wd.run(&["import", "people.csv", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let results = wd.read_csv("people.results.csv");
    assert_eq!(column(&results, "action"), ["unchanged"; 3]);
    assert_eq!(wd.sim().stats()["writes"], writes);
    let out = wd.run(&["import", "people.csv", "--rate", "0", "--mode", "create"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let results = wd.read_csv("people.results.csv");
    assert_eq!(column(&results, "action"), ["skipped"; 3]);
    assert_eq!(store_phones(&wd), phones(0..3), "each stored once");
}

#[test]
fn a_write_answer_of_the_wrong_type_is_unconfirmed() {
    for answer in [
        (|_| r#"{"contacts": "yes"}"#.to_string()) as fn(Value) -> String,
        |_| r#"{"contacts": [{"id": "x1", "phone": "14152000000"}]}"#.into(),
        |_| "[]".into(),
        |_| "ok".into(),
    ] {
        let wd = Workdir::with_sim(Workdir::sim_config());
        wd.create("people.csv", &as_refs(&clean_rows(2)));
        let server = answering(&wd, answer);
        let run = run_at(&wd, &server, &["import", "people.csv"]);
        assert_ends(&run, 1, "0 ok");
        let (codes, _) = codes_and_rows(&wd);
        assert_eq!(codes, ["unconfirmed"; 2], "{}", answer(Value::Null));
        let messages = column(&wd.read_csv("people.errors.csv"), "_error");
        assert!(
            messages[0].contains("may or may not be stored"),
            "{messages:?}"
        );
        assert_eq!(store_phones(&wd), phones(0..2));
    }
}

#[test]
fn an_answer_naming_a_contact_of_another_phone_confirms_nothing() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create("people.csv", &as_refs(&clean_rows(1)));
    assert_eq!(code(&wd.run(&["import", "people.csv", "--rate", "0"])), 0);
    let mut rows = clean_rows(2);
    rows[1][0] = "Renamed".into();
    wd.create("people.csv", &as_refs(&rows));
    // The real answer, each contact's phone changed: row 1 (an update, by
    // uuid) and row 2 (a create, by phone) are named with other phones.
    let server = answering(&wd, |real| {
        let mut real = real;
        for c in real["contacts"].as_array_mut().unwrap() {
            c["phone"] = json!("14159999999");
        }
        real.to_string()
    });
    let run = run_at(&wd, &server, &["import", "people.csv"]);
    assert_ends(&run, 1, "0 ok");
    let (codes, rows) = codes_and_rows(&wd);
    assert_eq!(codes, ["unconfirmed"; 2]);
    assert_eq!(rows, ["1", "2"]);
    assert_eq!(store_phones(&wd), phones(0..2));
}

#[test]
fn a_partial_list_confirms_the_rows_it_names_only() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create("people.csv", &as_refs(&clean_rows(3)));
    let server = answering(&wd, |real| {
        let first = real["contacts"][0].clone();
        json!({"contacts": [first]}).to_string()
    });
    let run = run_at(&wd, &server, &["import", "people.csv"]);
    assert_ends(&run, 1, "1 created");
    assert_each_row_once(&wd, "people", 3);
    let results = wd.read_csv("people.results.csv");
    assert_eq!(column(&results, "row"), ["1"]);
    assert_eq!(column(&results, "action"), ["created"]);
    let stored_uuid = wd.sim().contacts()[0]["uuid"].clone();
    assert_eq!(column(&results, "uuid")[0], stored_uuid.as_str().unwrap());
    let (codes, rows) = codes_and_rows(&wd);
    assert_eq!(codes, ["unconfirmed"; 2]);
    assert_eq!(rows, ["2", "3"]);
    assert_eq!(store_phones(&wd), phones(0..3));
}

/// A proxy whose `n`th `/v2/contacts` write is stored and its answer lost
/// (the connection closes), and every later write answers 500 unsent.
fn losing_write(wd: &Workdir, n: usize) -> Hostile {
    Hostile::proxy(wd.sim().url(), move |r, up| {
        match (r.route().as_str(), r.nth) {
            ("POST /v2/contacts", i) if i == n => {
                up.forward(r);
                Reply::Hangup
            }
            ("POST /v2/contacts", i) if i > n => Reply::Json(500, r#"{"error":"down"}"#.into()),
            _ => up.reply(r),
        }
    })
}

#[test]
fn a_write_whose_answer_was_lost_is_unconfirmed_and_resume_settles_it_without_a_second_create() {
    // Batch 2 of 3 created first (writes: batch 1, the probe, batch 2), or
    // searched first (writes: batch 1, batch 2): its answer is lost.
    for (lost, how) in [(2, None), (1, Some("--search-first"))] {
        let wd = Workdir::with_sim(Workdir::sim_config());
        wd.create("people.csv", &as_refs(&clean_rows(9)));
        let server = losing_write(&wd, lost);
        let mut args = vec![
            "import",
            "people.csv",
            "--batch-size",
            "3",
            "--concurrency",
            "1",
            "--retries",
            "1",
        ];
        args.extend(how);
        let run = run_at(&wd, &server, &args);
        assert_ends(&run, 3, "--resume");
        assert!(
            run.stderr().contains("3 rows were not sent"),
            "{how:?}: {}",
            run.stderr()
        );
        assert_each_row_once(&wd, "people", 9);
        let results = wd.read_csv("people.results.csv");
        assert_eq!(column(&results, "action"), ["created"; 3]);
        let (codes, rows) = codes_and_rows(&wd);
        assert_eq!(
            codes,
            [vec!["unconfirmed"; 3], vec!["not_sent"; 3]].concat(),
            "{how:?}"
        );
        assert_eq!(rows, ["4", "5", "6", "7", "8", "9"]);
        assert_eq!(store_phones(&wd), phones(0..6), "the lost write was stored");
        assert!(wd.path("people.journal").exists());

        // The API is back (the simulator itself): --resume finishes the file.
        let writes_before = wd.sim().stats()["writes"].as_u64().unwrap();
        let out = wd.run(&[&args[..], &["--rate", "0", "--resume"]].concat());
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_each_row_once(&wd, "people", 9);
        let results = wd.read_csv("people.results.csv");
        assert_eq!(column(&results, "action"), ["created"; 9], "{how:?}");
        assert_eq!(store_phones(&wd), phones(0..9), "each stored once");
        let uuids = column(&results, "uuid");
        for c in wd.sim().contacts() {
            assert!(uuids.contains(&c["uuid"].as_str().unwrap().to_string()));
        }
        let writes = wd.sim().stats()["writes"].as_u64().unwrap() - writes_before;
        assert_eq!(writes, 3, "only rows 7-9 were written");
        for c in wd.sim().contacts() {
            assert_eq!(c["rev"], 1, "written once: {c}");
        }
        assert!(
            !wd.path("people.journal").exists(),
            "a finished run removes it"
        );
    }
}

#[test]
fn a_write_whose_answer_was_lost_and_whose_retry_is_refused_as_existing_is_created() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create("people.csv", &as_refs(&clean_rows(3)));
    let server = Hostile::proxy(wd.sim().url(), |r, up| match (r.route().as_str(), r.nth) {
        ("POST /v2/contacts", 0) => {
            up.forward(r);
            Reply::Hangup
        }
        _ => up.reply(r),
    });
    let run = run_at(&wd, &server, &["import", "people.csv"]);
    assert_ends(&run, 0, "3 created");
    assert_eq!(store_phones(&wd), phones(0..3));
}

#[test]
fn a_v1_write_whose_confirming_search_is_lost_is_unconfirmed() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create("people.csv", &as_refs(&clean_rows(4)));
    // The first search (before the write) is honest; the one after it,
    // which would confirm the write, never gets an answer.
    let server = Hostile::proxy(wd.sim().url(), |r, up| match (r.route().as_str(), r.nth) {
        ("POST /v2/contacts/search", 0) => up.reply(r),
        ("POST /v2/contacts/search", _) => Reply::Hangup,
        _ => up.reply(r),
    });
    let run = run_at(
        &wd,
        &server,
        &["import", "people.csv", "--api", "v1", "--retries", "1"],
    );
    assert_ends(&run, 3, "--resume");
    let (codes, _) = codes_and_rows(&wd);
    assert_eq!(codes, ["unconfirmed"; 4]);
    assert_eq!(store_phones(&wd), phones(0..4));
}
