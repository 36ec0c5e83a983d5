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
//! is dropped. A finished run removes its journal. A resumed run holds
//! about 60 bytes per row already decided.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::outcome::{Action, ErrorCode, RowError, RowOutcome, RowResult};
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
}

impl Header {
    pub fn new(input: InputId, settings: BTreeMap<String, String>) -> Header {
        Header {
            journal: KIND.into(),
            version: VERSION,
            input,
            settings,
            started: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}

/// An open journal, appended to by the senders.
pub struct Journal {
    path: PathBuf,
    appender: Mutex<Appender>,
}

struct Appender {
    /// Locked for the run: a second run on the same reports stops at once.
    file: File,
    /// Length of the whole lines written.
    len: u64,
    /// The first append that failed: nothing is appended after it, so the
    /// journal never holds a broken line before a whole one.
    failed: Option<String>,
}

impl Journal {
    fn open(path: &Path, file: File, len: u64) -> Journal {
        Journal {
            path: path.to_path_buf(),
            appender: Mutex::new(Appender {
                file,
                len,
                failed: None,
            }),
        }
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
        let journal = Journal::open(path, file, 0);
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
        Ok((Journal::open(path, file, good_len), resume))
    }

    /// Write the first line of a journal that [`Journal::resume`] emptied.
    pub fn begin(&self, header: &Header) -> Result<()> {
        let line =
            serde_json::to_string(header).map_err(|e| Error::output(&self.path, e.into()))?;
        self.append(&line)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Before a batch's first write: the rows it carries and the action
    /// each write gives when it succeeds.
    pub fn sent(&self, rows: &[(u64, Action)]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let entries: Vec<Value> = rows.iter().map(|(r, a)| json!([r, a.as_str()])).collect();
        self.append(&json!({ "sent": entries }).to_string())
    }

    /// After a batch: the outcomes it decided for good. Rows the run left
    /// open (not sent, or unconfirmed at a stop) must not be among them.
    pub fn done(&self, outcomes: &[RowOutcome]) -> Result<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let entries: Vec<Value> = outcomes.iter().map(done_entry).collect();
        self.append(&json!({ "done": entries }).to_string())
    }

    fn append(&self, line: &str) -> Result<()> {
        let mut a = self.appender.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(why) = &a.failed {
            return Err(Error::output(&self.path, io::Error::other(why.clone())));
        }
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        let written = a.file.write_all(&bytes).and_then(|()| a.file.sync_data());
        match written {
            Ok(()) => {
                a.len += bytes.len() as u64;
                Ok(())
            }
            Err(e) => {
                // Take back what part of the line went out (best effort;
                // a resumed run drops a last line cut short anyway).
                let len = a.len;
                let _ = a.file.set_len(len).and_then(|()| a.file.sync_data());
                a.failed = Some(e.to_string());
                Err(Error::output(&self.path, e))
            }
        }
    }

    /// The run is over: every row is in the reports. Removes the journal.
    pub fn finish(self) -> Result<()> {
        let path = self.path.clone();
        drop(self.appender);
        std::fs::remove_file(&path).map_err(|e| Error::output(&path, e))?;
        sync_dir(&path);
        Ok(())
    }
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
        } => json!([o.row, action.as_str(), phone, id, uuid]),
        RowResult::Failed { error, .. } => json!([o.row, error.code.as_str(), error.message]),
    }
}

/// What a stopped run's journal says about each row.
#[derive(Debug)]
pub struct Resume {
    pub header: Header,
    /// Rows decided, by row (sorted).
    decided: Vec<(u64, Decided)>,
    /// Rows sent and not decided, by row (sorted): in flight at the stop.
    in_flight: Vec<(u64, Action)>,
}

/// A row's state in a stopped run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState<'a> {
    /// Never sent.
    Fresh,
    /// Sent, and no answer recorded: settle it by searching its phone. The
    /// action its write gives when it succeeds.
    InFlight(Action),
    /// Decided.
    Decided(&'a Decided),
}

/// A row's final outcome, as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    Done {
        action: Action,
        phone: Compact,
        id: Option<i64>,
        uuid: Option<Compact>,
    },
    Failed {
        code: ErrorCode,
        message: Box<str>,
    },
}

/// Text kept small: a phone's digits or a UUID as a number when it reads
/// back exactly, else the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compact {
    Digits(u64),
    Uuid(u128),
    Text(Box<str>),
}

impl Compact {
    fn phone(text: &str) -> Compact {
        match text.parse::<u64>() {
            Ok(n) if n.to_string() == text => Compact::Digits(n),
            _ => Compact::Text(text.into()),
        }
    }

    fn uuid(text: &str) -> Compact {
        match uuid::Uuid::try_parse(text) {
            Ok(u) if u.hyphenated().to_string() == text => Compact::Uuid(u.as_u128()),
            _ => Compact::Text(text.into()),
        }
    }

    pub fn text(&self) -> String {
        match self {
            Compact::Digits(n) => n.to_string(),
            Compact::Uuid(u) => uuid::Uuid::from_u128(*u).hyphenated().to_string(),
            Compact::Text(t) => t.to_string(),
        }
    }
}

impl Decided {
    /// The row's outcome again: `phone_raw` and `cells` as the file has them.
    pub fn outcome(&self, row: u64, phone_raw: String, cells: Vec<String>) -> RowOutcome {
        let result = match self {
            Decided::Done {
                action,
                phone,
                id,
                uuid,
            } => RowResult::Done {
                action: *action,
                phone: phone.text(),
                id: *id,
                uuid: uuid.as_ref().map(Compact::text),
            },
            Decided::Failed { code, message } => RowResult::Failed {
                error: RowError::new(*code, message.to_string()),
                cells,
            },
        };
        RowOutcome {
            row,
            phone_raw,
            result,
        }
    }
}

impl Resume {
    /// Read the journal; gives it and the length of its whole lines.
    fn read(path: &Path, file: &File) -> Result<(Option<Resume>, u64)> {
        let shown = path.display();
        let damaged = |line: usize, why: &str| {
            Error::usage(format!(
                "{shown} is damaged at line {line} ({why}); it cannot be resumed: run again \
                 with --restart to import the file from the start (contacts already sent are \
                 found and updated, not duplicated)"
            ))
        };
        let mut reader = BufReader::new(file);
        reader
            .seek(SeekFrom::Start(0))
            .map_err(|e| Error::output(path, e))?;
        let mut header: Option<Header> = None;
        let mut decided: Vec<(u64, Decided)> = Vec::new();
        let mut sent: Vec<(u64, Action)> = Vec::new();
        let mut good_len = 0u64;
        let mut line = Vec::new();
        let mut n = 0usize;
        loop {
            line.clear();
            let read = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| Error::output(path, e))?;
            if read == 0 {
                break;
            }
            n += 1;
            let whole = line.ends_with(b"\n");
            let parsed: std::result::Result<Value, _> = serde_json::from_slice(&line);
            let value = match parsed {
                Ok(v) if whole => v,
                // A crash cut the last append short: that batch is not
                // recorded, which is what resuming assumes anyway.
                _ if !whole => break,
                Ok(_) | Err(_) => {
                    // A whole line that is not JSON: damage, unless it is
                    // the last (a torn write whose newline made it).
                    let mut rest = Vec::new();
                    reader
                        .read_to_end(&mut rest)
                        .map_err(|e| Error::output(path, e))?;
                    if rest.is_empty() && header.is_some() {
                        break;
                    }
                    return Err(damaged(n, "not a journal line"));
                }
            };
            if header.is_none() {
                let h: Header =
                    serde_json::from_value(value).map_err(|_| damaged(n, "no journal header"))?;
                if h.journal != KIND {
                    return Err(damaged(n, "not an hmbulk import journal"));
                }
                if h.version != VERSION {
                    return Err(Error::usage(format!(
                        "{shown} was written by another version of hmbulk (journal version {}, \
                         this one reads {VERSION}); resume it with that version, or run again \
                         with --restart",
                        h.version
                    )));
                }
                header = Some(h);
            } else if let Some(entries) = value.get("sent").and_then(Value::as_array) {
                for e in entries {
                    let (row, action) =
                        sent_entry(e).ok_or_else(|| damaged(n, "a bad sent entry"))?;
                    sent.push((row, action));
                }
            } else if let Some(entries) = value.get("done").and_then(Value::as_array) {
                for e in entries {
                    decided.push(parse_done(e).ok_or_else(|| damaged(n, "a bad done entry"))?);
                }
            } else {
                return Err(damaged(n, "an unknown record"));
            }
            good_len += read as u64;
        }
        let Some(header) = header else {
            return Ok((None, 0));
        };
        // The last word on a row wins (a row is decided once, but a journal
        // written by hand may say more).
        decided.reverse();
        decided.sort_by_key(|(row, _)| *row);
        decided.dedup_by_key(|(row, _)| *row);
        sent.sort_by_key(|(row, _)| *row);
        sent.dedup_by_key(|(row, _)| *row);
        sent.retain(|(row, _)| decided.binary_search_by_key(row, |(r, _)| *r).is_err());
        decided.shrink_to_fit();
        sent.shrink_to_fit();
        Ok((
            Some(Resume {
                header,
                decided,
                in_flight: sent,
            }),
            good_len,
        ))
    }

    /// What the stopped run knew of `row`.
    pub fn state(&self, row: u64) -> RowState<'_> {
        if let Ok(i) = self.decided.binary_search_by_key(&row, |(r, _)| *r) {
            return RowState::Decided(&self.decided[i].1);
        }
        match self.in_flight.binary_search_by_key(&row, |(r, _)| *r) {
            Ok(i) => RowState::InFlight(self.in_flight[i].1),
            Err(_) => RowState::Fresh,
        }
    }

    /// Rows decided by the stopped run(s).
    pub fn decided(&self) -> usize {
        self.decided.len()
    }

    /// Rows in flight at the stop.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Refuse an input that is not the one the journal began with.
    pub fn check_input(&self, now: &InputId, journal: &Path) -> Result<()> {
        let was = &self.header.input;
        let how = if was.size != now.size {
            format!("it was {} bytes and is {} now", was.size, now.size)
        } else if was.sha256 != now.sha256 {
            "its contents differ (SHA-256)".to_string()
        } else {
            return Ok(());
        };
        Err(Error::usage(format!(
            "{} changed since the run that {} records began ({how}), so --resume could send \
             the wrong rows: run again with --restart to import it from the start (contacts \
             already sent are found and updated, not duplicated), or put back the file as it was",
            now.file,
            journal.display()
        )))
    }

    /// Refuse settings other than the stopped run's.
    pub fn check_settings(&self, now: &BTreeMap<String, String>, journal: &Path) -> Result<()> {
        let was = &self.header.settings;
        let mut differ: Vec<String> = Vec::new();
        for key in was
            .keys()
            .chain(now.keys().filter(|k| !was.contains_key(*k)))
        {
            let (a, b) = (was.get(key), now.get(key));
            if a != b {
                let show = |v: Option<&String>| v.map_or("(none)".to_string(), |v| v.clone());
                differ.push(format!("{key} was {} and is {} now", show(a), show(b)));
            }
        }
        if differ.is_empty() {
            return Ok(());
        }
        Err(Error::usage(format!(
            "--resume must run with the options of the run that {} records: {}; run it with \
             those, or with --restart to start over with these",
            journal.display(),
            differ.join("; ")
        )))
    }
}

fn sent_entry(e: &Value) -> Option<(u64, Action)> {
    let a = e.as_array()?;
    Some((
        a.first()?.as_u64()?,
        Action::from_name(a.get(1)?.as_str()?)?,
    ))
}

fn parse_done(e: &Value) -> Option<(u64, Decided)> {
    let a = e.as_array()?;
    let row = a.first()?.as_u64()?;
    let name = a.get(1)?.as_str()?;
    if let Some(action) = Action::from_name(name) {
        let text = |i: usize| a.get(i).and_then(Value::as_str);
        return Some((
            row,
            Decided::Done {
                action,
                phone: Compact::phone(text(2)?),
                id: a.get(3).and_then(Value::as_i64),
                uuid: text(4).map(Compact::uuid),
            },
        ));
    }
    let code = ErrorCode::from_name(name)?;
    Some((
        row,
        Decided::Failed {
            code,
            message: a.get(2)?.as_str()?.into(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        let input = InputId {
            file: "people.csv".into(),
            size: 10,
            sha256: "ab".into(),
        };
        let settings = BTreeMap::from([("mode".to_string(), "upsert".to_string())]);
        Header::new(input, settings)
    }

    fn created(row: u64, uuid: &str) -> RowOutcome {
        RowOutcome {
            row,
            phone_raw: "x".into(),
            result: RowResult::Done {
                action: Action::Created,
                phone: format!("1415555{row:04}"),
                id: Some(row as i64 + 100),
                uuid: Some(uuid.into()),
            },
        }
    }

    fn refused(row: u64) -> RowOutcome {
        RowOutcome {
            row,
            phone_raw: "x".into(),
            result: RowResult::Failed {
                error: RowError::new(ErrorCode::ApiRejected, "no \"way\""),
                cells: vec!["a".into()],
            },
        }
    }

    #[test]
    fn a_journal_gives_back_each_row_decided_in_flight_or_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("people.journal");
        let j = Journal::create(&path, &header()).unwrap();
        j.sent(&[
            (1, Action::Created),
            (2, Action::Updated),
            (3, Action::Created),
        ])
        .unwrap();
        let uuid = "6f1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3";
        j.done(&[created(1, uuid), refused(3)]).unwrap();
        j.sent(&[(5, Action::Created)]).unwrap();
        j.done(&[created(5, "not-a-uuid")]).unwrap();
        drop(j);

        let (_j, r) = Journal::resume(&path).unwrap();
        let r = r.unwrap();
        assert_eq!(r.header, header_of(&path));
        assert_eq!((r.decided(), r.in_flight()), (3, 1));
        let RowState::Decided(d) = r.state(1) else {
            panic!("{:?}", r.state(1))
        };
        assert_eq!(d.outcome(1, "x".into(), vec![]), created(1, uuid));
        let RowState::Decided(d) = r.state(5) else {
            panic!()
        };
        assert_eq!(d.outcome(5, "x".into(), vec![]), created(5, "not-a-uuid"));
        let RowState::Decided(d) = r.state(3) else {
            panic!()
        };
        assert_eq!(d.outcome(3, "x".into(), vec!["a".into()]), refused(3));
        assert_eq!(r.state(2), RowState::InFlight(Action::Updated));
        assert_eq!(r.state(4), RowState::Fresh);
    }

    fn header_of(path: &Path) -> Header {
        let text = std::fs::read_to_string(path).unwrap();
        serde_json::from_str(text.lines().next().unwrap()).unwrap()
    }

    #[test]
    fn a_line_cut_short_by_a_crash_is_dropped_and_the_next_append_starts_clean() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.journal");
        let j = Journal::create(&path, &header()).unwrap();
        j.sent(&[(1, Action::Created)]).unwrap();
        drop(j);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"done":[[1,"created","1415"#).unwrap();
        drop(f);
        let (j, r) = Journal::resume(&path).unwrap();
        assert_eq!(r.unwrap().state(1), RowState::InFlight(Action::Created));
        j.done(&[created(1, "u")]).unwrap();
        drop(j);
        let (_j, r) = Journal::resume(&path).unwrap();
        assert!(matches!(r.unwrap().state(1), RowState::Decided(_)));
        assert!(std::fs::read_to_string(&path).unwrap().ends_with("]]}\n"));
    }

    #[test]
    fn damage_before_the_end_another_version_or_a_second_run_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.journal");
        let j = Journal::create(&path, &header()).unwrap();
        // A second run on the same journal while the first holds it.
        let err = Journal::resume(&path).err().unwrap();
        assert!(
            err.to_string().contains("in use by another hmbulk run"),
            "{err}"
        );
        drop(j);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}garbage\n{{\"sent\":[]}}\n")).unwrap();
        let err = Journal::resume(&path).err().unwrap();
        assert!(err.to_string().contains("damaged at line 2"), "{err}");
        assert!(err.to_string().contains("--restart"), "{err}");
        std::fs::write(&path, text.replace("\"version\":1", "\"version\":9")).unwrap();
        let err = Journal::resume(&path).err().unwrap();
        assert!(err.to_string().contains("journal version 9"), "{err}");
        // A journal exists: a new one is not started over it.
        assert!(Journal::create(&path, &header()).is_err());
        // A header cut short: nothing was sent; the run begins afresh.
        std::fs::write(&path, &text[..20]).unwrap();
        let (j, r) = Journal::resume(&path).unwrap();
        assert!(r.is_none());
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
        j.begin(&header()).unwrap();
        drop(j);
        assert!(Journal::resume(&path).unwrap().1.is_some());
    }

    #[test]
    fn a_changed_input_or_other_settings_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("people.csv");
        std::fs::write(&input, "phone\n14155550100\n").unwrap();
        let id = InputId::of(&input).unwrap();
        assert_eq!(id.size, 18);
        assert_eq!(id.sha256.len(), 64);
        let path = dir.path().join("people.journal");
        let settings = BTreeMap::from([("mode".to_string(), "upsert".to_string())]);
        let j = Journal::create(&path, &Header::new(id.clone(), settings.clone())).unwrap();
        drop(j);
        let (_j, r) = Journal::resume(&path).unwrap();
        let r = r.unwrap();
        r.check_input(&id, &path).unwrap();
        r.check_settings(&settings, &path).unwrap();

        std::fs::write(&input, "phone\n14155550101\n").unwrap();
        let err = r
            .check_input(&InputId::of(&input).unwrap(), &path)
            .unwrap_err();
        assert!(err.to_string().contains("contents differ"), "{err}");
        std::fs::write(&input, "phone\n14155550100\n1\n").unwrap();
        let err = r
            .check_input(&InputId::of(&input).unwrap(), &path)
            .unwrap_err();
        assert!(err.to_string().contains("18 bytes and is 20 now"), "{err}");

        let other = BTreeMap::from([
            ("mode".to_string(), "create".to_string()),
            ("api".to_string(), "v1".to_string()),
        ]);
        let err = r.check_settings(&other, &path).unwrap_err().to_string();
        assert!(err.contains("mode was upsert and is create now"), "{err}");
        assert!(err.contains("api was (none) and is v1 now"), "{err}");
    }

    #[test]
    fn the_journal_sits_beside_the_reports_and_a_finished_run_removes_it() {
        let paths = ReportPaths::for_input(Path::new("in/people.csv"), Some(Path::new("out")));
        assert_eq!(path_for(&paths), Path::new("out/people.journal"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.journal");
        Journal::create(&path, &header()).unwrap().finish().unwrap();
        assert!(!path.exists());
    }
}
