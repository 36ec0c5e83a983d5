//! Workbooks in and out, with the real binary against the simulator. The
//! workbooks in tests/fixtures/workbooks were written by real writers
//! (openpyxl 3.1.5, and LibreOffice Calc saving that file as .xlsx, .xls and
//! .ods); make.py there made them and says what each row holds. Their
//! "Contacts" sheet (the second; the first is a "Read me" sheet) has two
//! title rows, the header on row 3, and:
//!
//! | row | phone cell                  | what it tests                       |
//! |-----|-----------------------------|-------------------------------------|
//! | 4   | number 14155550101          | an integer number cell; a date      |
//! | 5   | number 4155550102.0         | a float; the company merged down    |
//! | 6   | number 7911123456, GB       | a lost leading zero; a date-time    |
//! | 7   | (empty row)                 | skipped and counted                 |
//! | 8   | text "+44 20 7946 0958"     | text as typed                       |
//! | 9   | number 4155550103           | an invalid email                    |
//! | 10  | number 14155550101          | a duplicate of row 4                |
//! | 11  | formula =4155550000+104     | its cached value (openpyxl: none)   |
//! | 12  | number 4155550105, hidden   | a hidden row is read                |

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use heymarket_sim::SimConfig;
use serde_json::Value;

use crate::hostile::{Hostile, Reply};
use crate::test_import::{digits, store_phones, stored};
use crate::workdir::{Workdir, code, column, stderr};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/workbooks")
        .join(name)
}

/// Copy fixture `name` into the workdir as `as_name`.
fn copy(wd: &Workdir, name: &str, as_name: &str) {
    std::fs::copy(fixture(name), wd.path(as_name)).expect("copy the fixture");
}

/// The first sheet of an `.xlsx` file, each cell as calamine reads it.
fn sheet_cells(path: &Path) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(path).expect("an .xlsx calamine opens");
    let range = book
        .worksheet_range_at(0)
        .expect("a first sheet")
        .expect("readable");
    range.rows().map(<[Data]>::to_vec).collect()
}

/// The first sheet of an `.xlsx` file as text (numbers as Rust prints them).
fn sheet_text(path: &Path) -> Vec<Vec<String>> {
    sheet_cells(path)
        .iter()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn custom(contact: &Value, id: &str) -> String {
    contact["custom"][id]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Rows with a number cell as phone, a lost leading zero, a float, dates,
/// booleans, a merged company, an empty row, a hidden row, and a formula:
/// read the same from every writer's file, stored as such.
#[test]
fn each_format_imports_the_contacts_sheet_with_its_cells_typed() {
    // Merged regions are filled in every format here; which rows are
    // hidden is read from .xlsx and .ods sheets, not from .xls.
    for (name, formula_cached, hidden_told) in [
        ("people.openpyxl.xlsx", false, true),
        ("people.libreoffice.xlsx", true, true),
        ("people.xls", true, false),
        ("people.ods", true, true),
    ] {
        let wd = Workdir::with_sim(Workdir::sim_config());
        let ext = name.rsplit('.').next().unwrap();
        let input = format!("people.{ext}");
        copy(&wd, name, &input);
        let out = wd.run(&["import", &input]);
        let err = stderr(&out);
        assert_eq!(code(&out), 1, "{name}: {err}");
        assert!(
            err.contains("sheet \"Contacts\" (2 of 2), header on row 3"),
            "{name}: the layout line names the sheet: {err}"
        );

        // Rows as the sheet numbers them, each in one report once.
        let results = wd.read_csv("people.results.csv");
        let errors = sheet_text(&wd.path("people.errors.xlsx"));
        let mut ok_rows = vec!["4", "5", "6", "8", "12"];
        let mut failed = vec![("9", "email_invalid"), ("10", "duplicate_in_file")];
        if formula_cached {
            ok_rows.insert(4, "11");
        } else {
            failed.push(("11", "phone_missing"));
        }
        assert_eq!(column(&results, "row"), ok_rows, "{name}");
        let got: Vec<(String, String)> = column(&errors, "_row")
            .into_iter()
            .zip(column(&errors, "_error_code"))
            .collect();
        let want: Vec<(String, String)> = failed
            .iter()
            .map(|(r, c)| (r.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want, "{name}");
        let summary = wd.read_json("people.summary.json");
        assert_eq!(summary["rows_read"], 8, "{name}");
        assert_eq!(summary["blank_lines"], 1, "{name}: row 7 skipped, counted");
        assert_eq!(summary["encoding"], ext, "{name}: the workbook's format");
        assert_eq!(
            summary["rows_ok"].as_u64().unwrap() + summary["rows_failed"].as_u64().unwrap(),
            8
        );
        let hidden_note = summary["notes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .find(|n| n.contains("hidden in the sheet"));
        match hidden_told {
            true => assert!(
                hidden_note
                    .is_some_and(|n| n.starts_with("1 row was hidden in the sheet (row 12)")),
                "{name}: {summary}"
            ),
            false => assert_eq!(hidden_note, None, "{name}"),
        }
        let duplicate = column(&errors, "_error")[1].clone();
        assert!(duplicate.contains("same number as row 4's"), "{duplicate}");

        // The store: number cells as their digits, read in the row's region.
        let ann = stored(&wd, "14155550101");
        assert_eq!(ann["first"], "Ann", "{name}");
        assert_eq!(custom(&ann, "101"), "Acme", "{name}: Company");
        assert_eq!(custom(&ann, "102"), "1990-03-05", "{name}: a date cell");
        let bob = stored(&wd, "14155550102");
        assert_eq!(custom(&bob, "101"), "Acme", "{name}: merged down to row 5");
        let cara = stored(&wd, "447911123456");
        assert_eq!(cara["first"], "Cara", "{name}: GB mobile without its 0");
        assert_eq!(
            custom(&cara, "102"),
            "1985-01-02",
            "{name}: midnight is a date"
        );
        assert_eq!(cara["is_opted_out"], true, "{name}: a TRUE cell");
        assert_eq!(ann["is_opted_out"], false, "{name}: a FALSE cell");
        assert_eq!(stored(&wd, "442079460958")["first"], "Dan", "{name}");
        assert_eq!(stored(&wd, "14155550105")["first"], "Gus", "{name}: hidden");
        let fay = wd
            .sim()
            .contacts()
            .into_iter()
            .any(|c| c["phone"] == "14155550104");
        assert_eq!(fay, formula_cached, "{name}: the formula's cached value");
        assert_eq!(wd.sim().contacts().len(), ok_rows.len(), "{name}");
    }
}

/// Two sheets that both name a phone column: stop, naming each with its
/// header; `--sheet` by name or number chooses.
#[test]
fn several_contact_sheets_stop_until_sheet_chooses_one() {
    let wd = Workdir::new();
    copy(&wd, "two_contact_sheets.xlsx", "book.xlsx");
    let out = wd.run(&["validate", "book.xlsx"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    for line in [
        "1. \"2023\" (header on row 1): Phone, Name",
        "2. \"2024\" (header on row 1): Mobile, Name, Email",
        "--sheet",
    ] {
        assert!(err.contains(line), "{line:?} in {err}");
    }
    assert!(!wd.path("book.results.csv").exists(), "nothing was read");

    for (sheet, phone) in [("2024", "14155550202"), ("1", "14155550201")] {
        let out = wd.run(&["validate", "book.xlsx", "--sheet", sheet]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let results = wd.read_csv("book.results.csv");
        assert_eq!(column(&results, "row"), ["2"], "--sheet {sheet}");
        assert_eq!(column(&results, "phone"), [phone], "--sheet {sheet}");
    }
    let out = wd.run(&["validate", "book.xlsx", "--sheet", "2025"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no worksheet \"2025\""),
        "{}",
        stderr(&out)
    );

    // A CSV file has no sheets.
    wd.create("people.csv", &[vec!["phone"], vec!["4155550101"]]);
    let out = wd.run(&["validate", "people.csv", "--sheet", "1"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("is not a workbook"),
        "{}",
        stderr(&out)
    );
}

/// The error report of a workbook is a workbook: the input's columns, then
/// `_row`, `_error_code`, `_error`; the failing cell highlighted. Fixed in
/// place by a program (read with calamine, written back with
/// rust_xlsxwriter), it imports again with no flags.
#[test]
fn the_xlsx_error_report_fixed_by_a_program_imports_again_as_it_is() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    copy(&wd, "people.openpyxl.xlsx", "people.xlsx");
    let out = wd.run(&["import", "people.xlsx"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = wd.path("people.errors.xlsx");
    assert!(!wd.path("people.errors.csv").exists());
    let cells = sheet_cells(&report);
    let header: Vec<String> = cells[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(
        header,
        [
            "Phone",
            "First",
            "Last",
            "Email",
            "Country",
            "Birthday",
            "Company",
            "Opted Out",
            "_row",
            "_error_code",
            "_error"
        ]
    );
    // Every cell is text: a phone stays a phone when Excel opens it.
    assert!(
        cells[1..]
            .iter()
            .flatten()
            .all(|c| matches!(c, Data::String(_) | Data::Empty)),
        "{cells:?}"
    );
    // The email of row 9 is the highlighted cell.
    let mut book: Xlsx<_> = open_workbook(&report).unwrap();
    let styles = book.worksheet_style("errors").unwrap();
    let fill = |row: u32, col: u32| {
        styles
            .get((row, col))
            .and_then(|s| s.fill.as_ref())
            .is_some_and(|f| f.is_visible())
    };
    assert!(fill(1, 3), "row 9's Email cell is highlighted");
    assert!(!fill(1, 0) && !fill(2, 3), "only the failing cell");

    // Fix the three rows where they failed, as a person would.
    let mut rows: Vec<Vec<String>> = cells
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    for row in rows[1..].iter_mut() {
        match row[9].as_str() {
            "email_invalid" => row[3] = "eve@example.com".into(),
            "duplicate_in_file" => row[0] = "4155550106".into(),
            "phone_missing" => row[0] = "4155550104".into(),
            other => panic!("unexpected code {other}"),
        }
    }
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    book.save(&report).unwrap();

    let out = wd.run(&["import", "people.errors.xlsx"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let results = wd.read_csv("people.errors.results.csv");
    assert_eq!(column(&results, "row"), ["2", "3", "4"]);
    assert_eq!(column(&results, "source_row"), ["9", "10", "11"]);
    assert_eq!(stored(&wd, "14155550103")["email"], "eve@example.com");
    assert_eq!(stored(&wd, "14155550106")["first"], "Dup");
    assert_eq!(stored(&wd, "14155550104")["first"], "Fay");
    assert_eq!(custom(&stored(&wd, "14155550101"), "101"), "Acme");
}

/// `export --out all.xlsx`, read back by calamine: every contact once,
/// phones, ids and custom fields as text cells, times as dates.
#[test]
fn an_exported_workbook_reads_back_with_every_contact_once_and_phones_as_text() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    copy(&wd, "people.libreoffice.xlsx", "people.xlsx");
    let out = wd.run(&["import", "people.xlsx"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let out = wd.run(&["export", "--out", "all.xlsx"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let cells = sheet_cells(&wd.path("all.xlsx"));
    let header: Vec<String> = cells[0].iter().map(|c| c.to_string()).collect();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows = &cells[1..];
    let store = wd.sim().contacts();
    assert_eq!(rows.len(), store.len());
    let ids: BTreeSet<String> = rows.iter().map(|r| r[at("id")].to_string()).collect();
    assert_eq!(ids.len(), store.len(), "every contact once");
    for row in rows {
        for name in ["id", "phone"] {
            assert!(matches!(row[at(name)], Data::String(_)), "{name}: {row:?}");
        }
        assert!(matches!(row[at("created")], Data::DateTime(_)), "{row:?}");
        assert!(matches!(row[at("is_opted_out")], Data::Bool(_)), "{row:?}");
    }
    let phones: BTreeSet<String> = rows.iter().map(|r| r[at("phone")].to_string()).collect();
    let stored: BTreeSet<String> = store
        .iter()
        .map(|c| c["phone"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(phones, stored);
    let cara = rows
        .iter()
        .find(|r| r[at("phone")] == "447911123456")
        .unwrap();
    assert_eq!(cara[at("Birthday")], Data::String("1985-01-02".into()));

    // Another extension, or another format than the extension's: refused.
    for args in [
        vec!["export", "--out", "all.xls"],
        vec!["export", "--out", "all.xlsx", "--format", "csv"],
    ] {
        let out = wd.run(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--out all.xls"), "{}", stderr(&out));
    }
}

/// A workbook of `n` contacts (phones as number cells) on sheet "People",
/// written by rust_xlsxwriter.
fn workbook_of(wd: &Workdir, name: &str, n: usize) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("People").unwrap();
    for (c, h) in ["First Name", "Mobile"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..n {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, format!("First{i}")).unwrap();
        let phone: f64 = digits(i).parse().unwrap();
        sheet.write_number(row, 1, phone).unwrap();
    }
    book.save(wd.path(name)).unwrap();
}

/// A workbook import stopped by a 401 mid-run resumes like a CSV one: the
/// journal names the file (size and SHA-256) and the sheet, and `--resume`
/// ends with every row reported once, by its sheet row, and stored once.
#[test]
fn a_stopped_workbook_import_resumes() {
    let wd = Workdir::with_sim(SimConfig {
        latency_ms: 25,
        ..Workdir::sim_config()
    });
    workbook_of(&wd, "people.xlsx", 200);
    let server = Hostile::proxy(wd.sim().url(), |r, up| match r.route().as_str() {
        "POST /v2/contacts" if r.nth >= 4 => Reply::Json(401, r#"{"error":"unauthorized"}"#.into()),
        _ => up.reply(r),
    });
    let args = [
        "import",
        "people.xlsx",
        "--batch-size",
        "10",
        "--concurrency",
        "2",
        "--rate",
        "0",
    ];
    let out = wd
        .command(&args)
        .env("HEYMARKET_BASE_URL", server.url())
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(wd.read("people.journal").contains("1:People"), "the sheet");
    let out = wd.run(&[&args[..], &["--resume"]].concat());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let results = wd.read_csv("people.results.csv");
    let rows: Vec<String> = (2..=201).map(|r| r.to_string()).collect();
    assert_eq!(column(&results, "row"), rows);
    assert_eq!(column(&results, "action"), vec!["created"; 200]);
    let mut want: Vec<String> = (0..200).map(digits).collect();
    want.sort();
    assert_eq!(store_phones(&wd), want);
}

/// Every message that names a row names it as the sheet does, where the
/// sheet's rows are not the data rows (title rows, an empty row): two rows
/// of a workbook naming one contact (`delete`: rows 4 and 10 of the
/// fixture, its 1st and 6th data rows), and a read that stops inside the
/// sheet (stray_cell.xlsx: after row 14, its 11th data row).
#[test]
fn messages_name_rows_as_the_sheet_numbers_them() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    copy(&wd, "people.openpyxl.xlsx", "people.xlsx");
    let out = wd.run(&["import", "people.xlsx"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let before = wd.sim().contacts().len();

    let out = wd.run(&["delete", "people.xlsx", "--yes"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 1, "{err}");
    let errors = sheet_text(&wd.path("people.delete.errors.xlsx"));
    let duplicate: Vec<(String, String)> = column(&errors, "_row")
        .into_iter()
        .zip(column(&errors, "_error"))
        .filter(|(_, e)| e.contains("names the same contact"))
        .collect();
    assert_eq!(duplicate.len(), 1, "{errors:?}");
    assert_eq!(duplicate[0].0, "10");
    assert!(
        duplicate[0].1.starts_with("row 4 names the same contact"),
        "{}",
        duplicate[0].1
    );
    assert!(wd.sim().contacts().len() < before, "the others deleted");

    copy(&wd, "stray_cell.xlsx", "stray.xlsx");
    let out = wd.run(&["validate", "stray.xlsx"]);
    let err = stderr(&out);
    assert_ne!(code(&out), 0, "{err}");
    assert!(
        err.contains("after row 14 of sheet \"Contacts\""),
        "the sheet's row, not the 11th data row: {err}"
    );
    assert!(err.contains("cell A15"), "{err}");
    assert!(!err.contains("data row"), "{err}");
}

/// `--results-xlsx`: the results report again as a workbook beside the CSV,
/// read back by calamine: the same header and rows, every cell text (the
/// phones and ids as the API holds them, never numbers). The input is a
/// semicolon CSV in Windows-1252, so the CSV results start with a BOM and
/// are semicolon-separated: the workbook reads them in that dialect.
#[test]
fn results_xlsx_holds_the_results_report_with_every_cell_as_text() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "Vorname;Nachname;Handy\r\nJürgen;Groß;+49 151 23456789\r\nAda;Lovelace;(415) 555-0171\r\nBad;Row;12\r\n";
    let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    std::fs::write(wd.path("kontakte.csv"), bytes).unwrap();
    let out = wd.run(&["import", "kontakte.csv", "--results-xlsx"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("kontakte.results.xlsx"),
        "{}",
        stderr(&out)
    );
    let raw = std::fs::read(wd.path("kontakte.results.csv")).unwrap();
    assert!(raw.starts_with(b"\xEF\xBB\xBFrow;"), "the CSV's dialect");
    let csv_rows = wd.read_csv("kontakte.results.csv");
    let cells = sheet_cells(&wd.path("kontakte.results.xlsx"));
    assert_eq!(cells[0][..3], ["row", "phone_raw", "phone"].map(Data::from));
    assert_eq!(
        cells.len(),
        csv_rows.len(),
        "the header and every result row once"
    );
    for (row, want) in cells.iter().zip(&csv_rows) {
        assert_eq!(row.len(), want.len(), "{row:?}");
        for (cell, want) in row.iter().zip(want) {
            assert!(matches!(cell, Data::String(_) | Data::Empty), "{row:?}");
            assert_eq!(&cell.to_string(), want, "{row:?}");
        }
    }
    let phones = column(&csv_rows, "phone");
    assert_eq!(phones, ["4915123456789", "14155550171"], "{csv_rows:?}");
    assert_eq!(stored(&wd, "4915123456789")["first"], "Jürgen");
    assert_eq!(wd.sim().contacts().len(), 2);
}
