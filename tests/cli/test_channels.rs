//! Channels: a row's other phones and emails (second phone/email columns,
//! `channel:phone` / `channel:email`) are added to its contact after the
//! write, once — even when the file is imported twice; a refused channel
//! fails its row as `channel_failed`; `export --channels` gives them back as
//! columns import reads, and `export --status` fills `blocked`.

use serde_json::json;

use crate::api::{channels, contact, requests, seed, set_status};
use crate::test_import::as_refs;
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

const ADD: &str = "POST /v2/contact/{uuid}/channel";
const LIST: &str = "GET /v2/contact/{uuid}/channels";

fn uuid_of(wd: &Workdir, phone: &str) -> String {
    contact(wd, phone).expect("stored")["uuid"]
        .as_str()
        .unwrap()
        .to_string()
}

fn people(wd: &Workdir) {
    wd.create(
        "people.csv",
        &[
            vec![
                "phone",
                "home phone",
                "email",
                "work email",
                "channel:phone",
                "Channel: Email",
            ],
            vec![
                "+1 415 555 0301",
                "(415) 555-0311",
                "ada@example.com",
                "ada@work.example",
                "+1 415 555 0312 ::: 415-555-0311",
                "ada@home.example",
            ],
            vec!["+1 415 555 0302", "", "grace@example.com", "", "", ""],
        ],
    );
}

#[test]
fn channels_are_added_once_even_when_the_file_is_imported_twice() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    people(&wd);
    let out = wd.run(&["import", "people.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // (The checks below list channels too: count the import's first.)
    assert_eq!(requests(&wd, ADD), 4);
    assert_eq!(requests(&wd, LIST), 1, "only the row with other channels");
    let ada = uuid_of(&wd, "14155550301");
    let want: Vec<(String, String)> = [
        ("phone", "14155550301"),
        ("phone", "14155550311"),
        ("phone", "14155550312"),
        ("email", "ada@work.example"),
        ("email", "ada@home.example"),
    ]
    .iter()
    .map(|(t, v)| (t.to_string(), v.to_string()))
    .collect();
    assert_eq!(channels(&wd, &ada), want);
    let grace = uuid_of(&wd, "14155550302");
    assert_eq!(channels(&wd, &grace).len(), 1, "only her own phone");

    let lists = requests(&wd, LIST);
    let out = wd.run(&["import", "people.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(requests(&wd, ADD), 4, "nothing added the second time");
    assert_eq!(requests(&wd, LIST), lists + 1);
    assert_eq!(channels(&wd, &ada), want, "the same channels, once each");

    // --no-channels: not even looked at.
    let lists = requests(&wd, LIST);
    let out = wd.run(&["import", "people.csv", "--no-channels"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(requests(&wd, LIST), lists);
}

#[test]
fn a_refused_channel_fails_its_row_and_says_the_contact_was_written() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    seed(&wd, &[json!({"phone": "14155550399", "first": "Owner"})]);
    wd.create(
        "clash.csv",
        &[
            vec!["phone", "first", "channel:phone"],
            vec!["+1 415 555 0301", "Ada", "+1 415 555 0399"],
            vec!["+1 415 555 0302", "Grace", ""],
        ],
    );
    let out = wd.run(&["import", "clash.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_each_row_once(&wd, "clash", 2);
    let errors = wd.read_csv("clash.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["channel_failed"]);
    let message = &column(&errors, "_error")[0];
    assert!(message.contains("the contact was created"), "{message}");
    assert!(message.contains("14155550399"), "{message}");
    assert!(
        contact(&wd, "14155550301").is_some(),
        "the contact was written"
    );
    assert_eq!(column(&errors, "first"), ["Ada"]);
}

#[test]
fn a_channel_value_that_cannot_be_read_fails_its_row_before_anything_is_sent() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "bad.csv",
        &[
            vec!["phone", "channel:email", "channel:phone"],
            vec!["+1 415 555 0301", "not-an-email", ""],
            vec!["+1 415 555 0302", "", "12"],
        ],
    );
    let out = wd.run(&["import", "bad.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let errors = wd.read_csv("bad.errors.csv");
    assert_eq!(
        column(&errors, "_error_code"),
        ["email_invalid", "phone_invalid"]
    );
    assert!(column(&errors, "_error")[0].contains("column \"channel:email\""));
    assert!(wd.sim().contacts().is_empty());
    wd.create("fax.csv", &[vec!["phone", "channel:fax"], vec!["1", "2"]]);
    let out = wd.run(&["import", "fax.csv"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("channel:phone"), "{}", stderr(&out));
}

#[test]
fn export_channels_and_status_add_columns_import_reads_back() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    people(&wd);
    assert_eq!(code(&wd.run(&["import", "people.csv"])), 0);
    let grace = contact(&wd, "14155550302").unwrap()["id"].as_i64().unwrap();
    set_status(&wd, grace, "blocked");

    // Without --status: no blocked column at all.
    let out = wd.run(&["export", "--out", "plain.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let plain = wd.read_csv("plain.csv");
    assert!(!plain[0].contains(&"blocked".to_string()), "{:?}", plain[0]);

    let out = wd.run(&["export", "--out", "full.csv", "--status", "--channels"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--status and --channels cost two requests per contact: 4 requests"),
        "{}",
        stderr(&out)
    );
    let full = wd.read_csv("full.csv");
    let by_phone = |name: &str| -> Vec<(String, String)> {
        column(&full, "phone")
            .into_iter()
            .zip(column(&full, name))
            .collect()
    };
    let blocked = by_phone("blocked");
    assert!(blocked.contains(&("14155550302".into(), "true".into())));
    assert!(blocked.contains(&("14155550301".into(), "false".into())));
    assert!(
        by_phone("channel:phone")
            .contains(&("14155550301".into(), "14155550311 ::: 14155550312".into()))
    );
    assert!(by_phone("channel:email").contains(&(
        "14155550301".into(),
        "ada@work.example ::: ada@home.example".into()
    )));

    // The export imports into an empty account with its channels.
    let wd2 = Workdir::with_sim(Workdir::sim_config());
    let rows = as_refs(&full);
    wd2.create("full.csv", &rows);
    let out = wd2.run(&["import", "full.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let ada = uuid_of(&wd2, "14155550301");
    assert_eq!(channels(&wd2, &ada).len(), 5);

    let out = wd.run(&["export", "--out", "v1.csv", "--channels", "--api", "v1"]);
    assert_eq!(code(&out), 2);
}
