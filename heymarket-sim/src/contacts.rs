//! Bulk contact routes: takes JSON bodies and gives the Simulator profile's
//! answers for
//! - `POST /v2/contacts` — create (no `contact_id`) or update (by UUID), answering
//!   `{"contacts": [...], "failed_contacts": [{"contact", "error"}]}`; a create
//!   whose phone exists fails, or (switches) duplicates or updates;
//! - `POST /v1/batch/contacts?overwrite=` — create by phone, skip or update an
//!   existing phone, answering `"ok"` or the failed input contacts;
//! - `POST /v2/contacts/search` — contacts by phone, email (any of their
//!   channels) or UUID;
//! - `DELETE /v2/contacts` — delete by UUID, answering `"ok"`;
//! - `DELETE /v1/contact/{id}` — delete one contact by its integer id.
//!
//! Items are checked in order against the catalog; a referential problem in
//! any item rejects the whole request before anything is written.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{RawQuery, State as StateOf};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::ExistingPhone;
use super::readings::V2Create;
use super::state::State;
use super::store::Store;
use super::view::{ContactView, Shape, contact_views};
use super::wire::{ApiError, ApiResult, JsonBody, array_field, kind_of, now_secs, ok_json, shown};
use super::write::{ContactWrite, ItemCheck, Surface, check_item};

/// 400 when a call carries more than `max` items.
pub fn check_batch_size(count: usize, max: usize, what: &str) -> ApiResult<()> {
    if count > max {
        return Err(ApiError::bad_data(format!(
            "too many {what}: {count} in one call, at most {max}"
        )));
    }
    Ok(())
}

/// Checks every item of `items` (named `list[i]` in messages).
pub fn check_items(
    list: &str,
    items: &[Value],
    store: &Store,
    surface: Surface,
) -> ApiResult<Vec<ItemCheck>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| check_item(&format!("{list}[{i}]"), item, &store.catalog, surface))
        .collect()
}

#[derive(Serialize)]
struct FailedItem<'a> {
    contact: &'a Value,
    error: String,
}

#[derive(Serialize)]
struct WriteAnswer<'a> {
    contacts: Vec<ContactView<'a>>,
    failed_contacts: Vec<FailedItem<'a>>,
}

/// `POST /v2/contacts`.
pub async fn write_v2(StateOf(state): StateOf<Arc<State>>, JsonBody(body): JsonBody) -> ApiResult {
    let items = array_field(&body, "contacts", "{\"contacts\": [...]}")?;
    check_batch_size(items.len(), state.config.max_batch, "contacts")?;
    let mut store = state.write();
    let surface = match state.config.readings.v2_create {
        V2Create::Phone => Surface::V2,
        V2Create::Channels => Surface::V2Channels,
    };
    let checks = check_items("contacts", items, &store, surface)?;
    let now = now_secs();
    let mut written = Vec::new();
    let mut failed = Vec::new();
    for (item, check) in items.iter().zip(checks) {
        let outcome = match check {
            ItemCheck::Invalid(message) => Err(message),
            ItemCheck::Valid(write) => {
                write_one_v2(&mut store, &write, now, state.config.existing_phone)
            }
        };
        match outcome {
            Ok(id) => written.push(id),
            Err(error) => failed.push(FailedItem {
                contact: item,
                error,
            }),
        }
    }
    state.count_writes(written.len());
    let answer = WriteAnswer {
        contacts: contact_views(
            written.iter().filter_map(|&id| store.get(id)),
            &store.catalog,
            Shape::V2(state.config.readings),
        ),
        failed_contacts: failed,
    };
    Ok(ok_json(&answer))
}

/// Updates the contact `write.contact_id` names, or creates one without it
/// (a phone that exists: as `existing` says).
fn write_one_v2(
    store: &mut Store,
    write: &ContactWrite,
    now: i64,
    existing: ExistingPhone,
) -> Result<i64, String> {
    let holder = write.phone.as_deref().and_then(|p| store.id_by_phone(p));
    match (write.contact_id, holder, existing) {
        (None, Some(_), ExistingPhone::Duplicate) => store.create_duplicate(write, now),
        (None, Some(id), ExistingPhone::Update) => store.update(id, write, now).map(|()| id),
        (None, _, _) => store.create(write, now),
        (Some(uuid), _, _) => {
            let id = store
                .id_by_uuid(&uuid)
                .ok_or_else(|| format!("contact not found: {uuid}"))?;
            store.update(id, write, now).map(|()| id)
        }
    }
}

/// `POST /v1/batch/contacts?overwrite=false|true`.
pub async fn batch_v1(
    StateOf(state): StateOf<Arc<State>>,
    RawQuery(query): RawQuery,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let overwrite = overwrite_flag(query.as_deref())?;
    let items = body.as_array().ok_or_else(|| {
        ApiError::bad_data(format!(
            "the body must be a JSON array of contacts, got {}",
            kind_of(&body)
        ))
    })?;
    check_batch_size(items.len(), state.config.max_batch, "contacts")?;
    let mut store = state.write();
    let checks = check_items("", items, &store, Surface::V1)?;
    let now = now_secs();
    let mut failed = Vec::new();
    let mut writes = 0;
    for (item, check) in items.iter().zip(checks) {
        let write = match check {
            ItemCheck::Invalid(_) => {
                failed.push(item);
                continue;
            }
            ItemCheck::Valid(write) => write,
        };
        let existing = write.phone.as_deref().and_then(|p| store.id_by_phone(p));
        let outcome = match existing {
            Some(_) if !overwrite => continue,
            Some(id) => store.update(id, &write, now),
            None => store.create(&write, now).map(|_| ()),
        };
        match outcome {
            Ok(()) => writes += 1,
            Err(_) => failed.push(item),
        }
    }
    state.count_writes(writes);
    Ok(if state.config.v1_answer_array {
        ok_json(items)
    } else if failed.is_empty() {
        ok_json(&"ok")
    } else {
        ok_json(&failed)
    })
}

/// The `overwrite` query parameter: absent means false.
fn overwrite_flag(query: Option<&str>) -> ApiResult<bool> {
    let mut overwrite = false;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key == "overwrite" {
            overwrite = match value {
                "true" => true,
                "false" => false,
                other => {
                    return Err(ApiError::bad_data(format!(
                        "overwrite must be true or false, got {other:?}"
                    )));
                }
            };
        }
    }
    Ok(overwrite)
}

/// What a channel id in a search or delete names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    Phone,
    Email,
    Id,
}

impl ChannelKind {
    fn parse(name: &str) -> Option<Self> {
        match name {
            "phone" => Some(ChannelKind::Phone),
            "email" => Some(ChannelKind::Email),
            "id" => Some(ChannelKind::Id),
            _ => None,
        }
    }

    /// Auto-detection when `channel_type` is omitted: digits are a phone,
    /// anything with `@` an email, the rest a contact UUID.
    fn detect(channel_id: &str) -> Self {
        if !channel_id.is_empty() && channel_id.bytes().all(|b| b.is_ascii_digit()) {
            ChannelKind::Phone
        } else if channel_id.contains('@') {
            ChannelKind::Email
        } else {
            ChannelKind::Id
        }
    }
}

/// The `(kind, channel id)` pairs of a `{"contact_channels": [...]}` body,
/// at most `max` of them.
fn channel_lookups(body: &Value, max: usize) -> ApiResult<Vec<(ChannelKind, String)>> {
    let shape = "{\"contact_channels\": [{\"channel_type\": \"phone\", \"channel_ids\": [...]}]}";
    let groups = array_field(body, "contact_channels", shape)?;
    let mut lookups = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        let path = format!("contact_channels[{i}]");
        let kind = match group.get("channel_type") {
            None => None,
            Some(v) => Some(v.as_str().and_then(ChannelKind::parse).ok_or_else(|| {
                ApiError::bad_data(format!(
                    "{path}.channel_type must be \"phone\", \"email\" or \"id\" (or omitted), got {}",
                    shown(v)
                ))
            })?),
        };
        let ids = group
            .get("channel_ids")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                ApiError::bad_data(format!("{path}.channel_ids must be an array of strings"))
            })?;
        for (j, id) in ids.iter().enumerate() {
            let id = id.as_str().ok_or_else(|| {
                ApiError::bad_data(format!(
                    "{path}.channel_ids[{j}] must be a string, got {}",
                    shown(id)
                ))
            })?;
            lookups.push((
                kind.unwrap_or_else(|| ChannelKind::detect(id)),
                id.to_string(),
            ));
        }
    }
    check_batch_size(lookups.len(), max, "channel ids")?;
    Ok(lookups)
}

/// Ids of the contacts a lookup finds: by any of their channels (the
/// phone, the email, and the channels added).
fn find(store: &Store, kind: ChannelKind, channel_id: &str) -> Vec<i64> {
    match kind {
        ChannelKind::Phone => store.ids_by_any_phone(channel_id),
        ChannelKind::Email => store.ids_by_any_email(channel_id),
        ChannelKind::Id => Uuid::parse_str(channel_id)
            .ok()
            .and_then(|uuid| store.id_by_uuid(&uuid))
            .into_iter()
            .collect(),
    }
}

/// `POST /v2/contacts/search`: the matching contacts, each once, in the order
/// the lookups found them.
pub async fn search_v2(StateOf(state): StateOf<Arc<State>>, JsonBody(body): JsonBody) -> ApiResult {
    let lookups = channel_lookups(&body, state.config.max_batch)?;
    let store = state.read();
    let mut seen = HashSet::new();
    let found: Vec<i64> = lookups
        .iter()
        .flat_map(|(kind, channel_id)| find(&store, *kind, channel_id))
        .filter(|id| seen.insert(*id))
        .collect();
    let views = contact_views(
        found.iter().filter_map(|&id| store.get(id)),
        &store.catalog,
        Shape::V2(state.config.readings),
    );
    Ok(ok_json(&views))
}

/// `DELETE /v1/contact/{id}`: deletes the contact with that integer id,
/// answering `"ok"`; 404 when there is none.
pub async fn delete_v1(
    StateOf(state): StateOf<Arc<State>>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> ApiResult {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::bad_data(format!("{id:?} is not a contact id (an integer)")))?;
    let mut store = state.write();
    if !store.delete(id) {
        return Err(ApiError::not_found(format!("contact not found: id {id}")));
    }
    state.stats().deleted += 1;
    Ok(ok_json(&"ok"))
}

/// `DELETE /v2/contacts`: deletes by contact UUID; unknown UUIDs are ignored.
pub async fn delete_v2(StateOf(state): StateOf<Arc<State>>, JsonBody(body): JsonBody) -> ApiResult {
    let lookups = channel_lookups(&body, state.config.max_batch)?;
    let mut uuids = Vec::with_capacity(lookups.len());
    for (kind, channel_id) in &lookups {
        let uuid = Uuid::parse_str(channel_id)
            .ok()
            .filter(|_| *kind == ChannelKind::Id);
        uuids.push(uuid.ok_or_else(|| {
            ApiError::bad_data(format!(
                "DELETE /v2/contacts deletes by contact UUID (channel_type \"id\"); {channel_id:?} is not one"
            ))
        })?);
    }
    let mut store = state.write();
    let mut deleted = 0;
    for uuid in uuids {
        if let Some(id) = store.id_by_uuid(&uuid) {
            deleted += u64::from(store.delete(id));
        }
    }
    state.stats().deleted += deleted;
    Ok(ok_json(&"ok"))
}
