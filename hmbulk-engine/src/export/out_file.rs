//! The file an export writes: CSV, JSON lines or an `.xlsx` workbook
//! (phones, ids and custom fields as text cells, times as dates, flags as
//! booleans; [`crate::input::workbook::write`]), under a temporary name
//! until complete, or standard output (`-`). The format is `--format`, else
//! the `--out` extension; an extension that is not the format's is a usage
//! error (so a CSV is never written into `.xlsx`).

use std::io::Write;
use std::path::Path;

use crate::atomic_file::{AtomicFile, CsvFile};
use crate::choice::Choice;
use crate::error::{Error, Result};
use crate::export::columns::{CellKind, Columns};
use crate::export::parse_time;
use crate::formula::guard;
use crate::input::workbook::write::SheetWriter;

/// What an export file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Csv,
    Jsonl,
    Xlsx,
}

crate::choice::choice!(Format, "format", {
    Csv => ("csv", "comma-separated values, a header line first"),
    Jsonl => ("jsonl", "one JSON object per line"),
    Xlsx => ("xlsx", "an Excel workbook: phones, ids and custom fields as text cells"),
});

impl Format {
    /// The format a file named `.<ext>` holds.
    fn of_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// The format to write to `out`: `--format`, else the one `--out`'s extension
/// names (none: CSV). An extension no format has, or another format's, is
/// a usage error.
pub fn format_for(out: &Path, flag: Option<Format>) -> Result<Format> {
    let ext = match out.extension() {
        Some(ext) if !is_stdout(out) => ext.to_string_lossy().into_owned(),
        _ => return Ok(flag.unwrap_or_default()),
    };
    let named = Format::of_extension(&ext);
    match (named, flag) {
        (Some(named), None) => Ok(named),
        (Some(named), Some(flag)) if named == flag => Ok(flag),
        (Some(named), Some(flag)) => Err(Error::usage(format!(
            "--out {} names a .{ext} file but --format is {}: the file would hold {} \
             that no program opening a .{ext} file expects; name it .{} or pass --format {}",
            out.display(),
            flag.name(),
            flag.name(),
            flag.name(),
            named.name()
        ))),
        (None, _) => Err(Error::usage(format!(
            "--out {}: hmbulk writes .csv, .jsonl or .xlsx files, not .{ext}; name the \
             file with one of those (for Excel, Numbers, LibreOffice or Google Sheets, \
             .xlsx or .csv)",
            out.display()
        ))),
    }
}

/// `--out -`.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The output, written under a temporary name beside its final place, or
/// to standard output.
pub(crate) enum OutFile {
    Csv(Box<CsvFile>),
    Jsonl(AtomicFile),
    Xlsx(Box<Sheet>),
}

/// An `.xlsx` export: its one sheet, what each column holds, and the file
/// it goes to when complete.
pub(crate) struct Sheet {
    writer: SheetWriter,
    kinds: Vec<CellKind>,
    /// Formula-like text keeps its `'` guard (as in a CSV export).
    guard: bool,
    file: AtomicFile,
}

impl OutFile {
    /// `-` is standard output.
    pub(crate) fn create(
        path: &Path,
        format: Format,
        bom: bool,
        columns: &Columns,
        raw: bool,
    ) -> Result<OutFile> {
        let stdout = is_stdout(path);
        let file = |bom| match stdout {
            true => AtomicFile::stdout(bom),
            false => AtomicFile::create(path, bom),
        };
        Ok(match format {
            Format::Csv if stdout => OutFile::Csv(Box::new(CsvFile::stdout(bom)?)),
            Format::Csv => OutFile::Csv(Box::new(CsvFile::create(path, bom)?)),
            Format::Jsonl => OutFile::Jsonl(file(false)?),
            Format::Xlsx => {
                let header: Vec<String> = match raw {
                    true => columns.header(),
                    false => columns
                        .header()
                        .iter()
                        .map(|h| guard(h).into_owned())
                        .collect(),
                };
                OutFile::Xlsx(Box::new(Sheet {
                    writer: SheetWriter::new("contacts", &header)?,
                    kinds: columns.kinds(),
                    guard: !raw,
                    file: file(false)?,
                }))
            }
        })
    }

    /// A workbook row: text cells, times as dates, flags as booleans.
    pub(crate) fn sheet_row(&mut self, cells: &[String]) -> Result<()> {
        let OutFile::Xlsx(sheet) = self else {
            return Ok(());
        };
        for (col, (cell, kind)) in cells.iter().zip(&sheet.kinds).enumerate() {
            let time = match kind {
                CellKind::Time => parse_time(cell),
                _ => None,
            };
            match (kind, time) {
                (_, Some(at)) => sheet.writer.date(col, at)?,
                (CellKind::Flag, _) if cell == "true" || cell == "false" => {
                    sheet.writer.boolean(col, cell == "true")?
                }
                _ if sheet.guard => sheet.writer.text(col, &guard(cell))?,
                _ => sheet.writer.text(col, cell)?,
            }
        }
        sheet.writer.end_row()
    }

    /// A CSV row, formula-guarded unless `raw`.
    pub(crate) fn csv_row(&mut self, cells: &[String], raw: bool) -> Result<()> {
        if let OutFile::Csv(w) = self {
            if raw {
                w.write_record(cells)?;
            } else {
                w.write_record(cells.iter().map(|c| guard(c).into_owned()))?;
            }
        }
        Ok(())
    }

    pub(crate) fn json_line(&mut self, v: &serde_json::Value) -> Result<()> {
        if let OutFile::Jsonl(w) = self {
            serde_json::to_writer(&mut *w, v)
                .map_err(std::io::Error::from)
                .and_then(|()| w.write_all(b"\n"))
                .map_err(|e| Error::output(w.path(), e))?;
        }
        Ok(())
    }

    pub(crate) fn commit(self) -> Result<()> {
        match self {
            OutFile::Csv(w) => w.commit(),
            OutFile::Jsonl(f) => f.commit(),
            OutFile::Xlsx(sheet) => {
                let Sheet {
                    writer, mut file, ..
                } = *sheet;
                writer.finish(&mut file)?;
                file.commit()
            }
        }
    }
}
