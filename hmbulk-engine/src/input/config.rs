//! Reader set-up that every command shares (xsv's `Config`):
//! `Config::new(path).delimiter(Some(b';')).reader()?` opens an input file with
//! its encoding detected from its byte-order mark and its delimiter sniffed
//! from its first lines, and gives a streaming [`RowReader`]. The path `-`
//! is standard input, called `<stdin>` in messages.
//!
//! Only a fixed-size prefix of the file is looked at before streaming starts,
//! and it is replayed into the reader, so memory stays constant. That prefix
//! also tells a vCard file ([`crate::vcard`], read as the CSV rows it
//! gives), a workbook by its zip or OLE signature ([`crate::input::workbook`]: its
//! sheet read as CSV rows, `--sheet` choosing among its sheets) and report
//! title lines above a known header ([`crate::input::title_lines`], skipped).

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use encoding_rs_io::DecodeReaderBytesBuilder;

use crate::error::{Error, Result};
use crate::input::title_lines;
use crate::input::workbook::{self, HeaderCheck, Origin};
use crate::input::{Encoding, RowReader};
use crate::vcard;

/// The delimiters sniffed, in the order that breaks a complete tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How much of the (decoded) file the delimiter sniffer sees.
const SNIFF_BYTES: usize = 64 * 1024;

/// Lines after the header that break a tie between delimiters.
const SNIFF_LINES: usize = 5;

/// The path that means standard input.
pub const STDIN_PATH: &str = "-";
/// What messages call standard input.
pub const STDIN_NAME: &str = "<stdin>";

#[derive(Clone)]
pub struct Config {
    /// Where the rows are read from; `-` is standard input.
    source: PathBuf,
    /// What messages call it.
    path: PathBuf,
    delimiter: Option<u8>,
    /// `--sheet`: the workbook sheet to read.
    sheet: Option<String>,
    /// Which workbook headers the mapper can read.
    header_check: Option<HeaderCheck>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("path", &self.path)
            .field("delimiter", &self.delimiter)
            .field("sheet", &self.sheet)
            .finish_non_exhaustive()
    }
}

impl Config {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        let source: PathBuf = path.into();
        let path = if is_stdin(&source) {
            PathBuf::from(STDIN_NAME)
        } else {
            source.clone()
        };
        Config {
            source,
            path,
            delimiter: None,
            sheet: None,
            header_check: None,
        }
    }

    /// Read sheet `sheet` (a name or a 1-based number) of a workbook.
    pub fn sheet(mut self, sheet: Option<String>) -> Self {
        self.sheet = sheet;
        self
    }

    /// Choose a workbook's sheet by whether `check` accepts its header
    /// (without it, any sheet with a header is a candidate).
    pub fn header_check(mut self, check: HeaderCheck) -> Self {
        self.header_check = Some(check);
        self
    }

    /// Call the input `name` in messages (a copy of standard input is
    /// still `<stdin>`).
    pub fn named(mut self, name: impl Into<PathBuf>) -> Self {
        self.path = name.into();
        self
    }

    /// Force a delimiter instead of sniffing one.
    pub fn delimiter(mut self, delimiter: Option<u8>) -> Self {
        self.delimiter = delimiter;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Open the file: detect its encoding, sniff its delimiter, read its header.
    /// A missing, empty or undecodable file is an input error naming the file.
    pub fn reader(&self) -> Result<RowReader> {
        let shown = self.path.display();
        if let Some(d) = self.delimiter
            && (!d.is_ascii() || matches!(d, b'"' | b'\r' | b'\n'))
        {
            return Err(Error::usage(format!(
                "--delimiter for {shown} must be one ASCII character other than a quote or a \
                 line break, such as , ; | or a tab"
            )));
        }
        let file: Box<dyn Read + Send> = if is_stdin(&self.source) {
            Box::new(io::stdin())
        } else {
            Box::new(self.open_file()?)
        };
        let bytes_read = Arc::new(AtomicU64::new(0));
        let counted = Counting {
            inner: file,
            count: Arc::clone(&bytes_read),
        };
        let read_error =
            |e: io::Error| Error::input(&self.path, format!("cannot read {shown}: {e}"));
        let mut raw = peek(counted, 4).map_err(read_error)?;
        let (encoding, decoded): (Encoding, Box<dyn Read + Send>) = match peeked(&raw) {
            [0xFF, 0xFE, ..] => (Encoding::Utf16Le, utf16(raw, encoding_rs::UTF_16LE)),
            [0xFE, 0xFF, ..] => (Encoding::Utf16Be, utf16(raw, encoding_rs::UTF_16BE)),
            [0xEF, 0xBB, 0xBF, ..] => {
                raw.get_mut().0.set_position(3);
                (Encoding::Utf8Bom, Box::new(raw))
            }
            _ => (Encoding::Utf8, Box::new(raw)),
        };
        let stream = peek(decoded, SNIFF_BYTES).map_err(read_error)?;
        if let Some(signature) = workbook::signature(peeked(&stream)) {
            let origin = if is_stdin(&self.source) {
                let mut bytes = Vec::new();
                let mut stream = stream;
                stream.read_to_end(&mut bytes).map_err(read_error)?;
                Origin::Bytes(bytes.into())
            } else {
                // Progress counts the workbook's bytes as calamine reads them.
                bytes_read.store(0, Ordering::Relaxed);
                Origin::Path(self.source.clone(), Arc::clone(&bytes_read))
            };
            let wanted = self.sheet.as_deref();
            let opened = workbook::open(
                &self.path,
                origin,
                signature,
                wanted,
                self.header_check.as_ref(),
            )?;
            let reader =
                RowReader::start(self.path.clone(), opened.text, b',', encoding, bytes_read)?;
            return Ok(reader.skipped(None, 0).in_sheet(opened.sheet, opened.rows));
        }
        if let Some(sheet) = &self.sheet {
            return Err(Error::usage(format!(
                "--sheet {sheet:?}: {shown} is not a workbook (.xlsx, .xls, .ods …), so it \
                 has no sheets; leave --sheet out"
            )));
        }
        if peeked(&stream).contains(&0) {
            // (A workbook, zip or OLE, was told above.)
            let what = "binary, or UTF-16 text without a byte-order mark";
            return Err(Error::input(
                &self.path,
                format!(
                    "{shown} is not CSV text: it looks like {what}; save the sheet as \
                     \"CSV UTF-8\" (or \"Unicode Text\") and import that file"
                ),
            ));
        }
        if vcard::starts_vcard(peeked(&stream)) {
            let apple = vcard::is_apple(peeked(&stream));
            let rows = vcard::csv(Box::new(stream), apple);
            let reader = RowReader::start(self.path.clone(), rows, b',', encoding, bytes_read)?;
            return Ok(reader.skipped(None, 0));
        }
        // Bytes that are not UTF-8 in a file without a BOM: Windows-1252
        // from the first record on (the reports' BOM is decided before they
        // begin); a sample cut inside a character is no such sign.
        let encoding = match std::str::from_utf8(peeked(&stream)) {
            Err(e) if encoding == Encoding::Utf8 && e.error_len().is_some() => {
                Encoding::Windows1252
            }
            _ => encoding,
        };
        let mut stream = stream;
        let sep_line = excel_sep_line(peeked(&stream));
        let forced = self.delimiter.or(sep_line.map(|(d, _)| d));
        let sep_len = sep_line.map_or(0, |(_, len)| len);
        let titles = title_lines::above_header(&peeked(&stream)[sep_len..], forced);
        let skip = sep_len + titles.map_or(0, |t| t.bytes);
        stream.get_mut().0.set_position(skip as u64);
        let delimiter = forced.unwrap_or_else(|| sniff_delimiter(&peeked(&stream)[skip..]));
        let reader = RowReader::start(
            self.path.clone(),
            Box::new(stream),
            delimiter,
            encoding,
            bytes_read,
        )?;
        let title_lines = titles.map_or(0, |t| t.lines);
        Ok(reader.skipped(
            Some(u64::from(sep_line.is_some()) + title_lines),
            title_lines,
        ))
    }
}

impl Config {
    /// The input file, opened; a folder or a missing file gets a message
    /// that says what to give instead.
    fn open_file(&self) -> Result<File> {
        let shown = self.path.display();
        if self.source.is_dir() {
            return Err(Error::input(
                &self.path,
                format!(
                    "{shown} is a folder, not a file: give the CSV file to read{}",
                    csv_files_in(&self.source)
                ),
            ));
        }
        File::open(&self.source).map_err(|e| {
            Error::input(
                &self.path,
                format!("cannot open {shown}: {e}; check the path and that you may read the file"),
            )
        })
    }
}

/// Is `path` the one that means standard input?
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN_PATH
}

/// `, such as a.csv or b.csv` when the folder holds CSV files (the first
/// few by name), else nothing.
fn csv_files_in(dir: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return String::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("csv") || x.eq_ignore_ascii_case("tsv"))
        })
        .map(|p| p.display().to_string())
        .collect();
    names.sort();
    match names.len() {
        0 => String::new(),
        1 => format!(", such as {}", names[0]),
        n => {
            let shown = names.iter().take(3).cloned().collect::<Vec<_>>();
            let more = if n > 3 {
                format!(" ({} more)", n - 3)
            } else {
                String::new()
            };
            format!(", such as {}{more}", shown.join(" or "))
        }
    }
}

/// Excel's `sep=;` first line names the delimiter and is not part of the
/// data: gives the delimiter and the line's length (with its line break).
fn excel_sep_line(head: &[u8]) -> Option<(u8, usize)> {
    let prefix = head.get(..4)?;
    if !prefix.eq_ignore_ascii_case(b"sep=") {
        return None;
    }
    let delimiter = *head.get(4)?;
    let len = match head.get(5..) {
        Some([b'\r', b'\n', ..]) => 7,
        Some([b'\n' | b'\r', ..]) => 6,
        _ => return None,
    };
    (delimiter.is_ascii() && !matches!(delimiter, b'"' | b'\r' | b'\n')).then_some((delimiter, len))
}

/// Transcode a UTF-16 stream (BOM included, and removed by the decoder) to UTF-8;
/// malformed code units become U+FFFD instead of stopping the read.
fn utf16<R: Read + Send + 'static>(
    raw: R,
    encoding: &'static encoding_rs::Encoding,
) -> Box<dyn Read + Send> {
    Box::new(
        DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding))
            .build(raw),
    )
}

type Peeked<R> = io::Chain<Cursor<Vec<u8>>, R>;

/// Read up to `n` bytes (fewer only at end of file) into a reader that yields
/// them again, then the rest; [`peeked`] shows them.
fn peek<R: Read>(mut reader: R, n: usize) -> io::Result<Peeked<R>> {
    let mut head = Vec::with_capacity(n);
    (&mut reader).take(n as u64).read_to_end(&mut head)?;
    Ok(Cursor::new(head).chain(reader))
}

fn peeked<R>(reader: &Peeked<R>) -> &[u8] {
    reader.get_ref().0.get_ref()
}

/// Counts the bytes read from the file, for progress (`RowReader::bytes_read`).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Pick the delimiter of a file from its first bytes: the candidate that
/// occurs most often in the header line outside quotes; a tie goes to the one
/// whose count the next few lines repeat most often, then to the order of
/// [`DELIMITERS`]. A header with none of them (one column) gives `,`.
pub fn sniff_delimiter(sample: &[u8]) -> u8 {
    let lines = count_per_line(sample);
    let Some((header, rest)) = lines.split_first() else {
        return b',';
    };
    let best = header.iter().copied().max().unwrap_or(0);
    if best == 0 {
        return b',';
    }
    let consistency = |i: usize| rest.iter().filter(|line| line[i] == header[i]).count();
    let mut winner = None::<(usize, usize)>;
    for i in (0..DELIMITERS.len()).filter(|&i| header[i] == best) {
        let score = consistency(i);
        if winner.is_none_or(|(_, s)| score > s) {
            winner = Some((i, score));
        }
    }
    winner.map_or(b',', |(i, _)| DELIMITERS[i])
}

/// For the first `1 + SNIFF_LINES` complete, non-blank lines of `sample`, how
/// often each of [`DELIMITERS`] occurs outside double quotes.
fn count_per_line(sample: &[u8]) -> Vec<[usize; 4]> {
    let mut lines = Vec::new();
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    let mut has_text = false;
    for &b in sample {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => {
                if has_text {
                    lines.push(counts);
                    if lines.len() > SNIFF_LINES {
                        break;
                    }
                }
                counts = [0; 4];
                has_text = false;
                continue;
            }
            _ if in_quotes => {}
            _ => {
                if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                    counts[i] += 1;
                }
            }
        }
        has_text |= !b.is_ascii_whitespace();
    }
    // The last line counts only when the sample holds the whole file: it may
    // have been cut anywhere otherwise. A header without a newline is whole.
    if has_text && (lines.is_empty() || sample.len() < SNIFF_BYTES) {
        lines.push(counts);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_delimiter_is_sniffed() {
        for d in DELIMITERS {
            let d = d as char;
            let text = format!("phone{d}first{d}last\n4155553434{d}Ada{d}Lovelace\n");
            assert_eq!(sniff_delimiter(text.as_bytes()) as char, d);
        }
    }

    #[test]
    fn delimiters_inside_quotes_do_not_count() {
        let text = b"\"Name, full\";\"a,b\";phone\n\"x,y\";1;2\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn european_excel_with_decimal_commas() {
        let text = b"phone;first;amount\n4155553434;Ada;3,50\n4155553435;Bob;4,75\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn ties_are_broken_by_the_next_lines() {
        // One `,` and one `;` in the header; the rows agree with `;`.
        let text = b"phone;first,last\n1;Ada,Lovelace\n2;Bob\n3;Cy\n";
        assert_eq!(sniff_delimiter(text), b';');
        let text = b"phone;first,last\n1,Ada;x,y\n2,Bob\n3,Cy\n";
        assert_eq!(sniff_delimiter(text), b',');
        // A complete tie: `,` first.
        assert_eq!(sniff_delimiter(b"a,b;c\n"), b',');
    }

    #[test]
    fn one_column_or_nothing_gives_comma() {
        assert_eq!(sniff_delimiter(b"phone\n4155553434\n"), b',');
        assert_eq!(sniff_delimiter(b""), b',');
        assert_eq!(sniff_delimiter(b"\n\n"), b',');
    }

    #[test]
    fn blank_lines_before_the_header_are_passed_over() {
        assert_eq!(sniff_delimiter(b"\r\n\r\nphone|first\r\n1|a\r\n"), b'|');
    }

    #[test]
    fn excel_sep_line_names_the_delimiter_and_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sep.csv");
        std::fs::write(&path, "sep=;\r\nPhone;First\r\n(415) 200-0001;Ann, B.\r\n").unwrap();
        let mut reader = Config::new(&path).reader().unwrap();
        assert_eq!(reader.delimiter(), b';');
        assert_eq!(reader.headers(), ["Phone", "First"]);
        let rec = reader.next().unwrap().unwrap();
        assert_eq!(
            (rec.row, rec.cells),
            (1, vec!["(415) 200-0001".to_string(), "Ann, B.".to_string()])
        );
        assert_eq!(excel_sep_line(b"sep=|\nx"), Some((b'|', 6)));
        assert_eq!(excel_sep_line(b"separator,x\n"), None);
    }

    #[test]
    fn report_title_lines_are_skipped_and_lines_keep_their_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("qbo.csv");
        let head = "Example Co,,\nCustomer Contact List,,\n\nCustomer,Phone Numbers,Email,Full Name\n\
                    A,415-555-0101,a@x.example,A\nB,415-555-0102,,B\n";
        // A line past 1 MiB: the read stops, naming the file's line.
        let text = format!("{head}{}\n", "x".repeat(1 << 20));
        std::fs::write(&path, text).unwrap();
        let mut reader = Config::new(&path).reader().unwrap();
        assert_eq!(reader.headers()[0], "Customer");
        assert_eq!(reader.title_lines(), Some((3, 4)));
        assert_eq!(reader.next().unwrap().unwrap().row, 1);
        assert_eq!(reader.next().unwrap().unwrap().cells[0], "B");
        let err = reader.next().unwrap().unwrap_err().to_string();
        assert!(err.contains("after data row 2 (near line 7)"), "{err}");
        // A quote that never closes: a row naming the file's line.
        std::fs::write(&path, format!("{head}\"open\nC,415-555-0103,,C\n")).unwrap();
        let rows: Vec<_> = Config::new(&path)
            .reader()
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let problem = rows[2].problem.as_deref().unwrap_or_default();
        assert!(problem.contains("opens a cell on line 7"), "{problem}");
        assert_eq!(rows[3].cells[0], "C");
    }

    #[test]
    fn a_vcard_file_reads_as_its_rows_and_names_no_csv_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("contacts.dat");
        let note = "x".repeat(2 << 20);
        let text = format!("BEGIN:VCARD\nFN:A\nTEL:1\nEND:VCARD\nBEGIN:VCARD\nNOTE:{note}\n");
        std::fs::write(&path, text).unwrap();
        let mut reader = Config::new(&path).delimiter(Some(b';')).reader().unwrap();
        assert_eq!(reader.headers()[0], crate::vcard::LINE);
        assert_eq!(reader.delimiter(), b',');
        assert_eq!(reader.title_lines(), None);
        assert_eq!(reader.next().unwrap().unwrap().cells[..2], ["1", "A"]);
        let err = reader.next().unwrap().unwrap_err().to_string();
        assert!(
            err.contains("after data row 1: the vCard that begins on line 5"),
            "{err}"
        );
    }

    #[test]
    fn bad_forced_delimiter_is_a_usage_error() {
        let err = Config::new("whatever.csv")
            .delimiter(Some(b'"'))
            .reader()
            .err()
            .unwrap();
        assert!(matches!(err, Error::Usage(_)));
        assert!(err.to_string().contains("whatever.csv"));
    }

    #[test]
    fn a_folder_is_named_as_one_with_the_csv_files_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = Config::new(dir.path()).reader().err().unwrap();
        let message = err.to_string();
        assert!(matches!(err, Error::Input { .. }));
        assert!(message.contains("is a folder, not a file"), "{message}");
        assert!(!message.contains("os error"), "{message}");
        std::fs::write(dir.path().join("people.csv"), "phone\n1\n").unwrap();
        std::fs::write(dir.path().join("notes.md"), "x").unwrap();
        let message = Config::new(dir.path()).reader().err().unwrap().to_string();
        assert!(message.ends_with("people.csv"), "{message}");
        assert!(!message.contains("notes.md"), "{message}");
    }

    #[test]
    fn dash_is_standard_input_and_named_so() {
        assert!(is_stdin(Path::new("-")));
        assert!(!is_stdin(Path::new("./-")));
        assert_eq!(Config::new("-").path(), Path::new(STDIN_NAME));
        let named = Config::new("/tmp/spool.csv").named(STDIN_NAME);
        assert_eq!(named.path(), Path::new(STDIN_NAME));
    }
}
