//! Workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) as rows, read with
//! calamine (an `.xlsx` by hand, [`xlsx_book`] and [`xlsx_sheet`], for
//! speed; [`book`] says which), with no CSV save in between (the save is where a spreadsheet
//! damages phone numbers). Takes the file, told apart by its first bytes
//! ([`signature`]: a zip or an OLE compound file; the extension does not
//! matter), the `--sheet` asked for, and a check of whether a header row is
//! one the mapper can read; gives the chosen sheet ([`Sheet`]) and its rows
//! as CSV text ([`stream`]) that the CSV reader reads like any export, with
//! the sheet's own row numbers ([`RowNumbers`]) for the reports.
//!
//! Which sheet: `--sheet NAME` or `--sheet N` (1-based; a hidden sheet may
//! be named); otherwise the visible worksheet whose header the check
//! accepts. One such sheet is read; when there are several, or none among
//! several sheets with something in them, the run stops (a usage error)
//! naming each sheet with its header. A workbook with one sheet in use is
//! read whatever its header (the mapper then says what it lacks).
//!
//! The header row is the first row that holds anything, unless it is a
//! title: rows of at most two cells with text (`Contacts`, `Exported
//! 2024-03-01`) above a row the check accepts, within the first
//! [`MAX_TITLE_ROWS`] rows, are skipped. Cells are typed ([`cells`]);
//! merged regions are filled down ([`rows`]); hidden rows and columns are
//! read like the others (they hold data, and a "Save as CSV" keeps them
//! too); the hidden rows read are counted where the format says which
//! they are (`.xlsx`: [`merges`]; `.ods`: [`ods_layout`]), for the
//! summary's note.

mod book;
mod cells;
mod cells_of;
mod merges;
mod ods_layout;
mod rows;
mod stream;
pub mod write;
mod xlsx_book;
mod xlsx_package;
mod xlsx_parts;
mod xlsx_sheet;
mod xlsx_xml;

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use calamine::{SheetType, SheetVisible};

use crate::error::{Error, Result};
use crate::input::RowNumbers;
use book::{Book, open_book};
use cells::is_blank;
pub use cells::write_number;
pub use rows::column_name;

/// Rows above the header that may be a title.
pub const MAX_TITLE_ROWS: u32 = 8;

/// Cells with text a title row may have.
const MAX_TITLE_CELLS: usize = 2;

/// Does a header row name columns the mapper can read?
pub type HeaderCheck = Arc<dyn Fn(&[String]) -> bool + Send + Sync>;

/// The file formats told apart by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// A zip archive: `.xlsx`, `.xlsm`, `.xlsb` or `.ods`.
    Zip,
    /// An OLE compound file: `.xls` (or a password-protected workbook).
    Ole,
}

/// The workbook signature `head` starts with, if any.
pub fn signature(head: &[u8]) -> Option<Signature> {
    if head.starts_with(b"PK\x03\x04") {
        Some(Signature::Zip)
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some(Signature::Ole)
    } else {
        None
    }
}

/// The sheet read, as the layout line and the summary name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    /// 1-based, among all the workbook's sheets.
    pub index: usize,
    pub sheets: usize,
    /// The header's row (1-based, as the spreadsheet numbers it).
    pub header_row: u32,
    /// What kind of workbook (`xlsx`, `xls`, `xlsb`, `ods`).
    pub format: &'static str,
}

impl Sheet {
    /// `sheet "Contacts" (2 of 3), header on row 1`.
    pub fn describe(&self) -> String {
        format!(
            "sheet \"{}\" ({} of {}), header on row {}",
            self.name, self.index, self.sheets, self.header_row
        )
    }
}

/// What the stream needs to know of the sheet.
pub(crate) struct Plan {
    sheet: String,
    /// 0-based.
    header_row: u32,
    /// Cells of the header.
    width: usize,
    /// The search for its merged regions and hidden rows begun early, when
    /// it may be this sheet's.
    early: Option<merges::Early>,
}

/// The workbook's bytes: the file (bytes read counted, for progress), or
/// standard input held in memory.
pub(crate) enum Source {
    File(BufReader<File>, Arc<AtomicU64>),
    Memory(Cursor<Arc<[u8]>>),
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::File(f, count) => {
                let n = f.read(buf)?;
                count.fetch_add(n as u64, Ordering::Relaxed);
                Ok(n)
            }
            Source::Memory(m) => m.read(buf),
        }
    }
}

impl Seek for Source {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        match self {
            Source::File(f, _) => f.seek(pos),
            Source::Memory(m) => m.seek(pos),
        }
    }
}

/// Where a workbook is read from.
#[derive(Clone)]
pub(crate) enum Origin {
    /// A file, and the count of its bytes read so far.
    Path(PathBuf, Arc<AtomicU64>),
    Bytes(Arc<[u8]>),
}

impl Origin {
    /// The bytes, counted for progress as they are read.
    fn source(&self) -> io::Result<Source> {
        Ok(match self {
            Origin::Path(p, count) => {
                Source::File(BufReader::new(File::open(p)?), Arc::clone(count))
            }
            Origin::Bytes(b) => Source::Memory(Cursor::new(Arc::clone(b))),
        })
    }

    /// The bytes read a second time (the search for a sheet's layout), not
    /// counted: progress counts each byte of the file once.
    fn side_source(&self) -> io::Result<Source> {
        Ok(match self {
            Origin::Path(p, _) => {
                Source::File(BufReader::new(File::open(p)?), Arc::new(AtomicU64::new(0)))
            }
            Origin::Bytes(_) => self.source()?,
        })
    }
}

/// A workbook opened and its sheet chosen: the sheet, its rows as CSV
/// text, and their numbers.
pub(crate) struct Opened {
    pub sheet: Sheet,
    pub text: Box<dyn Read + Send>,
    pub rows: RowNumbers,
}

/// Open the workbook `origin` (called `shown` in messages), choose its
/// sheet (`wanted`: `--sheet`), and start reading it.
pub(crate) fn open(
    shown: &Path,
    origin: Origin,
    signature: Signature,
    wanted: Option<&str>,
    check: Option<&HeaderCheck>,
) -> Result<Opened> {
    let early = match signature {
        Signature::Zip => origin
            .side_source()
            .ok()
            .and_then(|source| merges::Early::start(source, wanted)),
        Signature::Ole => None,
    };
    let (mut book, format) = open_book(shown, &origin, signature)?;
    let all = book.sheets();
    let unreadable = |e: String| {
        Error::input(
            shown,
            format!("cannot read {} as a workbook: {e}", shown.display()),
        )
    };
    let mut heads = Vec::new();
    for (i, meta) in all.iter().enumerate() {
        let wanted_here = wanted.is_some_and(|w| names_sheet(w, &meta.name, i, &all));
        let candidate = meta.typ == SheetType::WorkSheet
            && (wanted_here || (wanted.is_none() && meta.visible == SheetVisible::Visible));
        if candidate {
            let head = head_of(&mut book, &meta.name, check).map_err(unreadable)?;
            heads.push((i, head));
        }
    }
    let chosen = choose(shown, wanted, &all, &heads)?;
    let (index, head) = &heads[chosen];
    let name = all[*index].name.clone();
    let sheet = Sheet {
        name: name.clone(),
        index: index + 1,
        sheets: all.len(),
        header_row: head.header_row + 1,
        format,
    };
    let early = if book.is_xlsx() { early } else { None };
    let plan = Plan {
        sheet: name,
        header_row: head.header_row,
        width: head.header.len(),
        early,
    };
    let rows = RowNumbers::sheet();
    let text = stream::csv_text(book, origin, plan, rows.clone());
    Ok(Opened { sheet, text, rows })
}

/// The first rows of a sheet: where its header is, the header's cells,
/// and whether the check accepts it.
#[derive(Debug, Clone, Default)]
struct Head {
    header_row: u32,
    header: Vec<String>,
    readable: bool,
    /// The sheet holds nothing.
    empty: bool,
}

/// Read the first rows of sheet `name` and find its header.
fn head_of(
    book: &mut Book,
    name: &str,
    check: Option<&HeaderCheck>,
) -> std::result::Result<Head, String> {
    let cells = book.cells(name).map_err(|e| e.to_string())?;
    let mut rows = rows::SheetRows::new(cells, &[], u32::MAX);
    let mut first: Vec<(u32, Vec<String>)> = Vec::new();
    while let Some((row, cells)) = rows.next_row()? {
        if cells.iter().all(|c| is_blank(c)) {
            continue;
        }
        if first
            .first()
            .is_some_and(|(top, _)| row > top + MAX_TITLE_ROWS)
        {
            break;
        }
        first.push((row, header_cells(cells)));
    }
    let Some((top, header)) = first.first().cloned() else {
        return Ok(Head {
            empty: true,
            ..Head::default()
        });
    };
    let accepts = |cells: &[String]| check.is_none_or(|c| c(cells));
    if accepts(&header) {
        return Ok(Head {
            header_row: top,
            header,
            readable: true,
            empty: false,
        });
    }
    // Title rows (few cells with text) above a header the check accepts.
    for (row, cells) in &first[1..] {
        let filled = cells.iter().filter(|c| !is_blank(c)).count();
        if filled > 1 && accepts(cells) {
            return Ok(Head {
                header_row: *row,
                header: cells.clone(),
                readable: true,
                empty: false,
            });
        }
        if filled > MAX_TITLE_CELLS {
            break;
        }
    }
    // No row is a header the mapper reads: the header is still the row
    // below the title rows (at most two cells with text each) when one has
    // more cells, so that a sheet listed, or mapped with --map, shows its
    // column names, not its title.
    let filled = |cells: &[String]| cells.iter().filter(|c| !is_blank(c)).count();
    let (header_row, header) = first
        .iter()
        .position(|(_, cells)| filled(cells) > MAX_TITLE_CELLS)
        .filter(|&at| at > 0)
        .map_or((top, header), |at| first[at].clone());
    Ok(Head {
        header_row,
        header,
        readable: false,
        empty: false,
    })
}

/// A header row's cells up to its last one with text.
fn header_cells(cells: &[String]) -> Vec<String> {
    let end = cells
        .iter()
        .rposition(|c| !is_blank(c))
        .map_or(0, |i| i + 1);
    cells[..end].to_vec()
}

/// Does `--sheet wanted` name sheet `i`, called `name`? Its name (exactly,
/// else ignoring case when no sheet has it exactly), or its number.
fn names_sheet(wanted: &str, name: &str, i: usize, all: &[calamine::Sheet]) -> bool {
    let wanted = wanted.trim();
    if all.iter().any(|s| s.name == wanted) {
        return name == wanted;
    }
    if all.iter().any(|s| s.name.eq_ignore_ascii_case(wanted)) {
        return name.eq_ignore_ascii_case(wanted);
    }
    wanted.parse::<usize>().is_ok_and(|n| n == i + 1)
}

/// Which of the sheets looked at (`heads`, by index in `all`) is read.
fn choose(
    shown: &Path,
    wanted: Option<&str>,
    all: &[calamine::Sheet],
    heads: &[(usize, Head)],
) -> Result<usize> {
    let file = shown.display();
    let listed = || {
        let lines: Vec<String> = all
            .iter()
            .enumerate()
            .map(|(i, meta)| {
                let head = heads.iter().find(|(j, _)| *j == i).map(|(_, h)| h);
                sheet_line(i, meta, head)
            })
            .collect();
        lines.join("\n")
    };
    if let Some(wanted) = wanted {
        return match heads.first() {
            Some(_) if heads.len() == 1 => Ok(0),
            _ => Err(Error::usage(format!(
                "{file} has no worksheet {wanted:?}; --sheet takes a sheet's name or its \
                 number (1 is the first). Its sheets:\n{}",
                listed()
            ))),
        };
    }
    let readable: Vec<usize> = (0..heads.len()).filter(|&k| heads[k].1.readable).collect();
    let used: Vec<usize> = (0..heads.len()).filter(|&k| !heads[k].1.empty).collect();
    match (readable.as_slice(), used.as_slice()) {
        ([one], _) => Ok(*one),
        ([], [one]) => Ok(*one),
        ([], []) => Err(Error::input(
            shown,
            format!(
                "{file} holds no rows: every visible worksheet is empty. Its sheets:\n{}",
                listed()
            ),
        )),
        ([], _) => Err(Error::usage(format!(
            "no sheet of {file} has a header row naming a phone column, so hmbulk cannot \
             tell which sheet holds the contacts; choose one with --sheet NAME (or \
             --sheet N, 1 for the first), and map its columns with --map if need be. Its \
             sheets:\n{}",
            listed()
        ))),
        (several, _) => {
            let names: Vec<String> = several
                .iter()
                .map(|&k| format!("\"{}\"", all[heads[k].0].name))
                .collect();
            Err(Error::usage(format!(
                "{file} has {} sheets that could hold the contacts ({}); choose one with \
                 --sheet NAME or --sheet N (1 for the first sheet). Its sheets:\n{}",
                several.len(),
                names.join(", "),
                listed()
            )))
        }
    }
}

/// `  2. "Contacts" (header on row 1): Phone, First, Email`.
fn sheet_line(i: usize, meta: &calamine::Sheet, head: Option<&Head>) -> String {
    let kind = match (meta.typ, meta.visible) {
        (SheetType::WorkSheet, SheetVisible::Visible) => "",
        (SheetType::WorkSheet, _) => " (hidden)",
        (SheetType::ChartSheet, _) => " (a chart)",
        _ => " (not a worksheet)",
    };
    let what = match head {
        Some(h) if h.empty => ": empty".to_string(),
        Some(h) => {
            let mut cells: Vec<&str> = h.header.iter().map(String::as_str).take(12).collect();
            if h.header.len() > 12 {
                cells.push("…");
            }
            format!(
                " (header on row {}): {}",
                h.header_row + 1,
                cells.join(", ")
            )
        }
        None => String::new(),
    };
    format!("  {}. \"{}\"{kind}{what}", i + 1, meta.name)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod signature_tests {
    use super::*;

    #[test]
    fn signatures_are_told_by_their_first_bytes() {
        assert_eq!(signature(b"PK\x03\x04rest"), Some(Signature::Zip));
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0];
        assert_eq!(signature(&ole), Some(Signature::Ole));
        assert_eq!(signature(b"phone,first\n"), None);
        assert_eq!(signature(b"PK"), None);
    }
}
