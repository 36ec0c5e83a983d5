//! The import pipeline: wires the stages together for one file.
//!
//! Threads, each with one job, handing work on through bounded queues:
//!
//! ```text
//! reader ──chunks──> validators (one per core) ──> decider (this thread) ──spans──> senders
//!   ^                                                 │      (import only, --concurrency)
//!   └────────── the same few chunk buffers ───────────┘
//! ```
//!
//! The reader fills chunks of records; validators validate whole chunks;
//! the decider takes them back in row order, drops in-file duplicates, renders
//! the rows it can decide (invalid rows, duplicates; every row in a dry run)
//! and cuts the rest into spans. A span is a run of consecutive rows: the
//! rows already decided and a batch of rows to send; a sender sends the
//! batch (sharing one client, so one rate limiter) and hands the whole span
//! to the [`Reporter`], which writes spans in row order. Memory stays flat
//! whatever the file and wherever its valid rows fall: a fixed set of chunk
//! buffers circulates, at most `--concurrency` spans wait to be sent, and
//! decided rows held behind rows still being sent are capped
//! ([`HELD_BUDGET`]): past it the open batch is sent at once and reading
//! waits for the reports to catch up.
//!
//! A stop (a fatal API error, the journal that cannot be written, Ctrl-C)
//! stops the sending, not the reading: every row is still read, validated
//! and reported, the valid rows not sent as `not_sent`. With a journal each
//! batch is recorded as it is sent (by the [`Sender`]); resuming a stopped
//! run, the rows its journal decided are reported as they were decided, and
//! the rows it had in flight are settled by the sender's search.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::api::{ApiVersion, Client};
use crate::batch::{Halt, Merge, Mode, Pending, RESUME_ADVICE, Sender, Strategy};
use crate::choice::choice;
use crate::contact::Validator;
use crate::dedupe::held::HeldColumns;
use crate::error::{Error, Result};
use crate::input::RowReader;
use crate::journal::{Journal, Resume};
use crate::outcome::{ErrorCode, RowError, RowOutcome, RowResult};
use crate::progress::Progress;
use crate::report::{Decided, Reporter, Summary, Written};

mod decide;
use decide::{Decider, Span};
mod validate;
use validate::{Check, Valid, Work, validate_chunks};

/// Records per chunk. Chunks are handed from thread to thread; at 1,024
/// records the hand-overs (a wake-up each) cost 7% of a 1M-row dry run's
/// wall time, at 4,096 they are lost in the noise, and the few chunks in
/// flight still hold no more than a few MB.
pub const CHUNK_ROWS: usize = 4096;

/// Validating threads at most, whatever the cores. The reader and the
/// decider, a thread each, get through 2 to 3 million rows a second (a
/// 1M-row dry run here: 0.34 and 0.44 s of CPU), what three or four
/// validators do, so more would wait; and the phone metadata the validators
/// share keeps its compiled patterns' caches in eight stacks chosen by
/// thread (the `regex` crate's pool): up to eight threads never queue for
/// one, more would build throwaway caches when two meet.
const MAX_VALIDATORS: usize = 8;

/// Bytes of decided rows (rendered report lines) that may wait behind rows
/// still being sent before the open batch is sent early and reading waits.
/// Counted in bytes, not rows, so wide rows are held no longer than narrow.
pub const HELD_BUDGET: usize = 8 << 20;

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
    /// How a row meets the contact it updates (tags by `--tags`, the
    /// display name, [`crate::batch::merge`]); `None`: written as it is.
    pub merge: Option<&'a Merge>,
    /// Bytes of decided rows that may wait behind rows being sent
    /// ([`HELD_BUDGET`]; tests make it small).
    pub held_budget: usize,
}

/// Everything a finished (or stopped) run knows.
pub struct RunResult {
    pub summary: Summary,
    /// What stopped the run's sending, if anything did.
    pub fatal: Option<Halt>,
    /// The user interrupted the run (Ctrl-C).
    pub interrupted: bool,
}

/// What the threads share.
struct Shared<'a> {
    reporter: Mutex<Reporter>,
    progress: &'a Progress,
    interrupt: &'a AtomicBool,
    /// Set by the first fatal error: stop sending.
    stop: AtomicBool,
    /// Set by the first report write error: nothing more can be reported,
    /// stop reading.
    abort: AtomicBool,
    fatal: Mutex<Option<Halt>>,
    report_error: Mutex<Option<Error>>,
    batches: AtomicUsize,
    /// Bytes of decided rows handed on but not yet written.
    held: AtomicUsize,
    written: (Mutex<()>, Condvar),
}

impl Shared<'_> {
    /// Sending has stopped (a fatal error or Ctrl-C): rows left are `not_sent`.
    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst) || self.interrupt.load(Ordering::SeqCst)
    }

    fn aborted(&self) -> bool {
        self.abort.load(Ordering::SeqCst)
    }

    /// Count `bytes` of decided rows as handed on.
    fn hold(&self, bytes: usize) {
        self.held.fetch_add(bytes, Ordering::SeqCst);
    }

    /// Hand the rows `rows` to the reporter: `decided` (rendered) and the
    /// outcomes of the rows that were to be sent.
    fn write(&self, rows: Range<u64>, decided: &mut Decided, outcomes: Vec<RowOutcome>) {
        let bytes = decided.bytes();
        let result = lock(&self.reporter).write_span(rows, decided, outcomes);
        match result {
            Ok(Written {
                ok,
                failed,
                released,
            }) => {
                self.progress.rows_done(ok, failed);
                self.release(released);
            }
            Err(e) => {
                self.stop.store(true, Ordering::SeqCst);
                self.abort.store(true, Ordering::SeqCst);
                lock(&self.report_error).get_or_insert(e);
                self.release(bytes);
            }
        }
    }

    fn release(&self, bytes: usize) {
        if bytes > 0 {
            let _ = self
                .held
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |held| {
                    Some(held.saturating_sub(bytes))
                });
            let _guard = lock(&self.written.0);
            self.written.1.notify_all();
        }
    }

    /// Wait until the decided rows held are below `limit` (or the run aborts).
    fn wait_for_reports(&self, limit: usize) {
        let mut guard = lock(&self.written.0);
        while self.held.load(Ordering::SeqCst) > limit && !self.aborted() {
            guard = match self
                .written
                .1
                .wait_timeout(guard, Duration::from_millis(100))
            {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
    }

    /// The `not_sent` outcomes of rows the run will not send.
    fn not_sent(&self, pending: Vec<Pending>) -> Vec<RowOutcome> {
        let reason = stopped_reason(&self.fatal, self.interrupt);
        pending
            .into_iter()
            .map(|p| RowOutcome {
                row: p.draft.row,
                phone_raw: p.draft.phone_raw.into_owned(),
                result: RowResult::Failed {
                    error: RowError::new(ErrorCode::NotSent, reason.clone()),
                    cells: p.cells,
                },
            })
            .collect()
    }
}

/// A named thread of the scope (names show in `top -H` and profilers).
fn spawn<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: &str,
    f: impl FnOnce() -> T + Send + 'scope,
) -> std::thread::ScopedJoinHandle<'scope, T> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn_scoped(scope, f)
        .expect("a thread can be started")
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Run the pipeline. `client` is `None` for a dry run: valid rows are
/// reported as `valid` and nothing is sent. When `interrupt` turns true
/// (Ctrl-C), sending stops, the batches in flight finish, and the rest of
/// the file is read and reported, its valid rows as `not_sent`.
pub fn run(
    reader: RowReader,
    validator: &Validator,
    client: Option<&Client>,
    settings: &ImportSettings<'_>,
    reporter: Reporter,
    progress: &Progress,
    interrupt: &AtomicBool,
) -> Result<RunResult> {
    let started = Instant::now();
    let lines = reporter.lines();
    let shared = Shared {
        reporter: Mutex::new(reporter),
        progress,
        interrupt,
        stop: AtomicBool::new(false),
        abort: AtomicBool::new(false),
        fatal: Mutex::new(None),
        report_error: Mutex::new(None),
        batches: AtomicUsize::new(0),
        held: AtomicUsize::new(0),
        written: (Mutex::new(()), Condvar::new()),
    };
    let validators = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(MAX_VALIDATORS);
    let (free_tx, free_rx) = channel::<Work>();
    for _ in 0..validators * 2 + 2 {
        let _ = free_tx.send(Work::default());
    }
    let (work_tx, work_rx) = sync_channel::<Work>(validators);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = channel::<Work>();
    let (span_tx, span_rx) = sync_channel::<Span>(settings.concurrency.max(1));
    let span_rx = Mutex::new(span_rx);
    let max_items = AtomicUsize::new(settings.batch_size.max(1));
    let check = Check {
        validator,
        lines: &lines,
        dry_run: client.is_none(),
        // A dry run sends nothing, so it has nothing to resume.
        resume: settings.resume.filter(|_| client.is_some()),
        keep_who: settings.on_duplicate == OnDuplicate::Skip,
        held: HeldColumns::of(validator.mapping().headers()),
        on_duplicate: settings.on_duplicate,
    };

    let (reader, mut counts) = std::thread::scope(|scope| {
        let shared = &shared;
        let reading = spawn(scope, "reader", move || {
            read_chunks(reader, free_rx, work_tx, shared)
        });
        for _ in 0..validators {
            let (work_rx, done_tx, check) = (&work_rx, done_tx.clone(), &check);
            spawn(scope, "validator", move || {
                validate_chunks(check, work_rx, done_tx)
            });
        }
        drop(done_tx);
        if let Some(client) = client {
            for _ in 0..settings.concurrency.max(1) {
                let (span_rx, max_items) = (&span_rx, &max_items);
                spawn(scope, "sender", move || {
                    let sender = Sender::new(client, settings.mode, settings.api, max_items)
                        .with_journal(settings.journal)
                        .with_strategy(settings.strategy)
                        .with_merge(settings.merge);
                    send_spans(&sender, span_rx, shared)
                });
            }
        }
        let lines = lines.clone();
        let mut decider = Decider::new(shared, settings, lines, client.is_none(), validator);
        decider.run(done_rx, free_tx, &span_tx);
        drop(span_tx);
        let reader = reading.join().expect("the reading thread does not panic");
        (reader, decider.counts())
    });

    if let Some(e) = shared
        .report_error
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
    {
        return Err(e);
    }
    let fatal = shared.fatal.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut reporter = shared
        .reporter
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    reporter.read_from(&reader);
    let s = &mut reporter.summary;
    counts.add_to(s, validator.mapping());
    let (unchecked_names, read_error) = (counts.unchecked_names, counts.input_error);
    s.elapsed_s = started.elapsed().as_secs_f64();
    s.rows_per_s = if s.elapsed_s > 0.0 {
        s.rows_read as f64 / s.elapsed_s
    } else {
        0.0
    };
    s.batches = shared.batches.load(Ordering::Relaxed) as u64;
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
    let countries = counts.countries.into_tally();
    let mapping = validator.mapping();
    let country_column = mapping.countries().first().map(|&c| mapping.header(c));
    let default_region = validator.phones().default_region();
    s.notes
        .extend(countries.notes(default_region, country_column));
    s.notes.extend(settings.strategy.and_then(Strategy::note));
    if let Some(merge) = settings.merge {
        tags_into(s, merge);
    }
    s.phone_countries = countries;
    let interrupted = interrupt.load(Ordering::SeqCst);
    if let Some(e) = &fatal {
        s.stopped = Some(e.to_string());
    } else if interrupted {
        s.stopped = Some("interrupted (Ctrl-C)".to_string());
    }
    if let Some(e) = read_error {
        let last = lines.shown(s.rows_read);
        s.stopped = Some(match s.stopped.take() {
            Some(first) => format!("{first}; then {e}; rows after row {last} were not read"),
            None => format!("{e}; rows after row {last} were not read"),
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

/// The reader: fills the free chunk buffers in file order until the end,
/// a read error (passed on in its place) or a report that cannot be
/// written. Gives the reader back for the summary (encoding, delimiter,
/// blank lines).
fn read_chunks(
    mut reader: RowReader,
    free: Receiver<Work>,
    work: SyncSender<Work>,
    shared: &Shared,
) -> RowReader {
    let mut seq = 0;
    while let Ok(mut w) = free.recv() {
        if shared.aborted() {
            break;
        }
        w.seq = seq;
        seq += 1;
        let result = reader.read_chunk(&mut w.chunk, CHUNK_ROWS);
        shared
            .progress
            .rows_read(w.chunk.len() as u64, reader.bytes_read());
        let end = match result {
            Ok(()) if w.chunk.is_empty() => break,
            Ok(()) => false,
            Err(e) => {
                w.error = Some(e);
                true
            }
        };
        if work.send(w).is_err() || end {
            break;
        }
    }
    reader
}

/// A sender: sends the batch of each span and hands the span on.
fn send_spans(sender: &Sender, spans: &Mutex<Receiver<Span>>, shared: &Shared) {
    loop {
        let next = lock(spans).recv();
        let Ok(mut span) = next else { return };
        let pending = std::mem::take(&mut span.pending);
        let outcomes = if shared.stopping() {
            shared.not_sent(pending)
        } else {
            shared.batches.fetch_add(1, Ordering::Relaxed);
            let (outcomes, halt) = sender.send(pending);
            if let Some(halt) = halt {
                lock(&shared.fatal).get_or_insert(halt);
                shared.stop.store(true, Ordering::SeqCst);
            }
            outcomes
        };
        shared.write(span.rows, &mut span.decided, outcomes);
    }
}

/// What the run's writes did to tags, in the summary; a `replace` that
/// took tags off contacts says which, and from how many.
fn tags_into(s: &mut Summary, merge: &Merge) {
    let tally = merge.tally();
    s.tags_mode = merge.tags_mode.to_string();
    s.tags_added = tally.added;
    s.tags_removed = tally.removed;
    s.tags_removed_from = (tally.lost.iter())
        .map(|(&id, &n)| (merge.tag_name(id), n))
        .collect();
    if merge.tags_mode == crate::contact::tags::TagsMode::Replace && tally.removed > 0 {
        let mut lost: Vec<(&i64, &u64)> = tally.lost.iter().collect();
        lost.sort_by_key(|&(id, n)| (std::cmp::Reverse(*n), *id));
        let which: Vec<String> = (lost.iter())
            .map(|&(&id, n)| format!("\"{}\" from {n}", merge.tag_name(id)))
            .collect();
        let contacts = match tally.contacts_losing {
            1 => "1 contact".to_string(),
            n => format!("{n} contacts"),
        };
        s.notes.push(format!(
            "--tags replace took tags off {contacts} (each row's tags became its contact's \
             whole set): {}",
            which.join(", ")
        ));
    }
}

fn stopped_reason(fatal: &Mutex<Option<Halt>>, interrupt: &AtomicBool) -> String {
    match &*lock(fatal) {
        Some(e) => format!("not sent: the run stopped ({e}); once that is fixed, {RESUME_ADVICE}"),
        None if interrupt.load(Ordering::SeqCst) => {
            format!("not sent: the run was interrupted (Ctrl-C); {RESUME_ADVICE}")
        }
        None => format!("not sent: the run stopped early; {RESUME_ADVICE}"),
    }
}
