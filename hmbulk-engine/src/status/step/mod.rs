//! One batch of `status` rows: find the contacts, then per row read what
//! must be read and write what changes, in as few requests as the API
//! allows (see the module above). Takes [`Work`] items (a row, what it asks);
//! gives one decided outcome per row, kept until [`Batch::take`].
//!
//! Per row ([`Batch::step`], on a few threads): `--check` reads
//! `/v1/contact/status`. Otherwise the flags the row asks about are read
//! when not known yet (`blocked` never is; `unsubscribed` is, from the
//! search's `is_opted_out`), and whatever differs is set: `active` when both
//! flags clear, else `blocked`/`unblocked` by `set_status`, and the opt-out
//! in bulk ([`Batch::bulk`]) when the run trusts it, else by `set_status`.
//! What `set_status` did is read back ([`set`]): the report shows the flags
//! `/v1/contact/status` gives, never the ones a status word should mean.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::api::{ApiError, Client, Contact, ContactRef, SetStatus};
use crate::input::RowNumbers;
use crate::lookup::{Finder, Named, NamedRow, Seen, in_parallel};

mod bulk;
mod set;
use crate::outcome::{Action, ErrorCode, RowError, RowOutcome, RowResult};

use super::{Settings, Want};

/// A row's outcome and its cells for the results report's own columns.
pub(super) type Decided = (RowOutcome, Option<Vec<String>>);

/// What is known of a row's contact.
#[derive(Debug, Clone, Default)]
pub(super) struct Known {
    pub id: Option<i64>,
    pub uuid: Option<String>,
    pub phone: Option<String>,
    pub unsubscribed: Option<bool>,
    pub blocked: Option<bool>,
}

/// A row on its way: its name, what it asks, what is known of its contact.
#[derive(Debug, Clone)]
pub(super) struct Work {
    pub row: NamedRow,
    pub want: Want,
    pub known: Known,
}

impl Work {
    pub(super) fn new(row: NamedRow, want: Want) -> Work {
        Work {
            row,
            want,
            known: Known::default(),
        }
    }
}

/// What a row's own requests came to.
enum Step {
    Done(Action),
    Failed(RowError),
    /// Its opt-out is to be written in bulk (to `target`); `partly`: its
    /// `blocked` was set already.
    Bulk {
        target: bool,
        partly: bool,
    },
}

/// Whether opt-outs may be read from search answers and written in bulk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trust {
    /// Not checked yet.
    Unproved,
    /// A contact's `unsubscribed` agreed with its `is_opted_out`.
    ReadAgrees,
    /// A bulk write of `is_opted_out` changed `unsubscribed` too.
    Proved,
    /// They disagreed (or `--per-contact`, `--check`): one contact at a time.
    Refused,
}

pub(super) struct Batch<'a> {
    client: &'a Client,
    settings: &'a Settings,
    interrupt: &'a AtomicBool,
    trust: Mutex<Trust>,
    seen: Mutex<Seen>,
    decided: Mutex<Vec<Decided>>,
    fatal: Mutex<Option<ApiError>>,
    notes: Mutex<Vec<String>>,
    /// Most contacts one bulk write carries; lowered when the API refuses a size.
    bulk_max: AtomicUsize,
}

impl<'a> Batch<'a> {
    /// Rows are named in messages as `numbers` shows them.
    pub(super) fn new(
        client: &'a Client,
        settings: &'a Settings,
        interrupt: &'a AtomicBool,
        numbers: RowNumbers,
    ) -> Self {
        let trust = if settings.per_contact || settings.check {
            Trust::Refused
        } else {
            Trust::Unproved
        };
        Batch {
            client,
            settings,
            interrupt,
            trust: Mutex::new(trust),
            seen: Mutex::new(Seen::new(numbers)),
            decided: Mutex::new(Vec::new()),
            fatal: Mutex::new(None),
            notes: Mutex::new(Vec::new()),
            bulk_max: AtomicUsize::new(settings.batch_size.max(1)),
        }
    }

    pub(super) fn decide(&self, d: Decided) {
        lock(&self.decided).push(d);
    }

    /// The outcomes decided since the last call.
    pub(super) fn take(&self) -> Vec<Decided> {
        std::mem::take(&mut *lock(&self.decided))
    }

    /// A fatal error or Ctrl-C: nothing more is sent.
    pub(super) fn stopped(&self) -> bool {
        lock(&self.fatal).is_some() || self.interrupt.load(Ordering::SeqCst)
    }

    pub(super) fn fatal(&self) -> Option<ApiError> {
        lock(&self.fatal).clone()
    }

    pub(super) fn notes(&self) -> Vec<String> {
        lock(&self.notes).clone()
    }

    fn stop_with(&self, e: ApiError) {
        lock(&self.fatal).get_or_insert(e);
    }

    fn trust(&self) -> Trust {
        *lock(&self.trust)
    }

    fn bulk_allowed(&self) -> bool {
        self.trust() != Trust::Refused
    }

    /// Decide every row of one batch.
    pub(super) fn run(&self, finder: &Finder, works: Vec<Work>) {
        if self.stopped() {
            works.into_iter().for_each(|w| self.not_sent(w));
            return;
        }
        let found = match finder.find(works.iter().map(|w| &w.row.named)) {
            Ok(found) => found,
            Err(e) => {
                self.stop_with(e);
                works.into_iter().for_each(|w| self.not_sent(w));
                return;
            }
        };
        let mut ready = Vec::with_capacity(works.len());
        for mut w in works {
            if w.want.is_empty() && !self.settings.check {
                self.decide(done(&w, Action::Skipped));
                continue;
            }
            match &w.row.named {
                Named::Id(id) => w.known.id = Some(*id),
                named => match found.get(named) {
                    Some(c) => w.known = self.known(c),
                    None => {
                        let error = not_found(&w.row.named, "searched with /v2/contacts/search");
                        self.decide(fail(w, error));
                        continue;
                    }
                },
            }
            let id = w.known.id.unwrap_or_default();
            if let Err(error) = lock(&self.seen).check(id, w.row.row) {
                self.decide(fail(w, error));
                continue;
            }
            ready.push(w);
        }
        self.check_read_trust(&mut ready);
        let steps = in_parallel(&ready, self.settings.concurrency, |w| self.step(w));
        let mut bulk = Vec::new();
        for (mut w, (known, step)) in ready.into_iter().zip(steps) {
            w.known = known;
            match step {
                Step::Done(action) => self.decide(done(&w, action)),
                Step::Failed(error) => self.decide(fail(w, error)),
                Step::Bulk { target, partly } => bulk.push((w, target, partly)),
            }
        }
        while !bulk.is_empty() {
            let size = self.bulk_max.load(Ordering::Relaxed).max(1);
            let rest = bulk.split_off(size.min(bulk.len()));
            let chunk = std::mem::replace(&mut bulk, rest);
            self.bulk(chunk);
        }
    }

    /// What a search told of a contact (its opt-out only while trusted).
    fn known(&self, c: &Contact) -> Known {
        Known {
            id: Some(c.id),
            uuid: c.uuid.clone(),
            phone: c.phone.clone(),
            unsubscribed: c.is_opted_out.filter(|_| self.bulk_allowed()),
            blocked: c.blocked,
        }
    }

    /// Once per run, before trusting a search's `is_opted_out`: ask
    /// `/v1/contact/status` of one contact whether it agrees.
    fn check_read_trust(&self, works: &mut [Work]) {
        if self.trust() != Trust::Unproved {
            return;
        }
        let Some(w) = works.iter_mut().find(|w| w.known.unsubscribed.is_some()) else {
            return;
        };
        let Some(id) = w.known.id else {
            return;
        };
        match self.client.contact_status(ContactRef::Id(id)) {
            Ok(a) if Some(a.unsubscribed) == w.known.unsubscribed => {
                w.known.blocked = Some(a.blocked);
                *lock(&self.trust) = Trust::ReadAgrees;
            }
            Ok(a) => {
                self.refuse_trust(format!(
                    "contact {id} reads is_opted_out {} in a search but unsubscribed {} in \
                     /v1/contact/status",
                    w.known.unsubscribed.unwrap_or_default(),
                    a.unsubscribed
                ));
                works.iter_mut().for_each(|w| w.known.unsubscribed = None);
            }
            Err(e) if e.is_fatal() => self.stop_with(e),
            Err(_) => {}
        }
    }

    fn refuse_trust(&self, why: String) {
        *lock(&self.trust) = Trust::Refused;
        lock(&self.notes).push(format!(
            "{why}: the opt-out a contact shows and the one /v1/contact/status shows differ, \
             so opt-outs were read and set one contact at a time (set_status) from then on"
        ));
    }

    /// A row's own requests: read what must be read, set what differs.
    fn step(&self, w: &Work) -> (Known, Step) {
        let mut k = w.known.clone();
        if self.stopped() {
            return (k, Step::Failed(self.not_sent_error()));
        }
        let Some(id) = k.id else {
            return (k, Step::Failed(not_found(&w.row.named, "")));
        };
        let want = w.want;
        let active = want.unsubscribed == Some(false) && want.blocked == Some(false);
        // `active` on an opted-out contact changes it whatever `blocked` is.
        let shortcut = active && k.unsubscribed == Some(true);
        let unknown = |asked: Option<bool>, have: Option<bool>| asked.is_some() && have.is_none();
        // --skip-read: a flag not known counts as one to set.
        let read = self.settings.check
            || (!shortcut
                && !self.settings.skip_read
                && (unknown(want.blocked, k.blocked)
                    || unknown(want.unsubscribed, k.unsubscribed)));
        if read {
            match self.client.contact_status(ContactRef::Id(id)) {
                Ok(a) => {
                    k.unsubscribed = Some(a.unsubscribed);
                    k.blocked = Some(a.blocked);
                    k.phone = k.phone.or(a.phone);
                }
                Err(e) => return (k, self.failed_call(&w.row.named, e, "")),
            }
        }
        if self.settings.check {
            return (k, Step::Done(Action::Checked));
        }
        let unsubscribe = want.unsubscribed.filter(|&t| k.unsubscribed != Some(t));
        let block = want.blocked.filter(|&t| k.blocked != Some(t));
        if unsubscribe.is_none() && block.is_none() {
            return (k, Step::Done(Action::Unchanged));
        }
        if active {
            let want = (want.unsubscribed, want.blocked);
            let step = self.set_checked(w, &mut k, &[SetStatus::Active], want);
            return (k, step);
        }
        let bulk =
            unsubscribe.filter(|_| self.bulk_allowed() && k.uuid.is_some() && k.phone.is_some());
        let mut statuses = Vec::new();
        if let Some(b) = block {
            statuses.push(if b {
                SetStatus::Blocked
            } else {
                SetStatus::Unblocked
            });
        }
        if let (Some(u), None) = (unsubscribe, bulk) {
            statuses.push(opt_status(u));
        }
        let checked = (want.unsubscribed.filter(|_| bulk.is_none()), want.blocked);
        // Only the opt-out, in bulk: nothing to set (or read back) here.
        let step = match statuses.is_empty() {
            true => Step::Done(Action::Updated),
            false => self.set_checked(w, &mut k, &statuses, checked),
        };
        match (step, bulk) {
            (Step::Done(_), Some(target)) => {
                let partly = block.is_some();
                (k, Step::Bulk { target, partly })
            }
            (step, _) => (k, step),
        }
    }

    /// The step of a row whose call failed: `not_found` on a 404, the run
    /// stops on a fatal error, `api_rejected` otherwise. `first` says what
    /// was done already.
    fn failed_call(&self, named: &Named, e: ApiError, first: &str) -> Step {
        if e.is_not_found() {
            return Step::Failed(not_found(named, "the API answered 404"));
        }
        if e.is_fatal() {
            self.stop_with(e);
            return Step::Failed(self.not_sent_error());
        }
        let maybe = match e {
            ApiError::Decode { .. } => {
                " (its answer could not be read: the status may or may \
                                        not be set; run status --check on this file to see)"
            }
            _ => "",
        };
        Step::Failed(RowError::new(
            ErrorCode::ApiRejected,
            format!("{first}the API refused the status change: {e}{maybe}"),
        ))
    }

    fn not_sent_error(&self) -> RowError {
        let why = match &*lock(&self.fatal) {
            Some(e) => format!(
                "the run stopped ({e}); run hmbulk status on this error report once that is fixed"
            ),
            None => {
                "the run was interrupted (Ctrl-C); run hmbulk status on this error report again"
                    .into()
            }
        };
        RowError::new(ErrorCode::NotSent, format!("not sent: {why}"))
    }

    fn not_sent(&self, w: Work) {
        let error = self.not_sent_error();
        self.decide(fail(w, error));
    }
}

fn opt_status(unsubscribed: bool) -> SetStatus {
    if unsubscribed {
        SetStatus::Unsubscribed
    } else {
        SetStatus::Subscribed
    }
}

/// `not_found` for a row's contact.
fn not_found(named: &Named, how: &str) -> RowError {
    let how = if how.is_empty() {
        String::new()
    } else {
        format!(" ({how})")
    };
    RowError::new(
        ErrorCode::NotFound,
        format!(
            "no contact has the {named}{how}; check the value, or import the contact first \
             (nothing was changed)"
        ),
    )
}

/// A row's failure, with its cells for the error report.
pub(super) fn failed(row: u64, phone_raw: String, cells: Vec<String>, error: RowError) -> Decided {
    (
        RowOutcome {
            row,
            phone_raw,
            result: RowResult::Failed { error, cells },
        },
        None,
    )
}

fn fail(w: Work, error: RowError) -> Decided {
    failed(w.row.row, w.row.phone_raw, w.row.cells, error)
}

/// A row that succeeded, with what it asked and the contact's flags after.
fn done(w: &Work, action: Action) -> Decided {
    let flag = |f: Option<bool>| f.map(|b| b.to_string()).unwrap_or_default();
    let asked = if w.want.is_empty() {
        String::new()
    } else {
        w.want.to_string()
    };
    let phone = w.known.phone.clone().or_else(|| match &w.row.named {
        Named::Phone(p) => Some(p.clone()),
        _ => None,
    });
    (
        RowOutcome {
            row: w.row.row,
            phone_raw: w.row.phone_raw.clone(),
            result: RowResult::Done {
                action,
                phone: phone.unwrap_or_default(),
                name: String::new(),
                email: String::new(),
                id: w.known.id,
                uuid: w.known.uuid.clone(),
            },
        },
        Some(vec![
            asked,
            flag(w.known.unsubscribed),
            flag(w.known.blocked),
        ]),
    )
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
