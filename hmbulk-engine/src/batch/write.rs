//! The write calls of a batch: `/v2/contacts` (and what follows the creates
//! it refuses), the strategy's probe, `/v1/batch/contacts`, and the
//! splitting of a call the API refuses as a whole. Takes the items a batch
//! decided to write; gives their outcomes, or the [`Stop`] that ends the run.
//!
//! A v2 create carries its phone (and email) both as fields and as
//! `contact_channels`, as the reference's bulk example does. An update goes
//! by the contact's uuid; a contact whose answers gave no uuid (the public
//! answer schemas show none) is updated by its phone instead, through
//! `/v1/batch/contacts?overwrite=true`, and confirmed by a search: never a
//! create for a contact that exists. v1 calls (`--api v1`, and those
//! updates) are judged by what a search afterwards shows, since their answer
//! says nothing per contact: a create is `created` only when the contact now
//! holding its phone holds the row and is no older than the import (else,
//! in `create` mode, `skipped`: another client's contact; in upsert, that
//! contact is updated); an update is `updated` only when the contact holds
//! the row afterwards.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use super::compare::{already_holds, created_since, says_phone_exists, uuid_in};
use super::{
    Halt, Item, Plan, Proof, Refusal, Refused, Sender, Stop, WriteCall, done, fail, refused,
};
use crate::api::{ApiError, Contact, WriteItem};
use crate::contact::Draft;
use crate::halves::{Failed, Stopped, send_in_halves};
use crate::outcome::{Action, ErrorCode, RowOutcome, RowResult};

use super::Mode;

impl<'a> Sender<'a> {
    // ---- v2 ---------------------------------------------------------------

    /// Write `items` with `/v2/contacts`, then settle the creates it
    /// refused ([`Sender::settle_refusals`]); gives whether any of them
    /// turned out to have a contact.
    pub(super) fn write_v2(
        &self,
        items: Vec<Item>,
        out: &mut Vec<RowOutcome>,
    ) -> Result<bool, Stop> {
        let (items, by_phone) = by_phone_updates(items);
        let mut refusals = Vec::new();
        let written = self.split_calls(items, out, &mut |sender, chunk, out| {
            sender.write_v2_call(chunk, out, &mut refusals)
        });
        if let Err(mut stop) = written {
            // The refused creates of the calls before the stop stored
            // nothing, unless their call was sent twice.
            for r in refusals {
                match r.resent {
                    true => stop.unsure.push(r.item.pending),
                    false => stop.unsent.push(r.item.pending),
                }
            }
            stop.unsent.extend(by_phone.into_iter().map(|i| i.pending));
            return Err(stop);
        }
        if let Err(mut stop) = self.write_v1(by_phone, out) {
            stop.unsent
                .extend(refusals.into_iter().map(|r| r.item.pending));
            return Err(stop);
        }
        self.settle_refusals(refusals, out)
    }

    /// Creates refused, most often because a contact holds the phone: a
    /// contact that exists (sent create first, or created by someone else
    /// since the search). In `create` mode a reason that says so makes the
    /// row `skipped`, without a search; the others are searched (whatever
    /// the reason's wording, the search settles it): no contact — refused
    /// for what it carries; a contact holding the row's data — `unchanged`
    /// (`skipped` in `create` mode), or `created` when the call was sent
    /// twice and the contact is no older than the import (the first attempt
    /// stored it, and its answer was lost), or `unconfirmed` when the reason
    /// does not say the phone exists and the contact is no older than the
    /// import (an API that stores a contact and answers "failed": no line
    /// claims a write the answer refused, or that nothing was written); any
    /// other — updated (`skipped` in `create` mode). Gives whether any phone
    /// held a contact.
    fn settle_refusals(
        &self,
        refusals: Vec<Refusal>,
        out: &mut Vec<RowOutcome>,
    ) -> Result<bool, Stop> {
        let mut found_any = false;
        let mut to_search = Vec::new();
        for r in refusals {
            if self.mode == Mode::Create && !r.resent && says_phone_exists(&r.reason) {
                found_any = true;
                out.push(skipped_as_existing(r.item, &r.reason));
            } else {
                to_search.push(r);
            }
        }
        if to_search.is_empty() {
            return Ok(found_any);
        }
        // The creates refused stored nothing (unless sent twice): until they
        // are decided, a stop leaves them to be settled as any row found
        // holding the data, `unchanged`, not `created`.
        let not_stored: Vec<(u64, Action)> = to_search
            .iter()
            .filter(|r| !r.resent)
            .map(|r| (r.item.pending.draft.row, Action::Unchanged))
            .collect();
        let stop = |halt: Halt, refusals: Vec<Refusal>| {
            let (unsure, unsent): (Vec<Refusal>, Vec<Refusal>) =
                refusals.into_iter().partition(|r| r.resent);
            Stop {
                halt,
                unsent: unsent.into_iter().map(|r| r.item.pending).collect(),
                unsure: unsure.into_iter().map(|r| r.item.pending).collect(),
            }
        };
        if let Err(halt) = self.journal_rows(&not_stored) {
            return Err(stop(halt, to_search));
        }
        let phones: Vec<String> = to_search
            .iter()
            .map(|r| r.item.pending.draft.phone.clone())
            .collect();
        let found = match self.lookup(&phones, &[]) {
            Ok(f) => f,
            Err(e) => return Err(stop(Halt::Api(e), to_search)),
        };
        let mut again = Vec::new();
        for Refusal {
            mut item,
            reason,
            resent,
        } in to_search
        {
            let Some(rec) = found.phone(&item.pending.draft.phone) else {
                out.push(refused(item.pending, &reason));
                continue;
            };
            found_any = true;
            if self.mode != Mode::Create
                && let Err(e) = self.resolve(&mut item.pending.draft, rec)
            {
                out.push(fail(item.pending, e.code, e.message));
                continue;
            }
            let holds = already_holds(&item.pending.draft, rec);
            let new = created_since(rec, self.since);
            if holds && resent && new {
                out.push(done(item.pending, Action::Created, Some(rec)));
            } else if holds && new && !says_phone_exists(&reason) {
                out.push(fail(
                    item.pending,
                    ErrorCode::Unconfirmed,
                    format!(
                        "the API refused this contact ({reason}), yet a search afterwards finds a \
                         contact created since the import began holding the row: it may be this \
                         write's; import the file (or this error report) again to settle it"
                    ),
                ));
            } else if self.mode == Mode::Create {
                out.push(done(item.pending, Action::Skipped, Some(rec)));
            } else if holds {
                out.push(done(item.pending, Action::Unchanged, Some(rec)));
            } else {
                item.plan = Plan::Update(Box::new(rec.clone()));
                again.push(item);
            }
        }
        self.journal_sent(&again)?;
        // Updates never come back refused as creates: one round at most.
        let (again, by_phone) = by_phone_updates(again);
        if let Err(mut stop) = self.split_calls(again, out, &mut |sender, chunk, out| {
            sender.write_v2_call(chunk, out, &mut Vec::new())
        }) {
            stop.unsent.extend(by_phone.into_iter().map(|i| i.pending));
            return Err(stop);
        }
        self.write_v1(by_phone, out)?;
        Ok(found_any)
    }

    /// The strategy's probe: a create that carries only `phone`, which
    /// contact `id` (`uuid`) holds. Refused: the API refuses a create whose
    /// phone exists (proven). Stored as another contact: the API duplicates
    /// — that contact is deleted at once (by its uuid, or by its id when the
    /// answers give none). Stored on that contact, or anything else: not
    /// proven. An error that stops the run is given back.
    pub(super) fn probe(
        &self,
        phone: &str,
        uuid: Option<&str>,
        id: i64,
    ) -> Result<Proof, ApiError> {
        let item = WriteItem {
            phone,
            ..WriteItem::default()
        }
        .with_channels();
        let answer = match self.client.write_v2(std::slice::from_ref(&item)) {
            Ok(answer) => answer,
            Err(e) if e.is_fatal() => return Err(e),
            Err(e) => {
                return Ok(Proof::Refuted(format!(
                    "the API did not answer readably a create whose phone exists ({e})"
                )));
            }
        };
        let refused = answer
            .failed_contacts
            .iter()
            .any(|f| f.phone.as_deref().is_none_or(|p| p == phone));
        let stored = answer
            .contacts
            .iter()
            .find(|c| c.phone.is_none() || c.holds_phone(phone));
        Ok(match stored {
            None if refused => Proof::Proven,
            None => Proof::Refuted(
                "the API's answer to a create whose phone exists neither refused nor stored it"
                    .to_string(),
            ),
            Some(c) if c.id == id || (uuid.is_some() && c.uuid.as_deref() == uuid) => {
                Proof::Refuted(format!(
                    "the API took a create whose phone exists ({phone}) as an update of its \
                     contact instead of refusing it"
                ))
            }
            Some(c) => Proof::Refuted(self.undo_duplicate(phone, c)),
        })
    }

    /// The probe stored a second contact with `phone`: delete it again.
    /// Gives what happened, in words.
    fn undo_duplicate(&self, phone: &str, dup: &Contact) -> String {
        let what = format!(
            "the API stored a second contact for a phone that exists ({phone}) instead of \
             refusing the create"
        );
        // By its uuid when the answer gives one, else by its integer id.
        let (deleted, name) = match dup.uuid.clone() {
            Some(uuid) => (
                self.client.delete_contacts(std::slice::from_ref(&uuid)),
                uuid,
            ),
            None => (
                self.client.delete_contact_id(dup.id),
                format!("id {}", dup.id),
            ),
        };
        match deleted {
            Ok(()) => format!("{what}; hmbulk deleted that contact ({name}) at once"),
            Err(e) => format!("{what}; deleting it ({name}) failed ({e}): delete it by hand"),
        }
    }

    /// One `/v2/contacts` call; refused creates, with the API's reason, go
    /// to `refusals` (their phone may belong to a contact).
    fn write_v2_call(
        &self,
        items: Vec<Item>,
        out: &mut Vec<RowOutcome>,
        refusals: &mut Vec<Refusal>,
    ) -> Result<(), Refused> {
        let bodies: Vec<WriteItem> = items
            .iter()
            .map(|i| match &i.plan {
                Plan::Create => self.write_item(i).with_channels(),
                Plan::Update(_) => self.write_item(i),
            })
            .collect();
        let (answer, resent) = match self.client.write_v2_resent(&bodies) {
            Ok(a) => a,
            Err(e) => return Err((e, items)),
        };
        let mut ok_by_uuid: HashMap<&str, &Contact> = HashMap::new();
        let mut ok_by_id: HashMap<i64, &Contact> = HashMap::new();
        let mut ok_by_phone: HashMap<&str, &Contact> = HashMap::new();
        for c in &answer.contacts {
            if let Some(u) = &c.uuid {
                ok_by_uuid.insert(u, c);
            }
            ok_by_id.insert(c.id, c);
            for p in c.phones() {
                ok_by_phone.entry(p).or_insert(c);
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
            let (update_uuid, update_id, sent_phone) = match &item.plan {
                Plan::Update(c) => (c.uuid.as_deref(), Some(c.id), update_phone(draft, c)),
                Plan::Create => (None, None, draft.phone.as_str()),
            };
            let failure = update_uuid
                .and_then(|u| failed_by_key.get(u))
                .or_else(|| failed_by_key.get(draft.phone.as_str()))
                .map(|reason| reason.to_string());
            if let Some(reason) = failure {
                match item.plan {
                    Plan::Create => refusals.push(Refusal {
                        item,
                        reason,
                        resent,
                    }),
                    Plan::Update(_) => out.push(refused(item.pending, &reason)),
                }
                continue;
            }
            // Only the contact itself confirms a row: an update by its
            // uuid or id (holding the phone sent, when the answer shows
            // one), a create by the row's phone.
            let same_phone = |rec: &&Contact| rec.phone.is_none() || rec.holds_phone(sent_phone);
            let stored = match update_id {
                Some(id) => update_uuid
                    .and_then(|u| ok_by_uuid.get(u))
                    .or_else(|| ok_by_id.get(&id))
                    .copied()
                    .filter(same_phone),
                None => ok_by_phone.get(draft.phone.as_str()).copied(),
            };
            match stored {
                Some(rec) => {
                    self.count_tags(&item);
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

    /// Write `items` with `/v1/batch/contacts`: the creates with
    /// `overwrite=false`, the updates with `overwrite=true` (never a create
    /// in a call that overwrites, where another client's contact created
    /// meanwhile would be overwritten and taken for this row's). A create
    /// the API skipped because another contact holds its phone now is
    /// `skipped` in `create` mode, and in upsert an update of that contact.
    pub(super) fn write_v1(&self, items: Vec<Item>, out: &mut Vec<RowOutcome>) -> Result<(), Stop> {
        let (updates, creates): (Vec<Item>, Vec<Item>) = items
            .into_iter()
            .partition(|i| matches!(i.plan, Plan::Update(_)));
        let mut taken = Vec::new();
        if let Err(mut stop) = self.split_calls(creates, out, &mut |sender, chunk, out| {
            sender.write_v1_call(chunk, false, out, &mut taken)
        }) {
            stop.unsent.extend(updates.into_iter().map(|i| i.pending));
            stop.unsent.extend(taken.into_iter().map(|i| i.pending));
            return Err(stop);
        }
        if let Err(mut stop) = self.journal_sent(&taken) {
            stop.unsent.extend(updates.into_iter().map(|i| i.pending));
            return Err(stop);
        }
        let updates: Vec<Item> = updates.into_iter().chain(taken).collect();
        self.split_calls(updates, out, &mut |sender, chunk, out| {
            sender.write_v1_call(chunk, true, out, &mut Vec::new())
        })
    }

    /// One `/v1/batch/contacts` call, then a search of its phones, which
    /// judges each row. Creates whose phone another contact holds now go to
    /// `taken` (upsert), planned as updates of that contact.
    fn write_v1_call(
        &self,
        items: Vec<Item>,
        overwrite: bool,
        out: &mut Vec<RowOutcome>,
        taken: &mut Vec<Item>,
    ) -> Result<(), Refused> {
        let bodies: Vec<WriteItem> = items
            .iter()
            .map(|i| WriteItem {
                contact_id: None,
                ..self.write_item(i)
            })
            .collect();
        if let Err(e) = self.client.batch_v1(&bodies, overwrite) {
            return Err((e, items));
        }
        drop(bodies);
        // The answer is "ok" or an array the docs describe two ways; search
        // again and judge each row by what the API now holds.
        let phones: Vec<String> = items
            .iter()
            .map(|i| match &i.plan {
                Plan::Update(c) => update_phone(&i.pending.draft, c).to_string(),
                Plan::Create => i.pending.draft.phone.clone(),
            })
            .collect();
        let after = match self.lookup(&phones, &[]) {
            Ok(f) => f,
            // Written, but not confirmed.
            Err(e) => return Err((ApiError::Unconfirmed(Box::new(e)), items)),
        };
        for (mut item, phone) in items.into_iter().zip(&phones) {
            let now = after.phone(phone);
            let holds = now.is_some_and(|rec| already_holds(&item.pending.draft, rec));
            let outcome = match (&item.plan, now) {
                (_, None) => fail(
                    item.pending,
                    ErrorCode::ApiRejected,
                    "the API did not store this contact: a search afterwards finds no contact \
                     with its phone (v1 batch answers give no reason; --api v2 reports one)",
                ),
                (Plan::Create, Some(rec)) if holds && created_since(rec, self.since) => {
                    self.count_tags(&item);
                    done(item.pending, Action::Created, Some(rec))
                }
                (Plan::Create, Some(rec)) if self.mode == Mode::Create => {
                    done(item.pending, Action::Skipped, Some(rec))
                }
                (Plan::Create, Some(rec)) if holds => {
                    done(item.pending, Action::Unchanged, Some(rec))
                }
                (Plan::Create, Some(rec)) => {
                    // Another contact holds the phone now: update it.
                    item.plan = Plan::Update(Box::new(rec.clone()));
                    taken.push(item);
                    continue;
                }
                (Plan::Update(_), Some(rec)) if holds => {
                    self.count_tags(&item);
                    done(item.pending, Action::Updated, Some(rec))
                }
                (Plan::Update(_), Some(_)) => fail(
                    item.pending,
                    ErrorCode::Unconfirmed,
                    "the API answered the update, but a search afterwards finds the contact \
                     without the row's values: it may or may not be stored; import the file \
                     (or this error report) again to settle it",
                ),
            };
            out.push(outcome);
        }
        Ok(())
    }

    // ---- splitting ----------------------------------------------------------

    /// Run `call` on `items` in chunks of at most `max_items`; a chunk refused
    /// as a whole is split in halves until the refused rows stand alone
    /// ([`send_in_halves`]).
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

    /// One chunk, in halves when the API refuses it as a whole (a row it
    /// refuses alone is `refused` with the API's message). A fatal error
    /// gives back the rows it leaves undecided, the halves never sent
    /// after them; an answer that cannot be read leaves the call's rows
    /// `unconfirmed`.
    fn split_call(
        &self,
        chunk: Vec<Item>,
        out: &mut Vec<RowOutcome>,
        call: &mut WriteCall<'_, 'a>,
    ) -> Result<(), Refused> {
        let sent = send_in_halves(
            out,
            chunk,
            self.max_items,
            &mut |out, chunk| match call(self, chunk, out) {
                Ok(()) => Ok(()),
                Err((ApiError::Rejected { message, .. }, chunk)) => {
                    Err(Failed::Refused(chunk, message))
                }
                Err((e, chunk)) if e.is_fatal() => Err(Failed::Stop((e, chunk))),
                Err((e, chunk)) => {
                    // An unreadable answer: the write may or may not have happened.
                    let message = format!(
                        "{e}; the contact may or may not be stored: import the file (or this \
                         error report) again to settle it"
                    );
                    out.extend(
                        chunk
                            .into_iter()
                            .map(|i| fail(i.pending, ErrorCode::Unconfirmed, message.clone())),
                    );
                    Ok(())
                }
            },
            &mut |out, one, message| {
                out.extend(one.into_iter().map(|i| refused(i.pending, &message)));
            },
        );
        match sent {
            Ok(_) => Ok(()),
            Err(Stopped {
                stop: (error, mut undecided),
                unsent,
            }) => {
                undecided.extend(unsent.into_iter().flatten());
                Err((error, undecided))
            }
        }
    }
}

/// The updates of `items` that must go by phone (their contact's answers
/// gave no uuid), apart from the rest.
fn by_phone_updates(items: Vec<Item>) -> (Vec<Item>, Vec<Item>) {
    let (by_phone, rest): (Vec<Item>, Vec<Item>) = items
        .into_iter()
        .partition(|i| matches!(&i.plan, Plan::Update(c) if c.uuid.is_none()));
    (rest, by_phone)
}

/// The phone an update of `c` carries: the row's, unless `c` holds the
/// row's phone as a channel besides its own — then its own, which stays.
fn update_phone<'d>(draft: &'d Draft, c: &'d Contact) -> &'d str {
    match c.phone.as_deref() {
        Some(own) if own != draft.phone && c.holds_phone(&draft.phone) => own,
        _ => &draft.phone,
    }
}

/// The write item of an update of contact `c` (by its uuid when it has one).
pub(super) fn update_item<'d>(draft: &'d Draft, c: &'d Contact) -> WriteItem<'d> {
    WriteItem {
        contact_id: c.uuid.as_deref(),
        phone: update_phone(draft, c),
        ..WriteItem::from(draft)
    }
}

/// A create refused because its phone exists, in `create` mode: `skipped`,
/// with the contact the reason names, if it names one.
fn skipped_as_existing(item: Item, reason: &str) -> RowOutcome {
    let mut outcome = done(item.pending, Action::Skipped, None);
    if let RowResult::Done { uuid, .. } = &mut outcome.result {
        *uuid = uuid_in(reason);
    }
    outcome
}
