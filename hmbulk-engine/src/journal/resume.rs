//! Reading a stopped run's journal back: for each row, its outcome when a
//! batch decided it, the action its write would have given when it was in
//! flight at the stop, or nothing when it was never sent.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use serde_json::Value;

use super::{Header, InputId, KIND, VERSION};
use crate::error::{Error, Result};
use crate::outcome::{Action, ErrorCode, RowError, RowOutcome, RowResult};

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
/// back exactly, else the text. (Bytes, not `u128`, keep it 8-aligned.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compact {
    Digits(u64),
    Uuid([u8; 16]),
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
            Ok(u) if u.hyphenated().to_string() == text => Compact::Uuid(u.into_bytes()),
            _ => Compact::Text(text.into()),
        }
    }

    pub fn text(&self) -> String {
        match self {
            Compact::Digits(n) => n.to_string(),
            Compact::Uuid(u) => uuid::Uuid::from_bytes(*u).hyphenated().to_string(),
            Compact::Text(t) => t.to_string(),
        }
    }
}

impl Decided {
    /// The row's outcome again: `phone_raw`, its name and email (`who`)
    /// and `cells` as the file has them.
    pub fn outcome(
        &self,
        row: u64,
        phone_raw: String,
        who: (String, String),
        cells: Vec<String>,
    ) -> RowOutcome {
        let result = match self {
            Decided::Done {
                action,
                phone,
                id,
                uuid,
            } => RowResult::Done {
                action: *action,
                phone: phone.text(),
                name: who.0,
                email: who.1,
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
    pub(super) fn read(path: &Path, file: &File) -> Result<(Option<Resume>, u64)> {
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
        // A row sent twice (created first, refused, then updated): the
        // last word wins here too.
        sent.reverse();
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
