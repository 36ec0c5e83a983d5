//! Column behaviours end to end, in files of no known layout: several phone
//! and email columns, multi-value cells, per-row country, SMS consent, tag
//! lists and --create-tags, the unknown-columns message, offline validate,
//! and re-importing an error report with the mapping its run left.

use serde_json::json;

use crate::test_import::stored;
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

#[test]
fn the_first_valid_phone_and_email_in_priority_order_win() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "people.csv",
        &[
            vec!["Name", "Home Phone", "Mobile", "Email", "Work Email"],
            // Mobile first, though it stands right of Home Phone.
            vec!["A", "(415) 555-0201", "(415) 555-0202", "a@example.com", ""],
            // Only a home phone; an invalid email falls back to the second.
            vec!["B", "(415) 555-0203", "", "not an email", "b@work.example"],
            // A bad mobile: the home phone is used.
            vec!["C", "(415) 555-0204", "555", "", ""],
            // Two numbers in one cell (Google's " ::: ").
            vec!["D", "", "junk ::: +1 415 555 0205", "", ""],
            vec!["E", "", "", "e@example.com", ""],
        ],
    );
    let out = wd.run(&["import", "people.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_each_row_once(&wd, "people", 5);
    assert_eq!(stored(&wd, "14155550202")["email"], "a@example.com");
    assert_eq!(stored(&wd, "14155550203")["email"], "b@work.example");
    assert!(
        wd.sim()
            .contacts()
            .iter()
            .all(|c| c["phone"] != "14155550201")
    );
    stored(&wd, "14155550204");
    stored(&wd, "14155550205");
    let errors = wd.read_csv("people.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["phone_missing"]);
    let message = &column(&errors, "_error")[0];
    assert!(
        message.contains("\"Mobile\" and \"Home Phone\""),
        "names every phone column: {message}"
    );
    let summary = wd.read_json("people.summary.json");
    assert_eq!(
        summary["phone_columns"],
        json!({"Mobile": 2, "Home Phone": 2})
    );
    assert_eq!(
        summary["email_columns"],
        json!({"Email": 1, "Work Email": 1})
    );
    assert!(summary["layout"].is_null());
}

#[test]
fn a_country_column_sets_each_rows_region() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "world.csv",
        &[
            vec!["Phone", "Country"],
            vec!["0321 7654321", "PK"],
            vec!["07911 123456", "United Kingdom"],
            vec!["70252 01234", "IND"],
            vec!["(415) 555-0301", ""],
            vec!["+49 151 23456789", "Narnia"],
            vec!["0151 23456789", "Narnia"],
        ],
    );
    let out = wd.run(&["import", "world.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_each_row_once(&wd, "world", 6);
    for phone in [
        "923217654321",
        "447911123456",
        "917025201234",
        "14155550301",
        "4915123456789",
    ] {
        stored(&wd, phone);
    }
    let errors = wd.read_csv("world.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["country_unknown"]);
    let message = &column(&errors, "_error")[0];
    assert!(
        message.contains("\"Country\"") && message.contains("Narnia"),
        "names the column and the value: {message}"
    );
    let summary = wd.read_json("world.summary.json");
    assert_eq!(summary["country_regions"]["GB"], 1);
}

#[test]
fn sms_consent_is_opted_out_inverted_and_email_consent_is_ignored() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "consent.csv",
        &[
            vec!["Phone", "SMS Opt-in", "Accepts Email Marketing"],
            vec!["(415) 555-0401", "yes", "no"],
            vec!["(415) 555-0402", "no", "yes"],
            vec!["(415) 555-0403", "", "yes"],
            vec!["(415) 555-0404", "maybe", ""],
        ],
    );
    // A consent value the mapper cannot read stops the run, naming the
    // column and the value: consent is never dropped.
    let out = wd.run(&["import", "consent.csv"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("\"SMS Opt-in\"") && err.contains("\"maybe\""),
        "{err}"
    );
    assert_eq!(wd.sim().stats()["writes"], 0);
    // Past the rows the mapper samples, such a value fails its row.
    let mut rows: Vec<Vec<String>> = vec![vec![
        "Phone".into(),
        "SMS Opt-in".into(),
        "Accepts Email Marketing".into(),
    ]];
    for (phone, consent, email) in [
        ("(415) 555-0401", "yes", "no"),
        ("(415) 555-0402", "no", "yes"),
        ("(415) 555-0403", "", "yes"),
    ] {
        rows.push(vec![phone.into(), consent.into(), email.into()]);
    }
    for n in 0..hmbulk_engine::mapping::SAMPLE_ROWS {
        rows.push(vec![
            format!("(415) 556-{:04}", n),
            "yes".into(),
            String::new(),
        ]);
    }
    rows.push(vec!["(415) 555-0404".into(), "maybe".into(), String::new()]);
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    wd.create("consent.csv", &rows);
    let out = wd.run(&["import", "consent.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_each_row_once(&wd, "consent", rows.len() - 1);
    assert_eq!(stored(&wd, "14155550401")["is_opted_out"], false);
    assert_eq!(stored(&wd, "14155550402")["is_opted_out"], true);
    let blank = stored(&wd, "14155550403");
    assert!(blank["is_opted_out"].is_null() || blank["is_opted_out"] == false);
    let errors = wd.read_csv("consent.errors.csv");
    assert!(column(&errors, "_error")[0].contains("SMS consent"));
    let summary = wd.read_json("consent.summary.json");
    let ignored = summary["ignored_columns"].to_string();
    assert!(ignored.contains("Accepts Email Marketing"), "{ignored}");
    assert!(ignored.contains("not SMS consent"), "{ignored}");
}

#[test]
fn unknown_tags_fail_with_the_closest_names_unless_created_once_each() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "tags.csv",
        &[
            vec!["Phone", "Tags"],
            vec!["(415) 555-0501", "\"VIP\",\"Newsleter\""],
            vec!["(415) 555-0502", "Gold, vip"],
            vec!["(415) 555-0503", "gold; Silver"],
        ],
    );
    let out = wd.run(&["import", "tags.csv"]);
    assert_eq!(code(&out), 1);
    let errors = wd.read_csv("tags.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["unknown_tag"; 3]);
    let first = &column(&errors, "_error")[0];
    assert!(first.contains("\"Newsletter\""), "closest known: {first}");
    assert!(first.contains("--create-tags"), "{first}");
    let tags_before = wd.sim().stats()["writes"].clone();

    // A dry run says what it would create, and creates nothing.
    let out = wd.run(&["validate", "tags.csv", "--create-tags"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let summary = wd.read_json("tags.summary.json");
    assert_eq!(
        summary["tags_created"],
        json!(["Newsleter", "Gold", "Silver"])
    );
    assert_eq!(wd.sim().stats()["writes"], tags_before);

    let out = wd.run(&["import", "tags.csv", "--create-tags"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "tags", 3);
    assert!(stderr(&out).contains("created 3 tags"), "{}", stderr(&out));
    let gold = stored(&wd, "14155550502")["tags"].clone();
    let gold_again = stored(&wd, "14155550503")["tags"].clone();
    let gold_id = gold.as_array().unwrap().iter().find(|t| **t != 11).cloned();
    assert!(gold_again.as_array().unwrap().contains(&gold_id.unwrap()));
    // Created once each: a second run creates nothing.
    let out = wd.run(&["import", "tags.csv", "--create-tags"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let summary = wd.read_json("tags.summary.json");
    assert_eq!(summary["tags_created"], json!([]));
}

#[test]
fn unknown_columns_are_ignored_and_a_guess_stops_with_a_map_to_paste() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "crm.csv",
        &[
            vec!["Phone", "Job Title", "Phone 1 - Type", "Emial", "Fav Color"],
            vec!["(415) 555-0601", "CEO", "Mobile", "a@example.com", "red"],
            vec!["(415) 555-0602", "CTO", "Work", "b@example.com", "blue"],
            vec!["(415) 555-0603", "CFO", "Home", "c@example.com", "green"],
        ],
    );
    // "Emial" holds email addresses: found by its content, a guess, so
    // off a terminal the run stops with the map file to paste.
    let out = wd.run(&["import", "crm.csv"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("\"Emial\" (content: email addresses"), "{err}");
    assert!(err.contains("[columns]"), "{err}");
    assert_eq!(wd.sim().stats()["writes"], 0);
    // The block, pasted as it is, makes the file import.
    let block = &err[err.find("[settings]").unwrap()..];
    std::fs::write(wd.path("map.toml"), block).unwrap();
    let out = wd.run(&["import", "crm.csv", "--map", "map.toml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stored(&wd, "14155550601")["email"], "a@example.com");
    // Without the guess the other columns are ignored and named: no stop.
    wd.create(
        "crm2.csv",
        &[
            vec!["Phone", "Job Title", "Phone 1 - Type", "Fav Color"],
            vec!["(415) 555-0604", "CEO", "Mobile", "red"],
        ],
    );
    let out = wd.run(&["import", "crm2.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    for header in ["Job Title", "Phone 1 - Type", "Fav Color"] {
        assert!(err.contains(&format!("\"{header}\"")), "{header}: {err}");
    }
    let summary = wd.read_json("crm2.summary.json");
    assert_eq!(summary["ignored_columns"].as_array().unwrap().len(), 3);
}

#[test]
fn offline_validate_checks_every_row_and_names_what_it_could_not_check() {
    let wd = Workdir::new();
    let sample =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/contacts.csv")).unwrap();
    wd.create_bytes("contacts.csv", &sample);
    let out = wd.run(&["validate", "contacts.csv"]);
    assert_ne!(code(&out), 2, "{}", stderr(&out));
    let summary = wd.read_json("contacts.summary.json");
    assert_eq!(
        summary["unchecked_columns"],
        json!(["Company", "Loyalty Tier", "Store", "Birthday"])
    );
    assert!(summary["rows_read"].as_u64().unwrap() > 0);
    assert!(stderr(&out).contains("not checked"), "{}", stderr(&out));

    // hmbulk's own export file.
    wd.create(
        "export.csv",
        &[
            vec![
                "id",
                "uuid",
                "phone",
                "first",
                "last",
                "display_name",
                "email",
                "is_opted_out",
                "blocked",
                "tags",
                "assignee",
                "created",
                "updated",
                "Company",
                "Loyalty Tier",
            ],
            vec![
                "7",
                "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
                "14155550701",
                "Ada",
                "Lovelace",
                "Ada Lovelace",
                "ada@example.com",
                "false",
                "",
                "VIP;Newsletter",
                "Dana Scully",
                "2026-01-01T00:00:00Z",
                "2026-01-02T00:00:00Z",
                "Engines",
                "Gold",
            ],
        ],
    );
    let out = wd.run(&["validate", "export.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "export", 1);
    let summary = wd.read_json("export.summary.json");
    assert_eq!(
        summary["unchecked_columns"],
        json!(["Company", "Loyalty Tier"])
    );
}

#[test]
fn an_error_report_imports_again_with_its_runs_mapping_and_rows() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "crm.csv",
        &[
            vec!["Handy", "Vorname", "Land"],
            vec!["0151 23456789", "Jörg", ""],
            vec!["0151 2345", "Anna", ""],
            vec!["0171 1234567", "Max", ""],
        ],
    );
    std::fs::write(
        wd.path("crm.toml"),
        "[settings]\ndefault_region = \"DE\"\n[columns]\n\"Handy\" = \"phone\"\n\"Vorname\" = \"first\"\n\"Land\" = \"country\"\n",
    )
    .unwrap();
    let out = wd.run(&["import", "crm.csv", "--map", "crm.toml"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(stored(&wd, "4915123456789")["first"], "Jörg");
    let mapping = wd.read("crm.mapping.toml");
    assert!(mapping.contains("default_region = \"DE\""), "{mapping}");

    // Fix the error report and import it as it is: no flags.
    let fixed = wd
        .read("crm.errors.csv")
        .replace("0151 2345,", "0151 23450000,");
    std::fs::write(wd.path("crm.errors.csv"), fixed).unwrap();
    let out = wd.run(&["import", "crm.errors.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("crm.mapping.toml"),
        "says so: {}",
        stderr(&out)
    );
    assert_each_row_once(&wd, "crm.errors", 1);
    assert_eq!(stored(&wd, "4915123450000")["first"], "Anna");
    let results = wd.read_csv("crm.errors.results.csv");
    assert_eq!(column(&results, "source_row"), ["2"], "the original row");
}
