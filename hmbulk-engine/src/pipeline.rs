//! The import pipeline: wires the stages together for one file.
//!
//! The calling thread reads records a chunk at a time, validates each chunk
//! on rayon (order kept), drops in-file duplicates and cuts the valid rows into
//! batches; `concurrency` worker threads send the batches (sharing one
//! client, so one rate limiter); every row's outcome goes to the
//! [`Reporter`]. A bounded queue between reader and workers keeps memory flat
//! whatever the file size.
//!
//! A stop (a fatal API error, the journal that cannot be written, Ctrl-C)
//! stops the sending, not the reading: every row is still read, validated
//! and reported, the valid rows not sent as `not_sent`. With a journal each
//! batch is recorded as it is sent; resuming a stopped run, the rows its
//! journal decided are reported as they were decided, and the rows it had
//! in flight are settled by the sender's search.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::api::{ApiVersion, Client};
use crate::batch::{Halt, Mode, Pending, RESUME_ADVICE, Sender, Strategy};
use crate::choice::choice;
use crate::contact::Validator;
use crate::dedupe::Dedupe;
use crate::error::{Error, Result};
use crate::input::{Record, RowReader};
use crate::journal::{Journal, Resume, RowState};
use crate::outcome::{Action, ErrorCode, RowError, RowOutcome, RowResult};
use crate::phone::CountryTally;
use crate::progress::Progress;
use crate::report::{Reporter, Summary};

/// Records validated per rayon call.
const CHUNK_ROWS: usize = 4096;

/// Rows decided early (invalid rows, duplicates) that may wait in the
/// reporter behind rows still to be sent before the open batch goes early
/// and reading waits for the reports to catch up.
const HELD_ROWS: usize = 2 * CHUNK_ROWS;

/// What to do with a row whose phone repeats an earlier row's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnDuplicate {
    #[default]
    Error,
    Skip,
}

choice!(OnDuplicate, "--on-duplicate", {
    Error => ("error", "Report it in the errors report as `duplicate_in_file` (default)"),
    Skip => ("skip", "Report it as `skipped` in the results report"),
});

pub struct ImportSettings<'a> {
    pub mode: Mode,
    pub api: ApiVersion,
    pub batch_size: usize,
    pub concurrency: usize,
    pub on_duplicate: OnDuplicate,
    /// Where each batch is recorded as it is sent.
    pub journal: Option<&'a Journal>,
    /// What a stopped run's journal recorded (`--resume`).
    pub resume: Option<&'a Resume>,
    /// Search first or create first ([`crate::batch::strategy`]); `None`:
    /// every batch is searched first.
    pub strategy: Option<&'a Strategy>,
}

/// Everything a finished (or stopped) run knows.
pub struct RunResult {
    pub summary: Summary,
    /// What stopped the run's sending, if anything did.
    pub fatal: Option<Halt>,
    /// The user interrupted the run (Ctrl-C).
    pub interrupted: bool,
}

/// Run the pipeline. `client` is `None` for a dry run: valid rows are
/// reported as `valid` and nothing is sent. When `interrupt` turns true
/// (Ctrl-C), sending stops, the batches in flight finish, and the rest of
/// the file is read and reported, its valid rows as `not_sent`.
pub fn run(
    mut reader: RowReader,
    validator: &Validator,
    client: Option<&Client>,
    settings: &ImportSettings<'_>,
    reporter: Reporter,
    progress: &Progress,
    interrupt: &AtomicBool,
) -> Result<RunResult> {
    let started = Instant::now();
    let reporter = Mutex::new(reporter);
    let fatal: Mutex<Option<Halt>> = Mutex::new(None);
    let stop = AtomicBool::new(false);
    let max_items = AtomicUsize::new(settings.batch_size.max(1));
    let report_error: Mutex<Option<Error>> = Mutex::new(None);
    let batches = AtomicUsize::new(0);

    // Every outcome goes through here; the first write error is kept.
    let record = |o: RowOutcome| {
        progress.row_done(o.is_ok());
        let mut r = reporter.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = r.record(o) {
            stop.store(true, Ordering::SeqCst);
            report_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert(e);
        }
    };

    let (tx, rx) = sync_channel::<Vec<Pending>>(settings.concurrency.max(1));
    let rx = Arc::new(Mutex::new(rx));

    let (read_error, unchecked_names, countries) = std::thread::scope(|scope| {
        if let Some(client) = client {
            for _ in 0..settings.concurrency.max(1) {
                let rx = Arc::clone(&rx);
                let (fatal, stop, max_items, record, batches) =
                    (&fatal, &stop, &max_items, &record, &batches);
                scope.spawn(move || {
                    let sender = Sender::new(client, settings.mode, settings.api, max_items)
                        .with_journal(settings.journal)
                        .with_strategy(settings.strategy);
                    while let Some(batch) = next_batch(&rx) {
                        if stop.load(Ordering::SeqCst) || interrupt.load(Ordering::SeqCst) {
                            let reason = stopped_reason(fatal, interrupt);
                            batch.into_iter().for_each(|p| record(not_sent(p, &reason)));
                            continue;
                        }
                        batches.fetch_add(1, Ordering::Relaxed);
                        let (outcomes, error) = sender.send(batch);
                        if let Some(e) = error {
                            fatal
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .get_or_insert(e);
                            stop.store(true, Ordering::SeqCst);
                        }
                        outcomes.into_iter().for_each(record);
                    }
                });
            }
        }

        // A batch to the workers; when every worker is gone, nothing can
        // be sent.
        let send = |batch: Vec<Pending>| {
            if let Err(unsent) = tx.send(batch) {
                let reason = stopped_reason(&fatal, interrupt);
                unsent
                    .0
                    .into_iter()
                    .for_each(|p| record(not_sent(p, &reason)));
            }
        };

        // The reading side, on this thread.
        let mut columns = ColumnCounts::default();
        let mut dedupe = Dedupe::new();
        let mut unchecked_names = 0u64;
        let mut countries = CountryTally::default();
        let mut batch: Vec<Pending> = Vec::with_capacity(settings.batch_size);
        let mut chunk: Vec<Record> = Vec::with_capacity(CHUNK_ROWS);
        let mut input_error: Option<Error> = None;
        let mut done_reading = false;
        while !done_reading {
            chunk.clear();
            while chunk.len() < CHUNK_ROWS {
                match reader.next() {
                    Some(Ok(rec)) => chunk.push(rec),
                    Some(Err(e)) => {
                        input_error = Some(e);
                        done_reading = true;
                        break;
                    }
                    None => {
                        done_reading = true;
                        break;
                    }
                }
            }
            progress.rows_read(chunk.len() as u64, reader.bytes_read());
            let validated = validator.validate_chunk(&chunk);
            for (rec, result) in chunk.drain(..).zip(validated) {
                let state = match settings.resume {
                    Some(resume) if client.is_some() => resume.state(rec.row),
                    _ => RowState::Fresh,
                };
                let draft = match (result, state) {
                    (Ok(d), _) => d,
                    // Sent by the stopped run: what it decided stands.
                    (Err(_), RowState::Decided(d)) => {
                        record(d.outcome(rec.row, String::new(), Default::default(), rec.cells));
                        continue;
                    }
                    (Err(error), _) => {
                        record(failed(rec, error));
                        continue;
                    }
                };
                columns.count(&draft);
                if let Some(source_row) = &draft.source_row {
                    reporter
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .note_source_row(draft.row, source_row.clone());
                }
                if let Some(dup) = dedupe.find(&draft) {
                    reporter
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .count_duplicate();
                    let (name, email) = draft.who();
                    match settings.on_duplicate {
                        OnDuplicate::Skip => record(RowOutcome {
                            row: draft.row,
                            phone_raw: draft.phone_raw,
                            result: RowResult::Done {
                                action: Action::Skipped,
                                phone: draft.phone,
                                name,
                                email,
                                id: None,
                                uuid: None,
                            },
                        }),
                        OnDuplicate::Error => {
                            let mut error = dup.row_error(&draft);
                            error.message += " (or pass --on-duplicate skip)";
                            record(failed(rec, error));
                        }
                    }
                    continue;
                }
                countries.add(&draft.phone, draft.national_in);
                if draft.has_unchecked_names() {
                    unchecked_names += 1;
                }
                if client.is_none() {
                    let (name, email) = draft.who();
                    record(RowOutcome {
                        row: draft.row,
                        phone_raw: draft.phone_raw,
                        result: RowResult::Done {
                            action: Action::Valid,
                            phone: draft.phone,
                            name,
                            email,
                            id: None,
                            uuid: None,
                        },
                    });
                    continue;
                }
                let settle = match state {
                    RowState::Decided(d) => {
                        let who = draft.who();
                        record(d.outcome(draft.row, draft.phone_raw, who, rec.cells));
                        continue;
                    }
                    RowState::InFlight(action) => Some(action),
                    RowState::Fresh => None,
                };
                let pending = Pending {
                    settle,
                    ..Pending::new(draft, rec.cells)
                };
                // Stopped: the rest of the file is read and reported, not sent.
                if stop.load(Ordering::SeqCst) || interrupt.load(Ordering::SeqCst) {
                    record(not_sent(pending, &stopped_reason(&fatal, interrupt)));
                    continue;
                }
                batch.push(pending);
                if batch.len() >= settings.batch_size {
                    let full =
                        std::mem::replace(&mut batch, Vec::with_capacity(settings.batch_size));
                    send(full);
                }
            }
            // Memory stays flat whatever the file: rows decided early do
            // not pile up behind a batch still being filled.
            let held = || lock(&reporter).held();
            if held() > HELD_ROWS {
                if !batch.is_empty() {
                    send(std::mem::take(&mut batch));
                }
                while held() > HELD_ROWS {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
            }
        }
        if !batch.is_empty() {
            if stop.load(Ordering::SeqCst) || interrupt.load(Ordering::SeqCst) || client.is_none() {
                let reason = stopped_reason(&fatal, interrupt);
                batch.into_iter().for_each(|p| record(not_sent(p, &reason)));
            } else {
                send(batch);
            }
        }
        drop(tx);
        let mut r = reporter.lock().unwrap_or_else(|e| e.into_inner());
        columns.into_summary(&mut r.summary, validator.mapping());
        (input_error, unchecked_names, countries)
    });

    if let Some(e) = report_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    let fatal = fatal.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut reporter = reporter.into_inner().unwrap_or_else(|e| e.into_inner());
    let s = &mut reporter.summary;
    s.elapsed_s = started.elapsed().as_secs_f64();
    s.rows_per_s = if s.elapsed_s > 0.0 {
        s.rows_read as f64 / s.elapsed_s
    } else {
        0.0
    };
    s.batches = batches.load(Ordering::Relaxed) as u64;
    s.encoding = reader.encoding().as_str().to_string();
    s.delimiter = delimiter_name(reader.delimiter());
    s.blank_lines = reader.blank_lines();
    if let Some(client) = client {
        s.requests = client.stats.requests.load(Ordering::Relaxed);
        s.retries = client.stats.retries.load(Ordering::Relaxed);
        s.rate_limited = client.stats.rate_limited.load(Ordering::Relaxed);
    }
    if unchecked_names > 0 {
        s.notes.push(format!(
            "{unchecked_names} valid rows name tags or members that could not be checked without \
             credentials; run validate with credentials (or --sandbox) to check them"
        ));
    }
    if let Some(warning) = countries.warning() {
        s.notes.push(warning);
    }
    s.notes.extend(settings.strategy.and_then(Strategy::note));
    s.phone_countries = countries;
    let interrupted = interrupt.load(Ordering::SeqCst);
    if let Some(e) = &fatal {
        s.stopped = Some(e.to_string());
    } else if interrupted {
        s.stopped = Some("interrupted (Ctrl-C)".to_string());
    }
    if let Some(e) = read_error {
        s.stopped = Some(match s.stopped.take() {
            Some(first) => format!(
                "{first}; then {e}; rows after row {} were not read",
                s.rows_read
            ),
            None => format!("{e}; rows after row {} were not read", s.rows_read),
        });
        let summary = reporter.finish()?;
        return Err(Error::input(
            reader.path(),
            format!(
                "{}; reports for the rows before it are in {}",
                summary.stopped.clone().unwrap_or_default(),
                summary
                    .reports
                    .as_ref()
                    .map(|r| r.errors.display().to_string())
                    .unwrap_or_default()
            ),
        ));
    }
    let summary = reporter.finish()?;
    Ok(RunResult {
        summary,
        fatal,
        interrupted,
    })
}

/// Valid rows by the column their phone and email came from, and by the
/// region a country column gave them.
#[derive(Default)]
struct ColumnCounts {
    phones: HashMap<usize, u64>,
    emails: HashMap<usize, u64>,
    regions: HashMap<String, u64>,
}

impl ColumnCounts {
    fn count(&mut self, draft: &crate::contact::Draft) {
        *self.phones.entry(draft.phone_column).or_default() += 1;
        if let Some(i) = draft.email_column {
            *self.emails.entry(i).or_default() += 1;
        }
        if let Some(region) = &draft.country_region {
            *self.regions.entry(region.clone()).or_default() += 1;
        }
    }

    fn into_summary(self, s: &mut Summary, mapping: &crate::mapping::Mapping) {
        for (i, n) in self.phones {
            *s.phone_columns
                .entry(mapping.header(i).to_string())
                .or_default() += n;
        }
        for (i, n) in self.emails {
            *s.email_columns
                .entry(mapping.header(i).to_string())
                .or_default() += n;
        }
        s.country_regions.extend(self.regions);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn next_batch(rx: &Mutex<Receiver<Vec<Pending>>>) -> Option<Vec<Pending>> {
    rx.lock().unwrap_or_else(|e| e.into_inner()).recv().ok()
}

fn stopped_reason(fatal: &Mutex<Option<Halt>>, interrupt: &AtomicBool) -> String {
    match &*fatal.lock().unwrap_or_else(|e| e.into_inner()) {
        Some(e) => format!("not sent: the run stopped ({e}); once that is fixed, {RESUME_ADVICE}"),
        None if interrupt.load(Ordering::SeqCst) => {
            format!("not sent: the run was interrupted (Ctrl-C); {RESUME_ADVICE}")
        }
        None => format!("not sent: the run stopped early; {RESUME_ADVICE}"),
    }
}

fn not_sent(p: Pending, reason: &str) -> RowOutcome {
    RowOutcome {
        row: p.draft.row,
        phone_raw: p.draft.phone_raw,
        result: RowResult::Failed {
            error: RowError::new(ErrorCode::NotSent, reason),
            cells: p.cells,
        },
    }
}

fn failed(rec: Record, error: RowError) -> RowOutcome {
    RowOutcome {
        row: rec.row,
        phone_raw: String::new(),
        result: RowResult::Failed {
            error,
            cells: rec.cells,
        },
    }
}

fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".into(),
        other => (other as char).to_string(),
    }
}
