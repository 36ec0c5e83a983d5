//! The opt-outs of a batch written in bulk: one `/v2/contacts` call per
//! batch (`contact_id` + `is_opted_out`), each row judged by the answer or,
//! when the answer does not say, by a search afterwards; and the run's
//! check, after its first bulk write, that `/v1/contact/status` followed —
//! if it did not, the rows are set again one by one with `set_status`.

use crate::api::{ApiError, ContactRef, SearchBy, WriteAnswer, WriteItem};
use crate::halves::{Failed, Stopped, send_in_halves};
use crate::lookup::{Finder, in_parallel};
use crate::outcome::{Action, ErrorCode, RowError};

use super::{Batch, Known, Step, Trust, Work, done, fail, lock, opt_status};

/// A row's opt-out to write: its work, the value to write, and whether its
/// blocked status was set already.
type Opt = (Work, bool, bool);

impl Batch<'_> {
    /// Write the opt-outs of up to a batch of rows in one `/v2/contacts`
    /// call; a call refused as a whole is split in halves until the refused
    /// rows stand alone, and when both halves go through, the size was the
    /// problem: later calls are cut to it ([`send_in_halves`]). A stop
    /// leaves the rows not sent `not_sent`.
    pub(super) fn bulk(&self, items: Vec<Opt>) {
        let sent = send_in_halves(
            &mut (),
            items,
            &self.bulk_max,
            &mut |_, items| self.bulk_call(items),
            &mut |_, items, e| {
                for (w, _, partly) in items {
                    let error = RowError::new(
                        ErrorCode::ApiRejected,
                        format!(
                            "{}the API refused the opt-out change: {e}",
                            partly_done(partly)
                        ),
                    );
                    self.decide(fail(w, error));
                }
            },
        );
        if let Err(Stopped { unsent, .. }) = sent {
            for (w, _, _) in unsent.into_iter().flatten() {
                self.not_sent(w);
            }
        }
    }

    /// One `/v2/contacts` call of opt-outs. The run stopped (before or by
    /// this call): its rows are `not_sent`.
    fn bulk_call(&self, items: Vec<Opt>) -> Result<(), Failed<Vec<Opt>, ApiError, ()>> {
        if self.stopped() {
            items.into_iter().for_each(|(w, _, _)| self.not_sent(w));
            return Err(Failed::Stop(()));
        }
        let bodies: Vec<WriteItem> = items
            .iter()
            .map(|(w, target, _)| WriteItem {
                contact_id: w.known.uuid.as_deref(),
                phone: w.known.phone.as_deref().unwrap_or_default(),
                is_opted_out: Some(*target),
                ..WriteItem::default()
            })
            .collect();
        let answer = self.client.write_v2(&bodies);
        drop(bodies);
        match answer {
            Ok(answer) => {
                self.bulk_answered(items, &answer);
                Ok(())
            }
            Err(e @ ApiError::Rejected { .. }) => Err(Failed::Refused(items, e)),
            Err(e) if e.is_fatal() => {
                self.stop_with(e);
                items.into_iter().for_each(|(w, _, _)| self.not_sent(w));
                Err(Failed::Stop(()))
            }
            // An answer that cannot be read: the write may or may not have
            // happened; the search below says.
            Err(_) => {
                self.bulk_answered(items, &WriteAnswer::default());
                Ok(())
            }
        }
    }

    /// Judge each row of a bulk write by its answer, and by a search for
    /// the ones the answer neither confirmed nor refused.
    fn bulk_answered(&self, items: Vec<(Work, bool, bool)>, answer: &WriteAnswer) {
        let mut unconfirmed = Vec::new();
        let mut written = Vec::new();
        for (w, target, partly) in items {
            let uuid = w.known.uuid.as_deref().unwrap_or_default();
            let refused = answer.failed_contacts.iter().find(|f| {
                f.contact_id.as_deref() == Some(uuid)
                    || (f.contact_id.is_none() && f.phone == w.known.phone)
            });
            if let Some(f) = refused {
                let error = RowError::new(
                    ErrorCode::ApiRejected,
                    format!(
                        "{}the API refused the opt-out change: {}",
                        partly_done(partly),
                        f.reason
                    ),
                );
                self.decide(fail(w, error));
                continue;
            }
            let stored = answer
                .contacts
                .iter()
                .find(|c| c.uuid.as_deref() == Some(uuid) || Some(c.id) == w.known.id);
            match stored.map(|c| c.is_opted_out) {
                Some(Some(now)) if now == target => written.push((w, target, partly)),
                _ => unconfirmed.push((w, target, partly)),
            }
        }
        if !unconfirmed.is_empty() {
            let uuids: Vec<String> = unconfirmed
                .iter()
                .filter_map(|(w, _, _)| w.known.uuid.clone())
                .collect();
            let finder = Finder::new(self.client, self.settings.batch_size);
            match finder.search(SearchBy::Id, &uuids) {
                Ok(now) => {
                    for (w, target, partly) in unconfirmed {
                        let holds = now
                            .iter()
                            .any(|c| Some(c.id) == w.known.id && c.is_opted_out == Some(target));
                        if holds {
                            written.push((w, target, partly));
                        } else {
                            let error = RowError::new(
                                ErrorCode::ApiRejected,
                                format!(
                                    "{}the API did not store the opt-out change (a search \
                                     afterwards shows it unchanged); run status again",
                                    partly_done(partly)
                                ),
                            );
                            self.decide(fail(w, error));
                        }
                    }
                }
                Err(e) => {
                    if e.is_fatal() {
                        self.stop_with(e);
                    }
                    unconfirmed
                        .into_iter()
                        .for_each(|(w, _, _)| self.not_sent(w));
                }
            }
        }
        if written.is_empty() {
            return;
        }
        if !self.write_trusted(&written) {
            // Set them again, one contact at a time.
            let steps = in_parallel(&written, self.settings.concurrency, |(w, target, _)| {
                self.set_opt(w, *target)
            });
            for ((mut w, _, _), (known, step)) in written.into_iter().zip(steps) {
                w.known = known;
                match step {
                    Step::Failed(error) => self.decide(fail(w, error)),
                    _ => self.decide(done(&w, Action::Updated)),
                }
            }
            return;
        }
        for (mut w, target, _) in written {
            w.known.unsubscribed = Some(target);
            self.decide(done(&w, Action::Updated));
        }
    }

    /// Once per run, after the first bulk write: did `unsubscribed`
    /// follow `is_opted_out`? (One `/v1/contact/status`.)
    fn write_trusted(&self, written: &[(Work, bool, bool)]) -> bool {
        match self.trust() {
            Trust::Proved => return true,
            Trust::Refused => return false,
            Trust::Unproved | Trust::ReadAgrees => {}
        }
        let Some((w, target, _)) = written.first() else {
            return true;
        };
        let Some(id) = w.known.id else {
            return true;
        };
        match self.client.contact_status(ContactRef::Id(id)) {
            Ok(a) if a.unsubscribed == *target => {
                *lock(&self.trust) = Trust::Proved;
                true
            }
            Ok(a) => {
                self.refuse_trust(format!(
                    "after is_opted_out was written {target} for contact {id}, \
                     /v1/contact/status still read unsubscribed {}",
                    a.unsubscribed
                ));
                false
            }
            // Unproved still: trust this write, check again after the next.
            Err(e) => {
                if e.is_fatal() {
                    self.stop_with(e);
                }
                true
            }
        }
    }

    /// Set a row's opt-out by `set_status`, read back.
    fn set_opt(&self, w: &Work, target: bool) -> (Known, Step) {
        let mut k = w.known.clone();
        if self.stopped() {
            return (k, Step::Failed(self.not_sent_error()));
        }
        let step = self.set_checked(w, &mut k, &[opt_status(target)], (Some(target), None));
        (k, step)
    }
}

pub(super) fn partly_done(partly: bool) -> &'static str {
    if partly {
        "its blocked status was set, but "
    } else {
        ""
    }
}
