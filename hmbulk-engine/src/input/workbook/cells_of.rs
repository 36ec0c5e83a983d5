//! The cells of one sheet, in row order, as text ([`super::cells`]). An
//! `.xlsx` sheet is read as it streams: by hand ([`super::xlsx_sheet`],
//! several times faster) or, for a workbook the hand reader cannot open,
//! by calamine's cell reader; either holds one cell in memory, plus the
//! workbook's shared strings. `.xls`, `.xlsb` and `.ods` sheets are read
//! whole by calamine first (their readers offer no stream), then walked
//! the same way. Cells may be read ahead and kept
//! ([`SheetCells::read_ahead`]), then given first.

use std::collections::VecDeque;

use calamine::{Data, Dimensions, Range, Reader, Sheets, XlsxCellReader};

use super::Source;
use super::cells::{write_data, write_data_ref};
use super::xlsx_sheet::XlsxSheet;

/// A cell reader over one sheet.
pub(super) struct SheetCells<'a> {
    inner: Inner<'a>,
    text: String,
    /// Cells read ahead ([`SheetCells::read_ahead`]), given first, and
    /// the error that ended the reading ahead, given after them.
    ahead: VecDeque<(u32, u32, String)>,
    failed: Option<calamine::Error>,
    /// The sheet's last cell was read (calamine's reader is not asked again).
    ended: bool,
}

/// Cells read ahead at most (a few MB).
const MAX_AHEAD: usize = 1 << 17;

enum Inner<'a> {
    Scan(Box<XlsxSheet>),
    Stream(Box<XlsxCellReader<'a, Source>>, Dimensions),
    Whole { range: Range<Data>, next: usize },
}

impl<'a> SheetCells<'a> {
    pub(super) fn open(
        book: &'a mut Sheets<Source>,
        name: &str,
    ) -> Result<SheetCells<'a>, calamine::Error> {
        let inner = match book {
            Sheets::Xlsx(x) => {
                let cells = x
                    .worksheet_cells_reader(name)
                    .map_err(calamine::Error::Xlsx)?;
                let dims = cells.dimensions();
                Inner::Stream(Box::new(cells), dims)
            }
            other => Inner::Whole {
                range: other.worksheet_range(name)?,
                next: 0,
            },
        };
        Ok(SheetCells {
            inner,
            text: String::new(),
            ahead: VecDeque::new(),
            failed: None,
            ended: false,
        })
    }

    /// A sheet read by hand ([`XlsxSheet`]).
    pub(super) fn by_hand(sheet: XlsxSheet) -> SheetCells<'a> {
        SheetCells {
            inner: Inner::Scan(Box::new(sheet)),
            text: String::new(),
            ahead: VecDeque::new(),
            failed: None,
            ended: false,
        }
    }

    /// The sheet is read by [`XlsxSheet`].
    #[cfg(test)]
    pub(super) fn is_read_by_hand(&self) -> bool {
        matches!(self.inner, Inner::Scan(_))
    }

    /// The first column the sheet says it uses (0 when it does not say).
    pub(super) fn first_column(&self) -> u32 {
        match &self.inner {
            Inner::Scan(sheet) => sheet.first_column(),
            Inner::Stream(_, dims) => dims.start.1,
            Inner::Whole { range, .. } => range.start().map_or(0, |(_, col)| col),
        }
    }

    /// Read one more cell and keep it for [`next_cell`](Self::next_cell);
    /// false at the end of the sheet, or when enough are kept.
    pub(super) fn read_ahead(&mut self) -> bool {
        if self.ahead.len() >= MAX_AHEAD || self.failed.is_some() {
            return false;
        }
        match self.read_cell() {
            Ok(Some((row, col))) => {
                let text = std::mem::take(&mut self.text);
                self.ahead.push_back((row, col, text));
                true
            }
            Ok(None) => false,
            Err(e) => {
                self.failed = Some(e);
                false
            }
        }
    }

    /// The next cell that holds something: `(row, column, text)`, 0-based.
    pub(super) fn next_cell(&mut self) -> Result<Option<(u32, u32, &str)>, calamine::Error> {
        if let Some((row, col, text)) = self.ahead.pop_front() {
            self.text = text;
            return Ok(Some((row, col, &self.text)));
        }
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        Ok(self
            .read_cell()?
            .map(|(row, col)| (row, col, self.text.as_str())))
    }

    /// Read the next cell that holds something into `text`: its place.
    fn read_cell(&mut self) -> Result<Option<(u32, u32)>, calamine::Error> {
        if self.ended {
            return Ok(None);
        }
        loop {
            self.text.clear();
            let (row, col) = match &mut self.inner {
                Inner::Scan(sheet) => {
                    let text = &mut self.text;
                    let Some((row, col, ())) = sheet
                        .next_cell(|value| write_data_ref(text, value))
                        .map_err(calamine::Error::Io)?
                    else {
                        self.ended = true;
                        return Ok(None);
                    };
                    (row, col)
                }
                Inner::Stream(cells, _) => {
                    let Some(cell) = cells.next_cell().map_err(calamine::Error::Xlsx)? else {
                        // Asked again, calamine's reader reads past the end.
                        self.ended = true;
                        return Ok(None);
                    };
                    write_data_ref(&mut self.text, cell.get_value());
                    cell.get_position()
                }
                Inner::Whole { range, next } => {
                    let width = range.width();
                    let Some((top, left)) = range.start() else {
                        return Ok(None);
                    };
                    if width == 0 || *next >= width * range.height() {
                        return Ok(None);
                    }
                    let (r, c) = (*next / width, *next % width);
                    *next += 1;
                    if let Some(cell) = range.get((r, c)) {
                        write_data(&mut self.text, cell);
                    }
                    (top + r as u32, left + c as u32)
                }
            };
            if !self.text.is_empty() {
                return Ok(Some((row, col)));
            }
        }
    }
}
