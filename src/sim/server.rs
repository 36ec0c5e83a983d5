//! The HTTP server: takes a bound listener and a [`SimConfig`] and serves the
//! simulator on it until the future is dropped.
//!
//! Gives the router (every `/v1`, `/v2` route behind the [`gate`], the `/_sim`
//! admin routes, JSON 404/405 answers, `X-Request-Id` on every answer), and
//! the listener behind connection resets: each accepted connection carries a
//! [`ConnHandle`]. A handler's request can [`ConnHandle::reset`] it; from then
//! on the connection refuses to write, so hyper drops it without sending the
//! answer, and the socket closes with an RST (zero linger).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request, connect_info::Connected},
    http::{HeaderValue, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post},
    serve::{IncomingStream, Listener},
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::faults::gate;
use super::state::State;
use super::wire::ApiError;
use super::{SimConfig, account, admin, channels, contacts, listing, status};

/// Largest request body accepted (a 10,000-contact seed fits).
const BODY_LIMIT: usize = 64 * 1024 * 1024;

/// Serves the simulator on `listener` until this future is dropped.
pub async fn serve(listener: TcpListener, config: SimConfig) -> io::Result<()> {
    config
        .check()
        .map_err(|m| io::Error::new(io::ErrorKind::InvalidInput, m))?;
    let app = router(Arc::new(State::new(config)));
    axum::serve(
        SimListener(listener),
        app.into_make_service_with_connect_info::<ConnHandle>(),
    )
    .await
}

/// Every route of the simulator over `state`. Resets need the connection
/// handles that [`serve`] installs, so this stays private to it.
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
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
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

/// A TCP listener whose connections can be reset from a handler.
pub struct SimListener(pub TcpListener);

impl Listener for SimListener {
    type Io = ResettableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = Listener::accept(&mut self.0).await;
        let _ = stream.set_nodelay(true);
        let stream = ResettableStream {
            stream,
            reset: Arc::new(AtomicBool::new(false)),
        };
        (stream, addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// One connection's handle, reachable from a request as `ConnectInfo<ConnHandle>`.
#[derive(Debug, Clone)]
pub struct ConnHandle(Arc<AtomicBool>);

impl ConnHandle {
    /// Closes the connection without writing another byte.
    pub fn reset(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, SimListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, SimListener>) -> Self {
        ConnHandle(stream.io().reset.clone())
    }
}

/// A TCP stream that fails every write once its connection has been reset.
pub struct ResettableStream {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl ResettableStream {
    /// The error a write meets after a reset; the socket will close with an RST.
    fn check(&self) -> io::Result<()> {
        if !self.reset.load(Ordering::SeqCst) {
            return Ok(());
        }
        let _ = self.stream.set_zero_linger();
        Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "connection reset by heymarket-sim (--reset-rate)",
        ))
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
