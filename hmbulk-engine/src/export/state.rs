//! `--state`: what an export remembers between runs — the newest `updated`
//! the listing showed and the contacts written at that second — so that the
//! next run writes only what changed since ([`since`], [`next_start`]).

use std::collections::HashSet;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::export::{PagerStats, Since, parse_time};

/// What `--state` remembers between runs.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct State {
    /// Newest `updated` exported.
    pub high_water: Option<String>,
    /// (id, rev) of the contacts exported at exactly that second.
    pub at_high_water: Vec<(i64, i64)>,
    pub exported_at: Option<String>,
}

/// Which contacts an export writes: those updated at or after `updated_since`
/// (RFC 3339 or YYYY-MM-DD), else those changed since the `state` file's run,
/// else all.
pub fn since(updated_since: Option<&str>, state: &State) -> Result<Since> {
    if let Some(ts) = updated_since {
        let t = parse_time(ts).ok_or_else(|| {
            Error::usage(format!(
                "--updated-since {ts:?} is not a time: write 2026-11-01T00:00:00Z or 2026-11-01"
            ))
        })?;
        return Ok(Since {
            updated_at_or_after: Some(t),
            already_exported: HashSet::new(),
        });
    }
    Ok(Since {
        updated_at_or_after: state.high_water.as_deref().and_then(parse_time),
        already_exported: state.at_high_water.iter().copied().collect(),
    })
}

/// Where the next `--state` run begins: the newest `updated` the listing
/// showed when this run began (never a later one: a contact changed during
/// the run has a newer `updated` and is exported again next time), with the
/// contacts written at that second; or the previous state's, when it is
/// newer or no contact was listed. At the same second, both lists count.
pub fn next_start(stats: &PagerStats, previous: State) -> (Option<DateTime<Utc>>, Vec<(i64, i64)>) {
    let before = previous.high_water.as_deref().and_then(parse_time);
    match (stats.high_water, before) {
        (Some(now), Some(then)) if now < then => (Some(then), previous.at_high_water),
        (Some(now), Some(then)) if now == then => {
            let mut both = previous.at_high_water;
            both.extend(stats.at_high_water.iter().copied());
            both.sort_unstable();
            both.dedup();
            (Some(now), both)
        }
        (Some(now), _) => (Some(now), stats.at_high_water.clone()),
        (None, then) => (then, previous.at_high_water),
    }
}

/// The state file a previous run wrote.
pub fn read(path: &Path) -> Result<State> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::usage(format!(
            "cannot read the state file {}: {e}",
            path.display()
        ))
    })?;
    // The parser's message may quote the file; say only where it failed.
    serde_json::from_str(&text).map_err(|e| {
        Error::usage(format!(
            "the state file {} is damaged (line {}, column {}: not the JSON hmbulk writes              there); delete it to export everything again",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

pub fn fmt_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}
