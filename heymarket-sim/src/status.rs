//! Messaging status: takes `{id}` or `{phone}` and gives
//! `POST /v1/contact/status` → `{id, phone, unsubscribed, blocked}`; takes
//! `{id or phone, status}` and gives `POST /v1/contact/set_status` → `"success"`
//! (the JSON string, or `success` as plain text under `status_answer: text`).
//!
//! `active` clears both flags (or one, as the `active` reading says);
//! `blocked`/`unblocked` set or clear `blocked`;
//! `subscribed`/`unsubscribed` clear or set `is_opted_out` (the unsubscribed
//! flag). A status change is a write: `updated` and `rev` move. An unknown
//! contact is 404, an unknown status 400. A body names its contact by `id`
//! (an integer) or `phone` (8–15 digits, no `+`), never both (400).

use std::sync::Arc;

use axum::extract::State as StateOf;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

use super::readings::{ActiveClears, StatusAnswer};
use super::state::State;
use super::store::{Contact, Store};
use super::wire::{
    ApiError, ApiResult, JsonBody, body_object, now_secs, ok_json, opt_int, opt_str,
};
use super::write::is_valid_phone;

type StatusChange = fn(&mut Contact, ActiveClears);

/// The statuses `set_status` takes, and what each does to a contact.
const STATUSES: [(&str, StatusChange); 5] = [
    ("active", |c, clears| {
        if clears != ActiveClears::OptedOut {
            c.blocked = false;
        }
        if clears != ActiveClears::Blocked {
            c.is_opted_out = false;
        }
    }),
    ("blocked", |c, _| c.blocked = true),
    ("unblocked", |c, _| c.blocked = false),
    ("subscribed", |c, _| c.is_opted_out = false),
    ("unsubscribed", |c, _| c.is_opted_out = true),
];

/// The contact a body names by `id` or `phone`.
fn named_contact(store: &Store, obj: &Map<String, Value>) -> ApiResult<i64> {
    match (opt_int(obj, "id")?, opt_str(obj, "phone")?) {
        (Some(_), Some(_)) => Err(ApiError::bad_data(
            "name the contact by \"id\" or by \"phone\", not both",
        )),
        (Some(id), None) => store
            .get(id)
            .map(|c| c.id)
            .ok_or_else(|| ApiError::not_found(format!("contact not found: id {id}"))),
        (None, Some(phone)) if !is_valid_phone(phone) => Err(ApiError::bad_data(format!(
            "phone must be 8 to 15 digits without '+' (E.164, e.g. \"15105553344\"), got {phone:?}"
        ))),
        (None, Some(phone)) => store
            .id_by_phone(phone)
            .ok_or_else(|| ApiError::not_found(format!("contact not found: phone {phone:?}"))),
        (None, None) => Err(ApiError::bad_data(
            "name the contact with \"id\" (integer) or \"phone\" (digits)",
        )),
    }
}

/// `POST /v1/contact/status`.
pub async fn status(StateOf(state): StateOf<Arc<State>>, JsonBody(body): JsonBody) -> ApiResult {
    let obj = body_object(&body, "{\"id\": ...} or {\"phone\": ...}")?;
    let store = state.read();
    let id = named_contact(&store, obj)?;
    let contact = store
        .get(id)
        .ok_or_else(|| ApiError::not_found(format!("contact not found: id {id}")))?;
    Ok(ok_json(&json!({
        "id": contact.id,
        "phone": contact.phone,
        "unsubscribed": contact.is_opted_out,
        "blocked": contact.blocked,
    })))
}

/// `POST /v1/contact/set_status`.
pub async fn set_status(
    StateOf(state): StateOf<Arc<State>>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let obj = body_object(&body, "{\"id\" or \"phone\", \"status\"}")?;
    let status = opt_str(obj, "status")?.unwrap_or("");
    let change = STATUSES
        .iter()
        .find(|(name, _)| *name == status)
        .map(|(_, change)| *change)
        .ok_or_else(|| {
            let names: Vec<&str> = STATUSES.iter().map(|(name, _)| *name).collect();
            ApiError::bad_data(format!(
                "status must be one of {}, got {status:?}",
                names.join(", ")
            ))
        })?;
    let mut store = state.write();
    let id = named_contact(&store, obj)?;
    let clears = state.config.readings.active;
    store.modify(id, now_secs(), |c| change(c, clears));
    state.count_writes(1);
    Ok(match state.config.readings.status_answer {
        StatusAnswer::Json => ok_json(&"success"),
        StatusAnswer::Text => ([(header::CONTENT_TYPE, "text/plain")], "success").into_response(),
    })
}
