//! The write calls of a batch: `/v2/contacts` (and what follows the creates
//! it refuses), the strategy's probe, `/v1/batch/contacts`, and the
//! splitting of a call the API refuses as a whole. Takes the items a batch
//! decided to write; gives their outcomes, or the [`Stop`] that ends the run.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use super::compare::{already_holds, created_since, says_phone_exists, uuid_in};
use super::{
    Halt, Item, Plan, Proof, Refusal, Refused, Sender, Stop, WriteCall, done, fail, refused,
};
use crate::api::{ApiError, Contact, WriteItem};
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
    /// stored it, and its answer was lost); any other — updated (`skipped`
    /// in `create` mode). Gives whether any phone held a contact.
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
            if holds && resent && created_since(rec, self.since) {
                out.push(done(item.pending, Action::Created, Some(rec)));
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
        self.split_calls(again, out, &mut |sender, chunk, out| {
            sender.write_v2_call(chunk, out, &mut Vec::new())
        })?;
        Ok(found_any)
    }

    /// The strategy's probe: a create that carries only `phone`, which
    /// contact `uuid` holds. Refused: the API refuses a create whose phone
    /// exists (proven). Stored as another contact: the API duplicates — that
    /// contact is deleted at once. Stored on `uuid`, or anything else: not
    /// proven. An error that stops the run is given back.
    pub(super) fn probe(&self, phone: &str, uuid: &str) -> Result<Proof, ApiError> {
        let item = WriteItem {
            phone,
            ..WriteItem::default()
        };
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
            .find(|c| c.phone.as_deref().is_none_or(|p| p == phone));
        Ok(match stored {
            None if refused => Proof::Proven,
            None => Proof::Refuted(
                "the API's answer to a create whose phone exists neither refused nor stored it"
                    .to_string(),
            ),
            Some(c) if c.uuid.as_deref() == Some(uuid) => Proof::Refuted(format!(
                "the API took a create whose phone exists ({phone}) as an update of its contact \
                 instead of refusing it"
            )),
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
        let Some(uuid) = dup.uuid.clone() else {
            return format!(
                "{what}; its answer gave no uuid, so hmbulk could not delete it (contact id {}): \
                 delete it by hand",
                dup.id
            );
        };
        match self.client.delete_contacts(std::slice::from_ref(&uuid)) {
            Ok(()) => format!("{what}; hmbulk deleted that contact ({uuid}) at once"),
            Err(e) => format!("{what}; deleting it ({uuid}) failed ({e}): delete it by hand"),
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
        let bodies: Vec<WriteItem> = items.iter().map(|i| self.write_item(i)).collect();
        let (answer, resent) = match self.client.write_v2_resent(&bodies) {
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
            // uuid (with the row's phone, when the answer gives one), a
            // create by the row's phone.
            let same_phone = |rec: &&Contact| rec.phone.as_deref().is_none_or(|p| p == draft.phone);
            let stored = match update_uuid {
                Some(u) => ok_by_uuid.get(u).copied().filter(same_phone),
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

    pub(super) fn write_v1(&self, items: Vec<Item>, out: &mut Vec<RowOutcome>) -> Result<(), Stop> {
        self.split_calls(items, out, &mut |sender, chunk, out| {
            sender.write_v1_call(chunk, out)
        })
    }

    fn write_v1_call(&self, items: Vec<Item>, out: &mut Vec<RowOutcome>) -> Result<(), Refused> {
        let overwrite = items.iter().any(|i| matches!(i.plan, Plan::Update(_)));
        let bodies: Vec<WriteItem> = (items.iter())
            .map(|i| WriteItem {
                contact_id: None,
                ..self.write_item(i)
            })
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
            let now = after.phone(&item.pending.draft.phone);
            let outcome = match (&item.plan, now) {
                (Plan::Create, Some(rec)) => {
                    self.count_tags(&item);
                    done(item.pending, Action::Created, Some(rec))
                }
                (Plan::Update(before), Some(rec)) if rec.rev != before.rev || rec.rev.is_none() => {
                    self.count_tags(&item);
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

/// A create refused because its phone exists, in `create` mode: `skipped`,
/// with the contact the reason names, if it names one.
fn skipped_as_existing(item: Item, reason: &str) -> RowOutcome {
    let mut outcome = done(item.pending, Action::Skipped, None);
    if let RowResult::Done { uuid, .. } = &mut outcome.result {
        *uuid = uuid_in(reason);
    }
    outcome
}
