//! `hmbulk delete`: delete the contacts a file names — permanently — after
//! a preview.
//!
//! Takes a file whose rows name contacts ([`crate::lookup`]: phone, `id` or
//! `uuid`). [`resolve`] finds them: phones and uuids by
//! `/v2/contacts/search`, one request per 1000 rows; a row naming an `id`
//! costs one `/v1/contact/status` (which gives the phone) before that
//! search. It gives a [`Resolved`] — the contacts that would go, in file
//! order — with the rows that name no contact (`not_found`), name one twice
//! (`duplicate_in_file`) or cannot be read already decided. Nothing is
//! deleted until [`Resolved::delete`]: `DELETE /v2/contacts` with up to
//! 1000 uuids per request — or, for contacts whose answers gave no uuid (the
//! public answer schemas show none), `DELETE /v1/contact/{id}` one per
//! request — each call followed by a read-back (a search of its uuids, or
//! of the phones of the contacts deleted by id; the API answers only
//! `"ok"`): a contact the read-back no longer finds is `deleted`, one still
//! there is the row's error, and one whose read-back failed is
//! `unconfirmed` (it may or may not be gone), never `deleted` nor
//! `not_sent`. [`Resolved::dry_run`] reports what would go (`valid`).

mod open;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use crate::api::{ApiError, Client, Contact, ContactRef, SearchBy};
use crate::error::{Error, Result};
use crate::halves::{Failed, Stopped, send_in_halves};
use crate::input::RowReader;
use crate::lookup::{Finder, Named, NamedRow, Names, Seen, in_parallel};
use crate::outcome::{Action, ErrorCode, RowError, RowOutcome, RowResult};
use crate::pipeline::RunResult;
use crate::progress::Progress;
use crate::report::Reporter;
pub use open::{Found, Opened, Plan, open};

/// How a run goes.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Ids per search and uuids per delete call (at most the API's 1000).
    pub batch_size: usize,
    /// `/v1/contact/status` calls in flight at once (rows naming an `id`).
    pub concurrency: usize,
}

/// A contact to delete, and the row that names it. Only what the reports
/// need is kept of the contact: a long list costs little memory.
pub struct Target {
    pub row: NamedRow,
    pub id: i64,
    pub uuid: Option<String>,
    pub phone: Option<String>,
    /// Its display name, or first and last name.
    pub name: String,
}

impl Target {
    fn new(row: NamedRow, c: Contact) -> Target {
        let joined = [c.first.as_deref(), c.last.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Target {
            row,
            id: c.id,
            name: c
                .display_name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or(joined),
            uuid: c.uuid,
            phone: c.phone,
        }
    }
}

/// The contacts a file names, found; nothing deleted yet.
pub struct Resolved {
    targets: Vec<Target>,
    reporter: Reporter,
    started: Instant,
    not_found: u64,
    /// Rows that failed for another reason (unreadable, duplicate).
    unusable: u64,
    /// Why finding stopped early, if it did (then nothing may be deleted).
    stopped: Option<String>,
    fatal: Option<ApiError>,
    interrupted: bool,
    batch_size: usize,
    /// `DELETE /v1/contact/{id}` calls in flight at once.
    concurrency: usize,
}

/// Read every row of `reader` and find the contact each names. Rows that
/// fail are recorded in `reporter` at once; a fatal API error or Ctrl-C
/// stops the reading (then [`Resolved::is_complete`] is false).
pub fn resolve(
    names: &Names,
    mut reader: RowReader,
    client: &Client,
    settings: Settings,
    mut reporter: Reporter,
    interrupt: &AtomicBool,
) -> Result<Resolved> {
    let started = Instant::now();
    let finder = Finder::new(client, settings.batch_size);
    let mut seen = Seen::new(reader.row_numbers());
    let mut resolved = Vec::new();
    let mut not_found = 0u64;
    let mut unusable = 0u64;
    let mut fatal = None;
    let mut record = |o: RowOutcome| reporter.record(o);
    loop {
        let mut rows = Vec::with_capacity(settings.batch_size);
        while rows.len() < settings.batch_size {
            match reader.next() {
                Some(Ok(rec)) => match names.read(&rec) {
                    Ok(named) => rows.push(named),
                    Err(error) => {
                        unusable += 1;
                        record(failed(rec.row, String::new(), rec.cells, error))?
                    }
                },
                Some(Err(e)) => return Err(read_stopped(e, reader.path())),
                None => break,
            }
        }
        if rows.is_empty() {
            break;
        }
        if interrupt.load(Ordering::SeqCst) {
            let why = "the run was interrupted (Ctrl-C)";
            rows.into_iter()
                .try_for_each(|r| record(not_sent(r, why)))?;
            break;
        }
        let found = match find(client, &finder, &rows, settings.concurrency) {
            Ok(found) => found,
            Err(e) => {
                let why = format!("the run stopped ({e})");
                rows.into_iter()
                    .try_for_each(|r| record(not_sent(r, &why)))?;
                fatal = Some(e);
                break;
            }
        };
        for (row, contact) in rows.into_iter().zip(found) {
            let Some(contact) = contact else {
                not_found += 1;
                let error = RowError::new(
                    ErrorCode::NotFound,
                    format!(
                        "no contact has the {}; nothing to delete (check the value)",
                        row.named
                    ),
                );
                record(fail(row, error))?;
                continue;
            };
            if let Err(error) = seen.check(contact.id, row.row) {
                unusable += 1;
                record(fail(row, error))?;
                continue;
            }
            resolved.push(Target::new(row, contact));
        }
    }
    let interrupted = interrupt.load(Ordering::SeqCst);
    reporter.read_from(&reader);
    let stopped = match (&fatal, interrupted) {
        (Some(e), _) => Some(format!(
            "{e}; rows after row {} were not read",
            reader
                .row_numbers()
                .shown(reader_rows(&resolved, &reporter))
        )),
        (None, true) => Some("interrupted (Ctrl-C) while finding the contacts".to_string()),
        (None, false) => None,
    };
    Ok(Resolved {
        targets: resolved,
        reporter,
        started,
        not_found,
        unusable,
        stopped,
        fatal,
        interrupted,
        batch_size: settings.batch_size,
        concurrency: settings.concurrency,
    })
}

/// Rows read so far, for a message.
fn reader_rows(targets: &[Target], reporter: &Reporter) -> u64 {
    let last_target = targets.last().map_or(0, |t| t.row.row);
    last_target.max(reporter.summary.rows_read)
}

/// The contact each row names (`None`: not found), in order.
fn find(
    client: &Client,
    finder: &Finder,
    rows: &[NamedRow],
    concurrency: usize,
) -> std::result::Result<Vec<Option<Contact>>, ApiError> {
    // Rows naming an id: their phone first, one request each.
    let fatal: Mutex<Option<ApiError>> = Mutex::new(None);
    let phones_of_ids = in_parallel(rows, concurrency, |r| match r.named {
        Named::Id(id) if fatal.lock().map(|f| f.is_none()).unwrap_or(false) => {
            match client.contact_status(ContactRef::Id(id)) {
                Ok(a) => a.phone,
                Err(e) if e.is_fatal() => {
                    if let Ok(mut f) = fatal.lock() {
                        f.get_or_insert(e);
                    }
                    None
                }
                Err(_) => None,
            }
        }
        _ => None,
    });
    if let Some(e) = fatal.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    let names: Vec<Named> = rows
        .iter()
        .zip(&phones_of_ids)
        .map(|(r, phone)| match (&r.named, phone) {
            (Named::Id(_), Some(p)) => Named::Phone(p.clone()),
            (named, _) => named.clone(),
        })
        .collect();
    let found = finder.find(names.iter())?;
    Ok(rows
        .iter()
        .zip(&names)
        .map(|(r, named)| {
            let c = found.get(named)?;
            // An id's phone must lead back to that very contact.
            match r.named {
                Named::Id(id) if c.id != id => None,
                _ => Some(c.clone()),
            }
        })
        .collect())
}

impl Resolved {
    /// Contacts that would be deleted.
    pub fn count(&self) -> usize {
        self.targets.len()
    }

    /// Rows that name no contact.
    pub fn not_found(&self) -> u64 {
        self.not_found
    }

    /// Rows that failed otherwise: unreadable, or naming a contact twice.
    pub fn unusable(&self) -> u64 {
        self.unusable
    }

    /// The first `n` contacts that would go, in file order.
    pub fn sample(&self, n: usize) -> &[Target] {
        &self.targets[..n.min(self.targets.len())]
    }

    /// Whether every row was read and looked up: only then may anything be
    /// deleted.
    pub fn is_complete(&self) -> bool {
        self.stopped.is_none()
    }

    /// Report what would go (`valid`); nothing is deleted.
    pub fn dry_run(mut self, client: &Client) -> Result<RunResult> {
        let targets = std::mem::take(&mut self.targets);
        let fatal = self.fatal.take();
        for t in targets {
            let outcome = self.done(&t, Action::Valid);
            self.reporter.record(outcome)?;
        }
        self.reporter.summary.sent_by(client, self.started);
        self.finish(fatal)
    }

    /// Delete every contact found, `batch_size` per call; report each row.
    /// An incomplete run (see [`is_complete`](Self::is_complete)) deletes
    /// nothing: its rows are `not_sent`.
    pub fn delete(
        mut self,
        client: &Client,
        progress: &Progress,
        interrupt: &AtomicBool,
    ) -> Result<RunResult> {
        let mut targets = std::mem::take(&mut self.targets);
        let mut fatal = self.fatal.take();
        if let Some(why) = self.stopped.clone() {
            for t in targets {
                self.reporter.record(not_sent(t.row, &why))?;
            }
            self.reporter.summary.sent_by(client, self.started);
            return self.finish(fatal);
        }
        let finder = Finder::new(client, self.batch_size);
        while !targets.is_empty() {
            let rest = targets.split_off(self.batch_size.min(targets.len()));
            let chunk = std::mem::replace(&mut targets, rest);
            let n = chunk.len() as u64;
            let outcomes = match (&fatal, interrupt.load(Ordering::SeqCst)) {
                (Some(e), _) => {
                    let why = format!("the run stopped ({e})");
                    chunk.into_iter().map(|t| not_sent(t.row, &why)).collect()
                }
                (None, true) => {
                    self.interrupted = true;
                    let why = "the run was interrupted (Ctrl-C)";
                    chunk.into_iter().map(|t| not_sent(t.row, why)).collect()
                }
                (None, false) => {
                    let mut out = Vec::new();
                    if let Err(e) =
                        self.delete_call(client, &finder, self.concurrency, chunk, &mut out)
                    {
                        fatal = Some(e);
                    }
                    out
                }
            };
            for o in outcomes {
                progress.row_done(o.is_ok());
                self.reporter.record(o)?;
            }
            progress.inc(n);
        }
        self.reporter.summary.sent_by(client, self.started);
        self.finish(fatal)
    }

    /// Delete a chunk of contacts, then read back which are gone. Those with
    /// a uuid go by `DELETE /v2/contacts` (a call refused as a whole is split
    /// in halves until the refused rows stand alone; when both halves go
    /// through, the size was the problem and later calls are cut to it:
    /// [`send_in_halves`]);
    /// those without, by `DELETE /v1/contact/{id}`. A fatal error stops the
    /// run: the rows whose delete may have reached the API are read back (or
    /// `unconfirmed`), the others are `not_sent`.
    fn delete_call(
        &mut self,
        client: &Client,
        finder: &Finder,
        concurrency: usize,
        chunk: Vec<Target>,
        out: &mut Vec<RowOutcome>,
    ) -> std::result::Result<(), ApiError> {
        let (by_uuid, by_id): (Vec<Target>, Vec<Target>) =
            chunk.into_iter().partition(|t| t.uuid.is_some());
        let mut sent = Vec::new();
        let mut fatal = self.delete_by_uuid(client, by_uuid, out, &mut sent).err();
        if fatal.is_none() {
            fatal = delete_by_id(client, concurrency, by_id, out, &mut sent);
        } else {
            let why = format!(
                "the run stopped ({})",
                fatal.as_ref().map(ToString::to_string).unwrap_or_default()
            );
            out.extend(by_id.into_iter().map(|t| not_sent(t.row, &why)));
        }
        if let Err(e) = self.read_back(client, finder, sent, out) {
            fatal.get_or_insert(e);
        }
        fatal.map_or(Ok(()), Err)
    }

    /// `DELETE /v2/contacts` for targets with a uuid, in halves when the API
    /// refuses a call as a whole ([`send_in_halves`]); the ones a call may
    /// have deleted go to `sent`. A fatal error is given back: the targets
    /// not sent are `not_sent`.
    fn delete_by_uuid(
        &mut self,
        client: &Client,
        chunk: Vec<Target>,
        out: &mut Vec<RowOutcome>,
        sent: &mut Vec<Target>,
    ) -> std::result::Result<(), ApiError> {
        if chunk.is_empty() {
            return Ok(());
        }
        let size = AtomicUsize::new(self.batch_size);
        let deleted = send_in_halves(
            out,
            chunk,
            &size,
            &mut |_, chunk: Vec<Target>| {
                let uuids: Vec<String> = chunk.iter().filter_map(|t| t.uuid.clone()).collect();
                match client.delete_contacts(&uuids) {
                    Ok(()) | Err(ApiError::Decode { .. }) => {
                        sent.extend(chunk);
                        Ok(())
                    }
                    Err(e @ ApiError::Rejected { .. }) => Err(Failed::Refused(chunk, e)),
                    Err(e) if e.maybe_stored() => {
                        // It may have gone through: the read-back says.
                        sent.extend(chunk);
                        match e.is_fatal() {
                            true => Err(Failed::Stop((e, Vec::new()))),
                            false => Ok(()),
                        }
                    }
                    Err(e) => Err(Failed::Stop((e, chunk))),
                }
            },
            &mut |out, one, e| out.extend(one.into_iter().map(|t| refused(t.row, &e))),
        );
        self.batch_size = size.into_inner();
        match deleted {
            Ok(_) => Ok(()),
            Err(Stopped {
                stop: (e, undecided),
                unsent,
            }) => {
                let why = format!("the run stopped ({e})");
                let not_deleted = undecided.into_iter().chain(unsent.into_iter().flatten());
                out.extend(not_deleted.map(|t| not_sent(t.row, &why)));
                Err(e)
            }
        }
    }

    /// Which of the contacts `sent` deleted are gone: a search of their
    /// uuids, and of the phones of those without one (a contact is still
    /// there when a contact with its id is found; those with neither are
    /// asked `/v1/contact/status`, whose 404 says gone). A read-back that
    /// fails leaves them `unconfirmed`; a fatal failure is given back.
    fn read_back(
        &mut self,
        client: &Client,
        finder: &Finder,
        sent: Vec<Target>,
        out: &mut Vec<RowOutcome>,
    ) -> std::result::Result<(), ApiError> {
        if sent.is_empty() {
            return Ok(());
        }
        let uuids: Vec<String> = sent.iter().filter_map(|t| t.uuid.clone()).collect();
        let phones: Vec<String> = sent
            .iter()
            .filter(|t| t.uuid.is_none())
            .filter_map(|t| t.phone.clone())
            .collect();
        let still: std::result::Result<Vec<i64>, ApiError> = (|| {
            let mut ids: Vec<i64> = finder
                .search(SearchBy::Id, &uuids)?
                .iter()
                .map(|c| c.id)
                .collect();
            ids.extend(
                finder
                    .search(SearchBy::Phone, &phones)?
                    .iter()
                    .map(|c| c.id),
            );
            for t in sent
                .iter()
                .filter(|t| t.uuid.is_none() && t.phone.is_none())
            {
                match client.contact_status(ContactRef::Id(t.id)) {
                    Ok(_) => ids.push(t.id),
                    Err(e) if e.is_not_found() => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(ids)
        })();
        let still = match still {
            Ok(still) => still,
            Err(e) => {
                let error = RowError::new(
                    ErrorCode::Unconfirmed,
                    format!(
                        "the delete was sent, but the check that the contact is gone failed \
                         ({e}): it may or may not be deleted; run delete on this error report \
                         again (a contact already gone is reported not_found)"
                    ),
                );
                out.extend(sent.into_iter().map(|t| fail(t.row, error.clone())));
                return if e.is_fatal() { Err(e) } else { Ok(()) };
            }
        };
        for t in sent {
            if still.contains(&t.id) {
                let error = RowError::new(
                    ErrorCode::ApiRejected,
                    "the API answered the delete, but the contact is still there (a search \
                     afterwards finds it); run delete on this error report again",
                );
                out.push(fail(t.row, error));
            } else {
                out.push(self.done(&t, Action::Deleted));
            }
        }
        Ok(())
    }

    fn done(&mut self, t: &Target, action: Action) -> RowOutcome {
        RowOutcome {
            row: t.row.row,
            phone_raw: t.row.phone_raw.clone(),
            result: RowResult::Done {
                action,
                phone: t.phone.clone().unwrap_or_default(),
                name: t.name.clone(),
                email: String::new(),
                id: Some(t.id),
                uuid: t.uuid.clone(),
            },
        }
    }

    fn finish(mut self, fatal: Option<ApiError>) -> Result<RunResult> {
        let s = &mut self.reporter.summary;
        s.mode = "delete".into();
        s.stopped = self.stopped.or_else(|| {
            fatal
                .as_ref()
                .map(|e| format!("{e}; later contacts were not deleted"))
        });
        if s.elapsed_s == 0.0 {
            s.elapsed_s = self.started.elapsed().as_secs_f64();
        }
        Ok(RunResult {
            summary: self.reporter.finish()?,
            fatal: fatal.map(crate::batch::Halt::Api),
            interrupted: self.interrupted,
        })
    }
}

fn read_stopped(e: Error, path: &std::path::Path) -> Error {
    Error::input(
        path,
        format!("{e}; nothing was deleted (the whole file is read before anything is)"),
    )
}

fn failed(row: u64, phone_raw: String, cells: Vec<String>, error: RowError) -> RowOutcome {
    RowOutcome {
        row,
        phone_raw,
        result: RowResult::Failed { error, cells },
    }
}

fn fail(row: NamedRow, error: RowError) -> RowOutcome {
    failed(row.row, row.phone_raw, row.cells, error)
}

/// `DELETE /v1/contact/{id}` for each target (a few at once); the ones a
/// call may have deleted go to `sent`, a refusal is the row's error (a 404:
/// already gone, which the read-back says). Gives the fatal error that
/// stopped the run, if one did: the targets not yet sent are `not_sent`.
fn delete_by_id(
    client: &Client,
    concurrency: usize,
    targets: Vec<Target>,
    out: &mut Vec<RowOutcome>,
    sent: &mut Vec<Target>,
) -> Option<ApiError> {
    let fatal: Mutex<Option<ApiError>> = Mutex::new(None);
    let stopped = || fatal.lock().map(|f| f.is_some()).unwrap_or(true);
    let results = in_parallel(&targets, concurrency, |t| {
        if stopped() {
            return None;
        }
        let result = client.delete_contact_id(t.id);
        if let Err(e) = &result
            && e.is_fatal()
            && let Ok(mut f) = fatal.lock()
        {
            f.get_or_insert(e.clone());
        }
        Some(result)
    });
    let fatal = fatal.into_inner().unwrap_or_else(|e| e.into_inner());
    let why = fatal
        .as_ref()
        .map(|e| format!("the run stopped ({e})"))
        .unwrap_or_default();
    for (t, result) in targets.into_iter().zip(results) {
        match result {
            None => out.push(not_sent(t.row, &why)),
            Some(Ok(())) => sent.push(t),
            Some(Err(e)) if e.is_not_found() || e.maybe_stored() => sent.push(t),
            Some(Err(e @ ApiError::Rejected { .. })) => out.push(refused(t.row, &e)),
            Some(Err(_)) => out.push(not_sent(t.row, &why)),
        }
    }
    fatal
}

fn refused(row: NamedRow, e: &ApiError) -> RowOutcome {
    let error = RowError::new(
        ErrorCode::ApiRejected,
        format!("the API refused to delete this contact: {e}"),
    );
    fail(row, error)
}

fn not_sent(row: NamedRow, why: &str) -> RowOutcome {
    let error = RowError::new(
        ErrorCode::NotSent,
        format!("not deleted: {why}; run delete on this error report again once that is fixed"),
    );
    fail(row, error)
}
