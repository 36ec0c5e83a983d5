//! A double quote that opens a cell and never closes. Takes the bytes the
//! CSV parser took for one record (leading line ends included); gives the
//! quote still open at their end, if any: the line it opened on, the record
//! cut at that line's end, and where reading goes on (the line after it).
//!
//! RFC 4180 lets a quoted cell hold line breaks, so a quote that never
//! closes makes one cell of the rest of the file: every later row would
//! vanish into it. The reader ([`super::RawRecords`]) asks here when a
//! record ends at the end of the file or runs past
//! [`super::MAX_RECORD_BYTES`]; a quote still open then never closes (or
//! not within any contact's size). The record becomes the quote's line
//! alone, a row error that names the line, and the lines after it are read
//! again as rows: wherever the quote is, every row is in a report.
//!
//! The scan follows `csv_core`'s reading with the reader's settings (a
//! quote opens a cell only at its start, `""` inside a quoted cell is one
//! quote, text after a closing quote joins the cell, CR, LF and CRLF end a
//! record), so it agrees with the parser on every byte.

/// A quote still open at the end of a record's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct OpenQuote {
    /// The line of the CSV text it opened on, counted as `csv_core` counts
    /// (1 + the LFs before it).
    pub line: u64,
    /// Where that line ends in the bytes (before its line break).
    pub line_end: usize,
    /// Where the next line begins: reading goes on from there.
    pub next_line: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a cell (or of the record).
    Start,
    /// In a cell that is not quoted.
    Plain,
    Quoted,
    /// A quote met in a quoted cell: it closes the cell, unless a second
    /// one follows (`""`).
    QuoteInQuoted,
}

/// The quote still open at the end of `raw`, the bytes of one record as the
/// parser took them, whose first byte is on line `first_line`.
pub(super) fn open_quote(raw: &[u8], delimiter: u8, first_line: u64) -> Option<OpenQuote> {
    let mut state = State::Start;
    let mut line = first_line;
    // The line and byte where the quoted cell being read opened.
    let mut opened: Option<(u64, usize)> = None;
    for (i, &b) in raw.iter().enumerate() {
        let line_end = b == b'\n' || b == b'\r';
        state = match state {
            State::Start | State::Plain if b == delimiter || line_end => State::Start,
            State::Start if b == b'"' => {
                opened = Some((line, i));
                State::Quoted
            }
            State::Start | State::Plain => State::Plain,
            State::Quoted if b == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            State::QuoteInQuoted if b == delimiter || line_end => State::Start,
            State::QuoteInQuoted => State::Plain,
        };
        line += u64::from(b == b'\n');
    }
    if state != State::Quoted {
        return None;
    }
    let (line, at) = opened?;
    let line_end = raw[at..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(raw.len(), |p| at + p);
    let break_len = match raw.get(line_end..line_end + 2) {
        Some(b"\r\n") => 2,
        _ => usize::from(line_end < raw.len()),
    };
    Some(OpenQuote {
        line,
        line_end,
        next_line: line_end + break_len,
    })
}

/// The cells of `raw` up to the end of the line `quote` opened on, the
/// open cell running to that line's end: written into `bytes` back to
/// back, with where each ends in `ends`.
pub(super) fn cut_record(
    raw: &[u8],
    quote: &OpenQuote,
    delimiter: u8,
    bytes: &mut Vec<u8>,
    ends: &mut Vec<usize>,
) {
    let mut text = raw[..quote.line_end].to_vec();
    text.push(b'"');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_slice());
    let mut record = csv::ByteRecord::new();
    bytes.clear();
    ends.clear();
    if reader.read_byte_record(&mut record).unwrap_or(false) {
        for field in record.iter() {
            bytes.extend_from_slice(field);
            ends.push(bytes.len());
        }
    }
    if ends.is_empty() {
        ends.push(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(raw: &str) -> Option<(u64, String)> {
        open_quote(raw.as_bytes(), b',', 1).map(|q| (q.line, raw[q.next_line..].to_string()))
    }

    #[test]
    fn closed_quotes_are_not_open() {
        for raw in [
            "a,b\n",
            "a,\"b\"",
            "a,\"b\nc\"",
            "a,\"b\"\"c\"",
            "5'10\",x",
            "a,b\"c,\"d\"",
            "\"a\"b,c",
            "\r\n\r\na,\"b\"\"\"",
        ] {
            assert_eq!(open(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn the_quote_left_open_is_found_with_its_line() {
        assert_eq!(open("a,\"b"), Some((1, String::new())));
        assert_eq!(open("a,\"b\nc,d\ne,f"), Some((1, "c,d\ne,f".into())));
        assert_eq!(open("\n\na,\"b\r\nc,d"), Some((3, "c,d".into())));
        // A quoted cell over two lines, closed, then one that stays open.
        assert_eq!(
            open("a,\"b\nc\",\"d\ne\n\"\"f"),
            Some((2, "e\n\"\"f".into()))
        );
        // `""` inside the open cell keeps it open; `"` in a plain cell is text.
        assert_eq!(open("x\"y,\"a\"\"b\nc"), Some((1, "c".into())));
        assert_eq!(open_quote(b"a;\"b\nc", b';', 7).map(|q| q.line), Some(7));
    }

    #[test]
    fn the_cut_record_is_the_quote_line_alone() {
        let raw = b"\n1,\"Broken,Row\n2,x\n3,y";
        let q = open_quote(raw, b',', 1).unwrap();
        let (mut bytes, mut ends) = (Vec::new(), Vec::new());
        cut_record(raw, &q, b',', &mut bytes, &mut ends);
        assert_eq!(bytes, b"1Broken,Row");
        assert_eq!(ends, [1, 11]);
        assert_eq!(&raw[q.next_line..], b"2,x\n3,y");
    }
}
