//! `hmbulk status`: every status and every word for one, yes/no under the
//! headers that say what they answer, `--set`, rows named by phone, id and
//! uuid, missing contacts (`not_found`, never a silent success), statuses
//! that already hold (`unchanged`), `--check` changing nothing, and the
//! requests each kind of change costs.

use heymarket_sim::SimConfig;
use serde_json::{Value, json};

use crate::api::{self, flags, requests, seed, set_status};
use crate::test_import::as_refs;
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

/// `+1 415 555 01NN` as written in a file, and as stored.
fn phone(n: usize) -> (String, String) {
    (format!("+1 415 555 01{n:02}"), format!("141555501{n:02}"))
}

/// Every word docs/status-and-delete.md lists, with the flags `(opted out, blocked)` a
/// contact has after it, and the status the results report names.
#[rustfmt::skip]
const WORDS: &[(&str, (bool, bool), &str)] = &[
    ("unsubscribed", (true, false), "unsubscribed"), ("unsubscribe", (true, false), "unsubscribed"),
    ("opt-out", (true, false), "unsubscribed"), ("opted out", (true, false), "unsubscribed"),
    ("Opt Out", (true, false), "unsubscribed"), ("STOP", (true, false), "unsubscribed"),
    ("STOPALL", (true, false), "unsubscribed"), ("CANCEL", (true, false), "unsubscribed"),
    ("END", (true, false), "unsubscribed"), ("QUIT", (true, false), "unsubscribed"),
    ("do not text", (true, false), "unsubscribed"), ("unsub", (true, false), "unsubscribed"),
    ("subscribed", (false, false), "subscribed"), ("subscribe", (false, false), "subscribed"),
    ("opt-in", (false, false), "subscribed"), ("opted in", (false, false), "subscribed"),
    ("START", (false, false), "subscribed"), ("UNSTOP", (false, false), "subscribed"),
    ("resubscribe", (false, false), "subscribed"),
    ("blocked", (false, true), "blocked"), ("Block", (false, true), "blocked"),
    ("blocklisted", (false, true), "blocked"), ("blacklisted", (false, true), "blocked"),
    ("unblocked", (false, false), "unblocked"), ("unblock", (false, false), "unblocked"),
    ("active", (false, false), "active"), ("Activate", (false, false), "active"),
    ("reactivate", (false, false), "active"),
];

/// The opposite state of what a status asks, so that each row changes it.
fn start_state(status: &str) -> (bool, bool) {
    match status {
        "unsubscribed" | "blocked" => (false, false),
        "subscribed" => (true, false),
        "unblocked" => (false, true),
        _ => (true, true),
    }
}

/// Seeds contact `n` in `state` (opted out, blocked); gives its id.
fn seed_in(wd: &Workdir, n: usize, (opted_out, blocked): (bool, bool)) -> i64 {
    let stored = seed(
        wd,
        &[json!({"phone": phone(n).1, "first": format!("P{n}"), "is_opted_out": opted_out})],
    );
    let id = stored[0]["id"].as_i64().unwrap();
    if blocked {
        set_status(wd, id, "blocked");
    }
    id
}

/// `rev` of every stored contact, by phone.
fn revs(wd: &Workdir) -> Vec<(String, i64)> {
    let mut revs: Vec<(String, i64)> = wd
        .sim()
        .contacts()
        .iter()
        .map(|c| {
            (
                c["phone"].as_str().unwrap().to_string(),
                c["rev"].as_i64().unwrap(),
            )
        })
        .collect();
    revs.sort();
    revs
}

#[test]
fn every_status_and_word_sets_what_it_names_then_holds_unchanged() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let mut rows = vec![vec!["phone".to_string(), "status".to_string()]];
    for (n, (word, _, status)) in WORDS.iter().enumerate() {
        seed_in(&wd, n, start_state(status));
        rows.push(vec![phone(n).0, word.to_string()]);
    }
    let rows = as_refs(&rows);
    wd.create("words.csv", &rows);
    let set_before = requests(&wd, "POST /v1/contact/set_status");

    let out = wd.run(&["status", "words.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "words.status", WORDS.len());
    let results = wd.read_csv("words.status.results.csv");
    assert_eq!(column(&results, "action"), vec!["updated"; WORDS.len()]);
    for (n, (word, want, status)) in WORDS.iter().enumerate() {
        assert_eq!(flags(&wd, &phone(n).1), *want, "{word}");
        assert_eq!(column(&results, "status")[n], *status, "{word}");
    }
    // Opt-outs and opt-ins in one bulk write; blocks one contact at a time.
    let per_contact = WORDS
        .iter()
        .filter(|(_, _, s)| ["blocked", "unblocked", "active"].contains(s))
        .count() as u64;
    assert_eq!(
        requests(&wd, "POST /v1/contact/set_status") - set_before,
        per_contact
    );
    assert_eq!(requests(&wd, "POST /v2/contacts"), 1, "one bulk write");

    // Again: every status holds; nothing is written.
    let before = revs(&wd);
    let out = wd.run(&["status", "words.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let results = wd.read_csv("words.status.results.csv");
    assert_eq!(column(&results, "action"), vec!["unchanged"; WORDS.len()]);
    assert_eq!(revs(&wd), before, "nothing written");
    let summary = wd.read_json("words.status.summary.json");
    assert_eq!(summary["unchanged"], WORDS.len() as u64);
}

/// Opted out, SMS consent and blocked cells; flags before; flags after.
type YesNoCase = (
    &'static str,
    &'static str,
    &'static str,
    (bool, bool),
    (bool, bool),
);

#[test]
fn yes_and_no_mean_what_their_header_asks() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    // (opted out, SMS consent, blocked) cells, start state, end state.
    #[rustfmt::skip]
    let cases: &[YesNoCase] = &[
        ("yes", "", "", (false, false), (true, false)),
        ("no", "", "", (true, false), (false, false)),
        ("", "no", "", (false, false), (true, false)),
        ("", "yes", "", (true, false), (false, false)),
        ("", "", "yes", (false, false), (false, true)),
        ("", "", "no", (false, true), (false, false)),
        ("1", "", "TRUE", (false, false), (true, true)),
        ("x", "", "", (false, false), (true, false)),
        ("", "", "", (true, true), (true, true)),
    ];
    let mut rows = vec![vec![
        "Phone".to_string(),
        "Opted Out".into(),
        "SMS consent".into(),
        "Blocked".into(),
    ]];
    for (n, (o, c, b, start, _)) in cases.iter().enumerate() {
        seed_in(&wd, n, *start);
        rows.push(vec![
            phone(n).0,
            o.to_string(),
            c.to_string(),
            b.to_string(),
        ]);
    }
    let rows = as_refs(&rows);
    wd.create("yn.csv", &rows);
    let out = wd.run(&["status", "yn.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "yn.status", cases.len());
    for (n, (.., end)) in cases.iter().enumerate() {
        assert_eq!(flags(&wd, &phone(n).1), *end, "row {}", n + 1);
    }
    let actions = column(&wd.read_csv("yn.status.results.csv"), "action");
    assert_eq!(
        actions.last().map(String::as_str),
        Some("skipped"),
        "blank cells"
    );
}

#[test]
fn a_contact_that_does_not_exist_is_not_found_and_nothing_is_created() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let id = seed_in(&wd, 1, (false, false));
    wd.create(
        "missing.csv",
        &[
            vec!["phone", "id", "uuid", "status"],
            vec![&phone(1).0, "", "", "STOP"],
            vec![&phone(2).0, "", "", "STOP"],
            vec!["", "99999", "", "blocked"],
            vec!["", "", "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "opt-out"],
            vec!["", &id.to_string(), "", "maybe"],
        ],
    );
    let before = wd.sim().contacts().len();
    let out = wd.run(&["status", "missing.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_each_row_once(&wd, "missing.status", 5);
    let errors = wd.read_csv("missing.status.errors.csv");
    assert_eq!(column(&errors, "_row"), ["2", "3", "4", "5"]);
    assert_eq!(
        column(&errors, "_error_code"),
        ["not_found", "not_found", "not_found", "status_invalid"]
    );
    let messages = column(&errors, "_error");
    assert!(messages[0].contains("14155550102"), "{}", messages[0]);
    assert!(messages[1].contains("id 99999"), "{}", messages[1]);
    assert!(messages[3].contains("\"maybe\""), "{}", messages[3]);
    assert_eq!(wd.sim().contacts().len(), before, "nothing created");
    assert_eq!(
        flags(&wd, &phone(1).1),
        (true, false),
        "the one that exists"
    );
}

#[test]
fn check_writes_each_status_into_the_results_and_changes_nothing() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let states = [(false, false), (true, false), (false, true), (true, true)];
    let ids: Vec<i64> = states
        .iter()
        .enumerate()
        .map(|(n, s)| seed_in(&wd, n, *s))
        .collect();
    let uuid = api::contact(&wd, &phone(1).1).unwrap()["uuid"]
        .as_str()
        .unwrap()
        .to_string();
    wd.create(
        "audit.csv",
        &[
            vec!["phone", "id", "uuid", "status"],
            vec![&phone(0).0, "", "", "blocked"],
            vec!["", "", &uuid, ""],
            vec!["", &ids[2].to_string(), "", ""],
            vec![&phone(3).0, "", "", ""],
            vec![&phone(9).0, "", "", ""],
        ],
    );
    let before: Vec<Value> = wd.sim().contacts();
    let writes = wd.sim().stats()["writes"].clone();
    let out = wd.run(&["status", "audit.csv", "--check"]);
    assert_eq!(code(&out), 1, "one missing contact: {}", stderr(&out));
    assert_eq!(
        wd.sim().contacts(),
        before,
        "the store is exactly as it was"
    );
    assert_eq!(wd.sim().stats()["writes"], writes);
    assert_eq!(
        requests(&wd, "POST /v1/contact/set_status"),
        2,
        "the seeds' only"
    );
    assert_each_row_once(&wd, "audit.status", 5);
    let results = wd.read_csv("audit.status.results.csv");
    assert_eq!(column(&results, "action"), ["checked"; 4]);
    let got: Vec<(String, String)> = column(&results, "unsubscribed")
        .into_iter()
        .zip(column(&results, "blocked"))
        .collect();
    let want: Vec<(String, String)> = states
        .iter()
        .map(|(o, b)| (o.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
    let errors = wd.read_csv("audit.status.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["not_found"]);
}

#[test]
fn set_applies_one_status_to_rows_named_by_phone_id_or_uuid() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let ids: Vec<i64> = (0..3).map(|n| seed_in(&wd, n, (false, false))).collect();
    let uuid = api::contact(&wd, &phone(2).1).unwrap()["uuid"]
        .as_str()
        .unwrap()
        .to_string();
    wd.create(
        "block.csv",
        &[
            vec!["Mobile", "Contact ID", "UUID", "Notes"],
            vec![&phone(0).0, "", "", "spam"],
            vec!["", &ids[1].to_string(), "", ""],
            vec!["", "", &uuid, "abuse"],
            vec![&phone(1).0, "", "", "again"],
        ],
    );
    let out = wd.run(&["status", "block.csv", "--set", "block"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("ignored (not used by `hmbulk status`): \"Notes\""),
        "{said}"
    );
    for n in 0..3 {
        assert_eq!(flags(&wd, &phone(n).1), (false, true));
    }
    let errors = wd.read_csv("block.status.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["duplicate_in_file"]);
    assert!(column(&errors, "_error")[0].contains("row 2"));
    let results = wd.read_csv("block.status.results.csv");
    assert_eq!(
        column(&results, "id"),
        ids.iter().map(i64::to_string).collect::<Vec<_>>()
    );
    assert_eq!(column(&results, "uuid")[2], uuid);
}

#[test]
fn per_contact_sends_each_opt_out_by_set_status() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let mut rows = vec![vec!["phone".to_string()]];
    for n in 0..5 {
        seed_in(&wd, n, (false, false));
        rows.push(vec![phone(n).0]);
    }
    let rows = as_refs(&rows);
    wd.create("five.csv", &rows);
    let out = wd.run(&["status", "five.csv", "--set", "opt-out", "--per-contact"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(requests(&wd, "POST /v1/contact/set_status"), 5);
    assert_eq!(requests(&wd, "POST /v2/contacts"), 0);
    for n in 0..5 {
        assert_eq!(flags(&wd, &phone(n).1), (true, false));
    }
}

#[test]
fn a_file_without_a_status_says_how_to_give_one() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "plain.csv",
        &[vec!["phone", "first"], vec!["+1 415 555 0101", "A"]],
    );
    let out = wd.run(&["status", "plain.csv"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--set STATUS"), "{}", stderr(&out));
    let out = wd.run(&["status", "plain.csv", "--set", "sometimes"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("is not a status"), "{}", stderr(&out));
    let out = wd.run(&["status", "plain.csv", "--set", "blocked", "--check"]);
    assert_eq!(code(&out), 2);
    wd.create("nothing.csv", &[vec!["first", "status"], vec!["A", "STOP"]]);
    let out = wd.run(&["status", "nothing.csv"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no column names the contacts"),
        "{}",
        stderr(&out)
    );
    assert_eq!(wd.sim().stats()["requests_total"], 0, "nothing sent");
}

#[test]
fn the_estimate_comes_first_and_the_summary_counts() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    seed_in(&wd, 0, (false, false));
    wd.create(
        "one.csv",
        &[vec!["phone", "status"], vec![&phone(0).0, "blocked"]],
    );
    let out = wd.run(&["status", "one.csv", "--rate", "500"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("status: 1 rows: 1 of them one to three requests per contact"),
        "{said}"
    );
    let summary = wd.read_json("one.status.summary.json");
    assert_eq!(
        (summary["updated"].as_u64(), summary["mode"].as_str()),
        (Some(1), Some("set"))
    );
}

#[test]
fn skip_read_blocks_with_a_set_and_its_read_back_each_and_reports_none_unchanged() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let mut rows = vec![vec!["phone".to_string()]];
    for n in 0..3 {
        seed_in(&wd, n, (false, n == 2));
        rows.push(vec![phone(n).0]);
    }
    let rows = as_refs(&rows);
    wd.create("three.csv", &rows);
    let set = || requests(&wd, "POST /v1/contact/set_status");
    let before = set();
    let out = wd.run(&["status", "three.csv", "--set", "blocked"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(set() - before, 2, "the one already blocked is only read");
    let results = wd.read_csv("three.status.results.csv");
    assert_eq!(
        column(&results, "action"),
        ["updated", "updated", "unchanged"]
    );

    // Again with --skip-read: all three are blocked now; two requests per
    // contact set (set_status and the read-back of what it did), none
    // before (the run's one check that opt-outs read alike tells row 1's
    // status; rows 2 and 3 are set without a look first).
    let per_contact = || set() + requests(&wd, "POST /v1/contact/status");
    let before = per_contact();
    let out = wd.run(&["status", "three.csv", "--set", "blocked", "--skip-read"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("two requests per contact"),
        "{}",
        stderr(&out)
    );
    assert_eq!(per_contact() - before, 1 + 2 * 2);
    let results = wd.read_csv("three.status.results.csv");
    assert_eq!(column(&results, "action")[1..], ["updated", "updated"]);
    for n in 0..3 {
        assert_eq!(flags(&wd, &phone(n).1), (false, true));
    }
}

#[test]
fn random_500s_and_dropped_answers_lose_nothing() {
    let wd = Workdir::with_sim(SimConfig {
        fail_rate: 0.15,
        reset_rate: 0.15,
        seed: 7,
        ..Workdir::sim_config()
    });
    let mut rows = vec![vec!["phone".to_string(), "status".to_string()]];
    for n in 0..30 {
        wd.sim()
            .seed(&[json!({"phone": phone(n).1, "first": "F"})], false);
        let word = if n % 3 == 0 { "blocked" } else { "STOP" };
        rows.push(vec![phone(n).0, word.to_string()]);
    }
    let rows = as_refs(&rows);
    wd.create("faulty.csv", &rows);
    let out = wd.run(&["status", "faulty.csv", "--batch-size", "7", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "faulty.status", 30);
    for n in 0..30 {
        let want = if n % 3 == 0 {
            (false, true)
        } else {
            (true, false)
        };
        assert_eq!(flags(&wd, &phone(n).1), want, "row {}", n + 1);
    }
    let summary = wd.read_json("faulty.status.summary.json");
    assert!(summary["retries"].as_u64().unwrap() > 0, "{summary}");
}

#[test]
fn an_api_that_goes_down_stops_the_run_and_every_row_read_is_reported() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    seed_in(&wd, 0, (false, false));
    seed_in(&wd, 1, (false, false));
    wd.create(
        "down.csv",
        &[
            vec!["phone", "status"],
            vec![&phone(0).0, "STOP"],
            vec![&phone(1).0, "blocked"],
        ],
    );
    wd.sim().set_faults(&json!({"fail_rate": 1.0}));
    let out = wd.run(&["status", "down.csv", "--retries", "0"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("stopped"), "{}", stderr(&out));
    assert_each_row_once(&wd, "down.status", 2);
    let errors = wd.read_csv("down.status.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["not_sent", "not_sent"]);
    wd.sim().set_faults(&json!({"fail_rate": 0.0}));
    assert_eq!(flags(&wd, &phone(0).1), (false, false));
    assert_eq!(flags(&wd, &phone(1).1), (false, false));
}

#[test]
fn an_api_taking_fewer_per_call_still_gets_every_opt_out() {
    let wd = Workdir::with_sim(SimConfig {
        max_batch: 3,
        ..Workdir::sim_config()
    });
    let mut rows = vec![vec!["phone".to_string(), "opted out".to_string()]];
    for n in 0..10 {
        seed_in(&wd, n, (false, false));
        rows.push(vec![phone(n).0, "yes".to_string()]);
    }
    let rows = as_refs(&rows);
    wd.create("small.csv", &rows);
    let out = wd.run(&["status", "small.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "small.status", 10);
    for n in 0..10 {
        assert_eq!(flags(&wd, &phone(n).1), (true, false));
    }
    // In bulk: no set_status, and /v1/contact/status only for the run's
    // two checks that opt-outs read and write alike.
    assert_eq!(requests(&wd, "POST /v1/contact/set_status"), 0);
    assert_eq!(requests(&wd, "POST /v1/contact/status"), 2);
}
