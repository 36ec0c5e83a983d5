//! One contact's messaging status: `POST /v1/contact/status` (read) and
//! `POST /v1/contact/set_status` (write). Both name the contact by `id` or by
//! `phone` ([`ContactRef`]) and cost one request per contact: the reference
//! documents no bulk form. A contact that does not exist is a 404
//! ([`ApiError::Rejected`] with status 404: see [`ApiError::is_not_found`]).

use reqwest::Method;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::{ApiError, Client};

/// How a status call names its contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactRef<'a> {
    Id(i64),
    /// E.164 digits without `+`.
    Phone(&'a str),
}

/// The answer of `/v1/contact/status`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StatusAnswer {
    pub id: Option<i64>,
    pub phone: Option<String>,
    /// Opted out of messages.
    #[serde(deserialize_with = "flag")]
    pub unsubscribed: bool,
    #[serde(deserialize_with = "flag")]
    pub blocked: bool,
}

/// The statuses `/v1/contact/set_status` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetStatus {
    /// Clears both blocked and unsubscribed.
    Active,
    Blocked,
    Unblocked,
    /// Clears unsubscribed (opted in again).
    Subscribed,
    /// Opted out.
    Unsubscribed,
}

impl SetStatus {
    pub const ALL: [SetStatus; 5] = [
        SetStatus::Active,
        SetStatus::Blocked,
        SetStatus::Unblocked,
        SetStatus::Subscribed,
        SetStatus::Unsubscribed,
    ];

    /// The API's word.
    pub fn as_str(self) -> &'static str {
        match self {
            SetStatus::Active => "active",
            SetStatus::Blocked => "blocked",
            SetStatus::Unblocked => "unblocked",
            SetStatus::Subscribed => "subscribed",
            SetStatus::Unsubscribed => "unsubscribed",
        }
    }
}

impl std::fmt::Display for SetStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Serialize)]
struct SetBody<'a> {
    #[serde(flatten)]
    who: ContactRef<'a>,
    status: &'static str,
}

impl Client {
    /// `POST /v1/contact/status`: the contact's `unsubscribed` and `blocked`.
    pub fn contact_status(&self, who: ContactRef) -> Result<StatusAnswer, ApiError> {
        self.call(Method::POST, "/v1/contact/status", Some(&who))
    }

    /// `POST /v1/contact/set_status`. It "returns a success string", as
    /// JSON or as plain text (the reference does not say): any 2xx answer is
    /// taken, and what the status became is read back with
    /// [`Client::contact_status`], never assumed.
    pub fn set_status(&self, who: ContactRef, status: SetStatus) -> Result<(), ApiError> {
        let body = SetBody {
            who,
            status: status.as_str(),
        };
        self.call_write_raw(Method::POST, "/v1/contact/set_status", Some(&body))
            .map(drop)
    }
}

/// A flag as `true`/`false`, `1`/`0` or `"true"`/`"false"` (the type is not
/// documented); anything else makes the answer unreadable.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match Value::deserialize(d)? {
        Value::Bool(b) => Ok(b),
        Value::Number(n) if n.as_u64() == Some(0) => Ok(false),
        Value::Number(n) if n.as_u64() == Some(1) => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(serde::de::Error::custom(format!(
            "a status flag must be true or false, not {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_name_the_contact_by_id_or_phone() {
        assert_eq!(
            serde_json::to_value(ContactRef::Id(7)).unwrap(),
            json!({"id": 7})
        );
        let body = SetBody {
            who: ContactRef::Phone("14155550101"),
            status: SetStatus::Blocked.as_str(),
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"phone": "14155550101", "status": "blocked"})
        );
    }

    #[test]
    fn answers_take_flags_in_any_plain_form_and_refuse_others() {
        let a: StatusAnswer = serde_json::from_value(
            json!({"id": 1, "phone": "1", "unsubscribed": 1, "blocked": "false"}),
        )
        .unwrap();
        assert!(a.unsubscribed && !a.blocked);
        for bad in [
            json!({"id": 1, "unsubscribed": null, "blocked": false}),
            json!({"id": 1, "blocked": false}),
            json!({"id": 1, "unsubscribed": "maybe", "blocked": false}),
        ] {
            assert!(serde_json::from_value::<StatusAnswer>(bad).is_err());
        }
    }
}
