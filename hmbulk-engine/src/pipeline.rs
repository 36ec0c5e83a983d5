//! The import pipeline: wires the stages together for one file.
//!
//! The calling thread reads records a chunk at a time, validates each chunk
//! on rayon (order kept), drops in-file duplicates and cuts the valid rows into
//! batches; `concurrency` worker threads send the batches (sharing one
//! client, so one rate limiter); every row's outcome goes to the
//! [`Reporter`]. A bounded queue between reader and workers keeps memory flat
//! whatever the file size. A fatal API error stops the reading; rows read but
//! not sent are reported as `not_sent`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::api::{ApiError, ApiVersion, Client};
use crate::batch::{Mode, Pending, Sender};
use crate::channel::ChannelPlan;
use crate::choice::choice;
use crate::contact::Validator;
use crate::dedupe::Dedupe;
use crate::error::{Error, Result};
use crate::input::{Record, RowReader};
use crate::outcome::{Action, ErrorCode, RowError, RowOutcome, RowResult};
use crate::phone::CountryTally;
use crate::progress::Progress;
use crate::report::{Reporter, Summary};

/// Records validated per rayon call.
const CHUNK_ROWS: usize = 4096;

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

pub struct ImportSettings {
    pub mode: Mode,
    pub api: ApiVersion,
    pub batch_size: usize,
    pub concurrency: usize,
    pub on_duplicate: OnDuplicate,
}

/// Everything a finished (or stopped) run knows.
pub struct RunResult {
    pub summary: Summary,
    /// The fatal error that stopped the run, if one did.
    pub fatal: Option<ApiError>,
    /// The user interrupted the run (Ctrl-C).
    pub interrupted: bool,
}

/// Run the pipeline. `client` is `None` for a dry run: valid rows are
/// reported as `valid` and nothing is sent. When `interrupt` turns true
/// (Ctrl-C), reading stops, the batches in flight finish, and the rows read
/// but not sent are reported as `not_sent`.
pub fn run(
    mut reader: RowReader,
    validator: &Validator,
    client: Option<&Client>,
    settings: &ImportSettings,
    reporter: Reporter,
    progress: &Progress,
    interrupt: &AtomicBool,
) -> Result<RunResult> {
    let started = Instant::now();
    let reporter = Mutex::new(reporter);
    let fatal: Mutex<Option<ApiError>> = Mutex::new(None);
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
                    let sender = Sender::new(client, settings.mode, settings.api, max_items);
                    while let Some(batch) = next_batch(&rx) {
                        if stop.load(Ordering::SeqCst) || interrupt.load(Ordering::SeqCst) {
                            let reason = stopped_reason(fatal, interrupt);
                            batch.into_iter().for_each(|p| record(not_sent(p, &reason)));
                            continue;
                        }
                        batches.fetch_add(1, Ordering::Relaxed);
                        // A row's extra phones and emails go to its contact
                        // after the write (crate::channel).
                        let channels = ChannelPlan::of(&batch);
                        let (outcomes, error) = sender.send(batch);
                        let (outcomes, error) = channels.add(client, outcomes, error);
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
                let draft = match result {
                    Ok(d) => d,
                    Err(error) => {
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
                batch.push(Pending {
                    draft,
                    cells: rec.cells,
                });
                if batch.len() >= settings.batch_size {
                    let full =
                        std::mem::replace(&mut batch, Vec::with_capacity(settings.batch_size));
                    if let Err(unsent) = tx.send(full) {
                        // Every worker is gone: nothing can be sent.
                        let reason = stopped_reason(&fatal, interrupt);
                        unsent
                            .0
                            .into_iter()
                            .for_each(|p| record(not_sent(p, &reason)));
                    }
                }
            }
            if stop.load(Ordering::SeqCst) || interrupt.load(Ordering::SeqCst) {
                break;
            }
        }
        if !batch.is_empty() {
            if stop.load(Ordering::SeqCst) || interrupt.load(Ordering::SeqCst) || client.is_none() {
                let reason = stopped_reason(&fatal, interrupt);
                batch.into_iter().for_each(|p| record(not_sent(p, &reason)));
            } else if let Err(unsent) = tx.send(batch) {
                let reason = stopped_reason(&fatal, interrupt);
                unsent
                    .0
                    .into_iter()
                    .for_each(|p| record(not_sent(p, &reason)));
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
    s.phone_countries = countries;
    let interrupted = interrupt.load(Ordering::SeqCst);
    if let Some(e) = &fatal {
        s.stopped = Some(format!("{e}; rows after row {} were not read", s.rows_read));
    } else if interrupted {
        s.stopped = Some(format!(
            "interrupted (Ctrl-C); rows after row {} were not read",
            s.rows_read
        ));
    }
    if let Some(e) = read_error {
        s.stopped = Some(format!("{e}; rows after row {} were not read", s.rows_read));
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

fn next_batch(rx: &Mutex<Receiver<Vec<Pending>>>) -> Option<Vec<Pending>> {
    rx.lock().unwrap_or_else(|e| e.into_inner()).recv().ok()
}

fn stopped_reason(fatal: &Mutex<Option<ApiError>>, interrupt: &AtomicBool) -> String {
    match &*fatal.lock().unwrap_or_else(|e| e.into_inner()) {
        Some(e) => format!(
            "not sent: the run stopped ({e}); import this error report again once that is fixed"
        ),
        None if interrupt.load(Ordering::SeqCst) => {
            "not sent: the run was interrupted (Ctrl-C); import this error report again".into()
        }
        None => "not sent: the run stopped early; import this error report again".into(),
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
