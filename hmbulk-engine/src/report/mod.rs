//! The three reports of a run (docs/reports.md): results
//! (`row,phone_raw,phone,name,email,action,id,uuid,source_row`), errors (the
//! input's own columns, then `_row,_error_code,_error`) and `summary.json`;
//! the CSVs in the input's [`Dialect`] (its delimiter, a BOM for Excel).
//! Takes the rows of a run as spans of consecutive rows
//! ([`Reporter::write_span`]): rows decided early come rendered
//! ([`Decided`], see [`Lines`]), the others as [`RowOutcome`]s; spans may
//! arrive in any order, and are written in row order (a span that finishes
//! before the rows in front of it waits, rendered, in a few bytes over its
//! lines). Every cell passes the formula guard (server text such as `uuid`
//! included); the files are temporary until the end, then renamed into place,
//! so a reader never sees half a report; a report whose folder cannot take it
//! (a full disk) moves to the fallback folder ([`crate::atomic_file`]) and
//! the summary says where. Every message (`_error`, `stopped`, `notes`)
//! passes the redactor first.

mod dialect;
mod earlier;
mod lines;
mod summary;
mod workbook;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::ops::Range;

pub use dialect::Dialect;
pub use earlier::Earlier;
pub use lines::{Decided, Lines, RESULT_COLUMNS, ResultLine};
use lines::{Kind, Line, put_cell, put_name};
pub use summary::{IgnoredColumn, ReportPaths, Summary};
use workbook::ErrorsFile;
pub use workbook::results_workbook;

use crate::atomic_file::{AtomicFile, write_report_json};
use crate::error::{Error, Result};
use crate::input::Encoding;
use crate::outcome::{Action, ErrorCode, RowOutcome};
use crate::redact;

/// The note of a run whose file had a header and no data rows.
pub const NO_ROWS: &str = "the file has a header line but no data rows";

/// Columns of an input that an error report adds and a re-import ignores.
pub const META_COLUMNS: [&str; 3] = ["_row", "_error_code", "_error"];

/// Writes the reports, in row order, as spans of rows arrive.
pub struct Reporter {
    paths: ReportPaths,
    results: AtomicFile,
    /// CSV, or a workbook for a workbook input ([`workbook`]).
    errors: ErrorsFile,
    lines: Lines,
    next_row: u64,
    /// Spans that arrived before the rows in front of them, by first row.
    waiting: BTreeMap<u64, Waiting>,
    /// Where an outcome's line is rendered on its way out.
    scratch: Decided,
    /// `_row` of an error report fed back in, by row, for the results report.
    source_rows: HashMap<u64, String>,
    /// The command's own result cells, by row.
    extra_cells: HashMap<u64, Vec<String>>,
    dialect: Dialect,
    /// The input's encoding, once read to the end ([`Reporter::read_from`]).
    input_encoding: Option<Encoding>,
    /// What an earlier run left where the reports go: kept unless hmbulk
    /// wrote it as it is.
    earlier: Earlier,
    /// Failed rows by error code (folded into the summary at the end).
    failed_by_code: [u64; ErrorCode::ALL.len()],
    pub summary: Summary,
}

/// A span kept until the rows in front of it are written.
struct Waiting {
    end: u64,
    decided: Decided,
    /// Sorted by row.
    outcomes: Vec<RowOutcome>,
    /// Bytes the span held as handed in.
    held: usize,
}

fn decided_twice(row: u64) -> Error {
    Error::Fatal(format!(
        "internal error: row {row} was decided twice; the reports would be wrong"
    ))
}

/// Every row of `rows` is in `decided` or `outcomes` (sorted), once.
fn check_rows(rows: &Range<u64>, decided: &Decided, outcomes: &[RowOutcome]) -> Result<()> {
    let mut early = decided.rows.iter().map(|l| l.row).peekable();
    let mut late = outcomes.iter().map(|o| o.row).peekable();
    for row in rows.clone() {
        let here = [early.next_if_eq(&row), late.next_if_eq(&row)];
        match here {
            [Some(_), Some(_)] => return Err(decided_twice(row)),
            [None, None] => break,
            _ => {}
        }
    }
    if let Some(row) = early.next().or(late.next()) {
        return Err(decided_twice(row));
    }
    let decided = (decided.rows.len() + outcomes.len()) as u64;
    if decided != rows.end - rows.start {
        return Err(Error::Fatal(format!(
            "internal error: rows {}..{} were not all decided; reports not written",
            rows.start, rows.end
        )));
    }
    Ok(())
}

/// What [`Reporter::write_span`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub ok: u64,
    pub failed: u64,
    /// Bytes of [`Decided`] rows let go (written, no longer held), as they
    /// were when handed in.
    pub released: usize,
}

impl Reporter {
    /// Open temporary report files next to their final places. `headers` are
    /// the input's; the CSVs are written in `dialect` (the input's).
    pub fn create(paths: ReportPaths, headers: &[String], dialect: Dialect) -> Result<Reporter> {
        Reporter::with_columns(paths, headers, dialect, &[])
    }

    /// [`create`](Self::create), with `extra` result columns after the
    /// standard ones (`status`, `delete`); a row's cells for them are given
    /// with [`note_cells`](Self::note_cells), and are empty otherwise.
    pub fn with_columns(
        paths: ReportPaths,
        headers: &[String],
        dialect: Dialect,
        extra: &[&str],
    ) -> Result<Reporter> {
        let d = dialect.delimiter;
        let lines = Lines::new(headers, extra.len(), d);
        let mut results = AtomicFile::create_report(&paths.results, dialect.bom)?;
        let mut errors = ErrorsFile::create(&paths.errors, dialect.bom, d)?;
        let mut header = Vec::new();
        for (i, name) in RESULT_COLUMNS.iter().chain(extra).enumerate() {
            if i > 0 {
                header.push(d);
            }
            put_name(&mut header, name, d);
        }
        header.push(b'\n');
        write_to(&mut results, &header)?;
        header.clear();
        for &i in &lines.kept_columns {
            put_cell(&mut header, &headers[i], d);
            header.push(d);
        }
        header.extend_from_slice(META_COLUMNS.join(&(d as char).to_string()).as_bytes());
        header.push(b'\n');
        errors
            .write_all(&header)
            .map_err(|e| Error::output(errors.path(), e))?;
        Ok(Reporter {
            earlier: Earlier::read(&paths),
            paths,
            results,
            errors,
            lines,
            next_row: 1,
            waiting: BTreeMap::new(),
            scratch: Decided::default(),
            source_rows: HashMap::new(),
            extra_cells: HashMap::new(),
            dialect,
            input_encoding: None,
            failed_by_code: [0; ErrorCode::ALL.len()],
            summary: Summary::default(),
        })
    }

    /// Print `numbers` for the rows (a workbook's sheet rows); before
    /// [`lines`](Self::lines) is handed out.
    pub fn number_rows(&mut self, numbers: crate::input::RowNumbers) {
        self.lines.numbers = numbers;
    }

    /// The line renderer, for the threads that decide rows.
    pub fn lines(&self) -> Lines {
        self.lines.clone()
    }

    /// Take the final word on one row.
    pub fn record(&mut self, outcome: RowOutcome) -> Result<()> {
        let row = outcome.row;
        self.write_span(row..row + 1, &mut Decided::default(), vec![outcome])
            .map(drop)
    }

    /// Take the final word on rows `rows`: each is in `decided` (rendered,
    /// in row order) or in `outcomes` (any order), exactly once. Written at
    /// once when every row before them is; otherwise kept until then.
    /// `decided` is left empty (its room kept when it was written). A span
    /// of no rows is nothing: it is not kept, so it stands in no one's way.
    pub fn write_span(
        &mut self,
        rows: Range<u64>,
        decided: &mut Decided,
        mut outcomes: Vec<RowOutcome>,
    ) -> Result<Written> {
        let held = decided.bytes();
        if rows.is_empty() {
            check_rows(&rows, decided, &outcomes)?;
            return Ok(Written {
                released: held,
                ..Written::default()
            });
        }
        if rows.start < self.next_row || self.waiting.contains_key(&rows.start) {
            return Err(decided_twice(rows.start));
        }
        outcomes.sort_unstable_by_key(|o| o.row);
        check_rows(&rows, decided, &outcomes)?;
        if rows.start != self.next_row {
            let waiting = Waiting {
                end: rows.end,
                decided: std::mem::take(decided),
                outcomes,
                held,
            };
            self.waiting.insert(rows.start, waiting);
            return Ok(Written::default());
        }
        let mut written = self.write_rows(rows.end, decided, &outcomes)?;
        written.released = held;
        decided.clear();
        while let Some(w) = self.waiting.remove(&self.next_row) {
            let more = self.write_rows(w.end, &w.decided, &w.outcomes)?;
            written.ok += more.ok;
            written.failed += more.failed;
            written.released += w.held;
        }
        Ok(written)
    }

    /// Write rows up to `end`: the lines of `decided` and of `outcomes`
    /// (sorted), merged in row order, each line counted in the summary.
    fn write_rows(
        &mut self,
        end: u64,
        decided: &Decided,
        outcomes: &[RowOutcome],
    ) -> Result<Written> {
        let mut written = Written::default();
        // Rendered lines go out in runs bound for the same file; an
        // outcome's line is rendered into `scratch` and written alone.
        let (mut run_start, mut run_end, mut run_ok) = (0usize, 0usize, true);
        let mut outcomes = outcomes.iter().peekable();
        let mut scratch = std::mem::take(&mut self.scratch);
        for line in decided.rows.iter().map(Some).chain([None]) {
            let row = line.map_or(u64::MAX, |l| l.row);
            while let Some(o) = outcomes.next_if(|o| o.row < row) {
                self.run_out(run_ok, &decided.bytes[run_start..run_end])?;
                run_start = run_end;
                scratch.clear();
                let source_row = self.source_rows.remove(&o.row).unwrap_or_default();
                let extra = match self.lines.extra_columns {
                    0 => Vec::new(),
                    _ => self.extra_cells.remove(&o.row).unwrap_or_default(),
                };
                self.lines
                    .outcome_with(&mut scratch, o, &source_row, &extra);
                let ok = self.count(&scratch.rows[0], &mut written);
                self.run_out(ok, &scratch.bytes)?;
            }
            let Some(line) = line else { break };
            let ok = self.count(line, &mut written);
            if ok != run_ok {
                self.run_out(run_ok, &decided.bytes[run_start..run_end])?;
                (run_start, run_ok) = (run_end, ok);
            }
            run_end = line.end as usize;
        }
        self.run_out(run_ok, &decided.bytes[run_start..run_end])?;
        self.scratch = scratch;
        self.summary.rows_ok += written.ok;
        self.summary.rows_failed += written.failed;
        self.next_row = end;
        Ok(written)
    }

    /// Count one line in the summary; true when it goes to the results report.
    fn count(&mut self, line: &Line, written: &mut Written) -> bool {
        let s = &mut self.summary;
        s.rows_read += 1;
        match line.kind {
            Kind::Done(action) => {
                written.ok += 1;
                match action {
                    Action::Created => s.created += 1,
                    Action::Updated => s.updated += 1,
                    Action::Skipped => s.skipped += 1,
                    Action::Valid => s.valid += 1,
                    Action::Unchanged => s.unchanged += 1,
                    Action::Deleted => s.deleted += 1,
                    Action::Checked => s.checked += 1,
                }
                true
            }
            Kind::Failed(code) => {
                written.failed += 1;
                self.failed_by_code[code as usize] += 1;
                if !self.source_rows.is_empty() {
                    self.source_rows.remove(&line.row);
                }
                if !self.extra_cells.is_empty() {
                    self.extra_cells.remove(&line.row);
                }
                false
            }
        }
    }

    fn run_out(&mut self, ok: bool, bytes: &[u8]) -> Result<()> {
        if ok {
            write_to(&mut self.results, bytes)
        } else {
            let errors = &mut self.errors;
            errors
                .write_all(bytes)
                .map_err(|e| Error::output(errors.path(), e))
        }
    }

    /// The original row (`_row` of an error report fed back in) of `row`,
    /// for the results report's `source_row`.
    pub fn note_source_row(&mut self, row: u64, source_row: String) {
        self.source_rows.insert(row, source_row);
    }

    /// Keep every earlier run's reports (numbered) instead of replacing
    /// those hmbulk wrote (`status`, `delete`; see [`Earlier`]).
    pub fn keep_earlier_runs(&mut self, keep: bool) {
        let earlier = std::mem::replace(&mut self.earlier, Earlier::read(&self.paths));
        self.earlier = earlier.keep_runs(keep);
    }

    /// Write the mapping the run used (`--map` format) to its place beside
    /// the reports, now (a report edited there kept first, see
    /// [`Earlier`]); the summary records its stamp.
    pub fn write_mapping(&mut self, text: &str) -> Result<()> {
        let path = self.paths.mapping.clone();
        let mut file = AtomicFile::create_report(&path, false)?;
        write_to(&mut file, text.as_bytes())?;
        if let Err(e) = self.earlier.make_room(&path) {
            file.move_to_fallback_now(e)?;
        }
        let placed = file.place()?;
        stamp(&mut self.summary, &placed);
        self.paths.mapping = placed.path;
        if placed.moved.is_some() {
            self.summary.reports_moved = placed.moved;
        }
        Ok(())
    }

    /// What the input turned out to be, for the summary (encoding,
    /// delimiter, blank lines, footer) and the reports' BOM
    /// ([`Dialect::bom_for`]).
    pub fn read_from(&mut self, reader: &crate::input::RowReader) {
        self.summary.read_from(reader);
        self.input_encoding = Some(reader.encoding());
    }

    /// The command's own result cells of `row` (see [`with_columns`](Self::with_columns)).
    pub fn note_cells(&mut self, row: u64, cells: Vec<String>) {
        self.extra_cells.insert(row, cells);
    }

    /// Flush, check that every row was decided, rename the reports into place
    /// and write the summary. Returns the summary.
    pub fn finish(mut self) -> Result<Summary> {
        if !self.waiting.is_empty() {
            return Err(Error::Fatal(format!(
                "internal error: row {} was never decided but later rows were; reports not written",
                self.next_row
            )));
        }
        for (code, &n) in ErrorCode::ALL.iter().zip(&self.failed_by_code) {
            if n > 0 {
                *self
                    .summary
                    .errors_by_code
                    .entry(code.to_string())
                    .or_default() += n;
            }
        }
        if self.summary.rows_read == 0 && self.summary.stopped.is_none() {
            self.summary.notes.push(NO_ROWS.to_string());
        }
        self.summary.stopped = self.summary.stopped.as_deref().map(redact::cleaned);
        for note in &mut self.summary.notes {
            *note = redact::cleaned(&*note);
        }
        if self.summary.rows_per_s == 0.0 && self.summary.elapsed_s > 0.0 {
            self.summary.rows_per_s = self.summary.rows_read as f64 / self.summary.elapsed_s;
        }
        if let Some(encoding) = self.input_encoding
            && self.dialect.bom_for(encoding)
            && !self.dialect.bom
        {
            self.results.prepend("\u{feff}".as_bytes())?;
            self.errors.prepend("\u{feff}".as_bytes())?;
        }
        // The two reports reach the disk side by side, each synced on a
        // thread of its own, then are renamed into place one by one, the
        // summary last. (A sync that fails is left to `place`, which moves
        // a report its folder cannot take.)
        std::thread::scope(|scope| {
            let errors = &mut self.errors;
            scope.spawn(move || errors.pre_sync());
            self.results.pre_sync();
        });
        // A file there that cannot be kept is not replaced either: the
        // report goes to the fallback folder instead.
        if let Err(e) = self.earlier.make_room(&self.paths.results) {
            self.results.move_to_fallback_now(e)?;
        }
        if let Err(e) = self.earlier.make_room(&self.paths.errors) {
            self.errors.move_to_fallback_now(e)?;
        }
        if let Err(e) = self.earlier.make_room(&self.paths.summary) {
            self.summary.reports_moved.get_or_insert(e.to_string());
        }
        self.summary.notes.extend(self.earlier.take_notes());
        let results = self.results.place()?;
        let errors = self.errors.place()?;
        stamp(&mut self.summary, &results);
        stamp(&mut self.summary, &errors);
        let mut reports = ReportPaths {
            results: results.path,
            errors: errors.path,
            ..self.paths.clone()
        };
        let mut why = results
            .moved
            .or(errors.moved)
            .or(self.summary.reports_moved.take());
        loop {
            if why.is_some() {
                // One moved: all of them go to the fallback folder, so an
                // error report fed back in finds its mapping beside it.
                reports.gather_in_fallback()?;
            }
            self.summary.reports = Some(reports.clone());
            self.summary.reports_moved = why.clone();
            let summary = write_report_json(&reports.summary, &self.summary)?;
            if why.is_none() && summary.moved.is_some() {
                why = summary.moved;
                continue;
            }
            break;
        }
        Ok(self.summary)
    }
}

/// Record a placed report's size and CRC-32 in the summary.
fn stamp(summary: &mut Summary, placed: &crate::atomic_file::Placed) {
    if let (Some(stamp), Some(name)) = (&placed.stamp, placed.path.file_name()) {
        let name = name.to_string_lossy().into_owned();
        summary.report_files.insert(name, stamp.clone());
    }
}

/// Write `bytes` to a report; an error names it.
fn write_to(file: &mut AtomicFile, bytes: &[u8]) -> Result<()> {
    file.write_all(bytes)
        .map_err(|e| Error::output(file.path(), e))
}
