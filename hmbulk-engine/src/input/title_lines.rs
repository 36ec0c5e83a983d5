//! Report title lines above the header, and the report's footer below the
//! data. QuickBooks exports a report with the company's name, the report's
//! title and its date range (or a blank line) above the column header, and
//! the time it was printed, alone, as its last line:
//!
//! ```text
//! "Example Co, LLC",,,,,
//! Customer Contact List,,,,,
//!
//! Customer full name,Phone numbers,Email,Full name,Bill address,Ship address
//! Acme Corp,,billing@acme.example,Ann Acme,1 Main St Springfield IL,
//!
//!
//!
//! " Wednesday, September 30, 2026 01:46 PM GMT-05:00",,,,,
//! ```
//!
//! [`above_header`] takes the first bytes of a (decoded) file and the
//! delimiter the user forced, if any; gives the lines to skip when the first
//! line is not a known layout's header but one of the next few is, and every
//! line above it is a title (at most two cells with text). A file whose first
//! line is its header, or whose header is not a known layout's, is read as it
//! is. [`is_footer`] takes a record's cells and says whether it is a report's
//! footer line; the reader skips such lines only at the end of the file
//! (`crate::input`), so a line like it among the rows stays a row.

use crate::input::config::sniff_delimiter;
use crate::mapping::layouts;

/// Title lines looked through for a header.
const MAX_TITLE_LINES: usize = 8;

/// Cells with text a title line may have (`Company,,,`, `Report,Dates,,`).
const MAX_TITLE_CELLS: usize = 2;

/// The title lines above a known layout's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Titles {
    /// Bytes before the header line.
    pub bytes: usize,
    /// Lines before the header line.
    pub lines: u64,
}

/// The title lines of `head` above a known layout's header, if any.
pub fn above_header(head: &[u8], delimiter: Option<u8>) -> Option<Titles> {
    let starts = line_starts(head);
    let cells_at = |start: usize, d: u8| first_record(&head[start..], d);
    let delimiter_at = |start: usize| delimiter.unwrap_or_else(|| sniff_delimiter(&head[start..]));
    let is_header = |start: usize| {
        let cells = cells_at(start, delimiter_at(start));
        cells.len() > 1 && layouts::detect(&cells).is_some()
    };
    if starts.first().is_none_or(|&s| is_header(s)) {
        return None;
    }
    let (n, &start) = starts
        .iter()
        .enumerate()
        .skip(1)
        .find(|&(_, &start)| is_header(start))?;
    let d = delimiter_at(start);
    let titles = starts[..n].iter().all(|&s| {
        let text = cells_at(s, d)
            .iter()
            .filter(|c| !c.trim().is_empty())
            .count();
        text <= MAX_TITLE_CELLS
    });
    titles.then_some(Titles {
        bytes: start,
        lines: n as u64,
    })
}

/// Footer lines the reader holds back at most: more lines like them in a
/// row are rows.
pub const MAX_FOOTER_LINES: usize = 4;

/// Is this record a report's footer line: exactly one cell with text, and
/// that text the time the report was printed, as QuickBooks Online writes it
/// (` Wednesday, September 30, 2026 01:46 PM GMT-05:00`), alone or after
/// `Accrual Basis` / `Cash Basis`? Such a line has no phone, name or email,
/// so it can be no contact; any other text (a name, a number, `Total`) is
/// not a footer.
pub fn is_footer<'a>(cells: impl IntoIterator<Item = &'a [u8]>) -> bool {
    let mut text = None;
    for cell in cells {
        if cell.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if text.is_some() {
            return false;
        }
        text = Some(cell);
    }
    text.and_then(|t| std::str::from_utf8(t).ok())
        .is_some_and(is_print_time)
}

/// ` Wednesday, September 30, 2026 01:46 PM GMT-05:00`, with or without
/// seconds, a `GMT`/`UTC` offset, or an `Accrual Basis` / `Cash Basis` in
/// front. The weekday must be the date's (chrono checks it).
fn is_print_time(text: &str) -> bool {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let basis = ["accrual basis", "cash basis"]
        .iter()
        .find(|b| lower.starts_with(*b))
        .map_or(0, |b| b.len());
    let text = text[basis..].trim_start();
    ["%A, %B %d, %Y %I:%M %p", "%A, %B %d, %Y %I:%M:%S %p"]
        .iter()
        .any(|format| {
            chrono::NaiveDateTime::parse_and_remainder(text, format)
                .is_ok_and(|(_, zone)| is_zone(zone.trim()))
        })
}

/// Nothing, or `GMT`/`UTC` with an optional offset (`GMT-05:00`, `UTC+5:30`).
fn is_zone(zone: &str) -> bool {
    if zone.is_empty() {
        return true;
    }
    let Some(offset) = zone
        .strip_prefix("GMT")
        .or_else(|| zone.strip_prefix("UTC"))
    else {
        return false;
    };
    let Some(hours_minutes) = offset.strip_prefix(['+', '-']) else {
        return offset.is_empty();
    };
    let (hours, minutes) = hours_minutes
        .split_once(':')
        .unwrap_or((hours_minutes, "00"));
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    digits(hours, 1..=2) && digits(minutes, 2..=2)
}

/// Where each of the first lines of `head` starts (LF, CRLF or CR ends a
/// line); only lines that end within `head` and the first
/// `MAX_TITLE_LINES + 1`.
fn line_starts(head: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    let mut i = 0;
    while i < head.len() && starts.len() <= MAX_TITLE_LINES {
        match head[i] {
            b'\r' if head.get(i + 1) == Some(&b'\n') => {
                starts.push(i + 2);
                i += 1;
            }
            b'\r' | b'\n' => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts.retain(|&s| s < head.len());
    starts
}

/// The cells of the record at the start of `text` (an empty line gives none).
fn first_record(text: &[u8], delimiter: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text);
    let blank = matches!(text.first(), Some(b'\r' | b'\n'));
    let mut record = csv::ByteRecord::new();
    if blank || !reader.read_byte_record(&mut record).unwrap_or(false) {
        return Vec::new();
    }
    record
        .iter()
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// QuickBooks Online, Reports → Customer Contact List → Export to CSV,
    /// as public test fixtures of QuickBooks importers quote it.
    const QBO: &str = "\"Example Co, LLC\",,,,,\n\
Customer Contact List,,,,,\n\
\n\
Customer full name,Phone numbers,Email,Full name,Bill address,Ship address\n\
Acme Corp,,billing@acme.example,Ann Acme,1 Main St Springfield IL,\n";

    #[test]
    fn quickbooks_titles_are_skipped_to_the_header() {
        let titles = above_header(QBO.as_bytes(), None).unwrap();
        assert_eq!(titles.lines, 3);
        assert!(QBO[titles.bytes..].starts_with("Customer full name,"));
        let crlf = QBO.replace('\n', "\r\n");
        let titles = above_header(crlf.as_bytes(), None).unwrap();
        assert_eq!(titles.lines, 3);
        assert!(crlf[titles.bytes..].starts_with("Customer full name,"));
    }

    #[test]
    fn titles_without_delimiters_and_a_semicolon_header() {
        let text = "Furco Furniture Inc.\r\nCustomer Contact List\r\nAll Dates\r\n\
Customer;Phone Numbers;Email;Full Name\r\nA;1;a@x;A\r\n";
        let titles = above_header(text.as_bytes(), None).unwrap();
        assert_eq!(titles.lines, 3);
        assert!(text[titles.bytes..].starts_with("Customer;"));
    }

    fn footer(line: &str) -> bool {
        is_footer(
            first_record(line.as_bytes(), b',')
                .iter()
                .map(|c| c.as_bytes()),
        )
    }

    /// QuickBooks Online's last line, as public test fixtures of QuickBooks
    /// importers quote it (the customer list, and a Sales report's with its
    /// accounting basis).
    #[test]
    fn a_report_footer_is_its_print_time_alone() {
        for line in [
            "\" Wednesday, September 30, 2026 01:46 PM GMT-05:00\",,,,,\n",
            "\"Accrual Basis Wednesday, September 30, 2026 01:47 PM GMT-05:00\",,,,,,,,,\n",
            "\" Sunday, August 09, 2026 04:04 PM GMT-05:00\"\n",
            ",,\"Sunday, August 9, 2026 4:04:59 PM\",,\n",
            "\"Cash Basis Monday, January 5, 2026 11:30 AM UTC+5:30\"\n",
            "\"Monday, January 5, 2026 11:30 AM GMT\"\n",
        ] {
            assert!(footer(line), "{line:?}");
        }
    }

    #[test]
    fn anything_that_could_be_a_contact_is_no_footer() {
        for line in [
            // Another cell with text: a row.
            "\"Wednesday, September 30, 2026 01:46 PM GMT-05:00\",4155550181,,\n",
            "\"Wednesday, September 30, 2026 01:46 PM\",,ann@example.com\n",
            // Not a print time.
            "SHELL OIL 123,,,,,\n",
            "Wednesday,,,\n",
            "\"September 30, 2026 01:46 PM\",,\n",
            "\"Wednesday, September 30, 2026\",,\n",
            "\"Wednesday, September 30, 2026 01:46 PM and more\",,\n",
            "\"Wednesday, September 30, 2026 01:46 PM GMT-5:0\",,\n",
            // The weekday is not the date's.
            "\"Monday, September 30, 2026 01:46 PM\",,\n",
            "(415) 555-0181,,\n",
            ",,,\n",
        ] {
            assert!(!footer(line), "{line:?}");
        }
    }

    #[test]
    fn other_files_are_read_as_they_are() {
        let header = &QBO[QBO.find("Customer full").unwrap()..];
        // The header first: nothing to skip.
        assert_eq!(above_header(header.as_bytes(), None), None);
        // No known layout below: nothing to skip.
        assert_eq!(above_header(b"Title\nphone,first\n1,a\n", None), None);
        // A line of data above a layout's header is no title.
        let text = "a,b,c\nCustomer full name,Phone numbers,Email,Full name\n";
        assert_eq!(above_header(text.as_bytes(), None), None);
        // Too far down.
        let far = format!("{}{header}", "Title\n".repeat(9));
        assert_eq!(above_header(far.as_bytes(), None), None);
        assert_eq!(above_header(b"", None), None);
    }
}
