//! A typed cell as the text hmbulk reads (what the cell shows, minus the
//! damage a CSV save would do). Takes one calamine cell; gives its text:
//!
//! - a number cell: a whole number as its exact integer digits, never in
//!   scientific notation (`14155550123`, not `1.4155E+10`; `14155550123.0`
//!   is `14155550123`); any other number as the shortest decimal that
//!   reads back as it (`0.1`, `2.5`). A number cell keeps no leading zero
//!   (it never had one): a phone column's `7911123456` is read in the row's
//!   region as a national number without its trunk zero, as libphonenumber
//!   reads it (`+44 7911 123456` in GB);
//! - a text cell: as it is (`0044 20 …` keeps its zeros);
//! - a date or date-time cell: ISO 8601, `2024-03-05` when there is no
//!   time of day, else `2024-03-05T14:30:00` (a duration cell: its number);
//!   OpenDocument dates as the file writes them (ISO already);
//! - a boolean: `true` / `false` (what the opted-out column reads);
//! - an error cell: as Excel shows it (`#N/A`);
//! - a formula: its cached value, typed as above (none cached: empty).

use std::fmt::Write;

use calamine::{Data, DataRef, ExcelDateTime};

/// Append the text of `cell` to `out`.
pub(super) fn write_data(out: &mut String, cell: &Data) {
    match cell {
        Data::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Data::Float(f) => write_number(out, *f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => out.push_str(s),
        Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Data::DateTime(d) => write_date(out, d),
        Data::Error(e) => push_display(out, e),
        Data::Empty => {}
    }
}

/// [`write_data`] for a cell read as it streams (shared strings borrowed).
pub(super) fn write_data_ref(out: &mut String, cell: &DataRef<'_>) {
    match cell {
        DataRef::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
        DataRef::Float(f) => write_number(out, *f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => out.push_str(s),
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        DataRef::DateTime(d) => write_date(out, d),
        DataRef::Error(e) => push_display(out, e),
        DataRef::Empty => {}
    }
}

fn push_display(out: &mut String, value: &impl std::fmt::Display) {
    let _ = write!(out, "{value}");
}

/// Whole numbers below 10^21 as integer digits (`{:.0}` prints a float's
/// exact value, and every such float that is a whole number is printed
/// whole); the rest as Rust prints an `f64`: the shortest decimal that
/// reads back the same, never in exponent form.
pub fn write_number(out: &mut String, f: f64) {
    // Exact: every whole f64 below 2^63 is an i64 (itoa: no formatter).
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        out.push_str(itoa::Buffer::new().format(f as i64));
    } else if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 {
        let _ = write!(out, "{f:.0}");
    } else {
        push_display(out, &f);
    }
}

/// A date as `YYYY-MM-DD`, a date with a time as `YYYY-MM-DDTHH:MM:SS`
/// (milliseconds when it has them), a duration as its number of days.
fn write_date(out: &mut String, d: &ExcelDateTime) {
    if d.is_duration() {
        return write_number(out, d.as_f64());
    }
    let (y, mo, da, h, mi, s, ms) = d.to_ymd_hms_milli();
    let _ = write!(out, "{y:04}-{mo:02}-{da:02}");
    if (h, mi, s, ms) != (0, 0, 0, 0) {
        let _ = write!(out, "T{h:02}:{mi:02}:{s:02}");
        if ms > 0 {
            let _ = write!(out, ".{ms:03}");
        }
    }
}

/// Every byte is ASCII whitespace (or there are none): what the CSV
/// reader takes for a blank cell.
pub(super) fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTimeType};

    fn text(cell: Data) -> String {
        let mut out = String::new();
        write_data(&mut out, &cell);
        out
    }

    #[test]
    fn whole_numbers_are_their_digits_never_an_exponent() {
        assert_eq!(text(Data::Float(14155550123.0)), "14155550123");
        assert_eq!(text(Data::Float(447911123456.0)), "447911123456");
        assert_eq!(text(Data::Float(7911123456.0)), "7911123456");
        // 15 significant digits, the most a spreadsheet keeps.
        assert_eq!(text(Data::Float(861012345678901.0)), "861012345678901");
        assert_eq!(text(Data::Int(-42)), "-42");
        assert_eq!(text(Data::Float(0.0)), "0");
        assert_eq!(text(Data::Float(-0.0)), "0");
        assert_eq!(text(Data::Float(9.007199254740993e15)), "9007199254740992");
        assert_eq!(text(Data::Float(1e20)), "100000000000000000000");
    }

    #[test]
    fn other_numbers_are_the_shortest_decimal() {
        assert_eq!(text(Data::Float(2.5)), "2.5");
        assert_eq!(text(Data::Float(0.1)), "0.1");
        assert_eq!(text(Data::Float(1e-7)), "0.0000001");
        assert_eq!(text(Data::Float(1e22)), "10000000000000000000000");
    }

    #[test]
    fn dates_are_iso_and_other_cells_as_shown() {
        let date = |v| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(text(date(45356.0)), "2024-03-05");
        assert_eq!(text(date(45356.5)), "2024-03-05T12:00:00");
        let mac = Data::DateTime(ExcelDateTime::new(0.0, ExcelDateTimeType::DateTime, true));
        assert_eq!(text(mac), "1904-01-01");
        assert_eq!(text(Data::Bool(true)), "true");
        assert_eq!(text(Data::Error(CellErrorType::NA)), "#N/A");
        assert_eq!(
            text(Data::String("0044 20 7946 0958".into())),
            "0044 20 7946 0958"
        );
        assert_eq!(text(Data::Empty), "");
    }
}
