//! The row numbers a person sees. Inside hmbulk a row is the 1-based index
//! of its data record (header not counted, blank lines skipped), so rows
//! are consecutive: spans, the journal and the reports' order rely on it.
//! What the reports and messages print is [`RowNumbers::shown`]: the same
//! number for a CSV or vCard file, and the sheet's own row number for a
//! workbook (the first data row under a header on row 1 is row 2, and an
//! empty row skipped keeps its number), so `_row` points at the row a
//! spreadsheet shows.
//!
//! A workbook's reader records each data row's sheet row as it reads it
//! ([`RowNumbers::record`]), before the row is handed on, so a row is
//! always known by the time anything prints it. Held as runs of
//! consecutive rows: 16 bytes per break (an empty row or a run of them
//! inside the data), nothing per row.
//!
//! The reader also records which data rows the sheet hides (hidden rows,
//! and rows a filter hides, where the format says so: `.xlsx`, `.ods`):
//! they are read like the others, and [`RowNumbers::hidden`] gives their
//! count and the first few of them for the summary's note.

use std::sync::{Arc, RwLock};

/// Data row → the number shown for it. Cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct RowNumbers(Option<Arc<RwLock<Runs>>>);

/// `(first data row of a run, its sheet row)`, by data row; and the
/// hidden rows read.
#[derive(Debug, Default)]
struct Runs(Vec<(u64, u64)>, Hidden);

/// Hidden data rows: how many, and the sheet rows of the first
/// [`HIDDEN_LISTED`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hidden {
    pub count: u64,
    pub first: Vec<u64>,
}

/// Hidden rows named in the summary's note.
const HIDDEN_LISTED: usize = 10;

impl RowNumbers {
    /// The numbers of a sheet, recorded as its rows are read.
    pub(crate) fn sheet() -> RowNumbers {
        RowNumbers(Some(Arc::default()))
    }

    /// Data row `row` is on sheet row `sheet_row`. Rows are recorded in
    /// order, each once.
    pub(crate) fn record(&self, row: u64, sheet_row: u64) {
        let Some(runs) = &self.0 else { return };
        let mut runs = runs.write().unwrap_or_else(|e| e.into_inner());
        let continues = runs
            .0
            .last()
            .is_some_and(|&(first, at)| at + (row - first) == sheet_row);
        if !continues {
            runs.0.push((row, sheet_row));
        }
    }

    /// Sheet row `sheet_row`, a data row recorded, is hidden in the sheet.
    pub(crate) fn record_hidden(&self, sheet_row: u64) {
        let Some(runs) = &self.0 else { return };
        let mut runs = runs.write().unwrap_or_else(|e| e.into_inner());
        let hidden = &mut runs.1;
        hidden.count += 1;
        if hidden.first.len() < HIDDEN_LISTED {
            hidden.first.push(sheet_row);
        }
    }

    /// The hidden data rows read so far.
    pub fn hidden(&self) -> Hidden {
        let Some(runs) = &self.0 else {
            return Hidden::default();
        };
        let runs = runs.read().unwrap_or_else(|e| e.into_inner());
        runs.1.clone()
    }

    /// The number printed for data row `row`.
    pub fn shown(&self, row: u64) -> u64 {
        let Some(runs) = &self.0 else { return row };
        let runs = runs.read().unwrap_or_else(|e| e.into_inner());
        let i = runs.0.partition_point(|&(first, _)| first <= row);
        match i.checked_sub(1).map(|i| runs.0[i]) {
            Some((first, at)) => at + (row - first),
            // Not recorded (cannot happen): the data row itself.
            None => row,
        }
    }

    /// Rows are a sheet's (numbered as the spreadsheet numbers them).
    pub fn is_sheet(&self) -> bool {
        self.0.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_file_shows_its_data_rows() {
        let rows = RowNumbers::default();
        assert_eq!((rows.shown(1), rows.shown(7)), (1, 7));
        assert!(!rows.is_sheet());
    }

    #[test]
    fn a_sheet_shows_its_own_rows_across_empty_ones() {
        let rows = RowNumbers::sheet();
        // Header on row 3; rows 4, 5, then 8 (6 and 7 empty), 9, then 20.
        for (row, at) in [(1, 4), (2, 5), (3, 8), (4, 9), (5, 20)] {
            rows.record(row, at);
        }
        let shown: Vec<u64> = (1..=6).map(|r| rows.shown(r)).collect();
        assert_eq!(shown, [4, 5, 8, 9, 20, 21]);
        assert_eq!(rows.0.as_ref().unwrap().read().unwrap().0.len(), 3);
    }
}
