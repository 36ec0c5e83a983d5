//! In-file duplicates: two rows with the same normalised phone (or the same
//! uuid). Takes drafts in row order; tells whether a row repeats an earlier one
//! and which. Memory: one small entry per distinct phone.

use crate::contact::Draft;

#[derive(Debug, Default)]
pub struct Dedupe {
    _todo: (),
}

impl Dedupe {
    pub fn new() -> Self {
        Dedupe::default()
    }

    /// `Some(first_row)` when `draft` repeats the phone (or uuid) of an earlier
    /// row; otherwise remembers it and gives `None`.
    pub fn check(&mut self, _draft: &Draft) -> Option<u64> {
        todo!()
    }
}
