//! The deciding side of the pipeline (see [`super`]): takes validated chunks
//! back in row order, drops in-file duplicates, counts what the summary
//! reports, and cuts the rows into spans: each a run of consecutive rows
//! with the rows already decided (rendered) and a batch to send. A span with
//! nothing to send goes straight to the reporter.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, Sender as Queue, SyncSender};

use super::{ImportSettings, OnDuplicate, Shared, Valid, Work, lock};
use crate::batch::Pending;
use crate::contact::{NO_PHONE_COLUMN, Validator};
use crate::dedupe::{Dedupe, Duplicate, held};
use crate::error::Error;
use crate::input::Chunk;
use crate::mapping::Mapping;
use crate::outcome::Action;
use crate::phone::CountryCounter;
use crate::report::{Decided, Lines, ResultLine, Summary};

/// What a run's decider counted.
pub(super) struct Counts {
    pub countries: CountryCounter,
    phone_columns: Vec<u64>,
    email_columns: Vec<u64>,
    regions: BTreeMap<String, u64>,
    duplicates: u64,
    pub unchecked_names: u64,
    /// The read error that ended the run, if one did.
    pub input_error: Option<Error>,
}

impl Counts {
    /// Put the counts by column, by country column region, and the
    /// duplicates into `s`.
    pub(super) fn add_to(&mut self, s: &mut Summary, mapping: &Mapping) {
        let columns = [
            (&mut self.phone_columns, &mut s.phone_columns),
            (&mut self.email_columns, &mut s.email_columns),
        ];
        for (counts, by_header) in columns {
            for (column, n) in counts.drain(..).enumerate().filter(|c| c.1 > 0) {
                *by_header
                    .entry(mapping.header(column).to_string())
                    .or_default() += n;
            }
        }
        s.country_regions.append(&mut self.regions);
        s.duplicates = self.duplicates;
    }
}

/// Consecutive rows on their way to the reports.
pub(super) struct Span {
    pub rows: Range<u64>,
    pub decided: Decided,
    pub pending: Vec<Pending>,
}

impl Span {
    pub(super) fn starting_at(row: u64) -> Span {
        Span {
            rows: row..row,
            decided: Decided::default(),
            pending: Vec::new(),
        }
    }
}

/// The deciding side: takes validated chunks in row order.
pub(super) struct Decider<'a, 's> {
    shared: &'s Shared<'a>,
    settings: &'s ImportSettings<'s>,
    lines: Lines,
    dry_run: bool,
    dedupe: Dedupe,
    countries: CountryCounter,
    /// Valid rows by the column their phone and email came from, and by the
    /// region a country column gave them.
    phone_columns: Vec<u64>,
    email_columns: Vec<u64>,
    regions: BTreeMap<String, u64>,
    duplicates: u64,
    unchecked_names: u64,
    /// The `_row` column of an error report fed back in.
    source_row_column: Option<usize>,
    /// The columns a duplicate's check leaves out ([`held`]).
    meta_columns: Vec<usize>,
    /// The rows decided since the last span was handed on.
    current: Span,
    input_error: Option<Error>,
}

impl<'a, 's> Decider<'a, 's> {
    pub(super) fn new(
        shared: &'s Shared<'a>,
        settings: &'s ImportSettings<'s>,
        lines: Lines,
        dry_run: bool,
        validator: &Validator,
    ) -> Self {
        Decider {
            shared,
            settings,
            lines,
            dry_run,
            dedupe: Dedupe::new(),
            countries: CountryCounter::default(),
            phone_columns: Vec::new(),
            email_columns: Vec::new(),
            regions: BTreeMap::new(),
            duplicates: 0,
            unchecked_names: 0,
            source_row_column: validator.mapping().source_row_column(),
            meta_columns: held::meta_columns(validator.mapping().headers()),
            current: Span::starting_at(1),
            input_error: None,
        }
    }

    /// What the decider counted, for the summary.
    pub(super) fn counts(self) -> Counts {
        Counts {
            countries: self.countries,
            phone_columns: self.phone_columns,
            email_columns: self.email_columns,
            regions: self.regions,
            duplicates: self.duplicates,
            unchecked_names: self.unchecked_names,
            input_error: self.input_error,
        }
    }

    pub(super) fn run(
        &mut self,
        done: Receiver<Work>,
        free: Queue<Work>,
        spans: &SyncSender<Span>,
    ) {
        let mut early = BTreeMap::new();
        let mut next = 0;
        'chunks: while let Ok(w) = done.recv() {
            early.insert(w.seq, w);
            while let Some(mut w) = early.remove(&next) {
                next += 1;
                if let Some(e) = w.error.take() {
                    self.input_error = Some(e);
                    break 'chunks;
                }
                self.chunk(&mut w, spans);
                let _ = free.send(w);
                if self.shared.aborted() {
                    break 'chunks;
                }
            }
        }
        // The reader ends once its supply of buffers does; the validators
        // once the reader is gone.
        drop(free);
        let last = std::mem::replace(&mut self.current, Span::starting_at(0));
        self.hand_on(last, spans);
    }

    fn chunk(&mut self, w: &mut Work, spans: &SyncSender<Span>) {
        for valid in w.checked.iter().filter_map(|c| c.valid.as_ref()) {
            self.dedupe.prefetch(&valid.key);
        }
        // A dry run's chunk comes with a line for each row, in order: the
        // lines go on in runs (between duplicates), not one by one.
        let mut runs = (self.dry_run && w.lines.len() == w.checked.len()).then_some(0);
        let mut pending = w.pending.drain(..);
        for (i, checked) in w.checked.drain(..).enumerate() {
            let row = w.chunk.row(i);
            self.current.rows.end = row + 1;
            let line = match runs {
                Some(_) => None,
                None => checked.line.map(|l| (&w.lines, l)),
            };
            match checked.valid {
                Some(valid) => {
                    let send = if checked.send { pending.next() } else { None };
                    if let Some((valid, dup)) = self.valid(valid, row, line, send, spans) {
                        if let Some(from) = runs.as_mut() {
                            self.current.decided.copy_lines(&w.lines, *from..i);
                            *from = i + 1;
                        }
                        self.duplicate(valid, dup, &w.chunk, i);
                    }
                }
                None => {
                    self.duplicates += u64::from(checked.held);
                    if let Some(region) = checked.elsewhere {
                        self.countries.valid_elsewhere(region);
                    }
                    if let Some((lines, l)) = line {
                        self.current.decided.copy_line(lines, l);
                    }
                }
            }
            let budget = self.settings.held_budget;
            if !self.dry_run
                && self.current.decided.bytes() + self.shared.held.load(Ordering::SeqCst) > budget
            {
                // Too much waits behind rows being sent: send what there is,
                // and read on once the reports have caught up.
                self.cut(spans);
                self.shared.wait_for_reports(budget / 2);
            }
        }
        if let Some(from) = runs {
            self.current
                .decided
                .copy_lines(&w.lines, from..w.lines.len());
        }
        if self.dry_run || self.current.pending.is_empty() {
            self.cut(spans);
        }
    }

    /// A valid row: counted and reported as `line` says (`valid` in a dry
    /// run; resuming, as the stopped run decided it) or queued to send; or
    /// a duplicate, given back for [`Decider::duplicate`].
    fn valid(
        &mut self,
        mut v: Valid,
        row: u64,
        line: Option<(&Decided, usize)>,
        pending: Option<Pending>,
        spans: &SyncSender<Span>,
    ) -> Option<(Valid, Duplicate)> {
        if v.phone_column != NO_PHONE_COLUMN {
            count(&mut self.phone_columns, v.phone_column);
        }
        if let Some(column) = v.email_column {
            count(&mut self.email_columns, column);
        }
        let by_default = v.country_region.is_none();
        if let Some(region) = v.country_region.take() {
            *self.regions.entry(region).or_default() += 1;
        }
        if let Some(dup) = self.dedupe.find_key(&v.key, row) {
            return Some((v, dup));
        }
        self.countries
            .add_code(v.country_code, v.national_in, by_default);
        if v.unchecked_names {
            self.unchecked_names += 1;
        }
        if let Some((lines, l)) = line {
            self.current.decided.copy_line(lines, l);
        }
        let pending = pending?;
        if let Some(source_row) = &pending.draft.source_row {
            lock(&self.shared.reporter).note_source_row(row, source_row.to_string());
        }
        self.current.pending.push(pending);
        if self.current.pending.len() >= self.settings.batch_size {
            self.cut(spans);
        }
        None
    }

    /// The line of row `i`, a duplicate of an earlier row: `skipped` or an
    /// error, as `--on-duplicate` says.
    fn duplicate(&mut self, mut v: Valid, dup: Duplicate, chunk: &Chunk, i: usize) {
        self.duplicates += 1;
        let row = chunk.row(i);
        let phone_raw = chunk.cells(i).nth(v.phone_column).unwrap_or_default();
        let phone = v.key.phone();
        let source_row = self.source_row(chunk, i);
        let decided = &mut self.current.decided;
        match self.settings.on_duplicate {
            OnDuplicate::Skip => {
                let (name, email) = v.who.take().unwrap_or_default();
                let line = ResultLine {
                    phone_raw,
                    phone: &phone,
                    name: &name,
                    email: &email,
                    action: Action::Skipped,
                    id: None,
                    uuid: "",
                    source_row: &source_row,
                };
                self.lines.result(decided, row, line);
            }
            OnDuplicate::Error => {
                let first_row = self.lines.shown(dup.first_row);
                let dup = Duplicate { first_row, ..dup };
                let mut error = dup.error(phone_raw, &phone, v.key.uuid().as_deref());
                let cells = chunk.cells(i);
                let check =
                    held::row_check(cells.clone(), &self.meta_columns, v.phone_column, &phone);
                error.message += &format!(
                    " (or pass --on-duplicate skip); imported again as it is, this row is \
                     reported again and not written: change it to import it {}",
                    held::mark(dup.first_row, &check)
                );
                self.lines
                    .error(decided, row, cells, error.code, &error.message);
            }
        }
    }

    /// The `_row` cell of an error report fed back in.
    fn source_row(&self, chunk: &Chunk, i: usize) -> String {
        self.source_row_column
            .and_then(|c| chunk.cells(i).nth(c))
            .map(|c| c.trim().to_string())
            .unwrap_or_default()
    }

    /// End the current span after its last row and hand it on. A span
    /// with no rows (a batch just cut on a chunk's last row) is nothing.
    fn cut(&mut self, spans: &SyncSender<Span>) {
        if self.current.rows.is_empty() {
            return;
        }
        let next = self.current.rows.end;
        if self.current.pending.is_empty() {
            // Straight to the reports; the buffer stays for the next rows.
            let rows = std::mem::replace(&mut self.current.rows, next..next);
            let decided = &mut self.current.decided;
            self.shared.hold(decided.bytes());
            self.shared.write(rows, decided, Vec::new());
            return;
        }
        let span = std::mem::replace(&mut self.current, Span::starting_at(next));
        self.hand_on(span, spans);
    }

    /// A span with rows to send goes to the senders (when the run is
    /// stopping, its rows are decided `not_sent`); one without goes straight
    /// to the reporter.
    fn hand_on(&mut self, mut span: Span, spans: &SyncSender<Span>) {
        if span.rows.is_empty() {
            return;
        }
        let shared = self.shared;
        shared.hold(span.decided.bytes());
        if shared.stopping() || span.pending.is_empty() {
            let outcomes = shared.not_sent(std::mem::take(&mut span.pending));
            return shared.write(span.rows, &mut span.decided, outcomes);
        }
        if let Err(unsent) = spans.send(span) {
            // Every sender is gone: nothing can be sent.
            let mut span = unsent.0;
            let outcomes = shared.not_sent(std::mem::take(&mut span.pending));
            shared.write(span.rows, &mut span.decided, outcomes);
        }
    }
}

fn count(counts: &mut Vec<u64>, column: usize) {
    if counts.len() <= column {
        counts.resize(column + 1, 0);
    }
    counts[column] += 1;
}
