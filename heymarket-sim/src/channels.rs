//! A contact's channels: takes a contact UUID in the path and gives
//! `GET /v2/contact/{uuid}/channels` → `[{id, team_id, contact_id,
//! channel_type, channel_id, channel_handle, info_channel, created, updated}]`
//! (the phone first); `POST /v2/contact/{uuid}/channel` with
//! `{channel_type, channel_id}` adds a `phone` or `email` channel and answers
//! the same list. A UUID that is not one is 400, an unknown one 404. A phone
//! another contact holds is 400; a channel the contact has already (its own
//! phone included) is 400 `channel exists` unless `duplicate_channel` says
//! otherwise.

use std::sync::Arc;

use axum::extract::{Path, State as StateOf};
use uuid::Uuid;

use super::DuplicateChannel;
use super::state::State;
use super::store::Store;
use super::view::channel_views;
use super::wire::{ApiError, ApiResult, JsonBody, body_object, now_secs, ok_json, opt_str};
use super::write::{is_valid_email, is_valid_phone};

/// The id of the contact whose UUID is `uuid`: 400 when it is not a UUID,
/// 404 when no contact has it.
fn contact_by_uuid(store: &Store, uuid: &str) -> ApiResult<i64> {
    let parsed = Uuid::parse_str(uuid).map_err(|_| {
        ApiError::bad_data(format!(
            "{uuid:?} is not a contact UUID (v2 names contacts by the uuid of their read shape)"
        ))
    })?;
    store
        .id_by_uuid(&parsed)
        .ok_or_else(|| ApiError::not_found(format!("contact not found: {uuid}")))
}

fn channel_list(store: &Store, id: i64) -> ApiResult {
    let contact = store
        .get(id)
        .ok_or_else(|| ApiError::not_found(format!("contact not found: id {id}")))?;
    Ok(ok_json(&channel_views(contact, &store.catalog, true)))
}

/// `GET /v2/contact/{uuid}/channels`.
pub async fn list_channels(
    StateOf(state): StateOf<Arc<State>>,
    Path(uuid): Path<String>,
) -> ApiResult {
    let store = state.read();
    let id = contact_by_uuid(&store, &uuid)?;
    channel_list(&store, id)
}

/// `POST /v2/contact/{uuid}/channel`.
pub async fn add_channel(
    StateOf(state): StateOf<Arc<State>>,
    Path(uuid): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let obj = body_object(&body, "{\"channel_type\", \"channel_id\"}")?;
    let channel_type = opt_str(obj, "channel_type")?.unwrap_or("");
    let channel_id = opt_str(obj, "channel_id")?.unwrap_or("");
    let mut store = state.write();
    let id = contact_by_uuid(&store, &uuid)?;
    match channel_type {
        "phone" if is_valid_phone(channel_id) => {
            if let Some(taken) = store.phone_taken(channel_id, Some(id)) {
                return Err(ApiError::bad_data(taken));
            }
        }
        "phone" => {
            return Err(ApiError::bad_data(format!(
                "channel_id must be a phone of 8 to 15 digits without '+', got {channel_id:?}"
            )));
        }
        "email" if is_valid_email(channel_id) => {}
        "email" => {
            return Err(ApiError::bad_data(format!(
                "channel_id must be an email address like name@example.com, got {channel_id:?}"
            )));
        }
        other => {
            return Err(ApiError::bad_data(format!(
                "channel_type must be \"phone\" or \"email\", got {other:?}"
            )));
        }
    }
    if let Some(existing) = store.channel_held(id, channel_type, channel_id) {
        match state.config.duplicate_channel {
            DuplicateChannel::Reject => {
                return Err(ApiError::bad_data(format!(
                    "channel exists: {channel_type} {channel_id:?} is already channel {existing} of this contact"
                )));
            }
            DuplicateChannel::Ignore => return channel_list(&store, id),
            DuplicateChannel::Copy => {}
        }
    }
    store.add_channel(id, channel_type, channel_id, now_secs());
    channel_list(&store, id)
}
