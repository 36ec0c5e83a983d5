//! One-sheet `.xlsx` files, written with `rust_xlsxwriter` as rows come
//! (its constant-memory mode: each row goes to a temporary file as it is
//! written, so a large export holds no more than a row): the error report
//! of a workbook input ([`crate::report`]) and `export --format xlsx`.
//!
//! The header row is bold and frozen; text cells are Text-formatted
//! (`@`), so a phone, an id or a custom field stays text, even when a
//! person types over it in Excel; dates are dates; a cell can be
//! highlighted (Excel's "bad" red); each column is as wide as its widest
//! cell (up to [`MAX_WIDTH`] characters). The file is written through
//! [`AtomicFile`], like every report and export.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use crate::atomic_file::AtomicFile;
use crate::error::{Error, Result};

/// Widest column, in characters.
pub const MAX_WIDTH: usize = 60;

/// Rows a worksheet holds (Excel's limit), header included.
pub const MAX_ROWS: u32 = 1_048_576;

/// Characters a cell holds (Excel's limit).
pub const MAX_CELL_CHARS: usize = 32_767;

/// A one-sheet workbook being written.
pub struct SheetWriter {
    book: Workbook,
    row: u32,
    widths: Vec<usize>,
    /// Columns with a date or boolean cell (the others are Text columns).
    typed: Vec<bool>,
    header: Format,
    text: Format,
    bad: Format,
    date: Format,
    date_time: Format,
}

impl SheetWriter {
    /// A workbook whose one sheet is called `name`, its header `header`.
    pub fn new(name: &str, header: &[String]) -> Result<SheetWriter> {
        let mut book = Workbook::new();
        // Fast deflate: a larger file, written in less time than the default.
        book.set_zip_compression_level(1);
        let sheet = book
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet.set_name(name).map_err(xlsx_error)?;
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        let text = Format::new().set_num_format("@");
        let mut writer = SheetWriter {
            book,
            row: 0,
            widths: Vec::new(),
            typed: Vec::new(),
            header: text.clone().set_bold(),
            bad: text
                .clone()
                .set_background_color("#FFC7CE")
                .set_font_color("#9C0006"),
            text,
            date: Format::new().set_num_format("yyyy-mm-dd"),
            date_time: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
        };
        for (col, name) in header.iter().enumerate() {
            writer.string(col, name, Style::Header)?;
        }
        writer.row = 1;
        Ok(writer)
    }

    /// A text cell of the current row (nothing for empty text).
    pub fn text(&mut self, col: usize, text: &str) -> Result<()> {
        self.string(col, text, Style::Text)
    }

    /// A text cell shown as the cause of the row's error.
    pub fn bad(&mut self, col: usize, text: &str) -> Result<()> {
        self.string(col, text, Style::Bad)
    }

    /// A boolean cell.
    pub fn boolean(&mut self, col: usize, value: bool) -> Result<()> {
        self.fit(col, 5);
        self.typed[col] = true;
        let (row, col) = (self.row, col_num(col)?);
        self.sheet()?
            .write_boolean(row, col, value)
            .map_err(xlsx_error)?;
        Ok(())
    }

    /// A date (and time, when it has one) cell; UTC for an export.
    pub fn date(&mut self, col: usize, at: chrono::DateTime<chrono::Utc>) -> Result<()> {
        use chrono::{Datelike, Timelike};
        let when = ExcelDateTime::from_ymd(at.year() as u16, at.month() as u8, at.day() as u8)
            .and_then(|d| d.and_hms(at.hour() as u16, at.minute() as u8, at.second()));
        let whole_day = (at.hour(), at.minute(), at.second()) == (0, 0, 0);
        let format = if whole_day {
            self.date.clone()
        } else {
            self.date_time.clone()
        };
        self.fit(col, if whole_day { 10 } else { 19 });
        self.typed[col] = true;
        let (row, col) = (self.row, col_num(col)?);
        let when = when.map_err(xlsx_error)?;
        self.sheet()?
            .write_datetime_with_format(row, col, &when, &format)
            .map_err(xlsx_error)?;
        Ok(())
    }

    /// End the current row.
    pub fn end_row(&mut self) -> Result<()> {
        self.row += 1;
        if self.row >= MAX_ROWS {
            return Err(Error::usage(format!(
                "more rows than a worksheet holds ({MAX_ROWS}, header included); write CSV \
                 instead"
            )));
        }
        Ok(())
    }

    /// Data rows written.
    pub fn rows(&self) -> u32 {
        self.row - 1
    }

    /// Set the widths (and the Text format of the columns that hold text,
    /// so a value typed into an empty cell stays text) and write the
    /// workbook to `out`.
    pub fn finish(mut self, out: &mut AtomicFile) -> Result<()> {
        let widths = std::mem::take(&mut self.widths);
        let typed = std::mem::take(&mut self.typed);
        let text = self.text.clone();
        let sheet = self.sheet()?;
        for (col, chars) in widths.into_iter().enumerate() {
            let width = chars.clamp(6, MAX_WIDTH) as f64 + 2.0;
            let n = col_num(col)?;
            sheet.set_column_width(n, width).map_err(xlsx_error)?;
            if !typed[col] {
                sheet.set_column_format(n, &text).map_err(xlsx_error)?;
            }
        }
        let path = out.path().to_path_buf();
        self.book.save_to_writer(&mut *out).map_err(|e| match e {
            XlsxError::IoError(e) => Error::output(&path, e),
            e => xlsx_error(e),
        })
    }

    fn sheet(&mut self) -> Result<&mut rust_xlsxwriter::Worksheet> {
        self.book.worksheet_from_index(0).map_err(xlsx_error)
    }

    /// A text cell in `style` (its format borrowed, not copied per cell).
    fn string(&mut self, col: usize, text: &str, style: Style) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        let chars = text.chars().count();
        if chars > MAX_CELL_CHARS {
            return Err(Error::usage(format!(
                "row {}, column {}: a cell of {chars} characters, more than a workbook cell \
                 holds ({MAX_CELL_CHARS}); write CSV instead",
                self.row + 1,
                super::column_name(col as u32)
            )));
        }
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        self.fit(col, widest);
        let (row, col) = (self.row, col_num(col)?);
        let format = match style {
            Style::Header => &self.header,
            Style::Text => &self.text,
            Style::Bad => &self.bad,
        };
        self.book
            .worksheet_from_index(0)
            .map_err(xlsx_error)?
            .write_string_with_format(row, col, text, format)
            .map_err(xlsx_error)?;
        Ok(())
    }

    fn fit(&mut self, col: usize, chars: usize) {
        if self.widths.len() <= col {
            self.widths.resize(col + 1, 0);
            self.typed.resize(col + 1, false);
        }
        self.widths[col] = self.widths[col].max(chars);
    }
}

/// Which of the text formats a cell has.
#[derive(Clone, Copy)]
enum Style {
    Header,
    Text,
    Bad,
}

/// A column number as the writer takes it (Excel has 16,384 columns).
fn col_num(col: usize) -> Result<u16> {
    u16::try_from(col)
        .ok()
        .filter(|&c| c < 16_384)
        .ok_or_else(|| {
            Error::usage("more columns than a worksheet holds (16,384); write CSV instead")
        })
}

fn xlsx_error(e: XlsxError) -> Error {
    Error::Fatal(format!("cannot write the workbook: {e}"))
}
