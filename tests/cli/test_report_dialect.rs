//! Reports in the input's dialect (issue 21): the input's delimiter, and a
//! UTF-8 BOM whenever the input was not plain UTF-8, so that Excel opens
//! the error report as it opened the file (`Renée`, not `RenÃ©e`; columns,
//! not one) — and the error report, fixed and saved, imports as it is.

use serde_json::json;

use crate::api::seed;
use crate::test_import::stored;
use crate::test_validate::encode;
use crate::workdir::{Workdir, code, column, stderr};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The first line of a report, without its BOM.
fn header_line(bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.strip_prefix(BOM).unwrap_or(bytes).to_vec()).unwrap();
    text.lines().next().unwrap().to_string()
}

#[test]
fn a_windows_1252_semicolon_file_gets_semicolon_reports_with_a_bom_that_import_back_as_they_are() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "First Name;Last Name;Mobile;Company\r\n\
                Renée;Müller;(415) 200-0001;Café, Zoë\r\n\
                José;Ñandú;not a phone;€uro Ltd\r\n";
    wd.create_bytes("leute.csv", &encode(text, "windows-1252"));
    let out = wd.run(&["import", "leute.csv", "--html"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));

    for report in ["leute.results.csv", "leute.errors.csv"] {
        let bytes = std::fs::read(wd.path(report)).unwrap();
        assert!(bytes.starts_with(BOM), "{report}: a BOM, for Excel");
        assert!(std::str::from_utf8(&bytes).is_ok(), "{report}: UTF-8 text");
    }
    let errors = std::fs::read(wd.path("leute.errors.csv")).unwrap();
    assert_eq!(
        header_line(&errors),
        "First Name;Last Name;Mobile;Company;_row;_error_code;_error"
    );
    let errors_text = String::from_utf8(errors.clone()).unwrap();
    assert!(errors_text.contains("José;Ñandú;not a phone;€uro Ltd;2;phone_invalid;"));
    assert!(
        header_line(&std::fs::read(wd.path("leute.results.csv")).unwrap())
            .starts_with("row;phone_raw;phone;name;email;action;id;uuid;source_row")
    );
    let results = wd.read_csv("leute.results.csv");
    assert_eq!(column(&results, "name"), ["Renée Müller"]);
    // The run report reads the error report back in its dialect.
    let page = wd.read("leute.report.html");
    assert!(
        page.contains("Ñandú") && page.contains("not a phone"),
        "{page}"
    );

    // Fixed in the spreadsheet (the cell, nothing else) and saved as it was.
    let fixed = errors_text.replace("not a phone", "(415) 200-0002");
    wd.create_bytes("leute.errors.csv", fixed.as_bytes());
    let out = wd.run(&["import", "leute.errors.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let jose = stored(&wd, "14152000002");
    assert_eq!(
        (&jose["first"], &jose["last"]),
        (&json!("José"), &json!("Ñandú"))
    );
    assert_eq!(jose["custom"]["101"], "€uro Ltd");
    assert_eq!(stored(&wd, "14152000001")["first"], "Renée");
    let summary = wd.read_json("leute.errors.summary.json");
    assert_eq!(
        (&summary["encoding"], &summary["delimiter"]),
        (&json!("utf-8 (bom)"), &json!(";"))
    );
    assert_eq!(
        column(&wd.read_csv("leute.errors.results.csv"), "source_row"),
        ["2"]
    );
    // Its own reports keep the dialect.
    let again = std::fs::read(wd.path("leute.errors.results.csv")).unwrap();
    assert!(again.starts_with(BOM));
    assert!(header_line(&again).starts_with("row;phone_raw;"));
}

#[test]
fn utf16_tab_files_get_tab_reports_and_bom_flags_force_either_way() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "Name\tMobile\nAnn Lee\t(415) 200-0101\nBo\tbad\n";
    wd.create_bytes("unicode.txt", &encode(text, "utf-16le"));
    let out = wd.run(&["validate", "unicode.txt"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let errors = std::fs::read(wd.path("unicode.errors.csv")).unwrap();
    assert!(errors.starts_with(BOM));
    assert_eq!(
        header_line(&errors),
        "Name\tMobile\t_row\t_error_code\t_error"
    );

    let out = wd.run(&["validate", "unicode.txt", "--no-bom"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let errors = std::fs::read(wd.path("unicode.errors.csv")).unwrap();
    assert!(!errors.starts_with(BOM), "--no-bom");
    assert!(errors.starts_with(b"Name\tMobile\t_row"));

    // Plain UTF-8 with commas: no BOM, unless asked.
    wd.create(
        "plain.csv",
        &[vec!["Name", "Mobile"], vec!["Ann", "(415) 200-0102"]],
    );
    assert_eq!(code(&wd.run(&["validate", "plain.csv"])), 0);
    let results = std::fs::read(wd.path("plain.results.csv")).unwrap();
    assert!(results.starts_with(b"row,phone_raw,"));
    assert_eq!(code(&wd.run(&["validate", "plain.csv", "--bom"])), 0);
    assert!(
        std::fs::read(wd.path("plain.results.csv"))
            .unwrap()
            .starts_with(BOM)
    );

    // status and delete write theirs in the input's dialect too.
    seed(&wd, &[json!({"phone": "14152000101", "first": "Ann"})]);
    let text = "Name;Mobile;Status\nRenée;(415) 200-0101;STOP\nZoë;(415) 200-0199;STOP\n";
    wd.create_bytes("stop.csv", &encode(text, "windows-1252"));
    let out = wd.run(&["status", "stop.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let errors = std::fs::read(wd.path("stop.status.errors.csv")).unwrap();
    assert!(errors.starts_with(BOM));
    assert_eq!(
        header_line(&errors),
        "Name;Mobile;Status;_row;_error_code;_error"
    );
    let results = std::fs::read(wd.path("stop.status.results.csv")).unwrap();
    assert!(header_line(&results).ends_with(";status;unsubscribed;blocked"));
}

#[test]
fn a_windows_1252_file_known_only_past_its_first_64_kib_still_gets_its_bom() {
    let wd = Workdir::new();
    // 3,000 rows of plain ASCII (about 90 KB), then one with `é`, then a bad one.
    let mut text = String::from("Name;Mobile\r\n");
    for i in 0..3000 {
        text += &format!("Person {i:04};(415) 201-{i:04}\r\n");
    }
    text += "Renée;(415) 202-0001\r\nBad;not a phone\r\n";
    wd.create_bytes("late.csv", &encode(&text, "windows-1252"));
    let out = wd.run(&["validate", "late.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        wd.read_json("late.summary.json")["encoding"],
        "windows-1252"
    );
    for report in ["late.results.csv", "late.errors.csv"] {
        let bytes = std::fs::read(wd.path(report)).unwrap();
        assert!(
            bytes.starts_with(BOM),
            "{report}: the BOM put in front at the end"
        );
        assert_eq!(
            bytes[3..].iter().filter(|&&b| b == 0xEF).count(),
            0,
            "{report}: one BOM"
        );
    }
    let results = wd.read_csv("late.results.csv");
    assert_eq!(results.len(), 3002);
    assert_eq!(column(&results, "name")[3000], "Renée");
    assert_eq!(column(&wd.read_csv("late.errors.csv"), "_row"), ["3002"]);
}
