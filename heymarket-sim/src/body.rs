//! Request bodies, before any route sees them ([`guard`]): takes a request
//! and gives it on with its body read whole, or answers for it:
//!
//! - 413 `payload_too_large` when the body is (or declares, by
//!   `Content-Length`) more than `max_body_bytes` — answered at once, without
//!   reading the rest;
//! - 408 `request_timeout` when the whole body has not arrived within
//!   `body_timeout` of the request head — a stalled upload is cut off and its
//!   connection closed;
//! - 400 when the client breaks off mid-body.
//!
//! Memory: every byte of a body in flight is first taken from one budget,
//! shared by all connections, of twice `max_body_bytes` (a semaphore of
//! bytes), and given back when the request's answer is made — so the bodies
//! being read, and the JSON parsed from them, never hold more than that
//! budget (times the parse's overhead), however many uploads stall. A body
//! that finds the budget spent waits for it until its own deadline.

use std::sync::Arc;

use axum::{
    body::{Body, HttpBody},
    extract::{Request, State as StateOf},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http_body_util::BodyExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, timeout_at};

use super::state::State;
use super::wire::ApiError;

/// The memory budget of bodies in flight, in bytes: twice the largest body.
pub fn budget_bytes(max_body_bytes: usize) -> usize {
    max_body_bytes.saturating_mul(2).min(Semaphore::MAX_PERMITS)
}

/// The budget as a semaphore of bytes.
pub fn budget(max_body_bytes: usize) -> Arc<Semaphore> {
    Arc::new(Semaphore::new(budget_bytes(max_body_bytes)))
}

/// The middleware in front of every route (see the module doc).
pub async fn guard(StateOf(state): StateOf<Arc<State>>, request: Request, next: Next) -> Response {
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let limit = state.config.max_body_bytes;
    let (parts, body) = request.into_parts();
    let declared = declared_length(&parts.headers);
    if let Some(declared) = declared.filter(|&n| n > limit) {
        return too_large(&state, format!("{declared} bytes"), limit);
    }
    let deadline = Instant::now() + state.config.body_timeout;
    let (bytes, _permit) = match read(&state, body, declared, deadline).await {
        Ok(read) => read,
        Err(answer) => return answer,
    };
    // `_permit` lives until the answer is made: the parsed body counts too.
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The `Content-Length` a request declares, if any.
fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Reads `body` whole by `deadline`, each frame paid for from the budget.
async fn read(
    state: &State,
    mut body: Body,
    declared: Option<usize>,
    deadline: Instant,
) -> Result<(Vec<u8>, Option<OwnedSemaphorePermit>), Response> {
    let limit = state.config.max_body_bytes;
    // Capacity the client declared is reserved but not touched, so it costs
    // no memory until the bytes arrive (and were paid for).
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0));
    let mut permit: Option<OwnedSemaphorePermit> = None;
    let timed_out = |state: &State, got: usize| {
        state.stats().bodies_timed_out += 1;
        closing(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!(
                "the request body did not arrive within {} s of its head ({got} bytes came); send it whole and promptly",
                state.config.body_timeout.as_secs_f64()
            ),
        ))
    };
    loop {
        let frame = match timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(timed_out(state, bytes.len())),
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                return Err(closing(ApiError::bad_data(format!(
                    "could not read the request body: {e}"
                ))));
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        if data.is_empty() {
            continue;
        }
        let total = bytes.len().saturating_add(data.len());
        if total > limit {
            return Err(too_large(state, format!("more than {limit} bytes"), limit));
        }
        let cost = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let budget = Arc::clone(&state.body_budget);
        let paid = match timeout_at(deadline, budget.acquire_many_owned(cost)).await {
            Err(_) => return Err(timed_out(state, bytes.len())),
            Ok(Err(_closed)) => return Err(timed_out(state, bytes.len())),
            Ok(Ok(paid)) => paid,
        };
        match &mut permit {
            Some(held) => held.merge(paid),
            None => permit = Some(paid),
        }
        bytes.extend_from_slice(&data);
    }
    Ok((bytes, permit))
}

fn too_large(state: &State, size: String, limit: usize) -> Response {
    state.stats().bodies_too_large += 1;
    closing(ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "the request body is {size}; at most {limit} bytes are accepted: send fewer contacts per call"
        ),
    ))
}

/// The answer, with `Connection: close`: the rest of the body is never read,
/// so the connection cannot carry another request.
fn closing(error: ApiError) -> Response {
    let mut answer = error.into_response();
    answer
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    answer
}
