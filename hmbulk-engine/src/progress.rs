//! Progress on stderr for long runs: rows read, rows done, rows failed,
//! rows/s and (when the total is known) ETA. Shown only on a terminal, or
//! when asked with `--progress`; otherwise every call is a no-op.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    read: AtomicU64,
    done: AtomicU64,
    failed: AtomicU64,
    started: Instant,
}

impl Progress {
    /// `forced` shows it even when stderr is not a terminal; `quiet` never.
    /// `total` is what the bar counts to, for an ETA: contacts (export) or
    /// the input file's bytes (import).
    pub fn new(label: &str, total: Option<u64>, forced: bool, quiet: bool) -> Progress {
        let show = !quiet && (forced || std::io::stderr().is_terminal());
        let bar = show.then(|| {
            let bar = match total {
                Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
                None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
            };
            let template = if total.is_some() {
                "{prefix} [{bar:30}] {percent:>3}% ETA {eta} {msg}"
            } else {
                "{prefix} {spinner} {pos} rows {per_sec} {elapsed} {msg}"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(label.to_string());
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            read: AtomicU64::new(0),
            done: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            started: Instant::now(),
        }
    }

    /// `n` more rows read; the file is read up to byte `bytes`.
    pub fn rows_read(&self, n: u64, bytes: u64) {
        let read = self.read.fetch_add(n, Ordering::Relaxed) + n;
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            bar.set_message(self.message(read));
        }
    }

    /// One row written to the reports; `ok` when it succeeded.
    pub fn row_done(&self, ok: bool) {
        self.rows_done(u64::from(ok), u64::from(!ok));
    }

    /// Rows written to the reports: `ok` succeeded, `failed` did not.
    pub fn rows_done(&self, ok: u64, failed: u64) {
        let n = ok + failed;
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        self.failed.fetch_add(failed, Ordering::Relaxed);
        if let Some(bar) = &self.bar
            && done / 256 != (done - n) / 256
        {
            bar.set_message(self.message(self.read.load(Ordering::Relaxed)));
        }
    }

    /// Advance by `n` items (export: contacts written).
    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Rows decided so far, and how many of them failed (for the run
    /// report's timeline).
    pub fn decided(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
        )
    }

    fn message(&self, read: u64) -> String {
        let done = self.done.load(Ordering::Relaxed);
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        format!(
            "read {read} · sent/decided {done} · failed {} · {:.0} rows/s",
            self.failed.load(Ordering::Relaxed),
            done as f64 / secs
        )
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
