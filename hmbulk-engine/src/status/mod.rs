//! `hmbulk status`: contacts' messaging status in bulk — set it from a
//! status column or `--set`, or read it (`--check`, an audit that writes
//! nothing).
//!
//! Takes a file whose rows name contacts ([`crate::lookup`]: phone, `id` or
//! `uuid`) and, for each, what it asks ([`words`]); gives every row's
//! outcome to the [`Reporter`]: `updated`, `unchanged` (the status held),
//! `skipped` (a blank status cell), `checked`, or an error — `not_found`
//! (no such contact: never a silent success), `status_invalid`, the phone
//! errors of `import`, `duplicate_in_file`, `api_rejected`, `not_sent`.
//!
//! Requests, as few as the documented API allows ([`step`] has the details):
//! - finding the contacts: phones and uuids by `/v2/contacts/search`, one
//!   request per 1000 rows. Its answer carries each contact's `is_opted_out`.
//! - opt-out and opt-in (`unsubscribed`, `subscribed`): `is_opted_out`
//!   decides `unchanged`; changes are written in bulk by `/v2/contacts`
//!   (`contact_id` + `is_opted_out`), one request per 1000. The reference
//!   documents `is_opted_out` as a contact field one may write, and
//!   `unsubscribed` (`/v1/contact/status`) as the same opt-out seen from the
//!   messaging side; a run checks that they agree, with one
//!   `/v1/contact/status` before it decides and one after its first bulk
//!   write. If either disagrees (or with `--per-contact`), every opt-out
//!   change goes by `set_status`, one request per contact, and the rows the
//!   bulk write covered are set again that way.
//! - `blocked`, `unblocked`, `active`: `blocked` is read only by
//!   `/v1/contact/status` and written only by `set_status`, one contact per
//!   request: one request per contact, three when it changes (the read, the
//!   `set_status`, and the read-back of what it did; `active` on an
//!   opted-out contact: two; one more round when `active` left a flag).
//! - rows that name their contact by `id`, which search does not take: the
//!   per-contact path, one or two requests.
//! - `--check`: `/v1/contact/status`, one request per contact.

mod open;
mod step;
pub mod words;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::api::Client;
use crate::error::{Error, Result};
use crate::input::{Record, RowReader};
use crate::lookup::{Finder, Names};
use crate::mapping::{Field, MapFile, Sample, normalise_header};
use crate::outcome::{ErrorCode, RowError};
use crate::phone::PhoneNormaliser;
use crate::pipeline::RunResult;
use crate::progress::Progress;
use crate::report::Reporter;
pub use open::{Estimated, Opened, Plan, open};
use step::{Batch, Work, failed};
pub use words::{StatusColumn, Want};

/// The results report's own columns: what the row asked (`active`,
/// `unsubscribed; blocked` …) and the contact's flags after the run, where
/// known (empty: not read; `--check` reads both).
pub const RESULT_COLUMNS: [&str; 3] = ["status", "unsubscribed", "blocked"];

/// How a run goes.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `--set`: every row asks this (status columns are not read).
    pub set: Option<Want>,
    /// `--check`: read each contact's status; write nothing.
    pub check: bool,
    /// `--per-contact`: opt-outs by `set_status` too, never in bulk.
    pub per_contact: bool,
    /// `--skip-read`: set without reading first what the search did not
    /// say (`blocked`): one request per contact instead of one or two, but
    /// such rows are never `unchanged`.
    pub skip_read: bool,
    /// Rows per search and per bulk write (at most the API's 1000).
    pub batch_size: usize,
    /// Per-contact requests in flight at once (they share the rate limit).
    pub concurrency: usize,
}

/// A status file: the columns naming contacts and the status columns.
pub struct StatusFile {
    names: Names,
    columns: Vec<(usize, StatusColumn)>,
}

impl StatusFile {
    /// The columns of `headers`. Status columns are read unless `--set` or
    /// `--check`: `status`, `blocked`, and import's opted-out and SMS consent
    /// columns; a file without one needs `--set` (a usage error otherwise).
    pub fn new(
        headers: &[String],
        sample: &Sample,
        map_file: Option<&MapFile>,
        phones: PhoneNormaliser,
        settings: &Settings,
    ) -> Result<StatusFile> {
        let reads_status = settings.set.is_none() && !settings.check;
        let mut own: Vec<(usize, StatusColumn)> = Vec::new();
        if reads_status {
            for (i, h) in headers.iter().enumerate() {
                let key = normalise_header(h);
                if words::STATUS_HEADERS.contains(&key.as_str()) {
                    own.push((i, StatusColumn::Status));
                } else if words::BLOCKED_HEADERS.contains(&key.as_str()) {
                    own.push((i, StatusColumn::Blocked));
                }
            }
        }
        let claimed: Vec<usize> = own.iter().map(|(i, _)| *i).collect();
        let uses = |f: Field| reads_status && matches!(f, Field::OptedOut | Field::SmsConsent);
        let names = Names::new(headers, sample, map_file, phones, "status", &claimed, &uses)?;
        let mut columns = own;
        let mapping = names.mapping();
        for (field, kind) in [
            (Field::OptedOut, StatusColumn::OptedOut),
            (Field::SmsConsent, StatusColumn::SmsConsent),
        ] {
            if let Some(i) = mapping.column(field).filter(|_| reads_status) {
                columns.push((i, kind));
            }
        }
        columns.sort_by_key(|(i, _)| *i);
        if reads_status && columns.is_empty() {
            return Err(Error::usage(
                "no status column: name a column `status` (active, blocked, unblocked, \
                 subscribed, unsubscribed, opt-out, STOP …), or `opted out`, `SMS consent` or \
                 `blocked` (yes/no); or pass --set STATUS for every row, or --check to read \
                 the statuses",
            ));
        }
        Ok(StatusFile { names, columns })
    }

    pub fn names(&self) -> &Names {
        &self.names
    }

    pub fn names_mut(&mut self) -> &mut Names {
        &mut self.names
    }

    /// The headers of the status columns read, in file order.
    pub fn status_headers(&self) -> Vec<&str> {
        let mapping = self.names.mapping();
        self.columns
            .iter()
            .map(|(i, _)| mapping.header(*i))
            .collect()
    }

    /// What one row asks: `--set`, or its status columns merged.
    fn want(&self, settings: &Settings, cells: &[String]) -> std::result::Result<Want, RowError> {
        if settings.check {
            return Ok(Want::default());
        }
        if let Some(set) = settings.set {
            return Ok(set);
        }
        let mapping = self.names.mapping();
        let mut want = Want::default();
        let mut said_by: Vec<&str> = Vec::new();
        for &(i, kind) in &self.columns {
            let header = mapping.header(i);
            // A short row (its shape is its error) asks nothing here.
            let Some(cell) = cells.get(i) else {
                continue;
            };
            let Some(asked) = words::parse_cell(kind, header, cell)? else {
                continue;
            };
            want = want.merge(asked).map_err(|why| {
                RowError::new(
                    ErrorCode::StatusInvalid,
                    format!(
                        "{why}: column \"{header}\" says \"{}\" but {} says otherwise; keep \
                         one, or make them agree",
                        cell.trim(),
                        crate::mapping::quoted_list(&said_by)
                    ),
                )
            })?;
            said_by.push(header);
        }
        Ok(want)
    }

    /// A row's name and ask, or its error.
    fn read(
        &self,
        settings: &Settings,
        record: &Record,
    ) -> std::result::Result<(crate::lookup::NamedRow, Want), RowError> {
        let named = self.names.read(record)?;
        let want = self.want(settings, &record.cells)?;
        Ok((named, want))
    }
}

/// What a run will cost, read from the file before it starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Estimate {
    pub rows: u64,
    /// Rows that take one or two requests of their own.
    pub per_contact: u64,
    /// Rows whose status cells are blank: no request.
    pub blank: u64,
}

impl Estimate {
    /// Count the rows of `reader` and what each will cost.
    pub fn of(file: &StatusFile, reader: RowReader, settings: &Settings) -> Result<Estimate> {
        let mut e = Estimate::default();
        let uuid = file.names.mapping().column(Field::Uuid);
        let id = file.names.id_column();
        let blank = |rec: &Record, i: Option<usize>| {
            i.and_then(|i| rec.cells.get(i))
                .is_none_or(|c| c.trim().is_empty())
        };
        for record in reader {
            let record = record?;
            e.rows += 1;
            let want = file.want(settings, &record.cells).unwrap_or_default();
            if !settings.check && want.is_empty() {
                e.blank += 1;
                continue;
            }
            let by_id = blank(&record, uuid) && !blank(&record, id);
            if settings.check || settings.per_contact || want.blocked.is_some() || by_id {
                e.per_contact += 1;
            }
        }
        Ok(e)
    }

    /// Requests at least and at most (searches and bulk writes included).
    pub fn requests(&self, settings: &Settings) -> (u64, u64) {
        let batches = self.rows.div_ceil(settings.batch_size.max(1) as u64);
        let bulk = if settings.check { 0 } else { batches };
        // A change costs its read, its set_status and the read-back.
        let per = if settings.check {
            1
        } else if settings.skip_read {
            2
        } else {
            3
        };
        (
            batches + self.per_contact,
            batches + bulk + 2 + self.per_contact * per,
        )
    }

    /// One line for stderr: rows, requests and the time they take at `rate`
    /// requests per minute (0: no limit).
    pub fn describe(&self, settings: &Settings, rate: u32) -> String {
        let (low, high) = self.requests(settings);
        let time = |n: u64| match rate {
            0 => "no rate limit".to_string(),
            r => crate::lookup::duration_words(n as f64 * 60.0 / f64::from(r)),
        };
        let per = if settings.check {
            "one request per contact (/v1/contact/status)".to_string()
        } else if self.per_contact > 0 && settings.skip_read {
            format!(
                "{} of them two requests per contact (set_status and its read-back, --skip-read)",
                self.per_contact
            )
        } else if self.per_contact > 0 {
            format!(
                "{} of them one to three requests per contact (blocked is read, set and read \
                 back one contact at a time; --skip-read: two)",
                self.per_contact
            )
        } else {
            "opt-outs in bulk, 1000 contacts per request".to_string()
        };
        let span = if low == high {
            format!("about {low} requests, {} at {rate}/min", time(low))
        } else if time(low) == time(high) {
            format!("{low} to {high} requests, {} at {rate}/min", time(low))
        } else {
            format!(
                "{low} to {high} requests, {} to {} at {rate}/min",
                time(low),
                time(high)
            )
        };
        format!("{} rows: {per}; {span}", self.rows)
    }
}

/// Run `status` over `reader`: every row read ends in one outcome in
/// `reporter`. A fatal API error (or Ctrl-C) stops the reading; rows read
/// but not sent are `not_sent`.
pub fn run(
    file: &StatusFile,
    mut reader: RowReader,
    client: &Client,
    settings: &Settings,
    mut reporter: Reporter,
    progress: &Progress,
    interrupt: &AtomicBool,
) -> Result<RunResult> {
    let started = Instant::now();
    let batch = Batch::new(client, settings, interrupt, reader.row_numbers());
    let finder = Finder::new(client, settings.batch_size);
    let mut read_error = None;
    loop {
        let mut records = Vec::with_capacity(settings.batch_size);
        while records.len() < settings.batch_size {
            match reader.next() {
                Some(Ok(r)) => records.push(r),
                Some(Err(e)) => {
                    read_error = Some(e);
                    break;
                }
                None => break,
            }
        }
        if records.is_empty() {
            break;
        }
        let read: Vec<_> = records.iter().map(|r| file.read(settings, r)).collect();
        let mut works = Vec::new();
        for (record, result) in records.into_iter().zip(read) {
            match result {
                Ok((named, want)) => works.push(Work::new(named, want)),
                Err(error) => batch.decide(failed(record.row, String::new(), record.cells, error)),
            }
        }
        batch.run(&finder, works);
        for (outcome, cells) in batch.take() {
            progress.row_done(outcome.is_ok());
            progress.inc(1);
            if let Some(cells) = cells {
                reporter.note_cells(outcome.row, cells);
            }
            reporter.record(outcome)?;
        }
        if read_error.is_some() || batch.stopped() {
            break;
        }
    }
    let fatal = batch.fatal();
    let interrupted = interrupt.load(Ordering::SeqCst);
    reporter.read_from(&reader);
    let s = &mut reporter.summary;
    s.sent_by(client, started);
    s.mode = if settings.check { "check" } else { "set" }.to_string();
    s.notes.extend(batch.notes());
    let last = reader.row_numbers().shown(s.rows_read);
    let stop = |why: String| format!("{why}; rows after row {last} were not read");
    s.stopped = match (&fatal, &read_error) {
        (_, Some(e)) => Some(stop(e.to_string())),
        (Some(e), None) => Some(stop(e.to_string())),
        (None, None) if interrupted => Some(stop("interrupted (Ctrl-C)".into())),
        (None, None) => None,
    };
    if let Some(e) = read_error {
        let summary = reporter.finish()?;
        return Err(Error::input(
            reader.path(),
            format!(
                "{}; reports for the rows before it are written",
                summary.stopped.unwrap_or_else(|| e.to_string())
            ),
        ));
    }
    Ok(RunResult {
        summary: reporter.finish()?,
        fatal: fatal.map(crate::batch::Halt::Api),
        interrupted,
    })
}
