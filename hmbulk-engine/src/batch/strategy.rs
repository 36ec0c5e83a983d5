//! Search first or create first: the course the workers of one import
//! share. Takes what each batch found (whether any of its phones held a
//! contact, and one that did) and the probe's verdict; gives each batch its
//! [`Route`].
//!
//! A batch sent **create first** costs one request when all its contacts
//! are new; its creates refused because the phone exists are then searched,
//! compared and updated only if they changed. A batch **searched first**
//! costs a search and a write (the search alone when nothing changed). So:
//!
//! - the first batch is searched first while the others wait for it: what
//!   it finds sets the course;
//! - create first is used only once **the API has shown, in this run, that
//!   it refuses a create whose phone exists** (the reference does not say
//!   what `/v2/contacts` does with one: were it to store a second contact,
//!   create first would duplicate every existing contact). The proof is the
//!   probe: one create carrying only a phone this run found or created.
//!   Refused: proven. Stored as a second contact: that contact is deleted
//!   again at once, and the run searches first to the end; stored on the
//!   existing contact, or anything else: searched first to the end;
//! - upsert goes create first while the batch decided last found none of
//!   its phones (a batch with even one existing contact costs as much or
//!   more sent create first), search first once one did; `create` mode
//!   goes create first whenever it is proven (a refused create is then its
//!   `skipped`, without a search);
//! - `--search-first`, `--mode update`, `--api v1`, rows that carry a uuid
//!   and rows to settle after a stop are always searched first.

use std::sync::{Condvar, Mutex, MutexGuard};

use super::Mode;

/// What the API does with a create whose phone exists, as far as this run
/// has seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Proof {
    #[default]
    Unknown,
    /// It refused one.
    Proven,
    /// It did something else (what, in words): no create first in this run.
    Refuted(String),
}

/// How one batch goes.
pub enum Route<'s> {
    SearchFirst,
    /// Searched first, and the others wait for what it finds.
    Lead(Turn<'s>),
    CreateFirst,
    /// Send the probe for `phone` (held by contact `id`, `uuid` when the
    /// answers give one) first, while the others wait; then create first if
    /// it proved the API refuses.
    Probe {
        turn: Turn<'s>,
        phone: String,
        uuid: Option<String>,
        id: i64,
    },
}

/// The workers' shared course.
#[derive(Debug, Default)]
pub struct Strategy {
    search_first: bool,
    state: Mutex<State>,
    turn: Condvar,
}

#[derive(Debug, Default)]
struct State {
    proof: Proof,
    /// A batch is deciding the course (the first, or the probe).
    busy: bool,
    /// Whether the batch decided last found any of its phones; `None`
    /// before the first.
    found_last: Option<bool>,
    /// A phone that holds a contact, and the contact's uuid and id: the probe's.
    known: Option<Known>,
    /// Batches sent create first.
    create_first: u64,
}

/// A phone that holds a contact, the contact's uuid (when the answers give
/// one) and its id.
pub type Known = (String, Option<String>, i64);

/// The right to decide the course, which wakes the others when dropped.
pub struct Turn<'s>(&'s Strategy);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.0.lock().busy = false;
        self.0.turn.notify_all();
    }
}

impl Strategy {
    /// `search_first`: never create first (`--search-first`).
    pub fn new(search_first: bool) -> Strategy {
        Strategy {
            search_first,
            ..Strategy::default()
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The route of the next batch of `mode` (upsert or create) that may go
    /// create first; waits while another batch decides the course.
    pub fn route(&self, mode: Mode) -> Route<'_> {
        if self.search_first {
            return Route::SearchFirst;
        }
        let mut s = self.lock();
        loop {
            if matches!(s.proof, Proof::Refuted(_)) {
                return Route::SearchFirst;
            }
            match s.found_last {
                None if !s.busy => {
                    s.busy = true;
                    return Route::Lead(Turn(self));
                }
                None => {}
                Some(true) if mode == Mode::Upsert => return Route::SearchFirst,
                Some(_) if s.proof == Proof::Proven => {
                    s.create_first += 1;
                    return Route::CreateFirst;
                }
                Some(_) if !s.busy => {
                    let Some((phone, uuid, id)) = s.known.clone() else {
                        return Route::SearchFirst;
                    };
                    s.busy = true;
                    return Route::Probe {
                        turn: Turn(self),
                        phone,
                        uuid,
                        id,
                    };
                }
                // The probe is out.
                Some(_) => {}
            }
            s = self.turn.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// A batch was decided: whether any of its phones held a contact, and
    /// one (phone, uuid, id) that does now.
    pub fn found(&self, any: bool, known: Option<Known>) {
        let mut s = self.lock();
        s.found_last = Some(any);
        if s.known.is_none() {
            s.known = known;
        }
    }

    /// The probe's verdict.
    pub fn proved(&self, proof: Proof) {
        self.lock().proof = proof;
    }

    pub fn proof(&self) -> Proof {
        self.lock().proof.clone()
    }

    /// Batches sent create first so far.
    pub fn create_first_batches(&self) -> u64 {
        self.lock().create_first
    }

    /// What the summary should say about the course, if anything: only a
    /// probe that showed the API does not refuse an existing phone.
    pub fn note(&self) -> Option<String> {
        match self.proof() {
            Proof::Refuted(why) => Some(format!(
                "every batch was searched before it was written: {why} (see docs/import.md)"
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    fn known() -> Option<Known> {
        Some(("14155550001".into(), Some("u-1".into()), 7))
    }

    #[test]
    fn the_first_batch_leads_then_a_probe_then_create_first_while_batches_are_new() {
        let s = Strategy::new(false);
        let Route::Lead(turn) = s.route(Mode::Upsert) else {
            panic!("the first batch leads")
        };
        s.found(false, known());
        drop(turn);
        let Route::Probe {
            turn,
            phone,
            uuid,
            id,
        } = s.route(Mode::Upsert)
        else {
            panic!("then the probe")
        };
        assert_eq!(
            (phone.as_str(), uuid.as_deref(), id),
            ("14155550001", Some("u-1"), 7)
        );
        s.proved(Proof::Proven);
        drop(turn);
        assert!(matches!(s.route(Mode::Upsert), Route::CreateFirst));
        // A batch that found existing contacts: upsert searches first
        // again, create mode stays create first.
        s.found(true, None);
        assert!(matches!(s.route(Mode::Upsert), Route::SearchFirst));
        assert!(matches!(s.route(Mode::Create), Route::CreateFirst));
        s.found(false, None);
        assert!(matches!(s.route(Mode::Upsert), Route::CreateFirst));
        assert_eq!(s.create_first_batches(), 3);
        assert_eq!(s.note(), None);
    }

    #[test]
    fn a_refuted_probe_or_search_first_means_search_first_for_good() {
        let s = Strategy::new(false);
        drop(s.route(Mode::Create));
        s.found(false, known());
        let Route::Probe { turn, .. } = s.route(Mode::Create) else {
            panic!()
        };
        s.proved(Proof::Refuted("it stored a second contact".into()));
        drop(turn);
        for _ in 0..3 {
            assert!(matches!(s.route(Mode::Create), Route::SearchFirst));
        }
        assert!(s.note().unwrap().contains("it stored a second contact"));

        let forced = Strategy::new(true);
        assert!(matches!(forced.route(Mode::Upsert), Route::SearchFirst));
        assert!(matches!(forced.route(Mode::Upsert), Route::SearchFirst));
    }

    #[test]
    fn without_a_known_phone_there_is_no_probe_and_a_lead_that_stopped_passes_the_lead_on() {
        let s = Strategy::new(false);
        let Route::Lead(turn) = s.route(Mode::Upsert) else {
            panic!()
        };
        drop(turn); // stopped before it found anything
        let Route::Lead(turn) = s.route(Mode::Upsert) else {
            panic!("the next batch leads")
        };
        s.found(false, None);
        drop(turn);
        assert!(matches!(s.route(Mode::Upsert), Route::SearchFirst));
    }

    #[test]
    fn the_others_wait_for_the_lead() {
        let s = Arc::new(Strategy::new(false));
        let Route::Lead(turn) = s.route(Mode::Upsert) else {
            panic!()
        };
        let waiter = {
            let s = Arc::clone(&s);
            std::thread::spawn(move || matches!(s.route(Mode::Upsert), Route::SearchFirst))
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished(), "it waits while the lead decides");
        s.found(true, None);
        drop(turn);
        assert!(waiter.join().unwrap(), "and follows what the lead found");
    }
}
