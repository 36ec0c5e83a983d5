//! The error report of a workbook input: `<stem>.errors.xlsx`, a workbook
//! a spreadsheet user fixes where the rows failed and imports again as it
//! is. Its one sheet (`errors`) holds what the CSV error report holds —
//! the input's own columns and cells (as hmbulk read them: numbers as
//! their digits, dates as ISO dates), then `_row` (the input sheet's row),
//! `_error_code`, `_error` — every cell Text-formatted, the header bold and
//! frozen, and in each row the cell of the column its `_error` names
//! (`column "Phone": …`) highlighted.
//!
//! The lines come rendered as CSV ([`super::lines`], the same for both
//! kinds of report), are kept in a temporary file while the run goes, and
//! become the workbook at the end ([`ErrorsFile::place`]), written through
//! the same [`AtomicFile`] as every report (temporary name, rename).

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::META_COLUMNS;
use crate::atomic_file::{AtomicFile, Placed, fallback_dir};
use crate::error::{Error, Result};
use crate::input::workbook::write::SheetWriter;

/// The error report being written: CSV, or a workbook.
pub(super) enum ErrorsFile {
    Csv(AtomicFile),
    Book(ErrorBook),
}

/// A workbook error report, its lines staged as CSV.
pub(super) struct ErrorBook {
    path: PathBuf,
    staged: BufWriter<File>,
    /// The staged lines' delimiter (the report's dialect).
    delimiter: u8,
    /// Why the workbook goes to the fallback folder instead of `path`.
    elsewhere: Option<String>,
}

impl ErrorsFile {
    /// An `.xlsx` path is a workbook; anything else is CSV (`bom` starts it
    /// with a UTF-8 BOM). `delimiter` is the lines' (the report's dialect).
    pub(super) fn create(path: &Path, bom: bool, delimiter: u8) -> Result<ErrorsFile> {
        if !is_workbook(path) {
            return AtomicFile::create_report(path, bom).map(ErrorsFile::Csv);
        }
        let staged = tempfile::tempfile().map_err(|e| Error::output(path, e))?;
        Ok(ErrorsFile::Book(ErrorBook {
            path: path.to_path_buf(),
            staged: BufWriter::with_capacity(64 * 1024, staged),
            delimiter,
            elsewhere: None,
        }))
    }

    pub(super) fn path(&self) -> &Path {
        match self {
            ErrorsFile::Csv(f) => f.path(),
            ErrorsFile::Book(b) => &b.path,
        }
    }

    pub(super) fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            ErrorsFile::Csv(f) => f.write_all(bytes),
            ErrorsFile::Book(b) => b.staged.write_all(bytes),
        }
    }

    pub(super) fn pre_sync(&mut self) {
        if let ErrorsFile::Csv(f) = self {
            f.pre_sync();
        }
    }

    /// Start a CSV report with `prefix` ([`AtomicFile::prepend`]); a
    /// workbook has no BOM to add.
    pub(super) fn prepend(&mut self, prefix: &[u8]) -> Result<()> {
        match self {
            ErrorsFile::Csv(f) => f.prepend(prefix),
            ErrorsFile::Book(_) => Ok(()),
        }
    }

    /// Finish the report in the fallback folder, because of `why`
    /// ([`AtomicFile::move_to_fallback_now`]); a workbook, made at the end,
    /// is made there.
    pub(super) fn move_to_fallback_now(&mut self, why: Error) -> Result<()> {
        match self {
            ErrorsFile::Csv(f) => f.move_to_fallback_now(why),
            ErrorsFile::Book(b) => {
                b.elsewhere.get_or_insert(why.to_string());
                Ok(())
            }
        }
    }

    /// Put the report in place (a workbook is made from its lines first).
    pub(super) fn place(self) -> Result<Placed> {
        match self {
            ErrorsFile::Csv(f) => f.place(),
            ErrorsFile::Book(b) => b.place(),
        }
    }
}

/// Is `path` a workbook's name (`.xlsx`)?
pub(super) fn is_workbook(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("xlsx"))
}

impl ErrorBook {
    fn place(self) -> Result<Placed> {
        let path = self.path;
        let error = |e: io::Error| Error::output(&path, e);
        let mut staged = self
            .staged
            .into_inner()
            .map_err(|e| error(e.into_error()))?;
        staged.seek(SeekFrom::Start(0)).map_err(error)?;
        let (header, records) = lines(io::BufReader::new(staged), self.delimiter, &path)?;
        let columns = header.len().saturating_sub(META_COLUMNS.len());
        let message_at = header.len().checked_sub(1);
        let mut book = SheetWriter::new("errors", &header)?;
        for record in records {
            let record = record.map_err(|e| error(e.into()))?;
            let message = message_at.and_then(|i| record.get(i)).unwrap_or("");
            let bad = named_column(&header[..columns], message);
            for (col, cell) in record.iter().enumerate() {
                if Some(col) == bad {
                    book.bad(col, cell)?;
                } else {
                    book.text(col, cell)?;
                }
            }
            book.end_row()?;
        }
        let target = match &self.elsewhere {
            None => path.clone(),
            Some(_) => {
                let name = path.file_name().unwrap_or_default();
                fallback_dir().map_err(error)?.join(name)
            }
        };
        let mut out = AtomicFile::create_report(&target, false)?;
        book.finish(&mut out)?;
        let mut placed = out.place()?;
        if let Some(why) = self.elsewhere {
            placed.moved.get_or_insert(why);
        }
        Ok(placed)
    }
}

/// CSV lines in `delimiter` (a report's, or a report's staged lines): the
/// first as the header, and the records after it. `path` names the file an
/// error is about.
fn lines<R: io::Read>(
    reader: R,
    delimiter: u8,
    path: &Path,
) -> Result<(Vec<String>, csv::StringRecordsIntoIter<R>)> {
    let mut records = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(reader)
        .into_records();
    let header = match records.next() {
        Some(h) => h
            .map_err(|e| Error::output(path, e.into()))?
            .iter()
            .map(String::from)
            .collect(),
        None => Vec::new(),
    };
    Ok((header, records))
}

/// Most rows an Excel sheet holds, its header included.
const SHEET_ROWS: u64 = 1_048_576;

/// `--results-xlsx`: the results report `csv` (its lines in `delimiter`,
/// perhaps after a UTF-8 BOM) as a workbook beside it, `<stem>.results.xlsx`:
/// its header bold and frozen, every cell a Text cell, so a spreadsheet
/// shows phones, ids and uuids as they are (a CSV opened in Excel turns
/// `14155550100` into `1.4155E+10`). Written through [`AtomicFile`] like every
/// report; gives its path. A results report longer than a sheet holds is a
/// usage error naming the limit (the CSV is complete either way).
pub fn results_workbook(csv: &Path, delimiter: u8) -> Result<PathBuf> {
    let target = csv.with_extension("xlsx");
    let error = |e: io::Error| Error::output(&target, e);
    let mut file = io::BufReader::new(File::open(csv).map_err(|e| Error::output(csv, e))?);
    let bom = io::BufRead::fill_buf(&mut file)
        .map_err(error)?
        .starts_with(b"\xEF\xBB\xBF");
    if bom {
        io::BufRead::consume(&mut file, 3);
    }
    let (header, records) = lines(file, delimiter, &target)?;
    let mut book = SheetWriter::new("results", &header)?;
    for (n, record) in records.enumerate() {
        if n as u64 + 1 >= SHEET_ROWS {
            return Err(Error::usage(format!(
                "--results-xlsx: {} has more rows than an Excel sheet holds ({SHEET_ROWS}, the \
                 header included); the results are complete in the CSV",
                csv.display()
            )));
        }
        let record = record.map_err(|e| error(e.into()))?;
        for (col, cell) in record.iter().enumerate() {
            book.text(col, cell)?;
        }
        book.end_row()?;
    }
    let mut out = AtomicFile::create_report(&target, false)?;
    book.finish(&mut out)?;
    out.place()?;
    Ok(target)
}

/// The column an error message names first (`column "Phone": …`), among
/// `headers`.
fn named_column(headers: &[String], message: &str) -> Option<usize> {
    headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            message
                .find(&format!("column \"{h}\""))
                .map(|at| (at, std::cmp::Reverse(h.len()), i))
        })
        .min()
        .map(|(_, _, i)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_named_first_is_the_failing_one() {
        let headers: Vec<String> = ["Phone", "Mobile", "Email", "Phone 2"]
            .map(String::from)
            .to_vec();
        let m = "column \"Mobile\": \"12\" is too short (no phone column of this row holds a \
                 valid number: \"Mobile\" and \"Phone\")";
        assert_eq!(named_column(&headers, m), Some(1));
        assert_eq!(named_column(&headers, "column \"Phone 2\": bad"), Some(3));
        assert_eq!(named_column(&headers, "the row has 3 cells"), None);
    }
}
