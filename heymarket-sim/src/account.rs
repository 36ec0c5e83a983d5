//! The account's catalog routes: takes small JSON bodies and gives
//! - `GET /v1/inboxes` → `[{id, name, phone, team_id}]` (the credential check);
//! - `GET /v1/team` → `{id, name, members: [{id, name, role}]}`;
//! - `POST /v1/contact-fields` → `[{id, title}]`;
//! - `POST /v1/tags` `{}` or `{"date"}` → 30 tags updated before `date`, newest
//!   first: `[{id, tag, color, created, updated}]` (`name` instead of `tag`
//!   under `tag_shape: name`);
//! - `POST /v1/tag` `{"tag", "color"}` → `{id, rev, uuid}`; a tag name already
//!   in use (ignoring case) is 400, and so is a color that is not `#RRGGBB`.

use std::sync::Arc;

use axum::extract::State as StateOf;
use serde_json::{Value, json};
use uuid::Uuid;

use super::catalog::TagRecord;
use super::readings::TagShape;
use super::state::State;
use super::wire::{
    ApiError, ApiResult, JsonBody, body_object, now_secs, ok_json, opt_str, parse_date, rfc3339,
};

/// Tags per `/v1/tags` page.
pub const TAGS_PER_PAGE: usize = 30;

/// Color of a tag created without one.
const DEFAULT_TAG_COLOR: &str = "#808080";

/// `GET /v1/inboxes`.
pub async fn inboxes(StateOf(state): StateOf<Arc<State>>) -> ApiResult {
    let team_id = state.read().catalog.team.id;
    Ok(ok_json(&json!([
        {"id": 1, "name": "Main line", "phone": "15105550100", "team_id": team_id}
    ])))
}

/// `GET /v1/team`.
pub async fn team(StateOf(state): StateOf<Arc<State>>) -> ApiResult {
    Ok(ok_json(&state.read().catalog.team))
}

/// `POST /v1/contact-fields`.
pub async fn contact_fields(
    StateOf(state): StateOf<Arc<State>>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    body_object(&body, "({})")?;
    Ok(ok_json(&state.read().catalog.fields))
}

fn tag_view(tag: &TagRecord, shape: TagShape) -> Value {
    let mut view = json!({
        "id": tag.id,
        "color": tag.color,
        "created": rfc3339(tag.created),
        "updated": rfc3339(tag.updated),
    });
    let name_key = if shape == TagShape::Name {
        "name"
    } else {
        "tag"
    };
    view[name_key] = json!(tag.tag);
    view
}

/// `POST /v1/tags`.
pub async fn tags(StateOf(state): StateOf<Arc<State>>, JsonBody(body): JsonBody) -> ApiResult {
    let obj = body_object(&body, "({} or {\"date\": ...})")?;
    // `updated < date` in whole seconds: below the date rounded up.
    let before = match opt_str(obj, "date")? {
        Some(text) => {
            let date = parse_date("date", text)?;
            date.secs.saturating_add(i64::from(date.nanos > 0))
        }
        None => i64::MAX,
    };
    let store = state.read();
    let mut tags: Vec<&TagRecord> = store
        .catalog
        .tags
        .iter()
        .filter(|t| t.updated < before)
        .collect();
    tags.sort_by_key(|t| std::cmp::Reverse((t.updated, t.id)));
    let shape = state.config.readings.tag_shape;
    let page: Vec<Value> = tags
        .into_iter()
        .take(TAGS_PER_PAGE)
        .map(|t| tag_view(t, shape))
        .collect();
    Ok(ok_json(&page))
}

/// `POST /v1/tag`.
pub async fn create_tag(
    StateOf(state): StateOf<Arc<State>>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let obj = body_object(&body, "{\"tag\": ..., \"color\": ...}")?;
    let name = opt_str(obj, "tag")?.unwrap_or("").trim();
    if name.is_empty() {
        return Err(ApiError::bad_data("tag (the tag's name) is required"));
    }
    let color = opt_str(obj, "color")?.unwrap_or(DEFAULT_TAG_COLOR);
    if !is_hex_color(color) {
        return Err(ApiError::bad_data(format!(
            "color must be #RRGGBB (e.g. \"#FFD700\"), got {color:?}"
        )));
    }
    let mut store = state.write();
    if let Some(existing) = store
        .catalog
        .tags
        .iter()
        .find(|t| t.tag.trim().eq_ignore_ascii_case(name))
    {
        return Err(ApiError::bad_data(format!(
            "tag exists: {name:?} is tag {}",
            existing.id
        )));
    }
    let now = now_secs();
    let tag = TagRecord {
        id: store
            .catalog
            .tags
            .iter()
            .map(|t| t.id)
            .max()
            .unwrap_or(0)
            .saturating_add(1),
        tag: name.to_string(),
        color: color.to_string(),
        uuid: Uuid::new_v4(),
        rev: 1,
        created: now,
        updated: now,
    };
    let answer = json!({"id": tag.id, "rev": tag.rev, "uuid": tag.uuid.to_string()});
    store.catalog.tags.push(tag);
    Ok(ok_json(&answer))
}

/// `#RRGGBB` in hex digits.
fn is_hex_color(color: &str) -> bool {
    color.len() == 7 && color.starts_with('#') && color[1..].bytes().all(|b| b.is_ascii_hexdigit())
}
