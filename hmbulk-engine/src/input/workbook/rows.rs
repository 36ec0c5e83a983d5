//! A sheet's rows, one at a time: the cells of each row that holds
//! anything, by column, from the sheet's first used column on.
//!
//! Merged cells: a spreadsheet keeps a merged region's value in its
//! top-left cell only. A region of several rows below the header (one
//! company or tag merged down a column over several contacts) gives its
//! value to each of its rows, in its first column, as the sheet shows it;
//! across columns it is not copied (that would put one field's value in
//! another field's column). Regions that begin on or above the header (a
//! title across the top, a two-row header) are left as they are.

use std::collections::HashMap;

use calamine::Dimensions;

use super::cells_of::SheetCells;

/// Rows of one sheet.
pub(super) struct SheetRows<'a> {
    cells: SheetCells<'a>,
    first_column: u32,
    /// The cell read ahead (the first of the next row): where, and its text.
    ahead: Option<(u32, u32)>,
    ahead_text: String,
    started: bool,
    /// The row being handed out: its number and cells (the first `used`
    /// of `cells_of_row`, whose room is kept from row to row).
    row: u32,
    cells_of_row: Vec<String>,
    used: usize,
    fill: Fill,
}

/// Vertical merged regions below the header, filled down.
#[derive(Default)]
struct Fill {
    /// Top-left cell → last row of the region.
    starts: HashMap<(u32, u32), u32>,
    /// Column → (last row, value) of the regions being filled.
    active: HashMap<u32, (u32, String)>,
}

impl<'a> SheetRows<'a> {
    /// `merges` are filled down below row `header` (0-based).
    pub(super) fn new(cells: SheetCells<'a>, merges: &[Dimensions], header: u32) -> Self {
        let first_column = cells.first_column();
        let starts = merges
            .iter()
            .filter(|d| d.start.0 > header && d.end.0 > d.start.0)
            .map(|d| (d.start, d.end.0))
            .collect();
        SheetRows {
            cells,
            first_column,
            ahead: None,
            ahead_text: String::new(),
            started: false,
            row: 0,
            cells_of_row: Vec::new(),
            used: 0,
            fill: Fill {
                starts,
                active: HashMap::new(),
            },
        }
    }

    /// The next row that holds anything: its 0-based number and its cells
    /// (from the first column; trailing empty cells not included). A cell
    /// left of the first column the sheet declared is an error.
    pub(super) fn next_row(&mut self) -> Result<Option<(u32, &[String])>, String> {
        if !self.started {
            self.started = true;
            self.read_ahead()?;
        }
        self.fill.active.retain(|_, (last, _)| *last > self.row);
        let next_filled = (!self.fill.active.is_empty()).then_some(self.row + 1);
        let next_cell = self.ahead.map(|(row, _)| row);
        let row = match (next_cell, next_filled) {
            (None, None) => return Ok(None),
            (Some(c), Some(f)) => c.min(f),
            (Some(r), None) | (None, Some(r)) => r,
        };
        self.row = row;
        self.cells_of_row[..self.used]
            .iter_mut()
            .for_each(String::clear);
        self.used = 0;
        while let Some((r, col)) = self.ahead {
            if r != row {
                break;
            }
            let Some(i) = col.checked_sub(self.first_column) else {
                return Err(format!(
                    "cell {}{} holds \"{}\", left of the sheet's declared first column {}",
                    column_name(col),
                    row + 1,
                    self.ahead_text,
                    column_name(self.first_column)
                ));
            };
            let i = i as usize;
            let merge = match self.fill.starts.is_empty() {
                true => None,
                false => self.fill.starts.get(&(row, col)).copied(),
            };
            if let Some(last) = merge {
                let value = self.ahead_text.clone();
                self.fill.active.insert(i as u32, (last, value));
            }
            let text = std::mem::take(&mut self.ahead_text);
            self.cell_mut(i).push_str(&text);
            self.ahead_text = text;
            self.read_ahead()?;
        }
        if self.fill.active.is_empty() {
            return Ok(Some((row, &self.cells_of_row[..self.used])));
        }
        let active = std::mem::take(&mut self.fill.active);
        for (&i, (_, value)) in &active {
            let cell = self.cell_mut(i as usize);
            if cell.is_empty() {
                cell.push_str(value);
            }
        }
        self.fill.active = active;
        Ok(Some((row, &self.cells_of_row[..self.used])))
    }

    /// Cell `i` of the row being read (empty until written).
    fn cell_mut(&mut self, i: usize) -> &mut String {
        if self.cells_of_row.len() <= i {
            self.cells_of_row.resize(i + 1, String::new());
        }
        self.used = self.used.max(i + 1);
        &mut self.cells_of_row[i]
    }

    fn read_ahead(&mut self) -> Result<(), String> {
        self.ahead_text.clear();
        self.ahead = match self.cells.next_cell().map_err(|e| e.to_string())? {
            Some((r, c, text)) => {
                self.ahead_text.push_str(text);
                Some((r, c))
            }
            None => None,
        };
        Ok(())
    }
}

/// Spreadsheet column name of 0-based column `i`: 0 → A, 26 → AA.
pub fn column_name(i: u32) -> String {
    let mut i = i as u64;
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
