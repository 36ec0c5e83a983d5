//! The cells of one sheet, in row order, as text ([`super::cells`]), and
//! the sheet's merged regions. An `.xlsx` sheet is read as it streams
//! (calamine's cell reader: one row's cells in memory, plus the workbook's
//! shared strings); `.xls`, `.xlsb` and `.ods` sheets are read whole by
//! calamine first (their readers offer no stream), then walked the same way.
//! And the sheet's [`Layout`] (merged regions, hidden rows) as far as its
//! format gives it.

use calamine::{Data, Dimensions, Range, Reader, Sheets, XlsxCellReader};

use super::cells::{write_data, write_data_ref};
use super::merges::{Layout, xlsx_layout};
use super::ods_layout::ods_layout;
use super::{Origin, Source};

/// A cell reader over one sheet.
pub(super) struct SheetCells<'a> {
    inner: Inner<'a>,
    text: String,
}

enum Inner<'a> {
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
        })
    }

    /// The first column the sheet says it uses (0 when it does not say).
    pub(super) fn first_column(&self) -> u32 {
        match &self.inner {
            Inner::Stream(_, dims) => dims.start.1,
            Inner::Whole { range, .. } => range.start().map_or(0, |(_, col)| col),
        }
    }

    /// The next cell that holds something: `(row, column, text)`, 0-based.
    pub(super) fn next_cell(&mut self) -> Result<Option<(u32, u32, &str)>, calamine::Error> {
        loop {
            self.text.clear();
            let (row, col) = match &mut self.inner {
                Inner::Stream(cells, _) => {
                    let Some(cell) = cells.next_cell().map_err(calamine::Error::Xlsx)? else {
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
                return Ok(Some((row, col, &self.text)));
            }
        }
    }
}

/// The layout of sheet `name` of `book`, read from `origin`: merged
/// regions and hidden rows of `.xlsx` ([`super::merges`]) and `.ods`
/// ([`super::ods_layout`]), merged regions of `.xls` (calamine's); nothing
/// for `.xlsb` (calamine reads none, and its sheets are binary records).
pub(super) fn layout(
    book: &Sheets<Source>,
    origin: &Origin,
    name: &str,
) -> std::io::Result<Layout> {
    match book {
        Sheets::Xlsx(_) => xlsx_layout(origin.source()?, Some(name)).map(|(_, found)| found),
        Sheets::Xls(x) => Ok(Layout {
            merges: x
                .merge_cells_by_sheet_name(name)
                .map_err(std::io::Error::other)?,
            hidden_rows: Vec::new(),
        }),
        Sheets::Ods(_) => ods_layout(origin.source()?, name),
        Sheets::Xlsb(_) => Ok(Layout::default()),
    }
}
