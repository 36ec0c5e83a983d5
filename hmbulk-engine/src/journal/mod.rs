//! The import journal: what an import has sent, kept on disk so that
//! `hmbulk import FILE --resume` finishes any stopped run — a fatal API
//! error, Ctrl-C, `kill -9` or a power loss — with reports that cover every
//! row exactly once, as if the run had never stopped.
//!
//! Takes, from the sender ([`crate::batch::Sender`]), the rows each batch
//! is about to write ([`Journal::sent`], before the first write call) and
//! the final outcome of every row the batch decided ([`Journal::done`],
//! after it); gives, to a resumed run, a [`Resume`]: for each row, its
//! outcome when a batch decided it, the action its write would have given
//! when it was in flight at the stop, or nothing when it was never sent.
//! Rows decided without the API (invalid rows, duplicates) are not
//! journaled: a resumed run reads and validates the whole file again and
//! decides them the same way.
//!
//! The file, `<stem>.journal` beside the reports, is JSON lines, append
//! only, each append flushed to the disk (`fsync`) before the run goes on:
//!
//! ```text
//! {"journal":"hmbulk import","version":1,"input":{"file":"people.csv","size":1834,"sha256":"9f2c…"},"settings":{"mode":"upsert",…},"started":"2026-11-24T10:02:11Z"}
//! {"sent":[[1,"created"],[2,"updated"]]}
//! {"done":[[1,"created","14155550100",5001,"6f1c…"],[2,"api_rejected","the API refused this contact: …"]]}
//! ```
//!
//! The first line names the input (its size and SHA-256: a resumed run
//! refuses a file that changed) and the settings that decide outcomes (a
//! resumed run refuses others). `sent` lists `[row, action]` pairs; `done`
//! lists `[row, action, phone, id, uuid]` for a row that succeeded and
//! `[row, error_code, message]` for one that failed. A row sent and not
//! done was in flight at the stop: the resumed run settles it by searching
//! its phone, never by creating it again. A last line cut short by a crash
//! is dropped. A finished run removes its journal, and so does a run that
//! ends, however, before it sent anything (a journal with no `sent` line:
//! there is nothing to resume); one left by a run killed before its first
//! send is removed by the next run ([`sent_nothing`]). A resumed run holds
//! about 140 bytes per row already decided (at its peak, reading the
//! journal).

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::outcome::{Action, RowOutcome, RowResult};
use crate::report::ReportPaths;

/// The journal format this build writes and reads.
pub const VERSION: u32 = 1;

/// The value of the first line's `journal` key.
const KIND: &str = "hmbulk import";

/// `<stem>.journal` beside the reports.
pub fn path_for(paths: &ReportPaths) -> PathBuf {
    let name = paths
        .results
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".results.csv").unwrap_or(&name);
    paths.results.with_file_name(format!("{stem}.journal"))
}

/// Which file a run imports: its size and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputId {
    /// The path as given (for messages; not compared).
    pub file: String,
    pub size: u64,
    pub sha256: String,
}

impl InputId {
    /// Read `path` once through to hash it.
    pub fn of(path: &Path) -> Result<InputId> {
        let failed =
            |e: io::Error| Error::input(path, format!("cannot read {}: {e}", path.display()));
        let mut file = File::open(path).map_err(failed)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut size = 0u64;
        loop {
            let n = file.read(&mut buf).map_err(failed)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            size += n as u64;
        }
        Ok(InputId {
            file: path.display().to_string(),
            size,
            sha256: hex(&hasher.finalize()),
        })
    }
}

/// The SHA-256 of `bytes`, in hex.
pub fn digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// When the run whose journal is at `path` began, if it can be read.
pub fn started(path: &Path) -> Option<String> {
    let mut first = String::new();
    BufReader::new(File::open(path).ok()?)
        .read_line(&mut first)
        .ok()?;
    let header: Header = serde_json::from_str(&first).ok()?;
    Some(header.started)
}

/// Delete the journal at `path` (`--restart`), unless a live run holds it.
pub fn remove(path: &Path) -> Result<()> {
    let file = File::open(path).map_err(|e| Error::output(path, e))?;
    lock(path, &file)?;
    std::fs::remove_file(path).map_err(|e| Error::output(path, e))?;
    sync_dir(path);
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The first line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub journal: String,
    pub version: u32,
    pub input: InputId,
    /// The options that decide outcomes, by flag name.
    pub settings: BTreeMap<String, String>,
    /// When the run began (RFC 3339, UTC).
    pub started: String,
    /// When the run began on the API's clock (Unix seconds, from its
    /// `Date` headers): what contacts' `created` times are compared with.
    /// Absent in a journal written before, or when no answer said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_started: Option<i64>,
}

impl Header {
    pub fn new(input: InputId, settings: BTreeMap<String, String>) -> Header {
        Header {
            journal: KIND.into(),
            version: VERSION,
            input,
            settings,
            started: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            server_started: None,
        }
    }

    /// The run began at `t` on the API's clock (Unix seconds), if known.
    pub fn on_server_clock(mut self, t: Option<i64>) -> Header {
        self.server_started = t;
        self
    }
}

/// An open journal, appended to by the senders.
pub struct Journal {
    path: PathBuf,
    appender: Mutex<Appender>,
    /// When the run it records began (its header's `server_started`, else
    /// `started`).
    began: OnceLock<Began>,
}

/// When an import began, in Unix seconds, and on whose clock: the API's
/// (from its `Date` headers; exact to the second) or ours (the API's may
/// be behind it, [`Began::earliest`] allows for that).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Began {
    pub at: i64,
    pub server_clock: bool,
}

/// How far the API's clock may be behind ours, in seconds, when a run's
/// start is known only on our clock.
pub const CLOCK_SKEW_SECS: i64 = 60;

impl Began {
    /// Now: on the API's clock when `server_now` is known, else ours.
    pub fn now(server_now: Option<i64>) -> Began {
        match server_now {
            Some(at) => Began {
                at,
                server_clock: true,
            },
            None => Began {
                at: chrono::Utc::now().timestamp(),
                server_clock: false,
            },
        }
    }

    /// The earliest `created` time (API clock) a contact this run created
    /// may carry.
    pub fn earliest(self) -> i64 {
        match self.server_clock {
            true => self.at,
            false => self.at - CLOCK_SKEW_SECS,
        }
    }
}

struct Appender {
    /// Locked for the run: a second run on the same reports stops at once.
    /// `None` once the journal is removed.
    file: Option<File>,
    /// A `sent` line is in the journal (this run's or a stopped run's): it
    /// stays until the run finishes.
    sent: bool,
    /// Length of the whole lines written.
    len: u64,
    /// The first append that failed: nothing is appended after it, so the
    /// journal never holds a broken line before a whole one.
    failed: Option<String>,
}

impl Journal {
    fn open(path: &Path, file: File, len: u64, sent: bool) -> Journal {
        Journal {
            path: path.to_path_buf(),
            appender: Mutex::new(Appender {
                file: Some(file),
                sent,
                len,
                failed: None,
            }),
            began: OnceLock::new(),
        }
    }

    fn began_with(&self, header: &Header) {
        let began = match header.server_started {
            Some(at) => Some(Began {
                at,
                server_clock: true,
            }),
            None => chrono::DateTime::parse_from_rfc3339(&header.started)
                .ok()
                .map(|t| Began {
                    at: t.timestamp(),
                    server_clock: false,
                }),
        };
        if let Some(b) = began {
            let _ = self.began.set(b);
        }
    }

    /// When the run this journal records began (the first run, for a run
    /// resumed): contacts created before then are not this import's.
    pub fn began_at(&self) -> Option<Began> {
        self.began.get().copied()
    }
}

impl Journal {
    /// Start a new journal at `path` (none may exist there).
    pub fn create(path: &Path, header: &Header) -> Result<Journal> {
        let failed = |e| Error::output(path, e);
        let mut options = OpenOptions::new();
        options.create_new(true).append(true).read(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path).map_err(failed)?;
        lock(path, &file)?;
        let journal = Journal::open(path, file, 0, false);
        journal.began_with(header);
        let line = serde_json::to_string(header).map_err(|e| failed(e.into()))?;
        journal.append(&line)?;
        sync_dir(path);
        Ok(journal)
    }

    /// Open the journal a stopped run left at `path`, to go on with it.
    /// A journal without its first line (a run stopped as it began, before
    /// it sent anything) gives no [`Resume`]: it is emptied, and the run
    /// starts afresh after [`Journal::begin`].
    pub fn resume(path: &Path) -> Result<(Journal, Option<Resume>)> {
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(|e| Error::output(path, e))?;
        lock(path, &file)?;
        let (resume, good_len) = Resume::read(path, &file)?;
        // Drop a last line a crash cut short, so the next append starts
        // on a line of its own.
        if file.metadata().map(|m| m.len()).unwrap_or(good_len) > good_len {
            file.set_len(good_len)
                .and_then(|()| file.sync_data())
                .map_err(|e| Error::output(path, e))?;
        }
        let sent = resume
            .as_ref()
            .is_some_and(|r| r.decided() + r.in_flight() > 0);
        let journal = Journal::open(path, file, good_len, sent);
        if let Some(r) = &resume {
            journal.began_with(&r.header);
        }
        Ok((journal, resume))
    }

    /// Write the first line of a journal that [`Journal::resume`] emptied.
    pub fn begin(&self, header: &Header) -> Result<()> {
        self.began_with(header);
        let line =
            serde_json::to_string(header).map_err(|e| Error::output(&self.path, e.into()))?;
        self.append(&line)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rows were sent (a `sent` line, this run's or the stopped run's): the
    /// journal stays until the run finishes ([`Drop`] removes one that
    /// holds none).
    pub fn holds_sent(&self) -> bool {
        self.appender.lock().map_or(true, |a| a.sent)
    }

    /// Before a batch's first write: the rows it carries and the action
    /// each write gives when it succeeds. A row sent again (a create the
    /// API refused, then updated) is recorded again: the last word counts.
    pub fn sent(&self, rows: &[(u64, Action)]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let entries: Vec<Value> = rows.iter().map(|(r, a)| json!([r, a.as_str()])).collect();
        self.append(&json!({ "sent": entries }).to_string())?;
        self.appender.lock().unwrap_or_else(|e| e.into_inner()).sent = true;
        Ok(())
    }

    /// After a batch: the outcomes it decided for good. Rows the run left
    /// open (not sent, or unconfirmed at a stop) must not be among them.
    pub fn done<'o>(&self, outcomes: impl IntoIterator<Item = &'o RowOutcome>) -> Result<()> {
        let entries: Vec<Value> = outcomes.into_iter().map(done_entry).collect();
        if entries.is_empty() {
            return Ok(());
        }
        self.append(&json!({ "done": entries }).to_string())
    }

    fn append(&self, line: &str) -> Result<()> {
        let mut guard = self.appender.lock().unwrap_or_else(|e| e.into_inner());
        let a = &mut *guard;
        if let Some(why) = &a.failed {
            return Err(Error::output(&self.path, io::Error::other(why.clone())));
        }
        let Some(file) = a.file.as_mut() else {
            return Err(Error::output(&self.path, io::Error::other("removed")));
        };
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        let written = file.write_all(&bytes).and_then(|()| file.sync_data());
        match written {
            Ok(()) => {
                a.len += bytes.len() as u64;
                Ok(())
            }
            Err(e) => {
                // Take back what part of the line went out (best effort;
                // a resumed run drops a last line cut short anyway).
                let len = a.len;
                let _ = file.set_len(len).and_then(|()| file.sync_data());
                a.failed = Some(e.to_string());
                Err(Error::output(&self.path, e))
            }
        }
    }

    /// The run is over: every row is in the reports. Removes the journal.
    pub fn finish(self) -> Result<()> {
        self.remove()
    }

    /// Close the file and remove it (once).
    fn remove(&self) -> Result<()> {
        let mut a = self.appender.lock().unwrap_or_else(|e| e.into_inner());
        if a.file.take().is_none() {
            return Ok(());
        }
        std::fs::remove_file(&self.path).map_err(|e| Error::output(&self.path, e))?;
        sync_dir(&self.path);
        Ok(())
    }
}

/// A run that ends before it sent anything (a usage or output error, a
/// refusal at the first batch) leaves no journal: there is nothing to
/// resume, and a journal would make the next run stop.
impl Drop for Journal {
    fn drop(&mut self) {
        if !self.holds_sent() {
            let _ = self.remove();
        }
    }
}

/// Does the journal at `path` record no row sent (no `sent` line: a run
/// killed before its first batch)? Such a journal holds nothing to resume.
/// `false` when it cannot be read.
pub fn sent_nothing(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    let mut lines = BufReader::new(file).lines();
    let sent = lines.any(|line| {
        line.map_or(true, |l| {
            serde_json::from_str::<Value>(&l)
                .map_or(!l.trim().is_empty(), |v| v.get("sent").is_some())
        })
    });
    !sent
}

fn lock(path: &Path, file: &File) -> Result<()> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::usage(format!(
            "{} is in use by another hmbulk run importing the same file into the same \
             reports; wait for it to finish",
            path.display()
        ))),
        // A file system without locks: go on unlocked.
        Err(std::fs::TryLockError::Error(_)) => Ok(()),
    }
}

/// Make a file's creation or removal itself durable (best effort).
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

fn done_entry(o: &RowOutcome) -> Value {
    match &o.result {
        RowResult::Done {
            action,
            phone,
            id,
            uuid,
            ..
        } => json!([o.row, action.as_str(), phone, id, uuid]),
        RowResult::Failed { error, .. } => json!([o.row, error.code.as_str(), error.message]),
    }
}

mod resume;
#[cfg(test)]
mod tests;

pub use self::resume::{Compact, Decided, Resume, RowState};
