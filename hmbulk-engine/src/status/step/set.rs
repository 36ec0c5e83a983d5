//! A contact's status set one request at a time, then read back.
//! `set_status` "returns a success string" and nothing more (JSON or plain
//! text, the reference does not say), so after the statuses a row needs are
//! set, `/v1/contact/status` says what they came to, and that is what the
//! report shows. `active` clears blocked and opted out by one reading and
//! only one of them by others: whatever a flag the row asks about still
//! shows after the first round is set by its own status (`unblocked`,
//! `subscribed` …) and read again. A flag still wrong after that fails the
//! row (`api_rejected`); a read-back that fails leaves it `unconfirmed`.

use crate::api::{ApiError, ContactRef, SetStatus};
use crate::outcome::{Action, ErrorCode, RowError};

use super::{Batch, Known, Step, Work, opt_status};

/// The flags a row asks about: `(unsubscribed, blocked)`, `None` where it
/// asks nothing (or another path sets it).
pub(super) type Flags = (Option<bool>, Option<bool>);

impl Batch<'_> {
    /// Set `statuses` on the row's contact, read back, and set again what
    /// a flag of `want` still lacks; `k` takes the flags read.
    pub(super) fn set_checked(
        &self,
        w: &Work,
        k: &mut Known,
        statuses: &[SetStatus],
        want: Flags,
    ) -> Step {
        let Some(id) = k.id else {
            return Step::Failed(super::not_found(&w.row.named, ""));
        };
        let mut round: Vec<SetStatus> = statuses.to_vec();
        for attempt in 0..2 {
            for status in round {
                match self.client.set_status(ContactRef::Id(id), status) {
                    Ok(()) => {}
                    // It may have been applied: the read-back says.
                    Err(e) if e.maybe_stored() && !e.is_fatal() => {}
                    Err(e) => return self.failed_call(&w.row.named, e, &described(k)),
                }
            }
            match self.client.contact_status(ContactRef::Id(id)) {
                Ok(a) => {
                    k.unsubscribed = Some(a.unsubscribed);
                    k.blocked = Some(a.blocked);
                    k.phone = k.phone.take().or(a.phone);
                }
                Err(e) if e.is_fatal() || e.is_not_found() => {
                    return self.failed_call(&w.row.named, e, "");
                }
                Err(e) => return Step::Failed(unread(e)),
            }
            round = still_to_set(k, want);
            if round.is_empty() {
                return Step::Done(Action::Updated);
            }
            if attempt == 1 {
                break;
            }
        }
        Step::Failed(RowError::new(
            ErrorCode::ApiRejected,
            format!(
                "set_status answered, but /v1/contact/status still reads {}; run status on \
                 this error report again",
                described(k)
            ),
        ))
    }
}

/// The statuses that would bring the flags of `want` that `k` does not
/// show yet.
fn still_to_set(k: &Known, want: Flags) -> Vec<SetStatus> {
    let (unsubscribed, blocked) = want;
    let mut set = Vec::new();
    if let Some(b) = blocked.filter(|&b| k.blocked != Some(b)) {
        set.push(if b {
            SetStatus::Blocked
        } else {
            SetStatus::Unblocked
        });
    }
    if let Some(u) = unsubscribed.filter(|&u| k.unsubscribed != Some(u)) {
        set.push(opt_status(u));
    }
    set
}

/// The flags known, in words: `unsubscribed true, blocked false`.
fn described(k: &Known) -> String {
    let flag = |f: Option<bool>| f.map_or("unknown".to_string(), |b| b.to_string());
    format!(
        "unsubscribed {}, blocked {}",
        flag(k.unsubscribed),
        flag(k.blocked)
    )
}

fn unread(e: ApiError) -> RowError {
    RowError::new(
        ErrorCode::Unconfirmed,
        format!(
            "the status was sent, but reading it back failed ({e}): it may or may not be \
             set; run status --check on this file to see"
        ),
    )
}
