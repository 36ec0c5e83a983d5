//! Progress on stderr for long runs: rows read, rows done, rows failed,
//! rows/s and (when the total is known) ETA. Shown only on a terminal, or
//! when asked with `--progress`; otherwise every call is a no-op.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    read: AtomicU64,
    done: AtomicU64,
    failed: AtomicU64,
}

impl Progress {
    /// `forced` shows it even when stderr is not a terminal; `quiet` never.
    /// `total` is the number of rows when known (export), for an ETA.
    pub fn new(label: &str, total: Option<u64>, forced: bool, quiet: bool) -> Progress {
        let show = !quiet && (forced || std::io::stderr().is_terminal());
        let bar = show.then(|| {
            let bar = match total {
                Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
                None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
            };
            let template = if total.is_some() {
                "{prefix} [{bar:30}] {pos}/{len} {per_sec} ETA {eta} {msg}"
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
        }
    }

    /// A progress that never shows.
    pub fn hidden() -> Progress {
        Progress::new("", None, false, true)
    }

    pub fn rows_read(&self, n: u64) {
        let read = self.read.fetch_add(n, Ordering::Relaxed) + n;
        if let Some(bar) = &self.bar {
            bar.set_message(self.message(read));
        }
    }

    pub fn row_done(&self, ok: bool) {
        self.done.fetch_add(1, Ordering::Relaxed);
        if !ok {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if bar.position() % 256 == 0 {
                bar.set_message(self.message(self.read.load(Ordering::Relaxed)));
            }
        }
    }

    /// Advance by `n` items (export: contacts written).
    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    fn message(&self, read: u64) -> String {
        format!(
            "read {read} · done {} · failed {}",
            self.done.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed)
        )
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
