//! `hmbulk import` end to end: reports and the simulator's store.

use serde_json::Value;

use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

/// A valid US phone for contact `i`, written the way people write them.
pub fn phone(i: usize) -> String {
    let (exchange, line) = (200 + i / 10_000, i % 10_000);
    match i % 4 {
        0 => format!("(415) {exchange:03}-{line:04}"),
        1 => format!("+1 415 {exchange:03} {line:04}"),
        2 => format!("415.{exchange:03}.{line:04}"),
        _ => format!("1-415-{exchange:03}-{line:04}"),
    }
}

/// The E.164 digits of [`phone`]`(i)`.
pub fn digits(i: usize) -> String {
    format!("1415{:03}{:04}", 200 + i / 10_000, i % 10_000)
}

/// A clean file of `n` contacts: header + rows.
pub fn clean_rows(n: usize) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "First Name".into(),
        "Last Name".into(),
        "Mobile".into(),
        "E-mail".into(),
    ]];
    for i in 0..n {
        rows.push(vec![
            format!("First{i}"),
            format!("Last{i}"),
            phone(i),
            format!("p{i}@example.com"),
        ]);
    }
    rows
}

pub fn as_refs(rows: &[Vec<String>]) -> Vec<Vec<&str>> {
    rows.iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect()
}

/// The stored contact with this phone (E.164 digits).
pub fn stored(wd: &Workdir, phone: &str) -> Value {
    let found = wd
        .sim()
        .contacts()
        .into_iter()
        .find(|c| c["phone"] == phone);
    found.unwrap_or_else(|| panic!("no contact with phone {phone} in the store"))
}

pub fn store_phones(wd: &Workdir) -> Vec<String> {
    let mut phones: Vec<String> = wd
        .sim()
        .contacts()
        .iter()
        .map(|c| c["phone"].as_str().unwrap_or_default().to_string())
        .collect();
    phones.sort();
    phones
}

#[test]
fn clean_file_creates_every_contact() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create("people.csv", &as_refs(&clean_rows(25)));
    let out = wd.run(&["import", "people.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "people", 25);

    let results = wd.read_csv("people.results.csv");
    assert_eq!(
        results[0],
        [
            "row",
            "phone_raw",
            "phone",
            "name",
            "email",
            "action",
            "id",
            "uuid",
            "source_row"
        ]
    );
    assert!(column(&results, "action").iter().all(|a| a == "created"));
    assert_eq!(column(&results, "phone")[3], digits(3));
    assert_eq!(column(&results, "phone_raw")[3], phone(3));
    // Who the row is, beside its phone.
    assert_eq!(column(&results, "name")[3], "First3 Last3");
    assert_eq!(column(&results, "email")[3], "p3@example.com");
    assert!(column(&results, "uuid").iter().all(|u| u.len() == 36));
    assert_eq!(wd.read_csv("people.errors.csv").len(), 1, "only the header");

    let store = wd.sim().contacts();
    assert_eq!(store.len(), 25);
    let c3 = store
        .iter()
        .find(|c| c["phone"] == digits(3))
        .expect("row 3 stored");
    assert_eq!(c3["first"], "First3");
    assert_eq!(c3["last"], "Last3");
    assert_eq!(c3["email"], "p3@example.com");
    let ids: Vec<String> = column(&results, "id");
    assert!(store.iter().all(|c| ids.contains(&c["id"].to_string())));

    let summary = wd.read_json("people.summary.json");
    for key in [
        "rows_read",
        "rows_ok",
        "rows_failed",
        "created",
        "updated",
        "skipped",
        "duplicates",
        "batches",
        "requests",
        "retries",
        "rate_limited",
        "elapsed_s",
        "rows_per_s",
    ] {
        assert!(summary.get(key).is_some(), "summary has {key}");
    }
    assert_eq!(summary["created"], 25);
    assert!(
        stderr(&out).contains("people.errors.csv"),
        "says where the reports are"
    );
}

#[test]
fn importing_twice_updates_and_adds_nothing() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let mut rows = clean_rows(30);
    wd.create("people.csv", &as_refs(&rows));
    assert_eq!(
        code(&wd.run(&["import", "people.csv", "--batch-size", "7"])),
        0
    );
    let before = store_phones(&wd);

    rows[5][0] = "Renamed".into();
    wd.create("people.csv", &as_refs(&rows));
    let out = wd.run(&["import", "people.csv", "--batch-size", "7"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let results = wd.read_csv("people.results.csv");
    let actions = column(&results, "action");
    assert_eq!(actions[4], "updated");
    assert_eq!(actions.iter().filter(|a| *a == "unchanged").count(), 29);
    assert_eq!(
        store_phones(&wd),
        before,
        "store unchanged in size and phones"
    );
    let store = wd.sim().contacts();
    let c = store.iter().find(|c| c["phone"] == digits(4)).unwrap();
    assert_eq!(c["first"], "Renamed");
    let summary = wd.read_json("people.summary.json");
    assert_eq!(
        (&summary["updated"], &summary["unchanged"]),
        (&1.into(), &29.into())
    );
}

#[test]
fn create_and_update_modes_skip_what_they_must_not_touch() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let rows = clean_rows(10);
    wd.create("first.csv", &as_refs(&rows[..6]));
    assert_eq!(code(&wd.run(&["import", "first.csv"])), 0);

    wd.create("all.csv", &as_refs(&rows));
    let out = wd.run(&["import", "all.csv", "--mode", "create"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // first.csv held contacts 0..5; all.csv holds 0..10.
    let actions = column(&wd.read_csv("all.results.csv"), "action");
    assert_eq!(actions.iter().filter(|a| *a == "skipped").count(), 5);
    assert_eq!(actions.iter().filter(|a| *a == "created").count(), 5);
    assert_eq!(wd.sim().contacts().len(), 10);

    let mut more = clean_rows(12);
    more[1][0] = "Changed".into();
    wd.create("more.csv", &as_refs(&more));
    let out = wd.run(&["import", "more.csv", "--mode", "update"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let actions = column(&wd.read_csv("more.results.csv"), "action");
    assert_eq!(actions.iter().filter(|a| *a == "updated").count(), 1);
    assert_eq!(actions.iter().filter(|a| *a == "unchanged").count(), 9);
    assert_eq!(actions.iter().filter(|a| *a == "skipped").count(), 2);
    assert_eq!(wd.sim().contacts().len(), 10, "update never creates");
    let c0 = stored(&wd, &digits(0));
    assert_eq!(c0["first"], "Changed");
}

#[test]
fn v1_batch_api_reports_created_updated_and_survives_both_answer_shapes() {
    for answer_array in [false, true] {
        let wd = Workdir::with_sim(heymarket_sim::SimConfig {
            v1_answer_array: answer_array,
            ..Workdir::sim_config()
        });
        let mut rows = clean_rows(12);
        wd.create("people.csv", &as_refs(&rows));
        let out = wd.run(&["import", "people.csv", "--api", "v1", "--batch-size", "5"]);
        assert_eq!(
            code(&out),
            0,
            "answer array {answer_array}: {}",
            stderr(&out)
        );
        assert_each_row_once(&wd, "people", 12);
        let results = wd.read_csv("people.results.csv");
        assert!(column(&results, "action").iter().all(|a| a == "created"));
        assert!(column(&results, "id").iter().all(|id| !id.is_empty()));
        assert_eq!(wd.sim().contacts().len(), 12);

        rows[2][1] = "Newlast".into();
        rows.push(vec!["New".into(), "One".into(), phone(100), String::new()]);
        wd.create("people.csv", &as_refs(&rows));
        let out = wd.run(&["import", "people.csv", "--api", "v1", "--batch-size", "5"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let actions = column(&wd.read_csv("people.results.csv"), "action");
        assert_eq!(actions.iter().filter(|a| *a == "updated").count(), 1);
        assert_eq!(actions.iter().filter(|a| *a == "unchanged").count(), 11);
        assert_eq!(actions.iter().filter(|a| *a == "created").count(), 1);
        let store = wd.sim().contacts();
        assert_eq!(store.len(), 13);
        assert_eq!(
            store.iter().find(|c| c["phone"] == digits(1)).unwrap()["last"],
            "Newlast"
        );
    }
}

#[test]
fn sample_file_imports_into_the_simulator() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let sample =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/contacts.csv")).unwrap();
    wd.create_bytes("contacts.csv", &sample);
    let out = wd.run(&["import", "contacts.csv"]);
    assert_eq!(
        code(&out),
        1,
        "the sample has a few bad rows: {}",
        stderr(&out)
    );
    let summary = wd.read_json("contacts.summary.json");
    let n = summary["rows_read"].as_u64().unwrap() as usize;
    assert!(n >= 40, "about fifty rows");
    assert_each_row_once(&wd, "contacts", n);
    assert_eq!(
        summary["created"].as_u64().unwrap() as usize,
        wd.sim().contacts().len()
    );
    assert!(summary["rows_failed"].as_u64().unwrap() >= 4);

    // Names became ids: tags, custom fields and the owner.
    let store = wd.sim().contacts();
    assert!(
        store
            .iter()
            .any(|c| !c["tags"].as_array().unwrap().is_empty()),
        "tags set"
    );
    assert!(
        store
            .iter()
            .any(|c| c["custom"].as_object().is_some_and(|m| !m.is_empty())),
        "custom set"
    );
    assert!(
        store
            .iter()
            .any(|c| c["assigned_user_id"].as_i64().is_some_and(|id| id > 0)),
        "owner set"
    );

    // The error report is the input's columns plus the three meta columns,
    // and it can be imported again as it is.
    let errors = wd.read_csv("contacts.errors.csv");
    let header = &errors[0];
    assert_eq!(
        &header[header.len() - 3..],
        ["_row", "_error_code", "_error"]
    );
    let out = wd.run(&["import", "contacts.errors.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let again = wd.read_json("contacts.errors.summary.json");
    assert_eq!(
        again["rows_read"].as_u64().unwrap() as usize,
        errors.len() - 1
    );
    // Unfixed rows fail again for the same reasons — the in-file duplicate
    // too: left as it was, it does not update the contact its first row
    // made (issue 21).
    let codes = column(&errors, "_error_code");
    assert!(codes.iter().any(|c| c == "duplicate_in_file"));
    assert_eq!(again["updated"], 0);
    assert_eq!(again["rows_failed"].as_u64().unwrap(), codes.len() as u64);
    let again_codes = column(&wd.read_csv("contacts.errors.errors.csv"), "_error_code");
    let mut before: Vec<&String> = codes.iter().collect();
    let mut after: Vec<&String> = again_codes.iter().collect();
    before.sort();
    after.sort();
    assert_eq!(before, after);
}

#[test]
fn fixed_error_report_imports_the_rows_it_holds() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let mut rows = clean_rows(5);
    rows[2][2] = "415 555".into();
    rows[4][3] = "not-an-email".into();
    wd.create("people.csv", &as_refs(&rows));
    assert_eq!(code(&wd.run(&["import", "people.csv"])), 1);
    let mut errors = wd.read_csv("people.errors.csv");
    assert_eq!(
        column(&errors, "_error_code"),
        ["phone_invalid", "email_invalid"]
    );
    assert_eq!(column(&errors, "_row"), ["2", "4"]);
    assert_eq!(errors[1][2], "415 555", "original cell kept exactly");

    // Fix both rows in place, leave the meta columns, import the file as it is.
    errors[1][2] = phone(77);
    errors[2][3] = "fixed@example.com".into();
    wd.create("people.errors.csv", &as_refs(&errors));
    let out = wd.run(&["import", "people.errors.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(wd.sim().contacts().len(), 5);
    let fixed = wd
        .sim()
        .contacts()
        .into_iter()
        .find(|c| c["email"] == "fixed@example.com");
    assert!(fixed.is_some());
}

#[test]
fn duplicates_in_the_file_name_the_first_row_or_are_skipped() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let mut rows = clean_rows(4);
    rows.push(vec![
        "Again".into(),
        "Dup".into(),
        format!("+{}", digits(1)),
        String::new(),
    ]);
    // Rows after the duplicate, in the same chunk: an invalid one and a
    // valid one keep their lines.
    rows.push(vec![
        "Bad".into(),
        "Phone".into(),
        "12".into(),
        String::new(),
    ]);
    rows.push(vec![
        "After".into(),
        "Dup".into(),
        format!("+{}", digits(9)),
        String::new(),
    ]);
    wd.create("people.csv", &as_refs(&rows));

    let out = wd.run(&["import", "people.csv"]);
    assert_eq!(code(&out), 1);
    let errors = wd.read_csv("people.errors.csv");
    assert_eq!(
        column(&errors, "_error_code"),
        ["duplicate_in_file", "phone_invalid"]
    );
    assert_eq!(column(&errors, "_row"), ["5", "6"]);
    assert!(
        column(&errors, "_error")[0].contains("row 2"),
        "{:?}",
        errors[1]
    );
    let results = wd.read_csv("people.results.csv");
    assert_eq!(column(&results, "row"), ["1", "2", "3", "4", "7"]);
    assert_eq!(wd.read_json("people.summary.json")["duplicates"], 1);
    assert_eq!(wd.sim().contacts().len(), 5);

    let out = wd.run(&["import", "people.csv", "--on-duplicate", "skip"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let results = wd.read_csv("people.results.csv");
    assert_eq!(column(&results, "row"), ["1", "2", "3", "4", "5", "7"]);
    assert_eq!(column(&results, "action")[4], "skipped");
    assert_eq!(column(&wd.read_csv("people.errors.csv"), "_row"), ["6"]);
    assert_eq!(wd.read_json("people.summary.json")["duplicates"], 1);
    assert_eq!(wd.sim().contacts().len(), 5);
}

#[test]
fn formula_cells_are_guarded_in_reports_and_round_trip() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let rows = vec![
        vec!["First Name", "Mobile"],
        vec!["=HYPERLINK(\"http://x\")", "12"],
        vec!["-42", "13"],
    ];
    wd.create("people.csv", &rows);
    assert_eq!(code(&wd.run(&["import", "people.csv"])), 1);
    let text = wd.read("people.errors.csv");
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(
        text.contains("\n-42,") || text.contains("\n\"-42\","),
        "numbers left alone: {text}"
    );
    let errors = wd.read_csv("people.errors.csv");
    // Re-read by import: the guard is removed again, so the cell round-trips.
    wd.create("again.csv", &as_refs(&errors));
    assert_eq!(code(&wd.run(&["import", "again.csv"])), 1);
    assert_eq!(
        wd.read("again.errors.csv").matches("'=HYPERLINK").count(),
        1
    );
}

#[test]
fn bad_key_stops_fast_with_exit_3_and_touches_nothing() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create("people.csv", &as_refs(&clean_rows(3)));
    let t = std::time::Instant::now();
    let out = wd
        .command(&["import", "people.csv"])
        .env("HEYMARKET_API_KEY", "wrong-key")
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(t.elapsed() < std::time::Duration::from_secs(5));
    let err = stderr(&out);
    assert!(err.contains("credentials"), "{err}");
    assert!(!err.contains("wrong-key"), "the key is never printed");
    assert!(wd.sim().contacts().is_empty());
    let stats: Value = wd.sim().stats();
    assert_eq!(stats["writes"], 0);
}

#[test]
fn no_credentials_is_a_usage_error_that_says_what_to_do() {
    let wd = Workdir::new();
    wd.create("people.csv", &as_refs(&clean_rows(2)));
    let out = wd.run(&["import", "people.csv"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("HEYMARKET_SECRET_ID"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn blank_cells_keep_the_field_unless_blank_clear() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create("people.csv", &as_refs(&clean_rows(3)));
    assert_eq!(code(&wd.run(&["import", "people.csv"])), 0);

    let mut rows = clean_rows(3);
    for row in rows.iter_mut().skip(1) {
        row[1] = String::new();
        row[3] = String::new();
    }
    wd.create("blanks.csv", &as_refs(&rows));
    assert_eq!(code(&wd.run(&["import", "blanks.csv"])), 0);
    let c = stored(&wd, &digits(1));
    assert_eq!(
        (c["last"].as_str(), c["email"].as_str()),
        (Some("Last1"), Some("p1@example.com"))
    );

    let out = wd.run(&["import", "blanks.csv", "--blank", "clear"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let c = stored(&wd, &digits(1));
    assert_eq!(
        (c["last"].as_str(), c["email"].as_str()),
        (Some(""), Some(""))
    );
    assert_eq!(c["first"], "First1", "only blank cells are cleared");
}

#[test]
fn credentials_can_come_from_a_file_and_are_never_echoed() {
    let wd = Workdir::with_sim(heymarket_sim::SimConfig {
        api_key: None,
        secret: Some(("file-id".into(), "file-secret-value".into())),
        ..Workdir::sim_config()
    });
    wd.create("people.csv", &as_refs(&clean_rows(2)));
    std::fs::write(
        wd.path("creds.env"),
        "# from the vault\nHEYMARKET_SECRET_ID=file-id\nHEYMARKET_SECRET_KEY=\"file-secret-value\"\n",
    )
    .unwrap();
    let out = wd
        .command(&[
            "import",
            "people.csv",
            "--credentials",
            "creds.env",
            "--json",
        ])
        .env_remove("HEYMARKET_API_KEY")
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(wd.sim().contacts().len(), 2);
    let everything = format!(
        "{}{}{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out),
        wd.read("people.results.csv"),
        wd.read("people.summary.json")
    );
    assert!(!everything.contains("file-secret-value"));
}
