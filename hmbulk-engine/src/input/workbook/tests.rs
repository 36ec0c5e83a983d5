//! A sheet read through [`crate::input::config::Config`]: the CSV rows it gives,
//! their sheet row numbers, merged regions, ragged rows. The workbooks are
//! written here with rust_xlsxwriter (the end-to-end tests use files from
//! openpyxl and LibreOffice).

use rust_xlsxwriter::Workbook;

use crate::input::config::Config;

/// Rows of cells (`None`: no cell), written to `name` in `dir`, then
/// `edit` applied to the sheet.
fn book(
    dir: &std::path::Path,
    name: &str,
    rows: &[&[Option<&str>]],
    edit: impl FnOnce(&mut rust_xlsxwriter::Worksheet),
) -> std::path::PathBuf {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if let Some(text) = cell {
                match text.parse::<f64>() {
                    Ok(n) => sheet.write_number(r as u32, c as u16, n),
                    Err(_) => sheet.write_string(r as u32, c as u16, *text),
                }
                .unwrap();
            }
        }
    }
    edit(sheet);
    let path = dir.join(name);
    wb.save(&path).unwrap();
    path
}

#[test]
fn rows_keep_their_sheet_numbers_and_empty_rows_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = book(
        dir.path(),
        "people.xlsx",
        &[
            &[Some("Phone"), Some("Name")],
            &[Some("14155550101"), Some("Ann")],
            &[Some("4155550102"), None],
            &[None, Some("  ")],
            &[],
            &[Some("7911123456"), Some("Cy"), None, Some("note")],
        ],
        |_| {},
    );
    let mut reader = Config::new(&path).reader().unwrap();
    assert_eq!(reader.headers(), ["Phone", "Name"]);
    let sheet = reader.sheet().unwrap().clone();
    assert_eq!((sheet.name.as_str(), sheet.header_row), ("Sheet1", 1));
    let numbers = reader.row_numbers();
    let records: Vec<_> = reader.by_ref().map(|r| r.unwrap()).collect();
    let cells: Vec<Vec<String>> = records.iter().map(|r| r.cells.clone()).collect();
    assert_eq!(
        cells,
        [
            vec!["14155550101", "Ann"],
            vec!["4155550102", ""],
            // Text past the header is kept: the row is ragged.
            vec!["7911123456", "Cy", "", "note"],
        ]
    );
    let shown: Vec<u64> = records.iter().map(|r| numbers.shown(r.row)).collect();
    assert_eq!(shown, [2, 3, 6]);
    assert_eq!(reader.blank_lines(), 2, "rows 4 and 5");
}

/// A sheet whose header the mapper does not read (no phone column) still
/// has its header found below its title rows: `--map` and the sheet list
/// name its columns, not its title (calamine's tests/minimal_package.xlsx
/// is such a report: a title, a blank row, then the header).
#[test]
fn a_header_no_mapping_reads_is_still_found_below_the_titles() {
    let dir = tempfile::tempdir().unwrap();
    let check = crate::import::setup::header_check(None);
    let titled = book(
        dir.path(),
        "titled.xlsx",
        &[
            &[Some("Bookings for 01/30/17")],
            &[Some("  ")],
            &[Some("Booking"), Some("Date"), Some("Officer")],
            &[Some("4894831"), Some("01/30/17"), Some("Lee")],
        ],
        |_| {},
    );
    let reader = Config::new(&titled)
        .header_check(check.clone())
        .reader()
        .unwrap();
    assert_eq!(reader.headers(), ["Booking", "Date", "Officer"]);
    assert_eq!(reader.sheet().unwrap().header_row, 3);
    // A first row with as many cells is the header, title-like or not.
    let plain = book(
        dir.path(),
        "plain.xlsx",
        &[
            &[Some("Ref"), Some("When")],
            &[Some("Booking"), Some("Date"), Some("Officer")],
        ],
        |_| {},
    );
    let reader = Config::new(&plain).header_check(check).reader().unwrap();
    assert_eq!(reader.sheet().unwrap().header_row, 2, "2 cells are a title");
    let wide = book(
        dir.path(),
        "wide.xlsx",
        &[
            &[Some("Ref"), Some("When"), Some("Who")],
            &[Some("Booking"), Some("Date"), Some("Officer"), Some("Desk")],
        ],
        |_| {},
    );
    let reader = Config::new(&wide)
        .header_check(crate::import::setup::header_check(None))
        .reader()
        .unwrap();
    assert_eq!(reader.headers(), ["Ref", "When", "Who"]);
}

#[test]
fn a_region_merged_down_fills_its_rows_and_one_merged_across_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = book(
        dir.path(),
        "merged.xlsx",
        &[
            &[Some("Title")],
            &[Some("Phone"), Some("Company"), Some("Tags")],
            &[Some("4155550101"), None, None],
            &[Some("4155550102"), None, None],
            &[Some("4155550103"), None, None],
        ],
        |sheet| {
            let plain = rust_xlsxwriter::Format::new();
            sheet.merge_range(2, 1, 3, 1, "Acme", &plain).unwrap();
            sheet.merge_range(4, 1, 4, 2, "Solo", &plain).unwrap();
            sheet.merge_range(0, 0, 0, 2, "Title", &plain).unwrap();
        },
    );
    let check = std::sync::Arc::new(|h: &[String]| h.iter().any(|c| c == "Phone"));
    let mut reader = Config::new(&path).header_check(check).reader().unwrap();
    assert_eq!(reader.sheet().unwrap().header_row, 2, "the title skipped");
    let cells: Vec<Vec<String>> = reader.by_ref().map(|r| r.unwrap().cells).collect();
    assert_eq!(
        cells,
        [
            vec!["4155550101", "Acme", ""],
            vec!["4155550102", "Acme", ""],
            vec!["4155550103", "Solo", ""],
        ]
    );
}

#[test]
fn a_sheet_asked_for_by_name_or_number_and_one_that_is_not_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    for (name, phone) in [("Old", "1"), ("New", "2")] {
        let sheet = wb.add_worksheet();
        sheet.set_name(name).unwrap();
        sheet.write_string(0, 0, "Phone").unwrap();
        sheet.write_string(1, 0, phone).unwrap();
    }
    let path = dir.path().join("two.xlsx");
    wb.save(&path).unwrap();
    let first = |sheet: &str| {
        let config = Config::new(&path).sheet(Some(sheet.to_string()));
        let mut reader = config.reader().unwrap();
        reader.next().unwrap().unwrap().cells[0].clone()
    };
    assert_eq!(first("new"), "2", "a name, any case");
    assert_eq!(first("1"), "1", "a number");
    let err = Config::new(&path).reader().err().unwrap().to_string();
    assert!(
        err.contains("2 sheets that could hold the contacts"),
        "{err}"
    );
    let config = Config::new(&path).sheet(Some("3".into()));
    let err = config.reader().err().unwrap().to_string();
    assert!(err.contains("no worksheet \"3\""), "{err}");
}

#[test]
fn a_zip_that_is_no_workbook_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.xlsx");
    std::fs::write(&path, b"PK\x03\x04 not really a zip").unwrap();
    let err = Config::new(&path).reader().err().unwrap();
    assert!(matches!(err, crate::error::Error::Input { .. }), "{err}");
    assert!(
        err.to_string().contains("no workbook hmbulk reads"),
        "{err}"
    );
    // A damaged workbook is said to be one, with why it could not be
    // read as what it says it is: an .xlsx by its package, an .ods by its
    // `mimetype`.
    for (name, parts, said) in [
        (
            "people.xlsx",
            &[
                ("[Content_Types].xml", "<Types/>"),
                ("_rels/.rels", "<Relationships/>"),
            ][..],
            "read as .xlsx",
        ),
        (
            "people.ods",
            &[("mimetype", "application/vnd.oasis.opendocument.spreadsheet")][..],
            "read as .ods",
        ),
    ] {
        use std::io::Write;
        let path = dir.path().join(name);
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        for (part, text) in parts {
            zip.start_file(*part, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        let err = Config::new(&path).reader().err().unwrap().to_string();
        assert!(
            err.contains("no workbook hmbulk reads") && err.contains(said),
            "{err}"
        );
    }
}

#[test]
fn cells_read_ahead_to_the_end_are_given_in_order_then_none() {
    use super::{Origin, Signature, open_book};
    let dir = tempfile::tempdir().unwrap();
    let path = book(
        dir.path(),
        "ahead.xlsx",
        &[
            &[Some("Phone"), Some("Name")],
            &[Some("4155550101"), Some("Ann")],
        ],
        |_| {},
    );
    let bytes: std::sync::Arc<[u8]> = std::fs::read(&path).unwrap().into();
    let (mut book, _) = open_book(&path, &Origin::Bytes(bytes), Signature::Zip).unwrap();
    let mut cells = book.cells("Sheet1").unwrap();
    assert!(cells.read_ahead() && cells.read_ahead());
    while cells.read_ahead() {}
    let mut read = Vec::new();
    while let Some((row, col, text)) = cells.next_cell().unwrap() {
        read.push((row, col, text.to_string()));
    }
    let at = |row, col, text: &str| (row, col, text.to_string());
    let want = [
        at(0, 0, "Phone"),
        at(0, 1, "Name"),
        at(1, 0, "4155550101"),
        at(1, 1, "Ann"),
    ];
    assert_eq!(read, want);
    assert!(
        cells.next_cell().unwrap().is_none(),
        "asked again: still the end"
    );
}

/// Every cell of sheet `name` as `(row, column, text)`, read by calamine's
/// reader (`fast` false) or by hand ([`super::xlsx_sheet`]).
fn all_cells(path: &std::path::Path, name: &str, fast: bool) -> Vec<(u32, u32, String)> {
    use super::cells_of::SheetCells;
    use super::{Origin, Signature, open_book};
    use calamine::{Sheets, open_workbook_from_rs};
    let bytes: std::sync::Arc<[u8]> = std::fs::read(path).unwrap().into();
    let origin = Origin::Bytes(bytes);
    let (mut book, _) = open_book(path, &origin, Signature::Zip).unwrap();
    let mut calamines = Sheets::Xlsx(open_workbook_from_rs(origin.source().unwrap()).unwrap());
    let mut cells = if fast {
        book.cells(name).unwrap()
    } else {
        SheetCells::open(&mut calamines, name).unwrap()
    };
    assert_eq!(cells.is_read_by_hand(), fast, "{}", path.display());
    let mut read = Vec::new();
    while let Some((row, col, text)) = cells.next_cell().unwrap() {
        read.push((row, col, text.to_string()));
    }
    read
}

/// The `.xlsx` at `path`, opened by hand, lists its sheets as calamine
/// lists them (names, kinds, visibility, order), so that the same sheet is
/// chosen; gives calamine's list.
fn listed_as_calamine_lists(path: &std::path::Path) -> Vec<calamine::Sheet> {
    let origin = super::Origin::Bytes(std::fs::read(path).unwrap().into());
    let book = super::xlsx_book::XlsxBook::open(&origin)
        .unwrap_or_else(|e| panic!("{} not opened by hand: {e}", path.display()));
    let calamines = calamine::open_workbook_auto(path).unwrap();
    let sheets = calamine::Reader::sheets_metadata(&calamines).to_vec();
    let listed = |s: &calamine::Sheet| format!("{} {:?} {:?}", s.name, s.typ, s.visible);
    assert_eq!(
        book.sheets().iter().map(listed).collect::<Vec<_>>(),
        sheets.iter().map(listed).collect::<Vec<_>>(),
        "{}",
        path.display()
    );
    sheets
}

/// The sheet reader by hand gives what calamine's gives, cell for cell:
/// for the workbooks openpyxl and LibreOffice wrote (tests/fixtures), and
/// for one with every kind of cell rust_xlsxwriter writes.
#[test]
fn the_sheet_read_by_hand_is_calamines_cell_for_cell() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula};
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/workbooks");
    let mut books: Vec<(std::path::PathBuf, String)> = Vec::new();
    for entry in std::fs::read_dir(fixtures).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "xlsx") {
            let names = calamine::open_workbook_auto(&path).unwrap();
            for name in calamine::Reader::sheet_names(&names) {
                books.push((path.clone(), name));
            }
        }
    }
    assert!(books.len() >= 4, "the fixtures are there: {books:?}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kinds.xlsx");
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let stamp = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let span = Format::new().set_num_format("[h]:mm:ss");
    let money = Format::new().set_num_format("\"$\"#,##0.00;[Red]-\"$\"#,##0.00");
    let texts = [
        "plain",
        "  spaces kept  ",
        "a & b < c > d \"q\" 'a'",
        "line\nbreak",
        "tab\there",
        "_x000D_ literal",
        "Zoë Ōkubo 🙂 漢字",
        "=not a formula",
        "",
        "0044 20 7946 0958",
    ];
    for (r, text) in texts.iter().enumerate() {
        let r = r as u32;
        sheet.write_string(r, 0, *text).unwrap();
        sheet
            .write_number(
                r,
                1,
                [14155550123.0, 7911123456.0, 2.5, -0.1, 1e21][r as usize % 5],
            )
            .unwrap();
        sheet.write_boolean(r, 2, r.is_multiple_of(2)).unwrap();
        let day = ExcelDateTime::from_ymd(2024, 3, 1 + r as u8).unwrap();
        sheet.write_datetime_with_format(r, 3, &day, &date).unwrap();
        sheet
            .write_number_with_format(r, 4, 45356.5 + f64::from(r), &stamp)
            .unwrap();
        sheet.write_number_with_format(r, 5, 1.25, &span).unwrap();
        sheet.write_number_with_format(r, 6, -3.5, &money).unwrap();
        sheet
            .write_formula(
                r,
                7,
                Formula::new(format!("=A{}&\"!\"", r + 1)).set_result(format!("{text}!")),
            )
            .unwrap();
        sheet
            .write_formula(r, 8, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
    }
    let bold = Format::new().set_bold();
    let runs = [(&bold, "Rich "), (&Format::default(), " text & runs")];
    sheet.write_rich_string(20, 0, &runs).unwrap();
    sheet.write_string(40, 30, "far away").unwrap();
    let hidden = wb.add_worksheet().set_name("Hidden & <kept>").unwrap();
    hidden.set_hidden(true);
    hidden.write_string(0, 0, "x").unwrap();
    let mut chart = rust_xlsxwriter::Chart::new(rust_xlsxwriter::ChartType::Column);
    chart.add_series().set_values("Sheet1!$B$1:$B$5");
    wb.add_chartsheet().insert_chart(0, 0, &chart).unwrap();
    wb.save(&path).unwrap();
    books.push((path.clone(), "Sheet1".into()));
    books.push((path.clone(), "Hidden & <kept>".into()));
    // The same workbook on the 1904 date system (as Excel for Mac wrote).
    let mac = dir.path().join("kinds1904.xlsx");
    rezip(&path, &mac, |name, xml| {
        if name == "xl/workbook.xml" {
            let text = String::from_utf8(xml).unwrap();
            assert!(text.contains("<workbookPr "), "{text}");
            text.replace("<workbookPr ", "<workbookPr date1904=\"1\" ")
                .into_bytes()
        } else {
            xml
        }
    });
    books.push((mac, "Sheet1".into()));

    for (path, name) in &books {
        // The sheets are listed as calamine lists them (names, kinds,
        // visibility, order), so that the same sheet is chosen.
        listed_as_calamine_lists(path);
        let by_calamine = all_cells(path, name, false);
        let by_hand = all_cells(path, name, true);
        assert!(!by_calamine.is_empty(), "{} {name}", path.display());
        assert_eq!(by_hand, by_calamine, "{} {name}", path.display());
    }
}

/// Any cells rust_xlsxwriter writes, as shared strings or inline (its
/// constant-memory mode), are read by hand as calamine reads them: text
/// with control characters, CR and LF, Excel's own `_xHHHH_` escapes, XML's
/// special characters and spaces at either end; numbers of any size;
/// booleans; dates.
mod any_cells {
    use proptest::prelude::*;
    use rust_xlsxwriter::{Format, Workbook};

    #[derive(Debug, Clone)]
    enum Cell {
        Text(String),
        Number(f64),
        Bool(bool),
        Date(f64),
        Blank,
    }

    fn cell() -> impl Strategy<Value = Cell> {
        let text = prop::collection::vec(
            prop_oneof![
                Just("\r\n".to_string()),
                Just("_x000D_".to_string()),
                Just("_x005F_".to_string()),
                Just("&<>\"'".to_string()),
                Just(" ".to_string()),
                Just("]]>".to_string()),
                any::<char>().prop_map(String::from),
                "[a-z0-9 +()-]{1,8}",
            ],
            0..6,
        )
        .prop_map(|parts| parts.concat());
        prop_oneof![
            4 => text.prop_map(Cell::Text),
            2 => any::<f64>().prop_filter("finite", |n| n.is_finite()).prop_map(Cell::Number),
            2 => (1_000_000_000u64..99_999_999_999_999).prop_map(|n| Cell::Number(n as f64)),
            1 => any::<bool>().prop_map(Cell::Bool),
            1 => (1.0f64..80_000.0).prop_map(Cell::Date),
            1 => Just(Cell::Blank),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn any_cells_are_read_by_hand_as_calamine_reads_them(
            rows in prop::collection::vec(prop::collection::vec(cell(), 1..5), 1..12),
            inline in any::<bool>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("any.xlsx");
            let mut wb = Workbook::new();
            let sheet = if inline {
                wb.add_worksheet_with_constant_memory().unwrap()
            } else {
                wb.add_worksheet()
            };
            let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    match cell {
                        Cell::Text(t) => sheet.write_string(r, c, t).map(|_| ()),
                        Cell::Number(n) => sheet.write_number(r, c, *n).map(|_| ()),
                        Cell::Bool(b) => sheet.write_boolean(r, c, *b).map(|_| ()),
                        Cell::Date(d) => sheet.write_number_with_format(r, c, *d, &date).map(|_| ()),
                        Cell::Blank => Ok(()),
                    }
                    .unwrap();
                }
            }
            // A sheet of blanks alone has no cell to compare.
            sheet.write_string(rows.len() as u32, 0, "end").unwrap();
            wb.save(&path).unwrap();
            let by_calamine = super::all_cells(&path, "Sheet1", false);
            let by_hand = super::all_cells(&path, "Sheet1", true);
            prop_assert_eq!(by_hand, by_calamine);
        }
    }
}

/// The zip at `from` written to `to`, each part's bytes passed through
/// `edit(name, bytes)`.
fn rezip(from: &std::path::Path, to: &std::path::Path, edit: impl Fn(&str, Vec<u8>) -> Vec<u8>) {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        let options = zip::write::SimpleFileOptions::default();
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(&edit(&name, bytes)).unwrap();
    }
    out.finish().unwrap();
}

/// A workbook Excel saved with a password (calamine's
/// tests/pass_protected.xlsx) is an OLE file, as an `.xls` is: the error
/// says it is encrypted and how to remove the password, not that it is a
/// damaged `.xls`.
#[test]
fn an_encrypted_workbook_is_said_to_be_one() {
    let path = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/workbooks/calamine/encrypted/pass_protected.xlsx"
    ));
    let err = Config::new(path).reader().err().unwrap();
    assert!(matches!(err, crate::error::Error::Input { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("encrypted with a password"), "{text}");
    assert!(!text.contains(".xls)"), "{text}");
}

/// A workbook whose shared strings inflate past what any spreadsheet
/// writes (here one string of 20 MiB: a zip of 20 KiB) is refused as
/// damaged, and not handed to calamine, which would hold it all.
#[test]
fn a_workbook_that_inflates_past_any_spreadsheet_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = book(
        dir.path(),
        "plain.xlsx",
        &[&[Some("Phone")], &[Some("x")]],
        |_| {},
    );
    let bomb = dir.path().join("bomb.xlsx");
    rezip(&path, &bomb, |name, xml| {
        if name == "xl/sharedStrings.xml" {
            let text = String::from_utf8(xml).unwrap();
            let at = text.find("<t>").unwrap() + 3;
            let mut out = text[..at].to_string();
            out.push_str(&"0".repeat(20 << 20));
            out.push_str(&text[at..]);
            out.into_bytes()
        } else {
            xml
        }
    });
    assert!(std::fs::metadata(&bomb).unwrap().len() < 200_000);
    let err = Config::new(&bomb).reader().err().unwrap();
    assert!(matches!(err, crate::error::Error::Input { .. }), "{err}");
    assert!(err.to_string().contains("damaged"), "{err}");
}

/// A zip read whole by calamine (here an `.ods`) whose parts declare
/// more than it can hold is refused before a byte is inflated (the zip
/// reader holds each part to its declared size, so a part cannot grow
/// past what it declares).
#[test]
fn a_workbook_read_whole_that_declares_too_much_is_refused() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.ods");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"<office:document-content/>").unwrap();
    zip.finish().unwrap();
    // content.xml's central directory entry declares 3.5 GiB.
    let mut bytes = std::fs::read(&path).unwrap();
    let entry = memchr::memmem::find_iter(&bytes, b"PK\x01\x02")
        .nth(1)
        .unwrap();
    bytes[entry + 24..entry + 28].copy_from_slice(&0xE000_0000u32.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let err = Config::new(&path).reader().err().unwrap().to_string();
    assert!(err.contains("inflates to 3.5 GiB"), "{err}");
}

/// Progress counts each byte of a workbook once: read to its end, the
/// bytes counted are about the file's size — the layout search's second
/// pass over the sheet is not counted (it was: the bar ran past the end).
#[test]
fn progress_counts_the_workbook_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.xlsx");
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.write_string(0, 0, "Phone").unwrap();
    sheet.write_string(0, 1, "Name").unwrap();
    for r in 1..20_000u32 {
        sheet
            .write_number(r, 0, 14_155_550_000.0 + f64::from(r))
            .unwrap();
        sheet.write_string(r, 1, format!("Person {r}")).unwrap();
    }
    wb.save(&path).unwrap();
    let len = std::fs::metadata(&path).unwrap().len();
    let mut reader = Config::new(&path).reader().unwrap();
    let rows = reader.by_ref().filter(|r| r.is_ok()).count();
    assert_eq!(rows, 19_999);
    let counted = reader.bytes_read();
    assert!(
        counted >= len * 9 / 10 && counted <= len + len * 15 / 100,
        "{counted} bytes counted for a file of {len}"
    );
}

/// Workbooks saved by Excel (Windows and Mac), LibreOffice, openpyxl and
/// .NET tools, from calamine's own tests (tests/fixtures/workbooks/calamine,
/// its README says which and from where): every one is opened by hand, its
/// sheets listed as calamine lists them, and every worksheet's cells are
/// calamine's, cell for cell.
#[test]
fn workbooks_other_writers_made_read_by_hand_as_calamine_reads_them() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/workbooks/calamine"
    );
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx" || e == "xlsm"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 20, "the fixtures are there: {paths:?}");
    let mut regions = 0;
    for path in &paths {
        let origin = super::Origin::Bytes(std::fs::read(path).unwrap().into());
        let sheets = listed_as_calamine_lists(path);
        let mut cells = 0;
        for sheet in sheets
            .iter()
            .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        {
            let by_calamine = all_cells(path, &sheet.name, false);
            let by_hand = all_cells(path, &sheet.name, true);
            assert_eq!(by_hand, by_calamine, "{} {}", path.display(), sheet.name);
            cells += by_hand.len();
            // Its merged regions found where calamine finds them.
            let (_, layout) =
                super::merges::xlsx_layout(origin.source().unwrap(), Some(&sheet.name)).unwrap();
            let mut xlsx: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
            let merged = xlsx.merge_cells_by_sheet_name(&sheet.name).unwrap();
            assert_eq!(layout.merges, merged, "{} {}", path.display(), sheet.name);
            regions += merged.len();
        }
        assert!(cells > 0, "{} has cells", path.display());
    }
    assert!(regions > 0, "some sheet has merged regions");
}
