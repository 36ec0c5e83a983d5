//! Report title lines above the header. QuickBooks exports a report with
//! the company's name, the report's title and its date range (or a blank
//! line) above the column header:
//!
//! ```text
//! "Example Co, LLC",,,,,
//! Customer Contact List,,,,,
//!
//! Customer full name,Phone numbers,Email,Full name,Bill address,Ship address
//! ```
//!
//! Takes the first bytes of a (decoded) file and the delimiter the user
//! forced, if any; gives the lines to skip when the first line is not a
//! known layout's header but one of the next few is, and every line above
//! it is a title (at most two cells with text). A file whose first line is
//! its header, or whose header is not a known layout's, is read as it is.

use crate::config::sniff_delimiter;
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
