//! The three reports of a run (DESIGN.md, "Reports"): results
//! (`row,phone_raw,phone,action,id,uuid,source_row`), errors (the input's own columns,
//! then `_row,_error_code,_error`) and `summary.json`. Takes the rows of a run
//! as spans of consecutive rows ([`Reporter::write_span`]): rows decided early
//! come rendered ([`Decided`]), the others as [`RowOutcome`]s; spans may
//! arrive in any order, and are written in row order (a span that finishes
//! before the rows in front of it waits, rendered, in a few bytes over its
//! lines). Every cell passes the formula guard (server text such as `uuid`
//! included); the files are temporary until the end, then renamed into place,
//! so a reader never sees half a report. Every message (`_error`, `stopped`,
//! `notes`) passes the redactor first.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::atomic_file::AtomicFile;
use crate::error::{Error, Result};
use crate::outcome::{Action, ErrorCode, RowOutcome, RowResult};
use crate::phone::CountryTally;
use crate::redact;

/// Columns of an input that an error report adds and a re-import ignores.
pub const META_COLUMNS: [&str; 3] = ["_row", "_error_code", "_error"];

/// Where a run's reports go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportPaths {
    pub results: PathBuf,
    pub errors: PathBuf,
    pub summary: PathBuf,
    /// The mapping the run used, in `--map` format (written by the command).
    pub mapping: PathBuf,
}

impl ReportPaths {
    /// `<stem>.results.csv`, `<stem>.errors.csv`, `<stem>.summary.json` in
    /// `dir`, or next to the input file.
    pub fn for_input(input: &Path, dir: Option<&Path>) -> ReportPaths {
        let stem = input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "import".into());
        let dir = dir
            .map(Path::to_path_buf)
            .or_else(|| input.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        ReportPaths {
            results: dir.join(format!("{stem}.results.csv")),
            errors: dir.join(format!("{stem}.errors.csv")),
            summary: dir.join(format!("{stem}.summary.json")),
            mapping: dir.join(format!("{stem}.mapping.toml")),
        }
    }
}

/// Counts of a run, as `summary.json` reports them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub rows_read: u64,
    pub rows_ok: u64,
    pub rows_failed: u64,
    pub created: u64,
    pub updated: u64,
    pub skipped: u64,
    /// Dry run: rows that would be sent.
    pub valid: u64,
    pub duplicates: u64,
    pub batches: u64,
    pub requests: u64,
    pub retries: u64,
    pub rate_limited: u64,
    pub elapsed_s: f64,
    pub rows_per_s: f64,
    pub errors_by_code: BTreeMap<String, u64>,
    pub dry_run: bool,
    pub mode: String,
    pub api: String,
    pub encoding: String,
    pub delimiter: String,
    pub blank_lines: u64,
    /// Why the run stopped early, when it did.
    pub stopped: Option<String>,
    /// What a dry run could not check (no credentials: tag and member names),
    /// and warnings such as numbers that may have the wrong country.
    pub notes: Vec<String>,
    /// Valid phones by where their country came from: read as national in a
    /// region, or written with a country code.
    pub phone_countries: CountryTally,
    pub reports: Option<ReportPaths>,
    /// The known layout the header was recognised as (its id), if any.
    pub layout: Option<String>,
    pub layout_name: Option<String>,
    /// Valid rows by the column their phone came from.
    pub phone_columns: BTreeMap<String, u64>,
    /// Valid rows by the column their email came from.
    pub email_columns: BTreeMap<String, u64>,
    /// Valid rows whose region came from a country column, by region.
    pub country_regions: BTreeMap<String, u64>,
    /// Columns read but not used, and why.
    pub ignored_columns: Vec<IgnoredColumn>,
    /// Columns that could not be checked without credentials.
    pub unchecked_columns: Vec<String>,
    /// Tags `--create-tags` created (or, in a dry run, would create).
    pub tags_created: Vec<String>,
}

/// A column the run did not use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IgnoredColumn {
    pub column: String,
    pub reason: String,
}

/// Rows decided, in row order, as the lines the reports will hold: what a
/// span keeps of a row that is decided before the rows in front of it are
/// written (about 16 bytes beyond the line).
#[derive(Debug, Default)]
pub struct Decided {
    bytes: Vec<u8>,
    rows: Vec<Line>,
}

#[derive(Debug, Clone, Copy)]
struct Line {
    row: u64,
    /// End of the line in `bytes`.
    end: u32,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Done(Action),
    Failed(ErrorCode),
}

impl Decided {
    /// Bytes held (the room taken, not only the room used).
    pub fn bytes(&self) -> usize {
        self.bytes.capacity() + self.rows.capacity() * std::mem::size_of::<Line>()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Lines held.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Empty, keeping the room.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.rows.clear();
    }

    /// Append line `i` of `other`.
    pub fn copy_line(&mut self, other: &Decided, i: usize) {
        let line = other.rows[i];
        let start = match i {
            0 => 0,
            _ => other.rows[i - 1].end as usize,
        };
        self.bytes
            .extend_from_slice(&other.bytes[start..line.end as usize]);
        self.push(line.row, line.kind);
    }

    fn push(&mut self, row: u64, kind: Kind) {
        self.rows.push(Line {
            row,
            end: self.bytes.len() as u32,
            kind,
        });
    }
}

/// Renders report lines: the error report's columns come from the input's
/// header. Cheap to clone, so the thread deciding rows renders them itself.
#[derive(Debug, Clone)]
pub struct Lines {
    /// Input columns kept in the error report (report meta columns dropped).
    kept_columns: Vec<usize>,
    header_len: usize,
}

impl Lines {
    fn new(headers: &[String]) -> Lines {
        Lines {
            kept_columns: (0..headers.len())
                .filter(|&i| !META_COLUMNS.contains(&headers[i].as_str()))
                .collect(),
            header_len: headers.len(),
        }
    }

    /// A results line: `row,phone_raw,phone,action,id,uuid,source_row`.
    pub fn result(&self, to: &mut Decided, row: u64, line: ResultLine<'_>) {
        let out = &mut to.bytes;
        write_number(out, row);
        for cell in [line.phone_raw, line.phone] {
            out.push(b',');
            put_cell(out, cell);
        }
        out.push(b',');
        out.extend_from_slice(line.action.as_str().as_bytes());
        out.push(b',');
        if let Some(id) = line.id {
            write_number(out, id);
        }
        for cell in [line.uuid, line.source_row] {
            out.push(b',');
            put_cell(out, cell);
        }
        out.push(b'\n');
        to.push(row, Kind::Done(line.action));
    }

    /// An error report line: the row's own cells (short rows padded so the
    /// meta columns line up; a long row's extra cells after them, so nothing
    /// is lost), then `_row,_error_code,_error`.
    pub fn error<'a>(
        &self,
        to: &mut Decided,
        row: u64,
        cells: impl Iterator<Item = &'a str> + Clone,
        code: ErrorCode,
        message: &str,
    ) {
        let out = &mut to.bytes;
        let mut kept = self.kept_columns.iter().peekable();
        for (i, cell) in cells.clone().take(self.header_len).enumerate() {
            if kept.peek() == Some(&&i) {
                kept.next();
                put_cell(out, cell);
                out.push(b',');
            }
        }
        for _ in kept {
            out.push(b',');
        }
        write_number(out, row);
        out.push(b',');
        out.extend_from_slice(code.as_str().as_bytes());
        out.push(b',');
        put_cell(out, &crate::redact::clean(message));
        for cell in cells.skip(self.header_len) {
            out.push(b',');
            put_cell(out, cell);
        }
        out.push(b'\n');
        to.push(row, Kind::Failed(code));
    }

    /// The line of an outcome.
    pub fn outcome(&self, to: &mut Decided, o: &RowOutcome, source_row: &str) {
        match &o.result {
            RowResult::Done {
                action,
                phone,
                id,
                uuid,
            } => self.result(
                to,
                o.row,
                ResultLine {
                    phone_raw: &o.phone_raw,
                    phone,
                    action: *action,
                    id: id.map(|i| i as u64),
                    uuid: uuid.as_deref().unwrap_or(""),
                    source_row,
                },
            ),
            RowResult::Failed { error, cells } => self.error(
                to,
                o.row,
                cells.iter().map(String::as_str),
                error.code,
                &error.message,
            ),
        }
    }
}

/// The fields of a results line after `row`.
#[derive(Debug, Clone, Copy)]
pub struct ResultLine<'a> {
    pub phone_raw: &'a str,
    pub phone: &'a str,
    pub action: Action,
    pub id: Option<u64>,
    pub uuid: &'a str,
    pub source_row: &'a str,
}

/// One CSV field: the cell with the formula guard applied
/// ([`crate::formula::guard`]: a leading `'`), in double quotes (doubled
/// inside) when it holds a comma, a double quote or a line break, as the
/// `csv` crate writes it. By hand because lines are rendered into a buffer
/// that keeps rows decided early, a line at a time, which the crate's writer
/// (a stream with its own buffer) does not offer.
fn put_cell(out: &mut Vec<u8>, cell: &str) {
    let prefix = if crate::formula::is_formula_like(cell) {
        "'"
    } else {
        ""
    };
    put_quoted(out, prefix, cell);
}

fn put_quoted(out: &mut Vec<u8>, prefix: &str, text: &str) {
    let text = text.as_bytes();
    if !text
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(text);
        return;
    }
    out.push(b'"');
    out.extend_from_slice(prefix.as_bytes());
    for &b in text {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// `n` in decimal. By hand (six lines) rather than through `write!`, whose
/// formatting machinery costs more than the rest of a results line.
fn write_number(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Writes the reports, in row order, as spans of rows arrive.
pub struct Reporter {
    paths: ReportPaths,
    results: AtomicFile,
    errors: AtomicFile,
    lines: Lines,
    next_row: u64,
    /// Spans that arrived before the rows in front of them, by first row.
    waiting: BTreeMap<u64, Waiting>,
    /// Where an outcome's line is rendered on its way out.
    scratch: Decided,
    /// `_row` of an error report fed back in, by row, for the results report.
    source_rows: HashMap<u64, String>,
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
    /// the input's; `bom` starts each CSV with a UTF-8 BOM for Excel.
    pub fn create(paths: ReportPaths, headers: &[String], bom: bool) -> Result<Reporter> {
        let lines = Lines::new(headers);
        let mut results = AtomicFile::create(&paths.results, bom)?;
        let mut errors = AtomicFile::create(&paths.errors, bom)?;
        results.write_all(b"row,phone_raw,phone,action,id,uuid,source_row\n")?;
        let mut header = Vec::new();
        for &i in &lines.kept_columns {
            put_cell(&mut header, &headers[i]);
            header.push(b',');
        }
        header.extend_from_slice(META_COLUMNS.join(",").as_bytes());
        header.push(b'\n');
        errors.write_all(&header)?;
        Ok(Reporter {
            paths,
            results,
            errors,
            lines,
            next_row: 1,
            waiting: BTreeMap::new(),
            scratch: Decided::default(),
            source_rows: HashMap::new(),
            failed_by_code: [0; ErrorCode::ALL.len()],
            summary: Summary::default(),
        })
    }

    /// The line renderer, for the thread that decides rows.
    pub fn lines(&self) -> Lines {
        self.lines.clone()
    }

    /// Take the final word on one row.
    pub fn record(&mut self, outcome: RowOutcome) -> Result<Written> {
        let row = outcome.row;
        self.write_span(row..row + 1, &mut Decided::default(), vec![outcome])
    }

    /// Take the final word on rows `rows`: each is in `decided` (rendered,
    /// in row order) or in `outcomes` (any order), exactly once. Written at
    /// once when every row before them is; otherwise kept until then.
    /// `decided` is left empty (its room kept when it was written).
    pub fn write_span(
        &mut self,
        rows: Range<u64>,
        decided: &mut Decided,
        mut outcomes: Vec<RowOutcome>,
    ) -> Result<Written> {
        let held = decided.bytes();
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
                self.lines.outcome(&mut scratch, o, &source_row);
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
                }
                true
            }
            Kind::Failed(code) => {
                written.failed += 1;
                self.failed_by_code[code as usize] += 1;
                if !self.source_rows.is_empty() {
                    self.source_rows.remove(&line.row);
                }
                false
            }
        }
    }

    fn run_out(&mut self, ok: bool, bytes: &[u8]) -> Result<()> {
        let file = if ok {
            &mut self.results
        } else {
            &mut self.errors
        };
        Ok(file.write_all(bytes)?)
    }

    /// The original row (`_row` of an error report fed back in) of `row`,
    /// for the results report's `source_row`.
    pub fn note_source_row(&mut self, row: u64, source_row: String) {
        self.source_rows.insert(row, source_row);
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
        self.summary.reports = Some(self.paths.clone());
        self.summary.stopped = self.summary.stopped.as_deref().map(redact::cleaned);
        for note in &mut self.summary.notes {
            *note = redact::cleaned(&*note);
        }
        if self.summary.rows_per_s == 0.0 && self.summary.elapsed_s > 0.0 {
            self.summary.rows_per_s = self.summary.rows_read as f64 / self.summary.elapsed_s;
        }
        let mut summary = AtomicFile::create(&self.paths.summary, false)?;
        serde_json::to_writer_pretty(&mut summary, &self.summary).map_err(std::io::Error::from)?;
        summary.write_all(b"\n")?;
        // The three files reach the disk side by side, then are renamed into
        // place, the summary last.
        let mut files = [self.results, self.errors, summary];
        std::thread::scope(|scope| {
            let syncs: Vec<_> = files
                .iter_mut()
                .map(|f| scope.spawn(move || f.sync()))
                .collect();
            syncs.into_iter().try_for_each(|s| {
                s.join()
                    .unwrap_or_else(|_| Err(Error::Fatal("a report was not written".into())))
            })
        })?;
        files.into_iter().try_for_each(AtomicFile::commit)?;
        Ok(self.summary)
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        Error::Usage(format!("cannot write a report: {e}"))
    }
}
