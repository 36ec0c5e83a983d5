//! Admin routes under `/_sim` for tests and benches: no auth, never rate
//! limited, never faulted, never counted in `requests`. Takes JSON and gives
//! - `GET /_sim/contacts` → every stored contact by id (v2 read shape plus
//!   `blocked` and `avatar`);
//! - `GET /_sim/stats` → `{requests: {"METHOD /route": n}, requests_total,
//!   rate_limited, failures_injected, resets_injected, writes, deleted,
//!   bodies_too_large, bodies_timed_out, connections_evicted,
//!   connections_refused, connections_open, body_bytes_held, contacts}`;
//! - `POST /_sim/seed` `{"contacts": [write-shaped], "same_second": bool}` →
//!   the stored contacts. All or nothing: any invalid item or taken phone is a
//!   400 naming it. `same_second: true` gives every contact the same `updated`
//!   second (now); otherwise item i of n gets `now − (n − 1 − i)` seconds, so
//!   the seed spans n distinct seconds ending now;
//!   An item may carry `updated` (RFC 3339) to be stored with that time;
//! - `POST /_sim/touch` `{"ids": [int]}` → `{"touched": n}`: each existing
//!   contact gets `updated` = now and `rev` + 1;
//! - `POST /_sim/faults` `{"fail_rate": p, "reset_rate": p}` (either or both)
//!   → the rates now in force: an API that goes down (or recovers) mid-run.

use std::collections::HashSet;
use std::sync::Arc;

use axum::{
    Router,
    extract::State as StateOf,
    routing::{get, post},
};
use serde_json::json;

use super::contacts::check_items;
use super::state::State;
use super::view::{Shape, contact_views};
use super::wire::{
    ApiError, ApiResult, JsonBody, array_field, body_object, now_secs, ok_json, opt_bool, shown,
};
use super::write::{ItemCheck, Surface};

pub fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/_sim/contacts", get(contacts))
        .route("/_sim/stats", get(stats))
        .route("/_sim/seed", post(seed))
        .route("/_sim/touch", post(touch))
        .route("/_sim/faults", post(faults))
}

async fn contacts(StateOf(state): StateOf<Arc<State>>) -> ApiResult {
    let store = state.read();
    Ok(ok_json(&contact_views(
        store.all(),
        &store.catalog,
        Shape::Admin,
    )))
}

async fn stats(StateOf(state): StateOf<Arc<State>>) -> ApiResult {
    let contacts = state.read().len();
    let stats = state.stats();
    Ok(ok_json(&json!({
        "requests": stats.requests,
        "requests_total": stats.requests_total,
        "rate_limited": stats.rate_limited,
        "failures_injected": stats.failures_injected,
        "resets_injected": stats.resets_injected,
        "writes": stats.writes,
        "deleted": stats.deleted,
        "bodies_too_large": stats.bodies_too_large,
        "bodies_timed_out": stats.bodies_timed_out,
        "connections_evicted": stats.connections_evicted,
        "connections_refused": stats.connections_refused,
        "connections_open": state.connections.count(),
        "body_bytes_held": state.body_bytes_held(),
        "contacts": contacts,
    })))
}

async fn seed(StateOf(state): StateOf<Arc<State>>, JsonBody(body): JsonBody) -> ApiResult {
    let shape = "{\"contacts\": [...], \"same_second\": bool}";
    let items = array_field(&body, "contacts", shape)?;
    let obj = body_object(&body, shape)?;
    let same_second = opt_bool(obj, "same_second")?.unwrap_or(false);

    let mut store = state.write();
    let mut writes = Vec::with_capacity(items.len());
    let mut phones = HashSet::new();
    for (i, check) in check_items("contacts", items, &store, Surface::V1)?
        .into_iter()
        .enumerate()
    {
        let write = match check {
            ItemCheck::Valid(write) => write,
            ItemCheck::Invalid(message) => {
                return Err(ApiError::bad_data(format!("contacts[{i}]: {message}")));
            }
        };
        let phone = write.phone.clone().unwrap_or_default();
        if let Some(taken) = store.phone_taken(&phone, None) {
            return Err(ApiError::bad_data(format!("contacts[{i}]: {taken}")));
        }
        if !phones.insert(phone) {
            return Err(ApiError::bad_data(format!(
                "contacts[{i}]: phone {} appears twice in this seed",
                shown(&items[i]["phone"])
            )));
        }
        writes.push(write);
    }

    let now = now_secs();
    let last = writes.len() as i64 - 1;
    let mut ids = Vec::with_capacity(writes.len());
    for (i, write) in writes.iter().enumerate() {
        let id = store.create(write, now).map_err(ApiError::bad_data)?;
        let explicit = items[i].get("updated").and_then(|u| u.as_str());
        if let Some(updated) = explicit {
            let t = chrono::DateTime::parse_from_rfc3339(updated).map_err(|e| {
                ApiError::bad_data(format!(
                    "contacts[{i}].updated: {updated:?} is not RFC 3339: {e}"
                ))
            })?;
            store.backdate(id, t.timestamp());
        } else if !same_second {
            store.backdate(id, now - (last - i as i64));
        }
        ids.push(id);
    }
    let stored = contact_views(
        ids.iter().filter_map(|&id| store.get(id)),
        &store.catalog,
        Shape::Admin,
    );
    Ok(ok_json(&stored))
}

async fn touch(StateOf(state): StateOf<Arc<State>>, JsonBody(body): JsonBody) -> ApiResult {
    let ids = array_field(&body, "ids", "{\"ids\": [int]}")?;
    let ids = ids
        .iter()
        .map(|v| {
            v.as_i64().ok_or_else(|| {
                ApiError::bad_data(format!("ids must be integers, got {}", shown(v)))
            })
        })
        .collect::<ApiResult<Vec<i64>>>()?;
    let now = now_secs();
    let mut store = state.write();
    let touched = ids
        .into_iter()
        .filter(|&id| store.modify(id, now, |_| {}))
        .count();
    Ok(ok_json(&json!({ "touched": touched })))
}

async fn faults(StateOf(state): StateOf<Arc<State>>, JsonBody(body): JsonBody) -> ApiResult {
    let shape = "{\"fail_rate\": p, \"reset_rate\": p}";
    let obj = body_object(&body, shape)?;
    let (mut fail_rate, mut reset_rate) = state.dice.rates();
    for (key, rate) in [
        ("fail_rate", &mut fail_rate),
        ("reset_rate", &mut reset_rate),
    ] {
        if let Some(v) = obj.get(key) {
            match v.as_f64() {
                Some(p) if (0.0..=1.0).contains(&p) => *rate = p,
                _ => {
                    return Err(ApiError::bad_data(format!(
                        "{key} must be a number from 0 to 1, got {}",
                        shown(v)
                    )));
                }
            }
        }
    }
    state.dice.set_rates(fail_rate, reset_rate);
    Ok(ok_json(
        &json!({ "fail_rate": fail_rate, "reset_rate": reset_rate }),
    ))
}
