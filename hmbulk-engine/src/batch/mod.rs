//! Sending one batch of validated rows and deciding each row's outcome.
//! Takes a batch of [`Pending`] rows; gives one [`RowOutcome`] per row, and
//! the [`Halt`] if the run must stop (the rows not yet decided then come
//! back as `not_sent`, or `unconfirmed` when the write that stopped the run
//! may have stored them).
//!
//! Upsert (default) updates the contacts that exist and creates the rest;
//! `create` skips existing phones; `update` skips the new ones. A row whose
//! contact already holds everything it sets is `unchanged` and not written
//! ([`compare`]). A batch goes one of two ways ([`strategy`] decides which):
//! **searched first** — its phones (and uuids) searched, then one write call
//! for the creates and the updates that change something — or **created
//! first** — its rows sent as creates, and only those the API refuses
//! because their phone exists searched, compared and updated (so a batch
//! of new contacts costs one request). A write refused as a whole (400) is
//! split in halves until the bad rows are found, so one bad row never fails
//! its neighbours; when both halves go through, the API's item limit was
//! the problem and later batches are cut to that size. With `--api v1` the
//! write goes to `/v1/batch/contacts`, whose answer says nothing reliable,
//! so the batch is searched first and again afterwards to confirm each row.
//!
//! Nothing is claimed that the API did not confirm: a row is `created` or
//! `updated` only when the write's answer names its contact (by uuid, or by
//! phone for a create), and `unconfirmed` when the answer names other
//! contacts or none, cannot be read, or was lost. With a [`Journal`], the
//! rows a batch is about to write are recorded before each write call and
//! the rows it decided after it; a row sent by an earlier run that stopped
//! before its answer ([`Pending::settle`]) is settled by the search: found
//! holding the row's data, it gets the action its write would have given
//! (`created` only when the contact is no older than the import), and is
//! not written again.

mod compare;
pub mod merge;
pub mod strategy;
mod write;

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use self::compare::{already_holds, created_since};
pub use self::merge::{Merge, TagTally};
pub use self::strategy::{Proof, Route, Strategy};
use crate::api::{ApiError, ApiVersion, Client, Contact, TagId, WriteItem};
use crate::channel::{ChannelPlan, RowChannels};
use crate::choice::choice;
use crate::contact::Draft;
use crate::error::Error;
use crate::journal::{Began, Journal};
use crate::lookup::{Finder, Found};
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
    pub draft: Draft<'static>,
    pub cells: Vec<String>,
    /// Sent by an earlier run that stopped before the answer came back
    /// (`--resume`): the action that write gives when it succeeded. The
    /// search settles it.
    pub settle: Option<Action>,
}

impl Pending {
    pub fn new(draft: Draft<'static>, cells: Vec<String>) -> Pending {
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

/// A create the API refused (its phone may belong to a contact): the item,
/// the API's reason, and whether the call that carried it was sent again
/// after an attempt that may have been stored (the refusal may then be of
/// this run's own contact).
struct Refusal {
    item: Item,
    reason: String,
    resent: bool,
}

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
    /// Search first or create first, shared by the workers; without one,
    /// every batch is searched first.
    strategy: Option<&'a Strategy>,
    /// When the import began (the first run's, when resumed): a contact
    /// created before then is not this import's.
    since: Began,
    /// How a row meets the contact it updates ([`merge`]); without one,
    /// the row's fields are written as they are.
    merge: Option<&'a Merge>,
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
            strategy: None,
            since: Began::now(client.server_now()),
            merge: None,
        }
    }

    /// Resolve each row against the contact it updates by `merge`'s rules.
    pub fn with_merge(mut self, merge: Option<&'a Merge>) -> Self {
        self.merge = merge;
        self
    }

    /// Record what each batch sends and decides in `journal`.
    pub fn with_journal(mut self, journal: Option<&'a Journal>) -> Self {
        self.journal = journal;
        if let Some(t) = journal.and_then(Journal::began_at) {
            self.since = t;
        }
        self
    }

    /// Let `strategy` send batches create first when it may.
    pub fn with_strategy(mut self, strategy: Option<&'a Strategy>) -> Self {
        self.strategy = strategy;
        self
    }

    /// Send one batch; every row gets exactly one outcome. The extra
    /// channels of the rows written are added after the write
    /// ([`crate::channel`]), and the journal records every row decided for
    /// good — not those the run left open (not sent, unconfirmed at a stop,
    /// or written without their channels at a stop): `--resume` settles
    /// those by a search.
    pub fn send(&self, batch: Vec<Pending>) -> (Vec<RowOutcome>, Option<Halt>) {
        let channels = ChannelPlan::of(batch.iter().map(|p| RowChannels {
            row: p.draft.row,
            phones: &p.draft.secondary_phones,
            emails: &p.draft.secondary_emails,
            cells: &p.cells,
        }));
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

    /// Send the batch the way the strategy says, and tell it what the batch
    /// found.
    fn send_inner(&self, batch: Vec<Pending>, out: &mut Vec<RowOutcome>) -> Result<(), Stop> {
        let strategy = self.strategy.filter(|_| {
            self.version == ApiVersion::V2
                && self.mode != Mode::Update
                && batch
                    .iter()
                    .all(|p| p.draft.uuid.is_none() && p.settle.is_none())
        });
        let Some(strategy) = strategy else {
            return self.search_first(batch, out).map(drop);
        };
        let found_any = match strategy.route(self.mode) {
            Route::SearchFirst => self.search_first(batch, out)?,
            Route::CreateFirst => self.create_first(batch, out)?,
            Route::Lead(turn) => {
                let found_any = self.search_first(batch, out)?;
                strategy.found(found_any, known(out));
                drop(turn);
                return Ok(());
            }
            Route::Probe {
                turn,
                phone,
                uuid,
                id,
            } => {
                let proof = match self.probe(&phone, uuid.as_deref(), id) {
                    Ok(proof) => proof,
                    Err(e) => return Err(Stop::api(e, batch)),
                };
                strategy.proved(proof.clone());
                drop(turn);
                if proof == Proof::Proven {
                    self.create_first(batch, out)?
                } else {
                    self.search_first(batch, out)?
                }
            }
        };
        strategy.found(found_any, known(out));
        Ok(())
    }

    /// Search the batch's phones and uuids, then write what must be; gives
    /// whether any phone held a contact.
    fn search_first(&self, batch: Vec<Pending>, out: &mut Vec<RowOutcome>) -> Result<bool, Stop> {
        let found = match self.lookup_rows(&batch) {
            Ok(found) => found,
            Err(e) => return Err(Stop::api(e, batch)),
        };
        let mut items = Vec::new();
        for mut pending in batch {
            match self.decide(&mut pending, &found) {
                Decision::Write(plan) => items.push(Item { pending, plan }),
                Decision::Done(action, rec) => out.push(done(pending, action, rec.as_deref())),
                Decision::Fail(error) => out.push(fail(pending, error.code, error.message)),
            }
        }
        self.journal_sent(&items)?;
        // Creates refused since the search: contacts created meanwhile.
        let found_since = match self.version {
            ApiVersion::V2 => self.write_v2(items, out)?,
            ApiVersion::V1 => {
                self.write_v1(items, out)?;
                false
            }
        };
        Ok(found_since || found.has_phones())
    }

    /// Send every row as a create, then settle the creates refused (by a
    /// search, or in `create` mode by the reason); gives whether any phone
    /// held a contact.
    fn create_first(&self, batch: Vec<Pending>, out: &mut Vec<RowOutcome>) -> Result<bool, Stop> {
        let items: Vec<Item> = batch
            .into_iter()
            .map(|pending| Item {
                pending,
                plan: Plan::Create,
            })
            .collect();
        self.journal_sent(&items)?;
        self.write_v2(items, out)
    }

    /// Before a write call: its rows and the action each gets when it
    /// succeeds. When the journal cannot take them, nothing is sent.
    fn journal_sent(&self, items: &[Item]) -> Result<(), Stop> {
        let rows: Vec<(u64, Action)> = items
            .iter()
            .map(|i| (i.pending.draft.row, i.plan.action()))
            .collect();
        self.journal_rows(&rows).map_err(|halt| Stop {
            halt,
            unsent: items.iter().map(|i| i.pending.clone()).collect(),
            unsure: Vec::new(),
        })
    }

    fn journal_rows(&self, rows: &[(u64, Action)]) -> Result<(), Halt> {
        match self.journal {
            Some(journal) => journal.sent(rows).map_err(Halt::Journal),
            None => Ok(()),
        }
    }

    /// Decide create / update / skip for one row, or settle a row an
    /// earlier run sent.
    fn decide(&self, p: &mut Pending, found: &Found) -> Decision {
        let by_uuid = p.draft.uuid.as_ref().and_then(|u| found.uuid(u));
        let by_phone = Some(&p.draft.phone)
            .filter(|phone| !phone.is_empty())
            .and_then(|phone| found.phone(phone));
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
            && !p.draft.phone.is_empty()
            && !u.holds_phone(&p.draft.phone)
        {
            return Decision::Fail(RowError::new(
                ErrorCode::ApiRejected,
                "changing a contact's phone by uuid needs --api v2 (v1 matches contacts by phone)",
            ));
        }
        // The row as it is compared with its contact and written over it.
        if let Some(c) = existing
            && self.mode != Mode::Create
            && let Err(e) = self.resolve(&mut p.draft, c)
        {
            return Decision::Fail(e);
        }
        // The earlier run's write went through: the contact holds the row
        // (and, for a create, is no older than the import; an older one
        // held the row before, and is decided below as any other).
        if let (Some(action), Some(c)) = (p.settle, existing)
            && already_holds(&p.draft, c)
            && match action {
                Action::Created => created_since(c, self.since),
                _ => action == Action::Updated,
            }
        {
            return Decision::Done(action, Some(Box::new(c.clone())));
        }
        match (self.mode, existing) {
            (Mode::Create, Some(_)) | (Mode::Update, None) => {
                Decision::Done(Action::Skipped, by_phone.cloned().map(Box::new))
            }
            (Mode::Create | Mode::Upsert, None) if p.draft.phone.is_empty() => {
                Decision::Fail(RowError::new(
                    ErrorCode::NotFound,
                    format!(
                        "no contact has the uuid {}, and the row has no phone to create one \
                         with; fix the uuid, or add the phone",
                        p.draft.uuid.as_deref().unwrap_or("")
                    ),
                ))
            }
            (Mode::Create | Mode::Upsert, None) => Decision::Write(Plan::Create),
            (Mode::Update | Mode::Upsert, Some(c)) if already_holds(&p.draft, c) => {
                Decision::Done(Action::Unchanged, Some(Box::new(c.clone())))
            }
            (Mode::Update | Mode::Upsert, Some(c)) => {
                Decision::Write(Plan::Update(Box::new(c.clone())))
            }
        }
    }

    /// `d` resolved against `rec`, the contact it updates ([`merge`]).
    fn resolve(&self, d: &mut Draft<'_>, rec: &Contact) -> Result<(), RowError> {
        match self.merge {
            Some(merge) => merge.resolve(d, rec),
            None => Ok(()),
        }
    }

    /// The write item of `item`: its row as resolved, and for a create the
    /// tags a create carries ([`Merge::create_tags`]).
    fn write_item<'i>(&self, item: &'i Item) -> WriteItem<'i> {
        let d = &item.pending.draft;
        match &item.plan {
            Plan::Update(c) => write::update_item(d, c),
            Plan::Create => {
                let mut w = WriteItem::from(d);
                if let Some(merge) = self.merge {
                    w.tags = tag_items(merge.create_tags(d).as_deref());
                }
                w
            }
        }
    }

    /// A write of `item` was confirmed: count what it did to tags.
    fn count_tags(&self, item: &Item) {
        if let Some(merge) = self.merge {
            let before = match &item.plan {
                Plan::Update(c) => Some(&**c),
                Plan::Create => None,
            };
            merge.count(before, &item.pending.draft);
        }
    }

    /// Search phones and uuids, in calls of at most `max_items` ids (a
    /// refused call split in halves, [`Finder`]).
    fn lookup(&self, phones: &[String], uuids: &[String]) -> Result<Found, ApiError> {
        self.finder().find_ids(phones, uuids)
    }

    fn finder(&self) -> Finder<'a> {
        Finder::new(self.client, self.max_items.load(Ordering::Relaxed))
    }

    /// The contacts a batch's rows name: their phones, then the uuids whose
    /// row's phone found no contact with that uuid (a row whose phone's
    /// contact carries its uuid needs no second search). When the answers
    /// carry no uuid, a row whose phone finds a contact is matched by its
    /// phone; only the uuids of rows whose phone finds none are searched.
    fn lookup_rows(&self, batch: &[Pending]) -> Result<Found, ApiError> {
        let finder = self.finder();
        // A row matched by its uuid alone has no phone to search.
        let phones: Vec<String> = (batch.iter())
            .filter(|p| !p.draft.phone.is_empty())
            .map(|p| p.draft.phone.clone())
            .collect();
        let mut found = finder.find_ids(&phones, &[])?;
        let uuids: Vec<String> = batch
            .iter()
            .filter_map(|p| {
                let uuid = p.draft.uuid.as_ref()?;
                let by_phone = found.phone(&p.draft.phone);
                match by_phone.map(|c| c.uuid.as_deref()) {
                    Some(Some(u)) if u.eq_ignore_ascii_case(uuid) => None,
                    Some(None) => None,
                    _ => Some(uuid.clone()),
                }
            })
            .collect();
        if !uuids.is_empty() {
            found.extend(finder.find_ids(&[], &uuids)?);
        }
        Ok(found)
    }
}

/// The row as a write item: only the fields it sets. Setting `contact_id`
/// (the contact's UUID) makes a v2 item an update.
impl<'d> From<&'d Draft<'_>> for WriteItem<'d> {
    fn from(d: &'d Draft<'_>) -> Self {
        WriteItem {
            contact_id: None,
            phone: &d.phone,
            first: d.first.as_deref(),
            last: d.last.as_deref(),
            display_name: d.display_name.as_deref(),
            email: d.email.as_deref(),
            custom: d.custom.iter().map(|(id, v)| (*id, v.as_str())).collect(),
            tags: tag_items(d.tags.as_deref()),
            assignee_id: d.assignee,
            is_opted_out: d.opted_out,
            contact_channels: Vec::new(),
        }
    }
}

/// Tag ids as a write item's tags.
fn tag_items(ids: Option<&[i64]>) -> Option<Vec<TagId>> {
    ids.map(|ids| ids.iter().map(|&tag_id| TagId { tag_id }).collect())
}

/// A phone of the batch that holds a contact now, and the contact's uuid
/// and id (for the strategy's probe).
fn known(out: &[RowOutcome]) -> Option<strategy::Known> {
    out.iter().find_map(|o| match &o.result {
        RowResult::Done {
            phone,
            uuid,
            id: Some(id),
            ..
        } => Some((phone.clone(), uuid.clone(), *id)),
        _ => None,
    })
}

fn done(p: Pending, action: Action, rec: Option<&Contact>) -> RowOutcome {
    let (name, email) = p.draft.who();
    RowOutcome {
        row: p.draft.row,
        phone_raw: p.draft.phone_raw.into_owned(),
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
        phone_raw: p.draft.phone_raw.into_owned(),
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
