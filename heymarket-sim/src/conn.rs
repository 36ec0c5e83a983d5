//! Connections: takes accepted TCP streams and gives each to hyper's HTTP/1
//! server under the simulator's limits, and keeps the count of them.
//!
//! - At most `max_connections` are served at once ([`Connections`]). At the
//!   limit the one idle longest (no request in flight: keep-alive, or not yet
//!   a whole request head; and idle for [`EVICT_GRACE`] at least, so a
//!   connection that just came has the time to send its request) is shut
//!   down gracefully to make room, so idle connections never lock others
//!   out; when none is idle the newcomer waits (the accept loop stops, and
//!   further ones queue in the kernel's listen backlog, holding no file
//!   descriptor) and is refused with a 503 after `body_timeout`.
//! - Idle and header timeout: hyper closes a connection that has not sent a
//!   whole request head `idle_timeout` after connecting or after its last
//!   answer.
//! - Send timeout: a write the client does not take up for `body_timeout`
//!   fails and closes the connection, so a client that never reads cannot
//!   pin an answer in memory.
//! - Resets: a handler can [`ConnHandle::reset`] its connection; from then on
//!   the connection refuses to write, so hyper drops it without sending the
//!   answer, and the socket closes with an RST (zero linger).
//!
//! hyper's read buffer is capped at [`READ_BUFFER`] per connection, which
//! bounds what a slow or endless request head can hold.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::{Router, extract::ConnectInfo, http::Request};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

use super::SimConfig;

/// hyper's read buffer per connection (its floor is 8 KiB; its default 400 KiB).
pub const READ_BUFFER: usize = 64 * 1024;

/// How long a connection must have been idle before it may be closed to make room.
pub const EVICT_GRACE: Duration = Duration::from_secs(1);

/// One connection's handle, reachable from a request as `ConnectInfo<ConnHandle>`.
#[derive(Debug, Clone)]
pub struct ConnHandle(Arc<AtomicBool>);

impl ConnHandle {
    /// Closes the connection without writing another byte.
    pub fn reset(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// What the registry knows of one open connection.
#[derive(Debug)]
struct Tracker {
    /// Requests in flight (0 = idle).
    busy: AtomicUsize,
    /// When it last went idle, in milliseconds since the registry began.
    idle_since_ms: AtomicU64,
    /// Told to shut down already.
    evicted: AtomicBool,
    close: Notify,
}

/// The open connections and the slots they take.
pub struct Connections {
    slots: Arc<Semaphore>,
    open: Mutex<HashMap<u64, Arc<Tracker>>>,
    next_id: AtomicU64,
    began: Instant,
}

impl Connections {
    pub fn new(max: usize) -> Connections {
        Connections {
            slots: Arc::new(Semaphore::new(max.min(Semaphore::MAX_PERMITS))),
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            began: Instant::now(),
        }
    }

    fn now_ms(&self) -> u64 {
        self.began.elapsed().as_millis() as u64
    }

    /// A free slot at once, if there is one.
    pub fn try_slot(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.slots).try_acquire_owned().ok()
    }

    /// A slot, waiting at most `wait`.
    pub async fn slot(&self, wait: Duration) -> Option<OwnedSemaphorePermit> {
        let slots = Arc::clone(&self.slots);
        tokio::time::timeout(wait, slots.acquire_owned())
            .await
            .ok()?
            .ok()
    }

    /// Tells the connection idle longest (and at least [`EVICT_GRACE`]) to
    /// shut down; false when there is none.
    pub fn evict_idle(&self) -> bool {
        let idle_before = self.now_ms().saturating_sub(EVICT_GRACE.as_millis() as u64);
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let oldest = open
            .values()
            .filter(|t| t.busy.load(Ordering::SeqCst) == 0 && !t.evicted.load(Ordering::SeqCst))
            .filter(|t| t.idle_since_ms.load(Ordering::SeqCst) <= idle_before)
            .min_by_key(|t| t.idle_since_ms.load(Ordering::SeqCst));
        match oldest {
            Some(tracker) => {
                tracker.evicted.store(true, Ordering::SeqCst);
                tracker.close.notify_one();
                true
            }
            None => false,
        }
    }

    /// How many connections are open.
    pub fn count(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    fn register(&self) -> (u64, Arc<Tracker>) {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let tracker = Arc::new(Tracker {
            busy: AtomicUsize::new(0),
            idle_since_ms: AtomicU64::new(self.now_ms()),
            evicted: AtomicBool::new(false),
            close: Notify::new(),
        });
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, Arc::clone(&tracker));
        (id, tracker)
    }

    fn unregister(&self, id: u64) {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
    }
}

/// Marks a connection busy while a request is in flight.
struct Busy {
    tracker: Arc<Tracker>,
    connections: Arc<Connections>,
}

impl Busy {
    fn new(tracker: &Arc<Tracker>, connections: &Arc<Connections>) -> Busy {
        tracker.busy.fetch_add(1, Ordering::SeqCst);
        Busy {
            tracker: Arc::clone(tracker),
            connections: Arc::clone(connections),
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let now = self.connections.now_ms();
        self.tracker.idle_since_ms.store(now, Ordering::SeqCst);
        self.tracker.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves HTTP/1 on `stream` with `app` until the connection ends; `slot`
/// is given back then.
pub async fn serve(
    stream: TcpStream,
    slot: OwnedSemaphorePermit,
    connections: Arc<Connections>,
    app: Router,
    config: &SimConfig,
) {
    let _ = stream.set_nodelay(true);
    let (id, tracker) = connections.register();
    let reset = Arc::new(AtomicBool::new(false));
    let handle = ConnHandle(Arc::clone(&reset));
    let io = TokioIo::new(ConnStream {
        stream,
        reset,
        send_timeout: config.body_timeout,
        stalled: None,
    });
    let app = TowerToHyperService::new(app);
    let service = {
        let (tracker, connections) = (Arc::clone(&tracker), Arc::clone(&connections));
        hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(handle.clone()));
            let busy = Busy::new(&tracker, &connections);
            let answer = hyper::service::Service::call(&app, request);
            async move {
                let answer = answer.await;
                drop(busy);
                answer
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(config.idle_timeout)
        .max_buf_size(READ_BUFFER)
        .keep_alive(true);
    let mut connection = pin!(builder.serve_connection(io, service));
    loop {
        tokio::select! {
            _ = connection.as_mut() => break,
            _ = tracker.close.notified() => connection.as_mut().graceful_shutdown(),
        }
    }
    connections.unregister(id);
    drop(slot);
}

/// Answers a connection that cannot be served with a 503 and closes it.
pub fn refuse(stream: TcpStream) {
    let body = r#"{"error":"server_busy","message":"heymarket-sim is at its connection limit and none of its connections is idle; retry shortly"}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nx-request-id: {}\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        uuid::Uuid::new_v4(),
        body.len()
    );
    let _ = stream.try_write(answer.as_bytes());
}

/// Whether an accept error means the process is out of file descriptors
/// (EMFILE/ENFILE). Written by hand: std has no `ErrorKind` for it.
pub fn out_of_descriptors(e: &io::Error) -> bool {
    #[cfg(unix)]
    const CODES: [i32; 2] = [23, 24];
    #[cfg(windows)]
    const CODES: [i32; 1] = [10024];
    #[cfg(not(any(unix, windows)))]
    const CODES: [i32; 0] = [];
    e.raw_os_error().is_some_and(|code| CODES.contains(&code))
}

/// A TCP stream that fails every write once its connection has been reset,
/// and a write the client has not taken up for `send_timeout`.
struct ConnStream {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
    send_timeout: Duration,
    /// Running while a write waits for the client.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl ConnStream {
    /// The error a write meets after a reset; the socket will close with an RST.
    fn check_reset(&self) -> io::Result<()> {
        if !self.reset.load(Ordering::SeqCst) {
            return Ok(());
        }
        let _ = self.stream.set_zero_linger();
        Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "connection reset by heymarket-sim (--reset-rate)",
        ))
    }

    /// After a write came back `Pending`: fails once it has waited `send_timeout`.
    fn check_stall(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        let timeout = self.send_timeout;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        if stalled.as_mut().poll(cx).is_ready() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client did not take up the answer in time",
            ));
        }
        Ok(())
    }

    /// Runs one write-side poll with both checks.
    fn write_side<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: impl FnOnce(Pin<&mut TcpStream>, &mut Context<'_>) -> Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        self.check_reset()?;
        match poll(Pin::new(&mut self.stream), cx) {
            Poll::Pending => {
                self.check_stall(cx)?;
                Poll::Pending
            }
            ready => {
                self.stalled = None;
                ready
            }
        }
    }
}

impl AsyncRead for ConnStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ConnStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.write_side(cx, |s, cx| s.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.write_side(cx, |s, cx| s.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.write_side(cx, |s, cx| s.poll_flush(cx))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
