//! Reading a spreadsheet export: encoding detection (UTF-8 with or without BOM,
//! UTF-16 LE/BE with BOM, Windows-1252), delimiter sniffing (`, ; \t |`), and a
//! streaming iterator of data records numbered as the reports number them.
//! Takes a path (through [`crate::input::config::Config`]); gives [`Record`]s one by
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
//!   time the report was printed ([`crate::input::title_lines::is_footer`]), is
//!   skipped when nothing but blank lines follows it, and takes no row
//!   number ([`RowReader::footer`]); such a line among the rows is a row.
//! - Ragged records (fewer or more cells than the header) are yielded as they
//!   are; validation reports them.
//! - Every cell and header passes through [`crate::formula::unguard`].

use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use csv_core::ReadRecordResult;

mod chunk;
pub mod config;
mod file;
mod footer;
mod quote;
mod row_numbers;
pub mod title_lines;
pub mod workbook;
pub use chunk::Chunk;
pub use file::{InputFile, STDIN_STEM};
use footer::{Footer, Next};
pub use row_numbers::{Hidden, RowNumbers};

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
    /// Why the record is not the row its line meant, when it is not (a
    /// double quote that never closes: the record is that line alone):
    /// the row's error, whatever its cells hold.
    pub problem: Option<String>,
}

impl Record {
    /// A record read whole.
    pub fn new(row: u64, cells: Vec<String>) -> Record {
        Record {
            row,
            cells,
            problem: None,
        }
    }
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
    /// Report title lines skipped above the header ([`crate::input::title_lines`]).
    title_lines: u64,
    /// The report's footer lines at the end ([`footer`]).
    footer: Footer,
    /// The workbook sheet the rows are from ([`crate::input::workbook`]).
    sheet: Option<crate::input::workbook::Sheet>,
    /// The numbers the reports show for the rows.
    numbers: RowNumbers,
}

impl RowReader {
    /// Start reading a decoded stream (UTF-8, or bytes that may be
    /// Windows-1252): read and check the header. Called by [`crate::input::config::Config::reader`].
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
            sheet: None,
            numbers: RowNumbers::default(),
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
        if reader.records.cut.is_some() {
            return Err(Error::input(
                &reader.path,
                format!(
                    "{}: the header line opens a double quote that never closes; put the \
                     closing quote in, or remove the stray one",
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
        reader.headers = apart_by_position(headers);
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

    /// The rows are a workbook's `sheet`, numbered by `numbers`.
    pub(crate) fn in_sheet(
        mut self,
        sheet: crate::input::workbook::Sheet,
        numbers: RowNumbers,
    ) -> Self {
        self.sheet = Some(sheet);
        self.numbers = numbers;
        self
    }

    /// The workbook sheet read, when the file is a workbook.
    pub fn sheet(&self) -> Option<&crate::input::workbook::Sheet> {
        self.sheet.as_ref()
    }

    /// The numbers the reports show for the rows ([`RowNumbers`]).
    pub fn row_numbers(&self) -> RowNumbers {
        self.numbers.clone()
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
                Ok(true) if self.records.is_blank() && self.records.cut.is_none() => {
                    self.blank_lines += 1
                }
                Ok(found) => return Ok(found),
                Err(e) => {
                    let near = self
                        .lines_above
                        .map(|above| format!(" (near line {})", above + self.records.core.line()))
                        .unwrap_or_default();
                    let message = format!(
                        "cannot read {} after {}{near}: {e}",
                        self.path.display(),
                        self.last_row_read(),
                    );
                    return Err(Error::input(&self.path, message));
                }
            }
        }
    }

    /// The last row read, as messages name it: `data row 7` of a CSV
    /// file; a workbook's own row, `row 9 of sheet "Contacts"` (or its
    /// header's row when no data row was read).
    fn last_row_read(&self) -> String {
        let row = self.rows + self.footer.held_rows();
        match &self.sheet {
            None => format!("data row {row}"),
            Some(sheet) if row == 0 => format!(
                "the header (row {}) of sheet \"{}\"",
                sheet.header_row, sheet.name
            ),
            Some(sheet) => format!(
                "row {} of sheet \"{}\"",
                self.numbers.shown(row),
                sheet.name
            ),
        }
    }

    /// The row error of the current record when it was cut at a double
    /// quote that never closes ([`quote`]).
    fn cut_problem(&self) -> Option<String> {
        let cut = self.records.cut?;
        let at = match self.lines_above {
            Some(above) => format!(" on line {}", above + cut.line),
            None => String::new(),
        };
        let how_far = if cut.at_end {
            "before the end of the file"
        } else {
            "within 1 MiB"
        };
        Some(format!(
            "a double quote opens a cell{at} and never closes {how_far}: this row is that \
             line alone, and the lines after it are read as rows; put the closing quote in, \
             or write a quote inside a quoted cell twice (\"\")"
        ))
    }

    fn decode_record(&mut self) -> Vec<String> {
        let encoding = &mut self.encoding;
        self.records
            .fields()
            .map(|field| decode_field(field, encoding).into_owned())
            .collect()
    }

    /// Read the next records into `chunk` (emptied first): up to `max_rows`,
    /// fewer at the end of the file or when the chunk holds much text. An
    /// empty chunk means the end. A read error after some records comes
    /// with the next call, so every record before it is used.
    pub fn read_chunk(&mut self, chunk: &mut Chunk, max_rows: usize) -> Result<()> {
        chunk.clear(self.rows + 1);
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
                    chunk.end_record(self.cut_problem());
                }
                Ok(Next::Held(cells, problem)) => {
                    self.rows += 1;
                    cells.iter().for_each(|cell| chunk.push_cell(cell));
                    chunk.end_record(problem);
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

/// A record longer than this is not a contact: a double quote that opens a
/// cell and never closes is cut at its line ([`quote`]); with no quote open,
/// the read stops there instead of holding the file in memory.
const MAX_RECORD_BYTES: usize = 1 << 20;

/// Cells per record past which the read stops, for the same reason.
const MAX_RECORD_CELLS: usize = 1 << 16;

/// Rows cut at a quote that never closes past which the read stops: each
/// reads up to [`MAX_RECORD_BYTES`] again, and a file with so many is not
/// the CSV it seems (another quote character?).
const MAX_OPEN_QUOTES: u64 = 1000;

/// A record cut at a double quote that never closes ([`quote`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CutQuote {
    /// The line of the CSV text the quote opened on.
    line: u64,
    /// The end of the file came first (else: [`MAX_RECORD_BYTES`]).
    at_end: bool,
}

/// The record layer: `csv_core` (RFC 4180 quoting, CR/LF/CRLF line ends,
/// records of any length) fed by hand, because the `csv` crate skips empty
/// lines without a trace and reports positions too coarsely to count them
/// (a CRLF record leaves its LF to the next read). Here every byte the parser
/// passes over in front of a record is seen, so empty lines are counted exactly.
struct RawRecords {
    input: BufReader<Box<dyn Read + Send>>,
    core: csv_core::Reader,
    delimiter: u8,
    /// The current record's field bytes, and where each field ends in them.
    bytes: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    /// The last byte consumed, so that the LF of a CRLF is not an empty line.
    last: u8,
    /// The bytes the parser took for the current record, leading line ends
    /// included: read again from the line after a quote that never closes.
    raw: Vec<u8>,
    /// Bytes to parse before the input's next ones (`replay[replayed..]`):
    /// the lines after a quote that never closes.
    replay: Vec<u8>,
    replayed: usize,
    /// The current record was cut at a quote that never closes.
    cut: Option<CutQuote>,
    /// Records cut so far.
    cuts: u64,
}

impl RawRecords {
    fn new(stream: Box<dyn Read + Send>, delimiter: u8) -> Self {
        RawRecords {
            input: BufReader::with_capacity(64 * 1024, stream),
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            bytes: vec![0; 4096],
            ends: vec![0; 64],
            len: 0,
            last: b'\n',
            raw: Vec::new(),
            replay: Vec::new(),
            replayed: 0,
            cut: None,
            cuts: 0,
        }
    }

    /// Read the next record; add the empty lines in front of it (or, at the
    /// end, after the last one) to `empty_lines`. `false` at end of input.
    /// A record that ends inside a quoted cell at the end of the input, or
    /// runs past [`MAX_RECORD_BYTES`] in one, is cut at the line its quote
    /// opened on ([`RawRecords::cut`] says so), and the lines after that
    /// one are read next.
    fn read(&mut self, empty_lines: &mut u64) -> io::Result<bool> {
        let (mut nbytes, mut nends) = (0, 0);
        let mut leading = true;
        let first_line = self.core.line();
        self.raw.clear();
        self.cut = None;
        loop {
            let replaying = self.replayed < self.replay.len();
            let input = if replaying {
                &self.replay[self.replayed..]
            } else {
                self.input.fill_buf()?
            };
            let at_end = input.is_empty();
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
            self.raw.extend_from_slice(&input[..nin]);
            if replaying {
                self.replayed += nin;
            } else {
                self.input.consume(nin);
            }
            nbytes += nout;
            nends += nend;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull if self.bytes.len() >= MAX_RECORD_BYTES => {
                    if self.cut_at_open_quote(first_line, false)? {
                        return Ok(true);
                    }
                    return Err(io::Error::other(
                        "a row runs past 1 MiB with no line break; is this a CSV file?",
                    ));
                }
                ReadRecordResult::OutputEndsFull if self.ends.len() >= MAX_RECORD_CELLS => {
                    return Err(io::Error::other(format!(
                        "a row has more than {MAX_RECORD_CELLS} cells; is this a CSV file?"
                    )));
                }
                ReadRecordResult::OutputFull => self.bytes.resize(self.bytes.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record
                    if at_end && self.cut_at_open_quote(first_line, true)? =>
                {
                    return Ok(true);
                }
                ReadRecordResult::Record => {
                    self.len = nends;
                    return Ok(true);
                }
                ReadRecordResult::End => return Ok(false),
            }
        }
    }

    /// When a quote is still open at the end of the record's bytes: make
    /// the record its line alone, and read the lines after it next.
    /// `at_end`: the input ended (else the record ran too long).
    fn cut_at_open_quote(&mut self, first_line: u64, at_end: bool) -> io::Result<bool> {
        let Some(open) = quote::open_quote(&self.raw, self.delimiter, first_line) else {
            return Ok(false);
        };
        self.cuts += 1;
        if self.cuts > MAX_OPEN_QUOTES {
            return Err(io::Error::other(format!(
                "more than {MAX_OPEN_QUOTES} rows open a double quote that never closes \
                 (the last on line {}); is this a CSV file with `\"` as its quote?",
                open.line
            )));
        }
        // The buffers' lengths are the room the parser writes into: kept.
        let room = (self.bytes.len(), self.ends.len());
        quote::cut_record(
            &self.raw,
            &open,
            self.delimiter,
            &mut self.bytes,
            &mut self.ends,
        );
        self.len = self.ends.len();
        self.bytes.resize(self.bytes.len().max(room.0), 0);
        self.ends.resize(self.ends.len().max(room.1), 0);
        // The rest of the record's bytes, then what was left to replay.
        let mut replay = self.raw[open.next_line..].to_vec();
        replay.extend_from_slice(&self.replay[self.replayed..]);
        self.replay = replay;
        self.replayed = 0;
        self.core.reset();
        let line_break = &self.raw[open.line_end..open.next_line];
        self.core
            .set_line(open.line + u64::from(line_break.contains(&b'\n')));
        self.last = line_break.last().copied().unwrap_or(b'\n');
        self.cut = Some(CutQuote {
            line: open.line,
            at_end,
        });
        Ok(true)
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

/// A header that names a column twice keeps the columns apart by position:
/// the second `Nom` (in column E) is `Nom (E)`, which a map file can name.
/// One look-up a column, whatever the width (a 60,000-column header took
/// 20 s compared pairwise).
fn apart_by_position(mut headers: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::with_capacity(headers.len());
    for (i, header) in headers.iter_mut().enumerate() {
        if !seen.insert(header.trim().to_ascii_lowercase()) {
            *header = format!("{} ({})", header.trim(), column_letter(i));
            seen.insert(header.to_ascii_lowercase());
        }
    }
    headers
}

/// A header must name every column and be a header at all.
fn check_headers(path: &Path, headers: &[String]) -> Result<()> {
    let file = path.display();
    // A credentials or environment file given by mistake: its lines are
    // never echoed (the column names would be its secrets).
    if let Some(name) = headers
        .iter()
        .find(|h| crate::redact::is_setting_line(h))
        .and_then(|h| crate::redact::setting_name(h))
    {
        return Err(Error::input(
            path,
            format!(
                "{file} looks like a credentials or environment file, not a spreadsheet: \
                 its first line sets {name} (the file's text is not shown); give the CSV \
                 export of the contacts"
            ),
        ));
    }
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
    fn a_header_named_twice_is_kept_apart_by_position() {
        let headers: Vec<String> = ["Nom", "Titre", "Prénom", "nom", "Titre"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            apart_by_position(headers),
            ["Nom", "Titre", "Prénom", "nom (D)", "Titre (E)"]
        );
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
