//! Progress on stderr for long runs: rows read, rows done, rows failed,
//! rows/s and (when the total is known) ETA. On a terminal, a bar redrawn in
//! place; with `--progress` when stderr is not a terminal (a log, a file, a
//! CI job), a line every few seconds ([`LINE_EVERY`]) and one at the end;
//! otherwise every call is a no-op.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often a line is written when stderr is not a terminal; the
/// environment's `HMBULK_PROGRESS_SECS` (seconds, fractions allowed) changes it.
pub const LINE_EVERY: Duration = Duration::from_secs(5);

pub struct Progress {
    bar: Option<ProgressBar>,
    /// The line writer, when stderr is not a terminal and `--progress`.
    lines: Option<Lines>,
    counts: Arc<Counts>,
}

/// What the bar and the lines show.
struct Counts {
    label: String,
    /// What `position` counts to: the input's bytes (import), rows or
    /// contacts (the others).
    total: Option<u64>,
    /// Import: rows read; the others count with `position`.
    read: AtomicU64,
    done: AtomicU64,
    failed: AtomicU64,
    position: AtomicU64,
    started: Instant,
}

/// The thread that writes a line every [`LINE_EVERY`] until stopped.
struct Lines {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Progress {
    /// `forced` shows it even when stderr is not a terminal (as lines);
    /// `quiet` never. `total` is what the bar counts to, for an ETA:
    /// contacts (export), rows (status, delete) or the input file's bytes
    /// (import).
    pub fn new(label: &str, total: Option<u64>, forced: bool, quiet: bool) -> Progress {
        let counts = Arc::new(Counts {
            label: label.to_string(),
            total,
            read: AtomicU64::new(0),
            done: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            position: AtomicU64::new(0),
            started: Instant::now(),
        });
        let terminal = std::io::stderr().is_terminal();
        let bar = (!quiet && terminal).then(|| bar(label, total));
        let lines = (!quiet && !terminal && forced).then(|| Lines::start(Arc::clone(&counts)));
        Progress { bar, lines, counts }
    }

    /// `n` more rows read; the file is read up to byte `bytes`.
    pub fn rows_read(&self, n: u64, bytes: u64) {
        let read = self.counts.read.fetch_add(n, Ordering::Relaxed) + n;
        self.counts.position.store(bytes, Ordering::Relaxed);
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
        let done = self.counts.done.fetch_add(n, Ordering::Relaxed) + n;
        self.counts.failed.fetch_add(failed, Ordering::Relaxed);
        if let Some(bar) = &self.bar
            && done / 256 != (done - n) / 256
        {
            bar.set_message(self.message(self.counts.read.load(Ordering::Relaxed)));
        }
    }

    /// Advance by `n` items (export: contacts written).
    pub fn inc(&self, n: u64) {
        self.counts.position.fetch_add(n, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Rows decided so far, and how many of them failed (for the run
    /// report's timeline).
    pub fn decided(&self) -> (u64, u64) {
        (
            self.counts.done.load(Ordering::Relaxed),
            self.counts.failed.load(Ordering::Relaxed),
        )
    }

    fn message(&self, read: u64) -> String {
        let done = self.counts.done.load(Ordering::Relaxed);
        let secs = self.counts.started.elapsed().as_secs_f64().max(0.001);
        format!(
            "read {read} · sent/decided {done} · failed {} · {:.0} rows/s",
            self.counts.failed.load(Ordering::Relaxed),
            done as f64 / secs
        )
    }

    /// The run is over: the bar is cleared; the lines end with one more.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if let Some(lines) = &self.lines
            && lines.stop()
        {
            write_line(&self.counts.line(true));
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(lines) = &self.lines {
            lines.stop();
        }
    }
}

/// The terminal's bar.
fn bar(label: &str, total: Option<u64>) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
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
}

impl Lines {
    fn start(counts: Arc<Counts>) -> Lines {
        let every = std::env::var("HMBULK_PROGRESS_SECS")
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map_or(LINE_EVERY, Duration::from_secs_f64);
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || {
                let (lock, wake) = &*stopped;
                let mut done = lock.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    let (guard, waited) = wake
                        .wait_timeout(done, every)
                        .unwrap_or_else(|e| e.into_inner());
                    done = guard;
                    if *done {
                        return;
                    }
                    if waited.timed_out() {
                        write_line(&counts.line(false));
                    }
                }
            })
            .ok();
        Lines {
            stop,
            thread: Mutex::new(thread),
        }
    }

    /// Stop the thread; true the first time.
    fn stop(&self) -> bool {
        let (lock, wake) = &*self.stop;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
        wake.notify_all();
        let thread = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        match thread {
            Some(t) => t.join().is_ok(),
            None => false,
        }
    }
}

impl Counts {
    /// `import: 12000 rows read, 11500 done, 3 failed, 2400 rows/s, 45%, ETA 12s`;
    /// at the end `… done in 5s`.
    fn line(&self, end: bool) -> String {
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let (read, done) = (
            self.read.load(Ordering::Relaxed),
            self.done.load(Ordering::Relaxed),
        );
        let failed = self.failed.load(Ordering::Relaxed);
        let position = self.position.load(Ordering::Relaxed);
        let mut parts = Vec::new();
        if read > 0 {
            parts.push(format!("{read} rows read"));
        }
        if done > 0 || read > 0 {
            parts.push(format!("{done} done"));
            parts.push(format!("{failed} failed"));
            parts.push(format!("{:.0} rows/s", done as f64 / secs));
        } else {
            parts.push(format!("{position} done"));
            parts.push(format!("{:.0}/s", position as f64 / secs));
        }
        match self.total.filter(|&t| t > 0) {
            _ if end => parts.push(format!("finished in {}", duration(secs))),
            Some(total) => {
                // Import: the rows the file holds, from the rows in the bytes
                // read so far (reading runs ahead of sending), and the share
                // of them done; the others: the share of `total` reached.
                let share = match (read, position) {
                    (0, _) => position as f64 / total as f64,
                    (_, 0) => 0.0,
                    (read, bytes) => done as f64 / (read as f64 * total as f64 / bytes as f64),
                }
                .min(1.0);
                parts.push(format!("{:.0}%", share * 100.0));
                if share > 0.0 {
                    let left = secs * (1.0 - share) / share;
                    parts.push(format!("ETA {}", duration(left)));
                }
            }
            None => parts.push(format!("{} so far", duration(secs))),
        }
        format!("{}: {}", self.label, parts.join(", "))
    }
}

/// `45s`, `3m 05s`, `1h 02m`.
fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// A line on stderr; a stderr that cannot take it is no reason to stop.
fn write_line(line: &str) {
    let line = crate::terminal_text::escape(line);
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(total: Option<u64>) -> Counts {
        Counts {
            label: "import".into(),
            total,
            read: AtomicU64::new(0),
            done: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            position: AtomicU64::new(0),
            started: Instant::now() - Duration::from_secs(10),
        }
    }

    #[test]
    fn a_line_says_rows_rate_share_and_eta() {
        let c = counts(Some(1000));
        c.read.store(400, Ordering::Relaxed);
        c.done.store(300, Ordering::Relaxed);
        c.failed.store(2, Ordering::Relaxed);
        c.position.store(250, Ordering::Relaxed);
        // 400 rows in the first quarter of the file: 1600 in all, 300 done.
        assert_eq!(
            c.line(false),
            "import: 400 rows read, 300 done, 2 failed, 30 rows/s, 19%, ETA 43s"
        );
        let status = Counts {
            label: "status".into(),
            ..counts(Some(1000))
        };
        status.done.store(250, Ordering::Relaxed);
        status.position.store(250, Ordering::Relaxed);
        assert_eq!(
            status.line(false),
            "status: 250 done, 0 failed, 25 rows/s, 25%, ETA 30s"
        );
        assert_eq!(
            c.line(true),
            "import: 400 rows read, 300 done, 2 failed, 30 rows/s, finished in 10s"
        );
        let export = Counts {
            label: "export".into(),
            ..counts(None)
        };
        export.position.store(2000, Ordering::Relaxed);
        assert_eq!(export.line(false), "export: 2000 done, 200/s, 10s so far");
        assert_eq!(duration(185.0), "3m 05s");
        assert_eq!(duration(3725.0), "1h 02m");
    }
}
