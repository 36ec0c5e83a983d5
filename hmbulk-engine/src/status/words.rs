//! The words a status cell (or `--set`) may hold, and what each asks for.
//! Takes a cell and the kind of column it is in; gives a [`Want`] (or
//! nothing, for a blank cell) or the row's `status_invalid` error naming
//! the column, the value and what would be accepted.
//!
//! Words are compared ignoring case, spaces and punctuation (`Opt-Out` =
//! `opted out` = `OPTOUT`). Any status column takes the API's five statuses
//! and the words people write for them (the carriers' keywords STOP, START …
//! included); `yes`/`no` mean something only under a header that says what
//! they answer: opted out, SMS consent, or blocked.

use std::fmt;

use crate::api::SetStatus;
use crate::mapping::normalise_header;
use crate::outcome::{ErrorCode, RowError};

/// What a row asks of a contact's two status flags (`None`: leave it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Want {
    /// Opted out (`unsubscribed` in `/v1/contact/status`, `is_opted_out`
    /// on the contact).
    pub unsubscribed: Option<bool>,
    pub blocked: Option<bool>,
}

impl From<SetStatus> for Want {
    fn from(s: SetStatus) -> Want {
        let (unsubscribed, blocked) = match s {
            SetStatus::Active => (Some(false), Some(false)),
            SetStatus::Blocked => (None, Some(true)),
            SetStatus::Unblocked => (None, Some(false)),
            SetStatus::Subscribed => (Some(false), None),
            SetStatus::Unsubscribed => (Some(true), None),
        };
        Want {
            unsubscribed,
            blocked,
        }
    }
}

impl Want {
    pub fn is_empty(&self) -> bool {
        self.unsubscribed.is_none() && self.blocked.is_none()
    }

    /// Both asks of one row together; two columns that disagree are the
    /// row's error.
    pub fn merge(self, other: Want) -> Result<Want, String> {
        let pick = |a: Option<bool>, b: Option<bool>, what: &str| match (a, b) {
            (Some(x), Some(y)) if x != y => Err(format!("the row asks for both {what}")),
            (a, b) => Ok(a.or(b)),
        };
        Ok(Want {
            unsubscribed: pick(
                self.unsubscribed,
                other.unsubscribed,
                "subscribed and unsubscribed",
            )?,
            blocked: pick(self.blocked, other.blocked, "blocked and unblocked")?,
        })
    }

    /// The API statuses this asks for, as the results report writes them:
    /// `active`, `unsubscribed`, `blocked`, `unsubscribed; blocked` …
    pub fn statuses(&self) -> Vec<SetStatus> {
        if self.unsubscribed == Some(false) && self.blocked == Some(false) {
            return vec![SetStatus::Active];
        }
        let unsubscribed = self.unsubscribed.map(|u| match u {
            true => SetStatus::Unsubscribed,
            false => SetStatus::Subscribed,
        });
        let blocked = self.blocked.map(|b| match b {
            true => SetStatus::Blocked,
            false => SetStatus::Unblocked,
        });
        unsubscribed.into_iter().chain(blocked).collect()
    }
}

impl fmt::Display for Want {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.statuses().iter().map(|s| s.as_str()).collect();
        f.write_str(&names.join("; "))
    }
}

/// What a status column's header says its cells answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusColumn {
    /// `status`: the statuses and their words; yes/no mean nothing here.
    Status,
    /// `opted out`, `unsubscribed` …: yes = unsubscribed, no = subscribed.
    OptedOut,
    /// `SMS consent`, `Accepts SMS Marketing` …: yes = subscribed, no = unsubscribed.
    SmsConsent,
    /// `blocked`: yes = blocked, no = unblocked.
    Blocked,
}

/// Headers (normalised) of a `status` column and a `blocked` column. Opted
/// out and SMS consent columns are import's own ([`crate::mapping`]).
pub const STATUS_HEADERS: [&str; 6] = [
    "status",
    "smsstatus",
    "contactstatus",
    "messagingstatus",
    "subscriptionstatus",
    "setstatus",
];
pub const BLOCKED_HEADERS: [&str; 3] = ["blocked", "isblocked", "block"];

/// Words for each status, normalised (lower case, letters and digits).
#[rustfmt::skip]
pub const WORDS: [(SetStatus, &[&str]); 5] = [
    (SetStatus::Unsubscribed, &[
        "unsubscribed", "unsubscribe", "unsub", "optout", "optedout", "stop", "stopall",
        "cancel", "end", "quit", "revoke", "revoked", "donottext", "dnt",
    ]),
    (SetStatus::Subscribed, &[
        "subscribed", "subscribe", "resubscribe", "resubscribed", "optin", "optedin",
        "start", "unstop",
    ]),
    (SetStatus::Blocked, &["blocked", "block", "blocklisted", "blacklisted"]),
    (SetStatus::Unblocked, &["unblocked", "unblock"]),
    (SetStatus::Active, &["active", "activate", "reactivate", "reactivated"]),
];

const YES: [&str; 5] = ["yes", "y", "true", "1", "x"];
const NO: [&str; 4] = ["no", "n", "false", "0"];
/// More SMS consent answers (Shopify, Klaviyo): granted or refused consent.
const CONSENT_YES: [&str; 3] = ["granted", "confirmed", "optedin"];
const CONSENT_NO: [&str; 3] = ["denied", "notsubscribed", "neversubscribed"];

/// The status a word names, ignoring case, spaces and punctuation.
pub fn status_word(text: &str) -> Option<SetStatus> {
    let key = normalise_header(text);
    WORDS
        .iter()
        .find(|(_, words)| words.contains(&key.as_str()))
        .map(|(status, _)| *status)
}

/// `--set STATUS`: one of the statuses or their words.
pub fn parse_set(text: &str) -> Result<Want, String> {
    status_word(text).map(Want::from).ok_or_else(|| {
        format!(
            "--set {text:?} is not a status; write one of active, blocked, unblocked, \
             subscribed, unsubscribed (or opt-out, STOP, opt-in, START …: see `hmbulk status --help`)"
        )
    })
}

/// What one cell of a status column asks (`None`: blank, leave the contact).
pub fn parse_cell(
    column: StatusColumn,
    header: &str,
    cell: &str,
) -> Result<Option<Want>, RowError> {
    let text = cell.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let key = normalise_header(text);
    let consent_yes = CONSENT_YES.contains(&key.as_str());
    let consent_no = CONSENT_NO.contains(&key.as_str());
    // yes -> `on_yes`, no -> `on_no`, anything else -> not a yes/no answer.
    let answer = |yes: bool, no: bool, on_yes, on_no| match (yes, no) {
        (true, _) => Some(on_yes),
        (_, true) => Some(on_no),
        _ => None,
    };
    let yes = YES.contains(&key.as_str());
    let no = NO.contains(&key.as_str());
    use SetStatus::*;
    let answer = match column {
        StatusColumn::Status => None,
        StatusColumn::OptedOut => answer(yes, no, Unsubscribed, Subscribed),
        StatusColumn::SmsConsent => answer(
            yes || consent_yes,
            no || consent_no,
            Subscribed,
            Unsubscribed,
        ),
        StatusColumn::Blocked => answer(yes, no, Blocked, Unblocked),
    };
    if let Some(status) = answer.or_else(|| status_word(text)) {
        return Ok(Some(Want::from(status)));
    }
    let accepted = match column {
        StatusColumn::Status => {
            "write active, blocked, unblocked, subscribed or unsubscribed (or opt-out, STOP, \
             opt-in, START, block …); yes/no needs a header that says what it answers, such \
             as \"opted out\" or \"blocked\""
        }
        StatusColumn::OptedOut => {
            "write yes or no (yes = opted out), or a status such as unsubscribed"
        }
        StatusColumn::SmsConsent => {
            "write yes or no (yes = consents: subscribed), or a status such as unsubscribed"
        }
        StatusColumn::Blocked => "write yes or no (yes = blocked), or blocked / unblocked",
    };
    Err(RowError::new(
        ErrorCode::StatusInvalid,
        format!(
            "column \"{header}\": \"{text}\" is not a status; {accepted}; or leave it blank to leave the contact as it is"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(column: StatusColumn, text: &str) -> Option<Want> {
        parse_cell(column, "h", text).unwrap()
    }

    #[test]
    fn every_word_names_its_status_in_any_spelling() {
        for (status, words) in WORDS {
            for w in words {
                assert_eq!(status_word(w), Some(status), "{w}");
                assert_eq!(status_word(&w.to_uppercase()), Some(status), "{w}");
            }
        }
        assert_eq!(status_word("Opt-Out"), Some(SetStatus::Unsubscribed));
        assert_eq!(status_word(" opted out "), Some(SetStatus::Unsubscribed));
        assert_eq!(status_word("Do not text"), Some(SetStatus::Unsubscribed));
        assert_eq!(status_word("opt in"), Some(SetStatus::Subscribed));
        assert_eq!(status_word("maybe"), None);
    }

    #[test]
    fn yes_and_no_answer_the_header() {
        let un = Some(Want::from(SetStatus::Unsubscribed));
        let sub = Some(Want::from(SetStatus::Subscribed));
        assert_eq!(cell(StatusColumn::OptedOut, "yes"), un);
        assert_eq!(cell(StatusColumn::OptedOut, "N"), sub);
        assert_eq!(cell(StatusColumn::SmsConsent, "yes"), sub);
        assert_eq!(cell(StatusColumn::SmsConsent, "no"), un);
        assert_eq!(cell(StatusColumn::SmsConsent, "denied"), un);
        assert_eq!(
            cell(StatusColumn::Blocked, "TRUE"),
            Some(Want::from(SetStatus::Blocked))
        );
        assert_eq!(cell(StatusColumn::OptedOut, ""), None);
        let e = parse_cell(StatusColumn::Status, "Status", "yes").unwrap_err();
        assert_eq!(e.code, ErrorCode::StatusInvalid);
        assert!(e.message.contains("\"Status\""), "{}", e.message);
        assert!(parse_cell(StatusColumn::OptedOut, "o", "later").is_err());
    }

    #[test]
    fn wants_merge_unless_they_disagree_and_print_as_statuses() {
        let un = Want::from(SetStatus::Unsubscribed);
        let block = Want::from(SetStatus::Blocked);
        let both = un.merge(block).unwrap();
        assert_eq!(both.to_string(), "unsubscribed; blocked");
        assert!(un.merge(Want::from(SetStatus::Subscribed)).is_err());
        assert!(un.merge(Want::from(SetStatus::Active)).is_err());
        assert_eq!(Want::from(SetStatus::Active).to_string(), "active");
        let cleared = Want::from(SetStatus::Subscribed)
            .merge(Want::from(SetStatus::Unblocked))
            .unwrap();
        assert_eq!(cleared.to_string(), "active");
        assert!(parse_set("STOP").is_ok() && parse_set("frobnicate").is_err());
    }
}
