//! The cells of one `.xlsx` sheet, read from its XML by hand as it
//! inflates. Takes where the sheet's part lies in the workbook's zip and
//! the workbook's shared strings and cell styles ([`super::xlsx_book`]);
//! gives the cells that hold something in the sheet's order, `(row,
//! column)` 0-based,
//! each as the calamine value ([`DataRef`]) that calamine's own cell reader
//! gives for it, so that [`super::cells`] makes the same text of it.
//!
//! Why by hand: calamine's reader (quick-xml events, an attribute iterator,
//! a UTF-8 check and a copy per event) took 90% of the sheet thread, about
//! 4 µs a row of 7 cells, and one thread reads a sheet, so a workbook could
//! not validate within 4× a CSV file's time (issue 17). A sheet's
//! `<sheetData>` is a small, regular part of XML — `<row>`s of `<c>`s, each
//! holding a `<v>` value, an `<f>` formula or an `<is>` inline string — and
//! it is scanned here with `memchr` over the inflated bytes, one whole cell
//! at a time.
//!
//! Read as calamine reads (checked cell by cell against it in
//! `tests.rs`): a cell's type (`t`: shared string `s`, `inlineStr`, `str`,
//! `b`, `e`, `d`, number) and style (`s`: a date format makes a number a
//! date); text trimmed unless `xml:space="preserve"`, phonetic runs
//! (`<rPh>`) left out, XML entities and Excel's `_xHHHH_` escapes undone;
//! a cell or row without `r` follows the one before. Where calamine stops
//! with an error (an unknown cell type, a shared string index past the
//! table, a number that is not one) so does this, naming the cell.
//!
//! Memory: a block of the inflated sheet (grown to hold the longest
//! cell), one cell's text; the shared strings are the book's.

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;

use calamine::{CellErrorType, DataRef, ExcelDateTime, ExcelDateTimeType};
use flate2::read::DeflateDecoder;
use memchr::memchr;
use zip::{CompressionMethod, ZipArchive};

use super::xlsx_parts::NumberKind;
use super::xlsx_xml::{
    Kind, Tag, Tags, end_tag, line_ends, markup_len, push_run, rich_text, unescape_entities,
    unescape_excel,
};
use super::{Origin, Source};

/// Bytes inflated at once.
const BLOCK: usize = 256 * 1024;

/// The most XML one cell or one tag may take. Excel holds at most 32,767
/// characters in a cell (a few hundred KiB of XML with rich-text runs);
/// more is a damaged or hostile file (a small zip that inflates to
/// gigabytes), refused rather than held in memory.
pub(super) const MAX_PIECE: usize = 16 * 1024 * 1024;

/// A part too large to read ([`MAX_PIECE`], and the shared strings'
/// limit): the workbook is refused, not read again by calamine, which
/// would hold it all.
#[derive(Debug)]
pub(super) struct TooLarge(pub(super) String);

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: the workbook is damaged", self.0)
    }
}

impl std::error::Error for TooLarge {}

impl TooLarge {
    pub(super) fn error(why: String) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, TooLarge(why))
    }

    /// Is `e` one?
    pub(super) fn is(e: &io::Error) -> bool {
        e.get_ref().is_some_and(|inner| inner.is::<TooLarge>())
    }
}

/// Where a sheet's XML lies in the workbook's zip.
pub(super) struct SheetPart {
    start: u64,
    size: u64,
    deflated: bool,
}

impl SheetPart {
    /// Part `path` of `zip`: an error when it is missing or compressed
    /// with another method than deflate (or none).
    pub(super) fn locate(zip: &mut ZipArchive<Source>, path: &str) -> io::Result<SheetPart> {
        let part = zip.by_name_raw(path.as_bytes()).map_err(io::Error::other)?;
        let method = part.compression();
        if !matches!(
            method,
            CompressionMethod::Deflated | CompressionMethod::Stored
        ) {
            return Err(io::Error::other(format!(
                "{path} compressed with {method:?}"
            )));
        }
        Ok(SheetPart {
            start: part
                .data_start()
                .ok_or_else(|| io::Error::other("a part without a data offset"))?,
            size: part.compressed_size(),
            deflated: method == CompressionMethod::Deflated,
        })
    }
}

/// One `.xlsx` sheet's cells as they stream.
pub(super) struct XlsxSheet {
    xml: Box<dyn Read + Send>,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
    strings: Arc<[String]>,
    /// By cell style index (`s`).
    kinds: Arc<[NumberKind]>,
    is_1904: bool,
    row: u32,
    col: u32,
    first_column: u32,
    done: bool,
    /// An inline string's text.
    scratch: String,
}

impl XlsxSheet {
    /// Open the sheet at `part` of the `.xlsx` at `origin`, read up to its
    /// first row, with the workbook's shared strings and cell styles.
    pub(super) fn open(
        origin: &Origin,
        part: &SheetPart,
        strings: Arc<[String]>,
        kinds: Arc<[NumberKind]>,
        is_1904: bool,
    ) -> io::Result<XlsxSheet> {
        let mut source = origin.source()?;
        source.seek(SeekFrom::Start(part.start))?;
        let raw = source.take(part.size);
        let xml: Box<dyn Read + Send> = if part.deflated {
            Box::new(DeflateDecoder::new(raw))
        } else {
            Box::new(raw)
        };
        XlsxSheet::over(xml, BLOCK, strings, kinds, is_1904)
    }

    /// The sheet whose XML `xml` gives, read in blocks of `block` bytes,
    /// read up to its first row.
    fn over(
        xml: Box<dyn Read + Send>,
        block: usize,
        strings: Arc<[String]>,
        kinds: Arc<[NumberKind]>,
        is_1904: bool,
    ) -> io::Result<XlsxSheet> {
        let mut sheet = XlsxSheet {
            xml,
            buf: vec![0; block],
            pos: 0,
            end: 0,
            eof: false,
            strings,
            kinds,
            is_1904,
            row: 0,
            col: 0,
            first_column: 0,
            done: false,
            scratch: String::new(),
        };
        sheet.skip_to_sheet_data()?;
        Ok(sheet)
    }

    /// The first column the sheet's `<dimension>` names (0 when none).
    pub(super) fn first_column(&self) -> u32 {
        self.first_column
    }

    /// Read more of the sheet after what is left unread.
    fn refill(&mut self) -> io::Result<()> {
        if self.eof {
            return Err(bad("the sheet's XML ends inside a tag or cell"));
        }
        self.buf.copy_within(self.pos..self.end, 0);
        self.end -= self.pos;
        self.pos = 0;
        if self.buf.len() - self.end < BLOCK / 2 {
            if self.end >= MAX_PIECE {
                return Err(TooLarge::error(format!(
                    "a cell or tag of row {} runs past {} MiB of XML, which no spreadsheet \
                     writes",
                    self.row + 1,
                    MAX_PIECE >> 20
                )));
            }
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let n = self.xml.read(&mut self.buf[self.end..])?;
        self.end += n;
        self.eof = n == 0;
        Ok(())
    }

    /// The next tag from `pos`: `(start, end)` offsets in `buf` (end past
    /// its `>`); refills as needed. `None` at the end of the XML.
    fn next_tag(&mut self) -> io::Result<Option<(usize, usize)>> {
        loop {
            let window = &self.buf[self.pos..self.end];
            if let Some(lt) = memchr(b'<', window)
                && let Some(len) = markup_len(&window[lt..])
            {
                return Ok(Some((self.pos + lt, self.pos + lt + len)));
            }
            if self.eof {
                return Ok(None);
            }
            if memchr(b'<', window).is_none() {
                self.pos = self.end;
            } else {
                self.pos += memchr(b'<', window).unwrap_or(0);
            }
            self.refill()?;
        }
    }

    /// Skip to just inside `<sheetData>`, reading `<dimension ref>`.
    fn skip_to_sheet_data(&mut self) -> io::Result<()> {
        while let Some((start, end)) = self.next_tag()? {
            self.pos = end;
            let tag = Tag::of(&self.buf[start..end]);
            match (tag.kind, tag.local) {
                (Kind::Start | Kind::Empty, b"dimension") => {
                    if let Some(r) = tag.attr(b"ref") {
                        let first = r.split(|&b| b == b':').next().unwrap_or(r);
                        self.first_column = cell_ref(first).map_or(0, |(_, c)| c);
                    }
                }
                (Kind::Start, b"sheetData") => return Ok(()),
                (Kind::Empty, b"sheetData") => break,
                _ => {}
            }
        }
        self.done = true;
        Ok(())
    }

    /// The next cell, its value written by `write` into a caller's text.
    pub(super) fn next_cell<T>(
        &mut self,
        mut write: impl FnMut(&DataRef<'_>) -> T,
    ) -> io::Result<Option<(u32, u32, T)>> {
        while !self.done {
            let Some((start, end)) = self.next_tag()? else {
                return Err(bad("the sheet's XML ends before </sheetData>"));
            };
            let tag = Tag::of(&self.buf[start..end]);
            match (tag.kind, tag.local) {
                (Kind::Start, b"row") | (Kind::Empty, b"row") => {
                    if let Some(r) = tag.attr(b"r") {
                        self.row = row_number(r)
                            .ok_or_else(|| bad(&format!("a row numbered {:?}", lossy(r))))?;
                    }
                    if tag.kind == Kind::Empty {
                        self.row += 1;
                        self.col = 0;
                    }
                    self.pos = end;
                }
                (Kind::End, b"row") => {
                    self.row += 1;
                    self.col = 0;
                    self.pos = end;
                }
                (Kind::Start | Kind::Empty, b"c") => {
                    let [r, style, cell_type] = tag.attrs([b"r", b"s", b"t"]);
                    let (row, col) = match r {
                        Some(r) => {
                            cell_ref(r).ok_or_else(|| bad(&format!("a cell at {:?}", lossy(r))))?
                        }
                        None => (self.row, self.col),
                    };
                    if tag.kind == Kind::Empty {
                        self.pos = end;
                        self.col = col + 1;
                        continue;
                    }
                    // The whole cell must be in the buffer: its end tag.
                    let close_len = tag.name.len() + 3;
                    let Some(body_len) = end_tag(&self.buf[end..self.end], tag.name) else {
                        self.pos = start;
                        self.refill()?;
                        continue;
                    };
                    let kind = match style.and_then(parse_usize) {
                        Some(s) => self.kinds.get(s).copied().unwrap_or(NumberKind::Number),
                        None => NumberKind::Number,
                    };
                    let body = &self.buf[end..end + body_len];
                    let value = cell_value(
                        body,
                        cell_type,
                        kind,
                        &self.strings,
                        &mut self.scratch,
                        self.is_1904,
                    )
                    .map_err(|e| {
                        bad(&format!("cell {}{}: {e}", super::column_name(col), row + 1))
                    })?;
                    let out = write(&value);
                    self.pos = end + body_len + close_len;
                    self.row = row;
                    self.col = col + 1;
                    return Ok(Some((row, col, out)));
                }
                (Kind::End, b"sheetData") => {
                    self.pos = end;
                    self.done = true;
                }
                _ => self.pos = end,
            }
        }
        Ok(None)
    }
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The value of a cell from its content (`<f>…</f><v>…</v>`, `<is>…</is>`),
/// as calamine's `read_v` makes it.
fn cell_value<'s>(
    body: &[u8],
    cell_type: Option<&[u8]>,
    kind: NumberKind,
    strings: &'s [String],
    scratch: &'s mut String,
    is_1904: bool,
) -> Result<DataRef<'s>, String> {
    // Most cells are `<v>…</v>` or `<is><t>…</t></is>` alone: read at once.
    let plain = |open: &[u8], close: &[u8]| {
        let inner = body.strip_prefix(open)?.strip_suffix(close)?;
        memchr(b'<', inner).is_none().then_some(inner)
    };
    let mut v: Option<&[u8]> = plain(b"<v>", b"</v>");
    if v.is_none()
        && let Some(run) = plain(b"<is><t>", b"</t></is>")
    {
        scratch.clear();
        push_run(run, false, scratch);
        return Ok(DataRef::SharedString(scratch));
    }
    // Otherwise the last `<v>` or `<is>` written gives the value, and an
    // inline string cell's `<v>` is not its value (a writer may add one
    // beside its `<is>`; calamine's tests/inlineStr_with_value.xlsx).
    let inline_type = matches!(cell_type, Some(b"inlineStr" | b"is"));
    let mut inline: Option<&[u8]> = None;
    if v.is_none() {
        let mut tags = Tags::new(body);
        while let Some(tag) = tags.next() {
            if tag.kind != Kind::Start {
                continue;
            }
            let content = tags.content(&tag);
            match tag.local {
                b"v" if !inline_type => (v, inline) = (Some(content), None),
                b"is" => (v, inline) = (None, Some(content)),
                _ => {}
            }
        }
    }
    if let Some(xml) = inline {
        scratch.clear();
        rich_text(xml, scratch);
        return Ok(DataRef::SharedString(scratch));
    }
    if matches!(cell_type, Some(b"inlineStr" | b"is")) {
        return Ok(DataRef::Empty);
    }
    let Some(raw) = v else {
        return Ok(DataRef::Empty);
    };
    Ok(match cell_type {
        Some(b"s") => {
            let raw = text(raw)?;
            if raw.is_empty() {
                return Ok(DataRef::Empty);
            }
            let index = raw.trim().parse::<usize>().unwrap_or(0);
            DataRef::SharedString(
                strings
                    .get(index)
                    .ok_or("a shared string index past the table")?,
            )
        }
        Some(b"b") => {
            let raw = text(raw)?.trim();
            if raw.is_empty() {
                DataRef::Empty
            } else if raw == "0" || raw.eq_ignore_ascii_case("false") {
                DataRef::Bool(false)
            } else if raw == "1" || raw.eq_ignore_ascii_case("true") {
                DataRef::Bool(true)
            } else {
                return Err(format!("a boolean {raw:?}"));
            }
        }
        Some(b"e") => DataRef::Error(error_value(text(raw)?)?),
        Some(b"d") => DataRef::DateTimeIso(unescape_entities(text(raw)?)),
        Some(b"str") => DataRef::String(unescape_excel(&unescape_entities(text(&line_ends(raw))?))),
        Some(b"n") | None => {
            let raw = text(raw)?;
            if raw.is_empty() {
                return Ok(DataRef::Empty);
            }
            match raw.parse::<f64>() {
                Ok(n) => match kind {
                    NumberKind::Number => DataRef::Float(n),
                    NumberKind::DateTime => DataRef::DateTime(ExcelDateTime::new(
                        n,
                        ExcelDateTimeType::DateTime,
                        is_1904,
                    )),
                    NumberKind::Duration => DataRef::DateTime(ExcelDateTime::new(
                        n,
                        ExcelDateTimeType::TimeDelta,
                        is_1904,
                    )),
                },
                Err(_) if cell_type.is_none() => DataRef::String(raw.to_string()),
                Err(_) => return Err(format!("a number {raw:?}")),
            }
        }
        Some(other) => return Err(format!("a cell type {:?}", lossy(other))),
    })
}

fn text(raw: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(raw).map_err(|_| "text that is not UTF-8".to_string())
}

/// An error cell's value as Excel writes it.
fn error_value(text: &str) -> Result<CellErrorType, String> {
    Ok(match text {
        "#DIV/0!" => CellErrorType::Div0,
        "#N/A" => CellErrorType::NA,
        "#NAME?" => CellErrorType::Name,
        "#NULL!" => CellErrorType::Null,
        "#NUM!" => CellErrorType::Num,
        "#REF!" => CellErrorType::Ref,
        "#VALUE!" => CellErrorType::Value,
        other => return Err(format!("an error value {other:?}")),
    })
}

fn parse_usize(raw: &[u8]) -> Option<usize> {
    std::str::from_utf8(raw).ok()?.parse().ok()
}

/// A row's `r` (`12`) as a 0-based row.
fn row_number(raw: &[u8]) -> Option<u32> {
    std::str::from_utf8(raw)
        .ok()?
        .trim()
        .parse::<u32>()
        .ok()?
        .checked_sub(1)
}

/// A cell's `r` (`AB12`) as 0-based `(row, column)`.
fn cell_ref(raw: &[u8]) -> Option<(u32, u32)> {
    let letters = raw.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 {
        return None;
    }
    let col = raw[..letters].iter().try_fold(0u32, |n, b| {
        n.checked_mul(26)?
            .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)
    })?;
    Some((row_number(&raw[letters..])?, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `xml` read in blocks of 16 bytes: every tag and cell is cut.
    fn over(xml: &str, strings: Vec<String>, kinds: Vec<NumberKind>) -> XlsxSheet {
        let xml = Box::new(io::Cursor::new(xml.as_bytes().to_vec()));
        XlsxSheet::over(xml, 16, strings.into(), kinds.into(), false).unwrap()
    }

    /// A cell that never ends (a small zip can inflate to gigabytes of
    /// it) is refused once it passes [`MAX_PIECE`], not held.
    #[test]
    fn a_cell_without_end_is_refused_not_held() {
        let head = io::Cursor::new(b"<sheetData><row r=\"7\"><c r=\"A7\"><v>1".to_vec());
        let xml = Box::new(head.chain(io::repeat(b'0')));
        let mut sheet =
            XlsxSheet::over(xml, BLOCK, Vec::new().into(), Vec::new().into(), false).unwrap();
        let err = sheet.next_cell(|v| format!("{v:?}")).err().unwrap();
        assert!(TooLarge::is(&err), "{err}");
        assert!(err.to_string().contains("row 7"), "{err}");
        assert!(
            sheet.buf.len() <= 2 * MAX_PIECE,
            "{} bytes held",
            sheet.buf.len()
        );
    }

    fn cells(xml: &str) -> Vec<(u32, u32, String)> {
        let strings = vec!["shared".to_string(), " kept ".to_string()];
        let kinds = vec![NumberKind::Number, NumberKind::DateTime];
        let mut sheet = over(xml, strings, kinds);
        let mut out = Vec::new();
        while let Some((r, c, text)) = sheet
            .next_cell(|v| {
                let mut s = String::new();
                super::super::cells::write_data_ref(&mut s, v);
                s
            })
            .unwrap()
        {
            out.push((r, c, text));
        }
        out
    }

    #[test]
    fn cells_of_every_type_are_read_in_small_blocks() {
        let xml = r#"<?xml version="1.0"?><worksheet><dimension ref="B1:F3"/><sheetData><row r="1"><c r="B1" t="s"><v>0</v></c><c r="C1" s="1"><v>45356</v></c><c r="D1" t="inlineStr"><is><t xml:space="preserve"> a &amp; b </t></is></c><c r="E1" t="b"><v>1</v></c><c r="F1" t="e"><v>#N/A</v></c></row><row r="3"><c><v>14155550123</v></c><c t="str"><f>A1</f><v>x_x000D_y</v></c><c r="F3" t="inlineStr"><is><r><t>ru</t></r><r><t>n</t></r><rPh><t>ignored</t></rPh></is></c><c r="G3"/><c><v>2.5</v></c></row></sheetData></worksheet>"#;
        let got = cells(xml);
        let want: Vec<(u32, u32, String)> = vec![
            (0, 1, "shared".into()),
            (0, 2, "2024-03-05".into()),
            (0, 3, " a & b ".into()),
            (0, 4, "true".into()),
            (0, 5, "#N/A".into()),
            (2, 0, "14155550123".into()),
            (2, 1, "x\ry".into()),
            (2, 5, "run".into()),
            (2, 7, "2.5".into()),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn prefixed_names_and_quoted_brackets_are_read() {
        let xml = r#"<x:worksheet xmlns:x="urn"><x:sheetData><x:row r="2" note="a>b"><x:c r="A2" t="s"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>"#;
        assert_eq!(cells(xml), vec![(1, 0, " kept ".to_string())]);
    }

    #[test]
    fn a_bad_cell_is_an_error_naming_it() {
        let xml = r#"<worksheet><sheetData><row r="1"><c r="C1" t="s"><v>9</v></c></row></sheetData></worksheet>"#;
        let mut sheet = over(xml, Vec::new(), Vec::new());
        let err = sheet.next_cell(|_| ()).unwrap_err().to_string();
        assert!(err.contains("C1") && err.contains("shared string"), "{err}");
    }

    /// Every cut of a sheet, and every byte of it replaced by markup, is
    /// read to an end or an error: no panic, no endless loop.
    #[test]
    fn any_damage_is_an_error_or_an_end_never_a_panic() {
        let xml = r#"<worksheet><dimension ref="A1:C2"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t xml:space="preserve"> é _x000D_&amp;</t></is></c><c r="C1" s="1"><f>1</f><v>45356</v></c></row><row r="2"><c r="A2" t="str"><v>x</v></c></row></sheetData></worksheet>"#;
        let read_all = |xml: &[u8]| {
            let text = String::from_utf8_lossy(xml);
            let kinds = vec![NumberKind::Number, NumberKind::DateTime];
            let xml = Box::new(io::Cursor::new(text.as_bytes().to_vec()));
            let Ok(mut sheet) =
                XlsxSheet::over(xml, 16, vec!["s".into()].into(), kinds.into(), false)
            else {
                return;
            };
            for _ in 0..1000 {
                match sheet.next_cell(|_| ()) {
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => return,
                }
            }
            panic!("more cells than the sheet holds");
        };
        let bytes = xml.as_bytes();
        for cut in 0..bytes.len() {
            read_all(&bytes[..cut]);
            for b in [b'<', b'>', b'"', b'/', b'&', b'_', b'x', b' '] {
                let mut damaged = bytes.to_vec();
                damaged[cut] = b;
                read_all(&damaged);
            }
        }
    }

    #[test]
    fn cell_places_are_read_as_excel_writes_them() {
        assert_eq!(cell_ref(b"AB12"), Some((11, 27)));
        assert_eq!(cell_ref(b"A0"), None);
        assert_eq!(cell_ref(b"12"), None);
    }
}
