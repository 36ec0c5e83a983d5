//! Listing routes: takes list filters and gives pages of contacts in `updated`
//! order (`POST /v1/contacts`, pages from 1; `POST /v2/contacts/list`, pages
//! from 0; `page_base` changes both) and counts (`POST /v1/contacts/count` →
//! `{"count": n}`, or a bare number under `count_answer`).
//!
//! Newest `updated` first unless `ascending`; ties on `updated` by id in the
//! same direction. `date` is a cursor: descending reads `updated < date`,
//! ascending `updated > date` (`<=`/`>=` with `cursor_inclusive`). `limit`
//! defaults to 30, at most `max_limit` (100): a larger one is 400, or under
//! `list_limit: cap` silently answered with `max_limit` contacts. Page k holds
//! items `[(k − base) × limit, + limit)` of the filtered, ordered set, with the
//! limit as honoured. v1 also accepts and ignores `order`, `filter` and
//! `archived`.

use std::sync::Arc;

use axum::extract::State as StateOf;
use serde_json::{Value, json};

use super::SimConfig;
use super::readings::{CountAnswer, ListLimit};
use super::state::State;
use super::store::Window;
use super::view::{Shape, contact_views};
use super::wire::{
    ApiError, ApiResult, JsonBody, body_object, ok_json, opt_bool, opt_int, opt_str, parse_date,
};

pub const DEFAULT_LIMIT: i64 = 30;

/// One page of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PageQuery {
    window: Window,
    skip: usize,
    limit: usize,
}

/// The window (`date`, `ascending`) of a list or count body.
fn window_of(body: &Value, inclusive: bool) -> ApiResult<Window> {
    let obj = body_object(body, "of list filters")?;
    let date = match opt_str(obj, "date")? {
        Some(text) => {
            let moment = parse_date("date", text)?;
            Some((moment.secs, moment.nanos))
        }
        None => None,
    };
    Ok(Window {
        ascending: opt_bool(obj, "ascending")?.unwrap_or(false),
        date,
        inclusive,
    })
}

/// The page a list body asks for, in the v1 or v2 listing.
fn page_of(body: &Value, config: &SimConfig, v1: bool) -> ApiResult<PageQuery> {
    let readings = &config.readings;
    let window = window_of(body, config.cursor_inclusive)?;
    let obj = body_object(body, "of list filters")?;
    let max = i64::try_from(readings.max_limit).unwrap_or(i64::MAX);
    let mut limit = opt_int(obj, "limit")?.unwrap_or(DEFAULT_LIMIT);
    if limit > max && readings.list_limit == ListLimit::Cap {
        limit = max;
    }
    if !(1..=max).contains(&limit) {
        return Err(ApiError::bad_data(format!(
            "limit must be between 1 and {max}, got {limit}"
        )));
    }
    let first_page = readings.page_base.first(v1);
    let api = if v1 { "v1" } else { "v2" };
    let page = opt_int(obj, "page")?.unwrap_or(first_page);
    if page < first_page {
        return Err(ApiError::bad_data(format!(
            "page counts from {first_page} in {api}, got {page}"
        )));
    }
    let skip = (page - first_page).saturating_mul(limit);
    Ok(PageQuery {
        window,
        skip: usize::try_from(skip).unwrap_or(usize::MAX),
        limit: limit as usize,
    })
}

fn list(state: &State, query: PageQuery, shape: Shape) -> ApiResult {
    let store = state.read();
    let page = store.page(query.window, query.skip, query.limit);
    Ok(ok_json(&contact_views(page, &store.catalog, shape)))
}

/// `POST /v1/contacts`.
pub async fn list_v1(StateOf(state): StateOf<Arc<State>>, JsonBody(body): JsonBody) -> ApiResult {
    let query = page_of(&body, &state.config, true)?;
    list(&state, query, Shape::V1(state.config.readings))
}

/// `POST /v2/contacts/list`.
pub async fn list_v2(StateOf(state): StateOf<Arc<State>>, JsonBody(body): JsonBody) -> ApiResult {
    let query = page_of(&body, &state.config, false)?;
    list(&state, query, Shape::V2(state.config.readings))
}

/// `POST /v1/contacts/count`.
pub async fn count_v1(StateOf(state): StateOf<Arc<State>>, JsonBody(body): JsonBody) -> ApiResult {
    let window = window_of(&body, state.config.cursor_inclusive)?;
    let count = state.read().count(window);
    Ok(match state.config.readings.count_answer {
        CountAnswer::Object => ok_json(&json!({ "count": count })),
        CountAnswer::Number => ok_json(&count),
    })
}
