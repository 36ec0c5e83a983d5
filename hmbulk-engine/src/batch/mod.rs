//! Sending one batch of validated rows and deciding each row's outcome.
//! Takes a batch of [`Pending`] rows; gives one [`RowOutcome`] per row, and
//! the [`Halt`] if the run must stop (the rows not yet decided then come
//! back as `not_sent`, or `unconfirmed` when the write that stopped the run
//! may have stored them).
//!
//! Upsert (default) searches the batch's phones (and uuids), updates the
//! contacts that exist and creates the rest in one write call; `create` skips
//! existing phones; `update` skips the new ones. A write refused as a whole
//! (400) is split in halves until the bad rows are found, so one bad row never
//! fails its neighbours; when both halves go through, the API's item limit was
//! the problem and later batches are cut to that size. With `--api v1` the
//! write goes to `/v1/batch/contacts`, whose answer says nothing reliable, so
//! the batch is searched again afterwards to confirm each row.
//!
//! Nothing is claimed that the API did not confirm: a row is `created` or
//! `updated` only when the write's answer names its contact (by uuid, or by
//! phone for a create), and `unconfirmed` when the answer names other
//! contacts or none, cannot be read, or was lost. With a [`Journal`], the
//! rows a batch is about to write are recorded before the first write call
//! and the rows it decided after it; a row sent by an earlier run that
//! stopped before its answer ([`Pending::settle`]) is settled by the search:
//! found holding the row's data, it gets the action its write would have
//! given, and is not written again.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::api::{ApiError, ApiVersion, ChannelType, Client, Contact, TagId, WriteItem};
use crate::channel::ChannelPlan;
use crate::choice::choice;
use crate::contact::Draft;
use crate::error::Error;
use crate::journal::Journal;
use crate::outcome::{Action, ErrorCode, RowError, RowOutcome, RowResult};

/// What the message of a row the run left open advises.
pub const RESUME_ADVICE: &str =
    "run the same import again with --resume (or import this error report again)";

/// How rows meet existing contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Upsert,
    Create,
    Update,
}

choice!(Mode, "mode", {
    Upsert => ("upsert", "Update the contacts that exist, create the rest"),
    Create => ("create", "Create new contacts; rows whose phone exists are skipped"),
    Update => ("update", "Update existing contacts; rows with no match are skipped"),
});

/// A validated row on its way to the API, with its original cells for the
/// error report.
#[derive(Debug, Clone)]
pub struct Pending {
    pub draft: Draft,
    pub cells: Vec<String>,
    /// Sent by an earlier run that stopped before the answer came back
    /// (`--resume`): the action that write gives when it succeeded. The
    /// search settles it.
    pub settle: Option<Action>,
}

impl Pending {
    pub fn new(draft: Draft, cells: Vec<String>) -> Pending {
        Pending {
            draft,
            cells,
            settle: None,
        }
    }
}

/// Why a batch stopped the run.
#[derive(Debug)]
pub enum Halt {
    /// The API: credentials, down past retries, a redirect, ...
    Api(ApiError),
    /// The journal cannot be written: nothing more may be sent, since a
    /// stop from then on could not be resumed.
    Journal(Error),
}

impl fmt::Display for Halt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Halt::Api(e) => write!(f, "{e}"),
            Halt::Journal(e) => write!(f, "{e}; the run stopped sending"),
        }
    }
}

/// What to do with one row, decided from the search.
#[derive(Debug, Clone)]
enum Plan {
    Create,
    Update(Box<Contact>),
}

impl Plan {
    /// The action a successful write gives.
    fn action(&self) -> Action {
        match self {
            Plan::Create => Action::Created,
            Plan::Update(_) => Action::Updated,
        }
    }
}

/// A row's fate once the search is in.
enum Decision {
    Write(Plan),
    /// Decided without a write: skipped, or settled.
    Done(Action, Option<Box<Contact>>),
    Fail(RowError),
}

struct Item {
    pending: Pending,
    plan: Plan,
}

/// How a batch stopped the run: why, and the rows it left open.
struct Stop {
    halt: Halt,
    /// Rows no write carried (or whose write was refused).
    unsent: Vec<Pending>,
    /// Rows of the write that stopped the run, which may have stored them.
    unsure: Vec<Pending>,
}

impl Stop {
    fn api(e: ApiError, unsent: Vec<Pending>) -> Stop {
        Stop {
            halt: Halt::Api(e),
            unsent,
            unsure: Vec::new(),
        }
    }
}

/// A call refused: the error and the items it carried.
type Refused = (ApiError, Vec<Item>);

/// One write call over a chunk of items (v1 or v2).
type WriteCall<'c, 'a> =
    dyn FnMut(&Sender<'a>, Vec<Item>, &mut Vec<RowOutcome>) -> Result<(), Refused> + 'c;

pub struct Sender<'a> {
    client: &'a Client,
    mode: Mode,
    version: ApiVersion,
    /// Most items one call may carry; lowered when the API refuses a size.
    max_items: &'a AtomicUsize,
    journal: Option<&'a Journal>,
}

impl<'a> Sender<'a> {
    pub fn new(
        client: &'a Client,
        mode: Mode,
        version: ApiVersion,
        max_items: &'a AtomicUsize,
    ) -> Self {
        Sender {
            client,
            mode,
            version,
            max_items,
            journal: None,
        }
    }

    /// Record what each batch sends and decides in `journal`.
    pub fn with_journal(mut self, journal: Option<&'a Journal>) -> Self {
        self.journal = journal;
        self
    }

    /// Send one batch; every row gets exactly one outcome. The extra
    /// channels of the rows written are added after the write
    /// ([`crate::channel`]), and the journal records every row decided for
    /// good — not those the run left open (not sent, unconfirmed at a stop,
    /// or written without their channels at a stop): `--resume` settles
    /// those by a search.
    pub fn send(&self, batch: Vec<Pending>) -> (Vec<RowOutcome>, Option<Halt>) {
        let channels = ChannelPlan::of(&batch);
        let mut out = Vec::with_capacity(batch.len());
        let stop = self.send_inner(batch, &mut out).err();
        let mut halt = None;
        let mut open = Vec::new();
        if let Some(stop) = stop {
            let why = stop.halt.to_string();
            let unsent = format!("not sent: the run stopped ({why}); {RESUME_ADVICE}");
            open.extend(
                stop.unsent
                    .into_iter()
                    .map(|p| fail(p, ErrorCode::NotSent, unsent.clone())),
            );
            let unsure = format!(
                "sent, but the run stopped ({why}) before the API confirmed it: it may or may \
                 not be stored; {RESUME_ADVICE} to settle it"
            );
            open.extend(
                stop.unsure
                    .into_iter()
                    .map(|p| fail(p, ErrorCode::Unconfirmed, unsure.clone())),
            );
            halt = Some(stop.halt);
        }
        let why = halt.as_ref().map(Halt::to_string);
        let (mut out, channel_stop) = channels.add(self.client, out, why.as_deref());
        if halt.is_none() {
            halt = channel_stop.map(Halt::Api);
        }
        if let Some(journal) = self.journal {
            let decided = out.iter().filter(|o| !left_open(o));
            if let Err(e) = journal.done(decided) {
                halt.get_or_insert(Halt::Journal(e));
            }
        }
        out.extend(open);
        (out, halt)
    }

    fn send_inner(&self, batch: Vec<Pending>, out: &mut Vec<RowOutcome>) -> Result<(), Stop> {
        let phones: Vec<String> = batch.iter().map(|p| p.draft.phone.clone()).collect();
        let uuids: Vec<String> = batch.iter().filter_map(|p| p.draft.uuid.clone()).collect();
        let found = match self.lookup(&phones, &uuids) {
            Ok(found) => found,
            Err(e) => return Err(Stop::api(e, batch)),
        };
        let mut items = Vec::new();
        for pending in batch {
            match self.decide(&pending, &found) {
                Decision::Write(plan) => items.push(Item { pending, plan }),
                Decision::Done(action, rec) => out.push(done(pending, action, rec.as_deref())),
                Decision::Fail(error) => out.push(fail(pending, error.code, error.message)),
            }
        }
        if let Some(journal) = self.journal {
            let rows: Vec<(u64, Action)> = items
                .iter()
                .map(|i| (i.pending.draft.row, i.plan.action()))
                .collect();
            if let Err(e) = journal.sent(&rows) {
                return Err(Stop {
                    halt: Halt::Journal(e),
                    unsent: items.into_iter().map(|i| i.pending).collect(),
                    unsure: Vec::new(),
                });
            }
        }
        match self.version {
            ApiVersion::V2 => self.write_v2(items, out),
            ApiVersion::V1 => self.write_v1(items, out),
        }
    }

    /// Decide create / update / skip for one row, or settle a row an
    /// earlier run sent.
    fn decide(&self, p: &Pending, found: &Found) -> Decision {
        let by_uuid = p.draft.uuid.as_ref().and_then(|u| found.by_uuid.get(u));
        let by_phone = found.get(&p.draft.phone);
        let existing = by_uuid.or(by_phone);
        if let (Some(u), Some(p2)) = (by_uuid, by_phone)
            && u.id != p2.id
        {
            return Decision::Fail(RowError::new(
                ErrorCode::ApiRejected,
                format!(
                    "the uuid column names contact {} but phone {} belongs to another contact ({}); \
                     fix the phone or clear the uuid",
                    u.uuid.as_deref().unwrap_or("?"),
                    p.draft.phone,
                    p2.uuid.as_deref().unwrap_or("?")
                ),
            ));
        }
        if self.version == ApiVersion::V1
            && let Some(u) = by_uuid
            && u.phone.as_deref() != Some(p.draft.phone.as_str())
        {
            return Decision::Fail(RowError::new(
                ErrorCode::ApiRejected,
                "changing a contact's phone by uuid needs --api v2 (v1 matches contacts by phone)",
            ));
        }
        // The earlier run's write went through: the contact holds the row.
        if let (Some(action), Some(c)) = (p.settle, existing)
            && already_holds(&p.draft, c)
        {
            return Decision::Done(action, Some(Box::new(c.clone())));
        }
        match (self.mode, existing) {
            (Mode::Create, Some(_)) | (Mode::Update, None) => {
                Decision::Done(Action::Skipped, by_phone.cloned().map(Box::new))
            }
            (Mode::Create | Mode::Upsert, None) => Decision::Write(Plan::Create),
            (Mode::Update | Mode::Upsert, Some(c)) => {
                Decision::Write(Plan::Update(Box::new(c.clone())))
            }
        }
    }

    /// Search phones and uuids, in calls of at most `max_items` ids.
    fn lookup(&self, phones: &[String], uuids: &[String]) -> Result<Found, ApiError> {
        let mut found = Found::default();
        for rec in self.search_split(ChannelType::Phone, phones)? {
            found.add(rec);
        }
        for rec in self.search_split(ChannelType::Id, uuids)? {
            found.add(rec);
        }
        Ok(found)
    }

    fn search_split(&self, channel: ChannelType, ids: &[String]) -> Result<Vec<Contact>, ApiError> {
        let mut all = Vec::new();
        for chunk in ids.chunks(self.max_items.load(Ordering::Relaxed).max(1)) {
            match self.client.search(channel, chunk) {
                Ok(found) => all.extend(found),
                // A refused search: too many ids, or one the API cannot read.
                Err(ApiError::Rejected { .. }) if chunk.len() > 1 => {
                    let (a, b) = chunk.split_at(chunk.len() / 2);
                    all.extend(self.search_split(channel, a)?);
                    all.extend(self.search_split(channel, b)?);
                }
                Err(ApiError::Rejected { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(all)
    }

    // ---- v2 ---------------------------------------------------------------

    fn write_v2(&self, items: Vec<Item>, out: &mut Vec<RowOutcome>) -> Result<(), Stop> {
        let mut retry = Vec::new();
        self.split_calls(items, out, &mut |sender, chunk, out| {
            sender.write_v2_call(chunk, out, &mut retry)
        })?;
        if retry.is_empty() {
            return Ok(());
        }
        // A create refused while a contact holds its phone: someone (or our
        // own earlier attempt, whose answer a dropped connection lost)
        // created it after the search. The search says so, whatever the
        // reason's wording: update that contact instead, once. A create
        // whose phone no contact holds was refused for what it carries.
        let phones: Vec<String> = retry
            .iter()
            .map(|(i, _): &(Item, String)| i.pending.draft.phone.clone())
            .collect();
        let found = match self.lookup(&phones, &[]) {
            Ok(f) => f,
            // Refused creates stored nothing.
            Err(e) => {
                return Err(Stop::api(
                    e,
                    retry.into_iter().map(|(i, _)| i.pending).collect(),
                ));
            }
        };
        let mut again = Vec::new();
        for (mut item, reason) in retry {
            let Some(rec) = found.get(&item.pending.draft.phone) else {
                out.push(refused(item.pending, &reason));
                continue;
            };
            if already_holds(&item.pending.draft, rec) {
                // Not there at the search, there now with exactly this row's
                // data: our own earlier attempt, whose answer was lost.
                out.push(done(item.pending, Action::Created, Some(rec)));
            } else if self.mode == Mode::Create {
                out.push(done(item.pending, Action::Skipped, Some(rec)));
            } else {
                item.plan = Plan::Update(Box::new(rec.clone()));
                again.push(item);
            }
        }
        // Updates never come back for a retry: one more round at most.
        self.split_calls(again, out, &mut |sender, chunk, out| {
            sender.write_v2_call(chunk, out, &mut Vec::new())
        })?;
        Ok(())
    }

    /// One `/v2/contacts` call; refused creates, with the API's reason, go
    /// to `retry` (their phone may exist now).
    fn write_v2_call(
        &self,
        items: Vec<Item>,
        out: &mut Vec<RowOutcome>,
        retry: &mut Vec<(Item, String)>,
    ) -> Result<(), Refused> {
        let bodies: Vec<WriteItem> = items
            .iter()
            .map(|i| match &i.plan {
                Plan::Create => WriteItem::from(&i.pending.draft),
                Plan::Update(c) => WriteItem {
                    contact_id: c.uuid.as_deref(),
                    ..WriteItem::from(&i.pending.draft)
                },
            })
            .collect();
        let answer = match self.client.write_v2(&bodies) {
            Ok(a) => a,
            Err(e) => return Err((e, items)),
        };
        let mut ok_by_uuid: HashMap<&str, &Contact> = HashMap::new();
        let mut ok_by_phone: HashMap<&str, &Contact> = HashMap::new();
        for c in &answer.contacts {
            if let Some(u) = &c.uuid {
                ok_by_uuid.insert(u, c);
            }
            if let Some(p) = &c.phone {
                ok_by_phone.insert(p, c);
            }
        }
        let mut failed_by_key: HashMap<&str, &str> = HashMap::new();
        for f in &answer.failed_contacts {
            for key in [&f.contact_id, &f.phone].into_iter().flatten() {
                failed_by_key.insert(key, &f.reason);
            }
        }
        for item in items {
            let draft = &item.pending.draft;
            let update_uuid = match &item.plan {
                Plan::Update(c) => c.uuid.as_deref(),
                Plan::Create => None,
            };
            let failure = update_uuid
                .and_then(|u| failed_by_key.get(u))
                .or_else(|| failed_by_key.get(draft.phone.as_str()))
                .map(|reason| reason.to_string());
            if let Some(reason) = failure {
                match item.plan {
                    Plan::Create => retry.push((item, reason)),
                    Plan::Update(_) => out.push(refused(item.pending, &reason)),
                }
                continue;
            }
            // Only the contact itself confirms a row: an update by its
            // uuid (with the row's phone, when the answer gives one), a
            // create by the row's phone.
            let same_phone = |rec: &&Contact| rec.phone.as_deref().is_none_or(|p| p == draft.phone);
            let stored = match update_uuid {
                Some(u) => ok_by_uuid.get(u).copied().filter(same_phone),
                None => ok_by_phone.get(draft.phone.as_str()).copied(),
            };
            match stored {
                Some(rec) => {
                    let action = item.plan.action();
                    out.push(done(item.pending, action, Some(rec)))
                }
                None => out.push(fail(
                    item.pending,
                    ErrorCode::Unconfirmed,
                    "the API's answer neither confirmed nor refused this contact (it names other \
                     contacts, or none): it may or may not be stored; import the file (or this \
                     error report) again to settle it",
                )),
            }
        }
        Ok(())
    }

    // ---- v1 ---------------------------------------------------------------

    fn write_v1(&self, items: Vec<Item>, out: &mut Vec<RowOutcome>) -> Result<(), Stop> {
        self.split_calls(items, out, &mut |sender, chunk, out| {
            sender.write_v1_call(chunk, out)
        })
    }

    fn write_v1_call(&self, items: Vec<Item>, out: &mut Vec<RowOutcome>) -> Result<(), Refused> {
        let overwrite = items.iter().any(|i| matches!(i.plan, Plan::Update(_)));
        let bodies: Vec<WriteItem> = items
            .iter()
            .map(|i| WriteItem::from(&i.pending.draft))
            .collect();
        if let Err(e) = self.client.batch_v1(&bodies, overwrite) {
            return Err((e, items));
        }
        // The answer is "ok" or an array the docs describe two ways; search
        // again and judge each row by what the API now holds.
        let phones: Vec<String> = items
            .iter()
            .map(|i| i.pending.draft.phone.clone())
            .collect();
        let after = match self.lookup(&phones, &[]) {
            Ok(f) => f,
            // Written, but not confirmed.
            Err(e) => return Err((ApiError::Unconfirmed(Box::new(e)), items)),
        };
        for item in items {
            let now = after.get(&item.pending.draft.phone);
            let outcome = match (&item.plan, now) {
                (Plan::Create, Some(rec)) => done(item.pending, Action::Created, Some(rec)),
                (Plan::Update(before), Some(rec)) if rec.rev != before.rev || rec.rev.is_none() => {
                    done(item.pending, Action::Updated, Some(rec))
                }
                _ => fail(
                    item.pending,
                    ErrorCode::ApiRejected,
                    "the API did not store this contact (v1 batch answers give no reason; --api v2 reports one)",
                ),
            };
            out.push(outcome);
        }
        Ok(())
    }

    // ---- splitting ----------------------------------------------------------

    /// Run `call` on `items` in chunks of at most `max_items`; a chunk refused
    /// as a whole is split in halves until the refused rows stand alone.
    fn split_calls(
        &self,
        items: Vec<Item>,
        out: &mut Vec<RowOutcome>,
        call: &mut WriteCall<'_, 'a>,
    ) -> Result<(), Stop> {
        let mut rest = items;
        while !rest.is_empty() {
            let take = self
                .max_items
                .load(Ordering::Relaxed)
                .max(1)
                .min(rest.len());
            let tail = rest.split_off(take);
            let chunk = std::mem::replace(&mut rest, tail);
            if let Err((error, undecided)) = self.split_call(chunk, out, call) {
                let undecided = undecided.into_iter().map(|i| i.pending).collect();
                let (mut unsent, unsure) = if error.maybe_stored() {
                    (Vec::new(), undecided)
                } else {
                    (undecided, Vec::new())
                };
                unsent.extend(rest.into_iter().map(|i| i.pending));
                return Err(Stop {
                    halt: Halt::Api(error),
                    unsent,
                    unsure,
                });
            }
        }
        Ok(())
    }

    /// Returns whether the chunk went through without a whole-call refusal.
    fn split_call(
        &self,
        chunk: Vec<Item>,
        out: &mut Vec<RowOutcome>,
        call: &mut WriteCall<'_, 'a>,
    ) -> Result<bool, Refused> {
        match call(self, chunk, out) {
            Ok(()) => Ok(true),
            Err((ApiError::Rejected { message, .. }, mut chunk)) => {
                if chunk.len() == 1 {
                    let item = chunk.remove(0);
                    out.push(refused(item.pending, &message));
                    return Ok(false);
                }
                let n = chunk.len();
                let second = chunk.split_off(n / 2);
                let a = self.split_call(chunk, out, call);
                let a_ok = match a {
                    Ok(ok) => ok,
                    Err((e, mut undecided)) => {
                        undecided.extend(second);
                        return Err((e, undecided));
                    }
                };
                let b_ok = self.split_call(second, out, call)?;
                if a_ok && b_ok {
                    // Both halves went through: the size was the problem.
                    self.max_items.fetch_min((n / 2).max(1), Ordering::Relaxed);
                }
                Ok(false)
            }
            Err((e, chunk)) if e.is_fatal() => Err((e, chunk)),
            Err((e, chunk)) => {
                // An unreadable answer: the write may or may not have happened.
                let message = format!(
                    "{e}; the contact may or may not be stored: import the file (or this error \
                     report) again to settle it"
                );
                out.extend(
                    chunk
                        .into_iter()
                        .map(|i| fail(i.pending, ErrorCode::Unconfirmed, message.clone())),
                );
                Ok(true)
            }
        }
    }
}

/// The row as a write item: only the fields it sets. Setting `contact_id`
/// (the contact's UUID) makes a v2 item an update.
impl<'d> From<&'d Draft> for WriteItem<'d> {
    fn from(d: &'d Draft) -> Self {
        WriteItem {
            contact_id: None,
            phone: &d.phone,
            first: d.first.as_deref(),
            last: d.last.as_deref(),
            display_name: d.display_name.as_deref(),
            email: d.email.as_deref(),
            custom: d.custom.iter().map(|(id, v)| (*id, v.as_str())).collect(),
            tags: d
                .tags
                .as_ref()
                .map(|ids| ids.iter().map(|&tag_id| TagId { tag_id }).collect()),
            assignee_id: d.assignee,
            is_opted_out: d.opted_out,
        }
    }
}

/// Whether the stored contact already holds every field the row sets (so a
/// write of the row would change nothing).
fn already_holds(d: &Draft, rec: &Contact) -> bool {
    let text = |have: &Option<String>, want: &Option<String>| {
        want.as_ref()
            .is_none_or(|w| have.as_deref().unwrap_or("") == w)
    };
    let custom_ok = d.custom.iter().all(|(id, v)| rec.custom_text(*id) == *v);
    let tags_ok = d.tags.as_ref().is_none_or(|want| {
        let mut want = want.clone();
        let mut have = rec.tag_ids();
        want.sort_unstable();
        want.dedup();
        have.sort_unstable();
        want == have
    });
    let assignee_ok = d.assignee.is_none_or(|a| {
        let have = rec.assignee();
        have == Some(a) || (a == -1 && have.is_none())
    });
    let opted_ok = d.opted_out.is_none_or(|o| rec.is_opted_out == Some(o));
    text(&rec.first, &d.first)
        && text(&rec.last, &d.last)
        && text(&rec.display_name, &d.display_name)
        && text(&rec.email, &d.email)
        && custom_ok
        && tags_ok
        && assignee_ok
        && opted_ok
}

/// Contacts found by a search, by phone and by uuid.
#[derive(Debug, Default)]
struct Found {
    by_phone: HashMap<String, Contact>,
    by_uuid: HashMap<String, Contact>,
}

impl Found {
    fn add(&mut self, rec: Contact) {
        if let Some(u) = &rec.uuid {
            self.by_uuid.insert(u.clone(), rec.clone());
        }
        if let Some(p) = &rec.phone {
            self.by_phone.insert(p.clone(), rec);
        }
    }

    fn get(&self, phone: &str) -> Option<&Contact> {
        self.by_phone.get(phone)
    }
}

fn done(p: Pending, action: Action, rec: Option<&Contact>) -> RowOutcome {
    let (name, email) = p.draft.who();
    RowOutcome {
        row: p.draft.row,
        phone_raw: p.draft.phone_raw,
        result: RowResult::Done {
            action,
            phone: p.draft.phone,
            name,
            email,
            id: rec.map(|r| r.id),
            uuid: rec.and_then(|r| r.uuid.clone()),
        },
    }
}

/// A row the run left open: not sent (the channel step's rows written
/// without their channels at a stop included).
fn left_open(o: &RowOutcome) -> bool {
    matches!(&o.result, RowResult::Failed { error, .. } if error.code == ErrorCode::NotSent)
}

fn fail(p: Pending, code: ErrorCode, message: impl Into<String>) -> RowOutcome {
    RowOutcome {
        row: p.draft.row,
        phone_raw: p.draft.phone_raw,
        result: RowResult::Failed {
            error: RowError::new(code, message),
            cells: p.cells,
        },
    }
}

/// A row the API refused, with its reason.
fn refused(p: Pending, reason: &str) -> RowOutcome {
    fail(
        p,
        ErrorCode::ApiRejected,
        format!("the API refused this contact: {reason}"),
    )
}
