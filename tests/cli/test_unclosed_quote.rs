//! A double quote that opens a cell and never closes, near the end of the
//! file (issue 22, finding 1): `import`, `delete` and `status` report the
//! quote's line as one row error naming the line, and read every line after
//! it as a row. Checked in the reports and in the simulator's store.

use serde_json::json;

use crate::api::{flags, seed};
use crate::test_import::{as_refs, clean_rows, digits, store_phones};
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

/// Rows in each file; the quote opens on row [`BROKEN`] (line `BROKEN + 1`).
const ROWS: usize = 3_000;
const BROKEN: usize = 2_500;

/// `text` (a CSV file, LF line ends, header first) with a double quote
/// put before the last cell of data row `row`, which never closes.
fn open_quote_at(text: &str, row: usize) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let line = &mut lines[row];
    let at = line.rfind(',').expect("a row with cells") + 1;
    line.insert(at, '"');
    lines.join("\n") + "\n"
}

/// The error report's row for data row `row`: it names the quote's line.
fn assert_cut_row(errors: &[Vec<String>], row: usize) {
    let rows = column(errors, "_row");
    let i = rows
        .iter()
        .position(|r| *r == row.to_string())
        .unwrap_or_else(|| panic!("row {row} in the error report: {rows:?}"));
    let message = &column(errors, "_error")[i];
    let line = format!("on line {}", row + 1);
    assert!(
        message.contains("never closes") && message.contains(&line),
        "{message}"
    );
}

#[test]
fn import_reports_the_quote_row_and_sends_every_row_after_it() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let path = wd.create("people.csv", &as_refs(&clean_rows(ROWS)));
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\r\n", "\n");
    std::fs::write(&path, open_quote_at(&text, BROKEN)).unwrap();

    let out = wd.run(&["import", "people.csv", "--rate", "0", "-q"]);
    assert_eq!(code(&out), 1, "one row failed: {}", stderr(&out));
    assert_each_row_once(&wd, "people", ROWS);
    let errors = wd.read_csv("people.errors.csv");
    assert_eq!(errors.len(), 2, "the quote's row alone: {errors:?}");
    assert_cut_row(&errors, BROKEN);
    // Every other contact stored, none carrying other rows in a cell.
    let mut want: Vec<String> = (0..ROWS).filter(|&i| i != BROKEN - 1).map(digits).collect();
    want.sort();
    assert_eq!(store_phones(&wd), want);
    let longest = wd
        .sim()
        .contacts()
        .iter()
        .flat_map(|c| [c["first"].clone(), c["email"].clone()])
        .map(|v| v.as_str().unwrap_or_default().len())
        .max();
    assert!(longest < Some(40), "no cell ran past its row: {longest:?}");
}

#[test]
fn delete_reports_the_quote_row_and_deletes_every_contact_after_it() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let n = 600;
    let contacts: Vec<_> = (0..n)
        .map(|i| json!({"phone": digits(i), "first": format!("P{i}")}))
        .collect();
    seed(&wd, &contacts);
    let mut text = String::from("phone,reason\n");
    for i in 0..n {
        text += &format!("{},left\n", digits(i));
    }
    let broken = n - 100;
    wd.create_bytes("leavers.csv", open_quote_at(&text, broken).as_bytes());

    let out = wd.run(&["delete", "leavers.csv", "--yes"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_each_row_once(&wd, "leavers.delete", n);
    let errors = wd.read_csv("leavers.delete.errors.csv");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_cut_row(&errors, broken);
    // The quote sits in the reason cell: the row is still not sent, and
    // every contact after it is gone.
    assert_eq!(store_phones(&wd), [digits(broken - 1)]);
}

#[test]
fn status_reports_the_quote_row_and_applies_every_opt_out_after_it() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let n = 600;
    let contacts: Vec<_> = (0..n)
        .map(|i| json!({"phone": digits(i), "first": format!("P{i}"), "is_opted_out": false}))
        .collect();
    seed(&wd, &contacts);
    let mut text = String::from("phone,note,status\n");
    for i in 0..n {
        text += &format!("{},asked,unsubscribed\n", digits(i));
    }
    let broken = n - 100;
    // The quote before the note cell: the status cell after it is part of
    // the open cell.
    let mut lines: Vec<&str> = text.lines().collect();
    let quoted = lines[broken].replacen(",asked", ",\"asked", 1);
    lines[broken] = &quoted;
    wd.create_bytes("optouts.csv", (lines.join("\n") + "\n").as_bytes());

    let out = wd.run(&["status", "optouts.csv", "--rate", "0"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_each_row_once(&wd, "optouts.status", n);
    let errors = wd.read_csv("optouts.status.errors.csv");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_cut_row(&errors, broken);
    for i in 0..n {
        let want = i != broken - 1;
        assert_eq!(flags(&wd, &digits(i)).0, want, "contact {i} opted out");
    }
}
