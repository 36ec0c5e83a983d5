//! `hmbulk validate` (= `import --dry-run`) and the input side end to end:
//! encodings, delimiters, every local error code, offline runs.

use crate::test_import::{as_refs, clean_rows, digits};
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

const TEXT: &str = "First Name{d}Last Name{d}Mobile{d}Company\n\
                    José{d}Müller{d}(415) 200-0001{d}Café, \"Zoë\" & Co\n\
                    \n\
                    Ærøskøbing{d}Ñandú{d}+1 415 200 0002{d}€uro Ltd\n";

fn text(delimiter: char) -> String {
    let d = delimiter.to_string();
    let t = TEXT.replace("{d}", &d);
    // Quote the company cell, which holds the comma and quotes.
    t.replace(
        &format!("{d}Café, \"Zoë\" & Co"),
        &format!("{d}\"Café, \"\"Zoë\"\" & Co\""),
    )
}

pub fn encode(t: &str, encoding: &str) -> Vec<u8> {
    match encoding {
        "utf-8" => t.as_bytes().to_vec(),
        "utf-8-bom" => [b"\xEF\xBB\xBF".as_slice(), t.as_bytes()].concat(),
        "utf-16le" => [
            vec![0xFF, 0xFE],
            t.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        ]
        .concat(),
        "utf-16be" => [
            vec![0xFE, 0xFF],
            t.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        ]
        .concat(),
        "windows-1252" => {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(t);
            assert!(!unmappable);
            bytes.into_owned()
        }
        other => panic!("{other}"),
    }
}

#[test]
fn every_encoding_and_delimiter_imports_the_same_contacts() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    for encoding in ["utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252"] {
        for delimiter in [',', ';', '\t', '|'] {
            let name = format!("{encoding}-{}.csv", delimiter as u32);
            wd.create_bytes(&name, &encode(&text(delimiter), encoding));
            let out = wd.run(&["import", &name]);
            assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
            let stem = name.trim_end_matches(".csv");
            assert_each_row_once(&wd, stem, 2);
            let summary = wd.read_json(&format!("{stem}.summary.json"));
            assert_eq!(summary["blank_lines"], 1, "{name}");
            let store = wd.sim().contacts();
            assert_eq!(store.len(), 2, "{name}: upserts, never duplicates");
            let jose = store
                .iter()
                .find(|c| c["phone"] == "14152000001")
                .expect("José stored");
            assert_eq!(jose["first"], "José", "{name}");
            assert_eq!(jose["last"], "Müller", "{name}");
            assert_eq!(jose["custom"]["101"], "Café, \"Zoë\" & Co", "{name}");
            let other = store.iter().find(|c| c["phone"] == "14152000002").unwrap();
            assert_eq!(other["first"], "Ærøskøbing", "{name}");
            assert_eq!(other["custom"]["101"], "€uro Ltd", "{name}");
        }
    }
}

#[test]
fn validate_offline_needs_no_network_and_writes_the_same_reports() {
    let wd = Workdir::new();
    let mut rows = clean_rows(6);
    rows[3][2] = "not a phone".into();
    wd.create("people.csv", &as_refs(&rows));
    let out = wd.run(&["validate", "people.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_each_row_once(&wd, "people", 6);
    let results = wd.read_csv("people.results.csv");
    assert!(column(&results, "action").iter().all(|a| a == "valid"));
    assert_eq!(column(&results, "phone")[0], digits(0));
    assert_eq!(
        column(&wd.read_csv("people.errors.csv"), "_error_code"),
        ["phone_invalid"]
    );
    let summary = wd.read_json("people.summary.json");
    assert_eq!(summary["dry_run"], true);
    assert_eq!(summary["valid"], 5);
    assert_eq!(summary["requests"], 0);
}

#[test]
fn import_dry_run_reads_names_but_never_writes() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let rows = vec![
        vec!["Name", "Phone", "Tags", "Owner", "Loyalty Tier"],
        vec![
            "Ann Lee",
            "(415) 200-0100",
            "VIP; Newsletter",
            "Dana Scully",
            "Gold",
        ],
        vec!["Bo Ek", "(415) 200-0101", "Nope", "Dana Scully", "Gold"],
    ];
    wd.create("people.csv", &rows);
    let out = wd.run(&["import", "people.csv", "--dry-run"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        column(&wd.read_csv("people.errors.csv"), "_error_code"),
        ["unknown_tag"]
    );
    assert!(wd.sim().contacts().is_empty());
    assert_eq!(wd.sim().stats()["writes"], 0);
}

#[test]
fn every_local_error_code_has_a_row_and_a_message() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let header = vec![
        "First Name",
        "Mobile",
        "Email",
        "Tags",
        "Owner",
        "Opted Out",
        "uuid",
    ];
    let good = "(415) 200-0300";
    let rows: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "Fine",
                "1.4152000307E+10",
                "a@b.co",
                "VIP",
                "Fox Mulder",
                "yes",
                "",
            ],
            "",
        ),
        (vec!["Short", good], "row_shape"),
        (vec!["NoPhone", "", "", "", "", "", ""], "phone_missing"),
        (
            vec!["BadPhone", "415 555", "", "", "", "", ""],
            "phone_invalid",
        ),
        (
            vec!["Excel", "4.15555E+09", "", "", "", "", ""],
            "phone_spreadsheet_damaged",
        ),
        (
            vec!["Mail", "(415) 200-0301", "ann@", "", "", "", ""],
            "email_invalid",
        ),
        (
            vec![
                "Tags",
                "(415) 200-0302",
                "",
                "VIP;Newsletter;Wholesale;Spring Sale;Returning;Lead",
                "",
                "",
                "",
            ],
            "too_many_tags",
        ),
        (
            vec!["Tag", "(415) 200-0303", "", "Platinum", "", "", ""],
            "unknown_tag",
        ),
        (
            vec!["Owner", "(415) 200-0304", "", "", "Nobody Here", "", ""],
            "unknown_assignee",
        ),
        (
            vec!["Opt", "(415) 200-0305", "", "", "", "maybe", ""],
            "opted_out_invalid",
        ),
        (
            vec!["Uuid", "(415) 200-0306", "", "", "", "", "not-a-uuid"],
            "uuid_invalid",
        ),
        (
            vec!["Dup", "+1 415 200 0307", "", "", "", "", ""],
            "duplicate_in_file",
        ),
    ];
    let mut file = vec![header];
    file.extend(rows.iter().map(|(r, _)| r.clone()));
    wd.create("bad.csv", &file);
    let out = wd.run(&["import", "bad.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_each_row_once(&wd, "bad", rows.len());
    let errors = wd.read_csv("bad.errors.csv");
    let codes = column(&errors, "_error_code");
    let messages = column(&errors, "_error");
    let expected: Vec<&str> = rows
        .iter()
        .map(|(_, c)| *c)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(codes, expected);
    for (code, message) in codes.iter().zip(&messages) {
        assert!(
            message.len() > 20,
            "{code}: a message a person can act on: {message:?}"
        );
    }
    assert!(
        messages[3].contains("digits"),
        "damage explained: {}",
        messages[3]
    );
    assert!(
        messages[10].contains("row 1"),
        "duplicate names the first row: {}",
        messages[10]
    );
    // The one good row went in, with names turned into ids.
    let store = wd.sim().contacts();
    assert_eq!(store.len(), 1);
    assert_eq!(store[0]["phone"], "14152000307");
    assert_eq!(store[0]["tags"], serde_json::json!([11]));
    assert_eq!(store[0]["assigned_user_id"], 502);
    assert_eq!(store[0]["is_opted_out"], true);
}

#[test]
fn unknown_columns_are_ignored_and_named_and_a_misspelt_custom_field_stops() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let rows = vec![
        vec!["Phone", "Shoe Size", "Favourite Colour"],
        vec!["(415) 200-0400", "9", "red"],
    ];
    wd.create("people.csv", &rows);
    let out = wd.run(&["import", "people.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("ignored (matches no field): \"Shoe Size\" and \"Favourite Colour\""),
        "{err}"
    );
    assert_eq!(wd.sim().contacts().len(), 1);

    // A column one letter off a custom field's title stops, naming it.
    wd.create(
        "tier.csv",
        &[
            vec!["Phone", "Loyalty Teir"],
            vec!["(415) 200-0401", "Gold"],
        ],
    );
    let out = wd.run(&["import", "tier.csv"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("\"Loyalty Tier\" misspelt"),
        "{}",
        stderr(&out)
    );
    assert_eq!(wd.sim().contacts().len(), 1);
    let out = wd.run(&["import", "tier.csv", "--ignore-unknown"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn map_file_places_the_columns_a_crm_names_its_own_way() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let rows = vec![
        vec!["Handy", "Vorname", "Kundennummer", "Interne Notiz"],
        vec!["+1 415 200 0500", "Jörg", "K-17", "x"],
    ];
    wd.create("crm.csv", &rows);
    std::fs::write(
        wd.path("crm.toml"),
        "[columns]\n\"Handy\" = \"phone\"\n\"Vorname\" = \"first\"\n\"Kundennummer\" = \"Company\"\n\"Interne Notiz\" = \"ignore\"\n",
    )
    .unwrap();
    let out = wd.run(&["import", "crm.csv", "--map", "crm.toml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let store = wd.sim().contacts();
    assert_eq!(store[0]["first"], "Jörg");
    assert_eq!(store[0]["custom"]["101"], "K-17");
}

/// A duplicate skipped (`--on-duplicate skip`) says who it is in the
/// results, as every other results line does; a dry run and an import alike.
#[test]
fn a_skipped_duplicate_says_who_it_is() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "dups.csv",
        &[
            vec!["Phone", "First", "Last", "Email"],
            vec!["(415) 555-0101", "Ada", "Lovelace", "ada@example.com"],
            vec!["415.555.0101", "Ada", "Byron", "byron@example.com"],
        ],
    );
    for (command, first) in [("validate", "valid"), ("import", "created")] {
        let out = wd.run(&[command, "dups.csv", "--on-duplicate", "skip"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let results = wd.read_csv("dups.results.csv");
        assert_eq!(column(&results, "action"), [first, "skipped"], "{command}");
        assert_eq!(column(&results, "name"), ["Ada Lovelace", "Ada Byron"]);
        assert_eq!(
            column(&results, "email"),
            ["ada@example.com", "byron@example.com"]
        );
        assert_each_row_once(&wd, "dups", 2);
    }
}

/// A dry run passes its rendered lines on in runs between duplicates
/// (`pipeline/decide.rs`): the rows around each duplicate keep their lines,
/// in row order, in both reports, whatever `--on-duplicate` says.
#[test]
fn a_dry_run_reports_the_rows_around_each_duplicate_in_order() {
    let wd = Workdir::new();
    wd.create(
        "dups.csv",
        &[
            vec!["Phone", "First"],
            vec!["(415) 555-0101", "A"],
            vec!["(415) 555-0102", "B"],
            vec!["(415) 555-0103", "C"],
            vec!["415.555.0102", "B again"],
            vec!["555", "Bad"],
            vec!["(415) 555-0104", "D"],
            vec!["+1 415 555 0104", "D again"],
            vec!["(415) 555-0105", "E"],
        ],
    );
    let out = wd.run(&["validate", "dups.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let results = wd.read_csv("dups.results.csv");
    assert_eq!(column(&results, "row"), ["1", "2", "3", "6", "8"]);
    assert_eq!(column(&results, "name"), ["A", "B", "C", "D", "E"]);
    let errors = wd.read_csv("dups.errors.csv");
    assert_eq!(column(&errors, "_row"), ["4", "5", "7"]);
    assert_eq!(
        column(&errors, "_error_code"),
        ["duplicate_in_file", "phone_invalid", "duplicate_in_file"]
    );
    assert_eq!(column(&errors, "First"), ["B again", "Bad", "D again"]);

    let out = wd.run(&["validate", "dups.csv", "--on-duplicate", "skip"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let results = wd.read_csv("dups.results.csv");
    assert_eq!(column(&results, "row"), ["1", "2", "3", "4", "6", "7", "8"]);
    assert_eq!(
        column(&results, "action"),
        [
            "valid", "valid", "valid", "skipped", "valid", "skipped", "valid"
        ]
    );
    assert_eq!(column(&wd.read_csv("dups.errors.csv"), "_row"), ["5"]);
    assert_each_row_once(&wd, "dups", 8);
}
