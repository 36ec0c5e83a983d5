//! A chunk of records read at once ([`super::RowReader::read_chunk`]).

use std::ops::Range;

use super::Record;

/// Records read at once, in one buffer: the decoded text of every cell (as
/// [`Record`] holds it) and where each cell and record ends. The pipeline
/// reuses a few of them, so reading allocates nothing once they are warm.
#[derive(Debug, Default)]
pub struct Chunk {
    first_row: u64,
    text: String,
    /// End of each cell in `text`.
    cell_ends: Vec<u32>,
    /// End of each record in `cell_ends`.
    record_ends: Vec<u32>,
    /// The records that are not the row their line meant, and why
    /// ([`Record::problem`]): few, in record order.
    problems: Vec<(usize, String)>,
}

/// A chunk stops growing past this much text (a record is at most
/// [`super::MAX_RECORD_BYTES`], so offsets fit in `u32`).
const CHUNK_TEXT_BYTES: usize = 1 << 20;

impl Chunk {
    pub fn len(&self) -> usize {
        self.record_ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.record_ends.is_empty()
    }

    /// The data rows this chunk holds.
    pub fn rows(&self) -> Range<u64> {
        self.first_row..self.first_row + self.len() as u64
    }

    /// The row number of record `i`.
    pub fn row(&self, i: usize) -> u64 {
        self.first_row + i as u64
    }

    /// The cells of record `i`.
    pub fn cells(&self, i: usize) -> impl ExactSizeIterator<Item = &str> + Clone {
        let first = if i == 0 {
            0
        } else {
            self.record_ends[i - 1] as usize
        };
        let last = self.record_ends[i] as usize;
        (first..last).map(move |c| {
            let start = if c == 0 {
                0
            } else {
                self.cell_ends[c - 1] as usize
            };
            &self.text[start..self.cell_ends[c] as usize]
        })
    }

    /// Record `i`, owned.
    pub fn record(&self, i: usize) -> Record {
        Record {
            row: self.row(i),
            cells: self.cells(i).map(str::to_string).collect(),
            problem: self.problem(i).map(str::to_string),
        }
    }

    /// Why record `i` is not the row its line meant, if it is not
    /// ([`Record::problem`]): the row's error, whatever its cells hold.
    pub fn problem(&self, i: usize) -> Option<&str> {
        self.problems
            .iter()
            .find(|(at, _)| *at == i)
            .map(|(_, why)| why.as_str())
    }

    /// Empty, for records from row `first_row` on (the room is kept).
    pub(super) fn clear(&mut self, first_row: u64) {
        self.first_row = first_row;
        self.text.clear();
        self.cell_ends.clear();
        self.record_ends.clear();
        self.problems.clear();
    }

    /// Append a cell to the record being read.
    pub(super) fn push_cell(&mut self, text: &str) {
        self.text.push_str(text);
        self.cell_ends.push(self.text.len() as u32);
    }

    /// Append cells given back to back in `text`, each ending where `ends`
    /// says (the last at the end of `text`): one copy for them all.
    pub(super) fn push_cells(&mut self, text: &str, ends: &[usize]) {
        let base = self.text.len();
        self.text.push_str(text);
        self.cell_ends
            .extend(ends.iter().map(|&end| (base + end) as u32));
    }

    /// End the record being read after its last cell; `problem`: why it is
    /// not the row its line meant.
    pub(super) fn end_record(&mut self, problem: Option<String>) {
        if let Some(why) = problem {
            self.problems.push((self.record_ends.len(), why));
        }
        self.record_ends.push(self.cell_ends.len() as u32);
    }

    /// The chunk holds as much text as it may.
    pub(super) fn is_full(&self) -> bool {
        self.text.len() >= CHUNK_TEXT_BYTES
    }
}
