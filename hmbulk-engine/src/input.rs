//! Reading a spreadsheet export: encoding detection (UTF-8 with or without BOM,
//! UTF-16 LE/BE with BOM, Windows-1252), delimiter sniffing (`, ; \t |`), and a
//! streaming iterator of data records numbered as the reports number them.
//! Takes a path (through [`crate::config::Config`]); gives [`Record`]s one by
//! one, or a [`Chunk`] of them at a time (the pipeline's way: one buffer,
//! reused, for thousands of records). Memory stays constant whatever the file
//! size.
//!
//! Rules:
//! - Windows-1252 is detected cell by cell: a cell that is not valid UTF-8 is
//!   read as Windows-1252 (Excel's "CSV" on Windows; such text with accents is
//!   practically never valid UTF-8), and [`RowReader::encoding`] says so from
//!   then on. Files with a BOM are decoded as the BOM says, with U+FFFD for
//!   malformed bytes.
//! - A blank line is a record whose every cell is empty or whitespace: an empty
//!   line, spaces only, or `,,,` of any width. Blank lines are skipped, counted
//!   in [`RowReader::blank_lines`], and take no row number. Lines may end in
//!   LF, CRLF or a bare CR (classic Mac).
//! - A report's footer, lines after the data whose one cell of text is the
//!   time the report was printed ([`crate::title_lines::is_footer`]), is
//!   skipped when nothing but blank lines follows it, and takes no row
//!   number ([`RowReader::footer`]); such a line among the rows is a row.
//! - Ragged records (fewer or more cells than the header) are yielded as they
//!   are; validation reports them.
//! - Every cell and header passes through [`crate::formula::unguard`].
//! - [`RowReader::sample`] reads the first rows ahead, for a look at the
//!   file's content before its rows are used (which columns hold what, how
//!   its phones are written); they are given again, in order, by the next
//!   reads. Nothing is read twice, so standard input works the same.

use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use csv_core::ReadRecordResult;

mod chunk;
mod footer;
pub use chunk::Chunk;
use footer::{Footer, Next};

use crate::error::{Error, Result};
use crate::formula;

/// The text encoding the file turned out to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8 (bom)",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        }
    }
}

/// One data record. `row` is the 1-based index of the data record (header not
/// counted, blank lines skipped). `cells` are decoded to UTF-8 with the formula
/// guard undone ([`crate::formula::unguard`]); a ragged record keeps the cells it
/// has (validation reports it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub row: u64,
    pub cells: Vec<String>,
}

/// Streaming reader over a CSV file's data records.
pub struct RowReader {
    path: PathBuf,
    records: RawRecords,
    headers: Vec<String>,
    delimiter: u8,
    encoding: Encoding,
    blank_lines: u64,
    rows: u64,
    bytes_read: Arc<AtomicU64>,
    done: bool,
    /// A read error met after some records of a chunk: given at the next read.
    error: Option<Error>,
    /// Lines of the file above the CSV text read (`sep=`, report titles);
    /// `None` when the text is not the file's own (a vCard file's rows).
    lines_above: Option<u64>,
    /// Report title lines skipped above the header ([`crate::title_lines`]).
    title_lines: u64,
    /// The report's footer lines at the end ([`footer`]).
    footer: Footer,
    /// Records read ahead by [`RowReader::sample`], and how many of them
    /// were given back since.
    ahead: Option<Chunk>,
    ahead_given: usize,
}

impl RowReader {
    /// Start reading a decoded stream (UTF-8, or bytes that may be
    /// Windows-1252): read and check the header. Called by [`crate::config::Config::reader`].
    pub(crate) fn start(
        path: PathBuf,
        stream: Box<dyn Read + Send>,
        delimiter: u8,
        encoding: Encoding,
        bytes_read: Arc<AtomicU64>,
    ) -> Result<RowReader> {
        let mut reader = RowReader {
            path,
            records: RawRecords::new(stream, delimiter),
            headers: Vec::new(),
            delimiter,
            encoding,
            blank_lines: 0,
            rows: 0,
            bytes_read,
            done: false,
            error: None,
            lines_above: Some(0),
            title_lines: 0,
            footer: Footer::default(),
            ahead: None,
            ahead_given: 0,
        };
        if !reader.read_nonblank()? {
            return Err(Error::input(
                &reader.path,
                format!(
                    "{} is empty: it has no header line and no rows; export the sheet again \
                     with a header row naming the columns, e.g. `phone,first,last,email`",
                    reader.path.display()
                ),
            ));
        }
        let mut headers = reader.decode_record();
        if let Some(first) = headers.first_mut()
            && let Some(rest) = first.strip_prefix('\u{feff}')
        {
            *first = rest.to_string();
        }
        check_headers(&reader.path, &headers)?;
        reader.headers = headers;
        Ok(reader)
    }

    /// Say what the CSV text read leaves out of the file: `lines_above` it
    /// (`None`: the text is made from the file, a vCard's rows, so messages
    /// name no line), of which `title_lines` are a report's title.
    pub(crate) fn skipped(mut self, lines_above: Option<u64>, title_lines: u64) -> Self {
        self.lines_above = lines_above;
        self.title_lines = title_lines;
        self
    }

    /// Report title lines skipped above the header, and the header's line.
    pub fn title_lines(&self) -> Option<(u64, u64)> {
        let header = self.lines_above? + 1;
        (self.title_lines > 0).then_some((self.title_lines, header))
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The header cells, decoded, BOM removed, formula guard undone.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The encoding detected so far.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Blank lines skipped so far.
    pub fn blank_lines(&self) -> u64 {
        self.blank_lines
    }

    /// Bytes of the file read so far, counting the reader's read-ahead (at most
    /// 64 KiB ahead of the last record): for a progress bar against the file size.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    /// Read the next record that is not blank, counting the blank lines
    /// passed over. `false` at end of file.
    fn read_nonblank(&mut self) -> Result<bool> {
        loop {
            match self.records.read(&mut self.blank_lines) {
                Ok(true) if self.records.is_blank() => self.blank_lines += 1,
                Ok(found) => return Ok(found),
                Err(e) => {
                    let near = self
                        .lines_above
                        .map(|above| format!(" (near line {})", above + self.records.core.line()))
                        .unwrap_or_default();
                    let message = format!(
                        "cannot read {} after data row {}{near}: {e}",
                        self.path.display(),
                        self.rows + self.footer.held_rows(),
                    );
                    return Err(Error::input(&self.path, message));
                }
            }
        }
    }

    fn decode_record(&mut self) -> Vec<String> {
        let encoding = &mut self.encoding;
        self.records
            .fields()
            .map(|field| decode_field(field, encoding).into_owned())
            .collect()
    }

    /// The first `rows` records of the file (fewer when it has fewer, or
    /// when they hold much text), read ahead: the next reads give them
    /// again before any other. A read error met is given by the read that
    /// reaches it. Asked again, the same records (however many are asked).
    /// One sample serves every look at the content: the mapping's and the
    /// phone reading's.
    pub fn sample(&mut self, rows: usize) -> &Chunk {
        if self.ahead.is_none() {
            let mut ahead = Chunk::default();
            if let Err(e) = self.read_chunk(&mut ahead, rows) {
                self.error = Some(e);
            }
            self.ahead = Some(ahead);
            self.ahead_given = 0;
        }
        self.ahead.get_or_insert_with(Chunk::default)
    }

    /// Read the next records into `chunk` (emptied first): up to `max_rows`,
    /// fewer at the end of the file or when the chunk holds much text. An
    /// empty chunk means the end. A read error after some records comes
    /// with the next call, so every record before it is used.
    pub fn read_chunk(&mut self, chunk: &mut Chunk, max_rows: usize) -> Result<()> {
        chunk.clear(self.rows + 1);
        if let Some(ahead) = self.ahead.take() {
            if self.ahead_given < ahead.len() {
                chunk.clear(ahead.row(self.ahead_given));
            }
            while self.ahead_given < ahead.len() && chunk.len() < max_rows {
                ahead
                    .cells(self.ahead_given)
                    .for_each(|c| chunk.push_cell(c));
                chunk.end_record();
                self.ahead_given += 1;
            }
            if self.ahead_given < ahead.len() {
                self.ahead = Some(ahead);
                return Ok(());
            }
            if !chunk.is_empty() && self.error.is_some() {
                return Ok(());
            }
        }
        if let Some(e) = self.error.take() {
            self.done = true;
            return Err(e);
        }
        while !self.done && chunk.len() < max_rows && !chunk.is_full() {
            match self.next_data() {
                Ok(Next::Current) => {
                    self.rows += 1;
                    let encoding = &mut self.encoding;
                    match self.records.text() {
                        // Checked as UTF-8 once for the whole record, and
                        // copied at once unless a cell may carry the
                        // formula guard (starts with `'`).
                        Some(text) => {
                            let ends = self.records.ends();
                            let starts = std::iter::once(0).chain(ends.iter().copied());
                            let guarded = starts
                                .take(ends.len())
                                .any(|start| text.as_bytes().get(start) == Some(&b'\''));
                            if guarded {
                                let mut start = 0;
                                for &end in ends {
                                    chunk.push_cell(unguard(&text[start..end]));
                                    start = end;
                                }
                            } else {
                                chunk.push_cells(text, ends);
                            }
                        }
                        None => {
                            for field in self.records.fields() {
                                chunk.push_cell(&decode_field(field, encoding));
                            }
                        }
                    }
                    chunk.end_record();
                }
                Ok(Next::Held(cells)) => {
                    self.rows += 1;
                    cells.iter().for_each(|cell| chunk.push_cell(cell));
                    chunk.end_record();
                }
                Ok(Next::End) => self.done = true,
                Err(e) if chunk.is_empty() => {
                    self.done = true;
                    return Err(e);
                }
                Err(e) => {
                    self.error = Some(e);
                    break;
                }
            }
        }
        Ok(())
    }
}

/// One field's text: UTF-8, or Windows-1252 once a field of a file without a
/// BOM is not UTF-8 (`encoding` then says so), with the formula guard undone.
fn decode_field<'a>(field: &'a [u8], encoding: &mut Encoding) -> Cow<'a, str> {
    match std::str::from_utf8(field) {
        Ok(text) => Cow::Borrowed(unguard(text)),
        Err(_) => {
            let text = if matches!(*encoding, Encoding::Utf8 | Encoding::Windows1252) {
                *encoding = Encoding::Windows1252;
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(field);
                text.into_owned()
            } else {
                String::from_utf8_lossy(field).into_owned()
            };
            let start = text.len() - unguard(&text).len();
            Cow::Owned(text[start..].to_string())
        }
    }
}

/// The cell with the formula guard undone ([`formula::unguard`]).
fn unguard(text: &str) -> &str {
    text.strip_prefix('\'')
        .filter(|rest| formula::is_formula_like(rest))
        .unwrap_or(text)
}

impl Iterator for RowReader {
    type Item = Result<Record>;
    fn next(&mut self) -> Option<Self::Item> {
        if let Some(ahead) = &self.ahead {
            if self.ahead_given < ahead.len() {
                self.ahead_given += 1;
                return Some(Ok(ahead.record(self.ahead_given - 1)));
            }
            self.ahead = None;
        }
        if let Some(e) = self.error.take() {
            self.done = true;
            return Some(Err(e));
        }
        if self.done {
            return None;
        }
        match self.next_record() {
            Ok(Some(record)) => Some(Ok(record)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                // An I/O error is not retried: the rest of the file is unread.
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// A record longer than this is not a contact: almost always a double quote
/// that opens a cell and never closes, swallowing the rest of the file. The
/// read stops there instead of holding the file in memory.
const MAX_RECORD_BYTES: usize = 1 << 20;

/// Cells per record past which the read stops, for the same reason.
const MAX_RECORD_CELLS: usize = 1 << 16;

/// The record layer: `csv_core` (RFC 4180 quoting, CR/LF/CRLF line ends,
/// records of any length) fed by hand, because the `csv` crate skips empty
/// lines without a trace and reports positions too coarsely to count them
/// (a CRLF record leaves its LF to the next read). Here every byte the parser
/// passes over in front of a record is seen, so empty lines are counted exactly.
struct RawRecords {
    input: BufReader<Box<dyn Read + Send>>,
    core: csv_core::Reader,
    /// The current record's field bytes, and where each field ends in them.
    bytes: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    /// The last byte consumed, so that the LF of a CRLF is not an empty line.
    last: u8,
}

impl RawRecords {
    fn new(stream: Box<dyn Read + Send>, delimiter: u8) -> Self {
        RawRecords {
            input: BufReader::with_capacity(64 * 1024, stream),
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            bytes: vec![0; 4096],
            ends: vec![0; 64],
            len: 0,
            last: b'\n',
        }
    }

    /// Read the next record; add the empty lines in front of it (or, at the
    /// end, after the last one) to `empty_lines`. `false` at end of input.
    fn read(&mut self, empty_lines: &mut u64) -> io::Result<bool> {
        let (mut nbytes, mut nends) = (0, 0);
        let mut leading = true;
        loop {
            let input = self.input.fill_buf()?;
            let (result, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.bytes[nbytes..], &mut self.ends[nends..]);
            // In front of a record the parser passes over line ends only.
            for &b in input[..nin].iter() {
                if !leading {
                    break;
                }
                match b {
                    b'\r' => *empty_lines += 1,
                    b'\n' if self.last != b'\r' => *empty_lines += 1,
                    b'\n' => {}
                    _ => leading = false,
                }
                self.last = b;
            }
            if let Some(&b) = input[..nin].last() {
                self.last = b;
            }
            self.input.consume(nin);
            nbytes += nout;
            nends += nend;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull if self.bytes.len() >= MAX_RECORD_BYTES => {
                    return Err(io::Error::other(
                        "a row runs past 1 MiB; a cell probably opens a double quote that \
                         never closes: put the closing quote in, or double a quote inside \
                         a quoted cell (\"\")",
                    ));
                }
                ReadRecordResult::OutputEndsFull if self.ends.len() >= MAX_RECORD_CELLS => {
                    return Err(io::Error::other(format!(
                        "a row has more than {MAX_RECORD_CELLS} cells; is this a CSV file?"
                    )));
                }
                ReadRecordResult::OutputFull => self.bytes.resize(self.bytes.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record => {
                    self.len = nends;
                    return Ok(true);
                }
                ReadRecordResult::End => return Ok(false),
            }
        }
    }

    fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let ends = &self.ends[..self.len];
        ends.iter().scan(0, |start, &end| {
            let field = &self.bytes[*start..end];
            *start = end;
            Some(field)
        })
    }

    /// Where each field of the current record ends in its text.
    fn ends(&self) -> &[usize] {
        &self.ends[..self.len]
    }

    /// The current record's fields back to back, when that is UTF-8 with
    /// every field boundary on a character boundary (so each field is UTF-8
    /// too): one check for the whole record.
    fn text(&self) -> Option<&str> {
        let end = self.ends().last().copied().unwrap_or(0);
        let text = std::str::from_utf8(&self.bytes[..end]).ok()?;
        self.ends()
            .iter()
            .all(|&e| text.is_char_boundary(e))
            .then_some(text)
    }

    /// Every field empty or whitespace.
    fn is_blank(&self) -> bool {
        self.bytes[..self.ends[..self.len].last().copied().unwrap_or(0)]
            .iter()
            .all(u8::is_ascii_whitespace)
    }
}

/// A header must name every column, once, and be a header at all.
fn check_headers(path: &Path, headers: &[String]) -> Result<()> {
    let file = path.display();
    for (i, h) in headers.iter().enumerate() {
        if h.trim().is_empty() {
            return Err(Error::input(
                path,
                format!(
                    "{file}: column {} (number {}) has no name in the header line; name it, \
                 or delete the column if it holds nothing",
                    column_letter(i),
                    i + 1
                ),
            ));
        }
        if let Some(j) = headers[..i]
            .iter()
            .position(|other| other.trim().eq_ignore_ascii_case(h.trim()))
        {
            return Err(Error::input(
                path,
                format!(
                    "{file}: the header line names \"{}\" twice (columns {} and {}); rename or \
                 delete one of them",
                    h.trim(),
                    column_letter(j),
                    column_letter(i)
                ),
            ));
        }
    }
    if let Some(data) = headers.iter().find(|h| looks_like_data(h)) {
        return Err(Error::input(
            path,
            format!(
                "{file} has no header line: its first line holds \"{data}\", which looks like \
             data, not a column name; add a first line naming the columns, e.g. \
             `phone,first,last,email`"
            ),
        ));
    }
    Ok(())
}

/// A phone number or an email address where a column name should be.
fn looks_like_data(cell: &str) -> bool {
    let cell = cell.trim();
    let digits = cell.bytes().filter(u8::is_ascii_digit).count();
    let phone_like = digits >= 7 && cell.bytes().all(|b| b"0123456789+-(). ".contains(&b));
    let email_like = cell
        .split_once('@')
        .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
    phone_like || email_like
}

/// Spreadsheet column name: 0 -> A, 25 -> Z, 26 -> AA.
fn column_letter(mut i: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_are_spreadsheet_names() {
        let names: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
            .into_iter()
            .map(column_letter)
            .collect();
        assert_eq!(names, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    #[test]
    fn data_in_the_header_is_recognised() {
        for cell in [
            "4155553434",
            "(415) 555-3434",
            "+44 20 7946 0958",
            "ada@example.com",
        ] {
            assert!(looks_like_data(cell), "{cell:?}");
        }
        for cell in [
            "phone",
            "Phone 2",
            "E-mail",
            "@handle",
            "custom:101",
            "Tags",
        ] {
            assert!(!looks_like_data(cell), "{cell:?}");
        }
    }
}
