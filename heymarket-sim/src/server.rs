//! The HTTP server: takes a bound listener and a [`SimConfig`] and serves the
//! simulator on it until the future is dropped.
//!
//! Gives the accept loop (connections served under the limits of
//! [`super::conn`]) and the router: every `/v1`, `/v2` route behind the
//! [`gate`], the `/_sim` admin routes, JSON 404/405 answers; around them all,
//! `X-Request-Id` on every answer, the saving of each change to the state
//! file, and the body guard of [`super::body`] (413, 408, memory budget).

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request, State as StateOf},
    http::{HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use tokio::net::TcpListener;

use super::conn;
use super::faults::gate;
use super::state::State;
use super::wire::ApiError;
use super::{SimConfig, account, admin, body, channels, contacts, listing, status};

/// Serves the simulator on `listener` until this future is dropped.
pub async fn serve(listener: TcpListener, config: SimConfig) -> io::Result<()> {
    config
        .check()
        .map_err(|m| io::Error::new(io::ErrorKind::InvalidInput, m))?;
    let state = tokio::task::spawn_blocking(move || State::open(config))
        .await
        .map_err(io::Error::other)??;
    serve_state(listener, Arc::new(state)).await
}

/// Serves the simulator over an opened `state` (see [`State::open`]).
pub async fn serve_state(listener: TcpListener, state: Arc<State>) -> io::Result<()> {
    let app = router(Arc::clone(&state));
    let connections = Arc::clone(&state.connections);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors (or a connection gone before it
                // was accepted): free an idle one and try again shortly.
                if conn::out_of_descriptors(&e) && connections.evict_idle() {
                    state.stats().connections_evicted += 1;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let slot = match connections.try_slot() {
            Some(slot) => slot,
            None => match make_room(&state).await {
                Some(slot) => slot,
                None => {
                    state.stats().connections_refused += 1;
                    conn::refuse(stream);
                    continue;
                }
            },
        };
        let (app, connections, state) = (app.clone(), Arc::clone(&connections), Arc::clone(&state));
        tokio::spawn(async move {
            conn::serve(stream, slot, connections, app, &state.config).await;
        });
    }
}

/// A slot for a connection waiting at the limit: each tenth of a second an
/// idle connection is closed, if there is one, until a slot frees or
/// `body_timeout` passes (`None`: refuse the newcomer).
async fn make_room(state: &State) -> Option<tokio::sync::OwnedSemaphorePermit> {
    let deadline = tokio::time::Instant::now() + state.config.body_timeout;
    loop {
        if state.connections.evict_idle() {
            state.stats().connections_evicted += 1;
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let step = left.min(Duration::from_millis(100));
        if let Some(slot) = state.connections.slot(step).await {
            return Some(slot);
        }
        if left <= step {
            return None;
        }
    }
}

/// Every route of the simulator over `state`.
fn router(state: Arc<State>) -> Router {
    let api = Router::new()
        .route("/v1/inboxes", get(account::inboxes))
        .route("/v1/team", get(account::team))
        .route("/v1/contact-fields", post(account::contact_fields))
        .route("/v1/tags", post(account::tags))
        .route("/v1/tag", post(account::create_tag))
        .route("/v1/batch/contacts", post(contacts::batch_v1))
        .route("/v1/contacts", post(listing::list_v1))
        .route("/v1/contacts/count", post(listing::count_v1))
        .route("/v1/contact/{id}", delete(contacts::delete_v1))
        .route("/v1/contact/status", post(status::status))
        .route("/v1/contact/set_status", post(status::set_status))
        .route(
            "/v2/contacts",
            post(contacts::write_v2).delete(contacts::delete_v2),
        )
        .route("/v2/contacts/search", post(contacts::search_v2))
        .route("/v2/contacts/list", post(listing::list_v2))
        .route("/v2/contact/{uuid}/channel", post(channels::add_channel))
        .route("/v2/contact/{uuid}/channels", get(channels::list_channels))
        .route_layer(middleware::from_fn_with_state(state.clone(), gate));
    Router::new()
        .merge(api)
        .merge(admin::routes())
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), body::guard))
        .layer(middleware::from_fn_with_state(state.clone(), persist))
        .layer(middleware::map_response(with_request_id))
        .with_state(state)
}

async fn no_route(request: Request) -> ApiError {
    ApiError::not_found(format!(
        "no route {} {}",
        request.method(),
        request.uri().path()
    ))
}

async fn wrong_method(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!(
            "{} is not allowed on {}",
            request.method(),
            request.uri().path()
        ),
    )
}

async fn with_request_id(mut response: Response) -> impl IntoResponse {
    let id = uuid::Uuid::new_v4().to_string();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Saves the store after a request that changed it, before its answer goes
/// out; a save that fails turns the answer into a 500 saying so.
async fn persist(StateOf(state): StateOf<Arc<State>>, request: Request, next: Next) -> Response {
    let answer = next.run(request).await;
    if !state.persists() {
        return answer;
    }
    let saver = Arc::clone(&state);
    let saved = tokio::task::spawn_blocking(move || saver.persist())
        .await
        .map_err(io::Error::other)
        .and_then(|r| r);
    match saved {
        Ok(()) => answer,
        Err(e) => {
            eprintln!("heymarket-sim: {e}");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                format!("the change was made in memory but could not be saved ({e}); it is lost when the simulator stops"),
            )
            .into_response()
        }
    }
}
