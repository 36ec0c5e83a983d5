//! A scripted, hostile HTTP server for the client's tests — not the
//! simulator, which stays honest. Each test gives a script: a function from
//! the request (method, path, headers, body, and how many times this route
//! was asked before) to a [`Reply`], the wrong answers a real server, proxy
//! or attacker can give: an empty object, wrong types, huge and endless
//! bodies, redirects, paging ignored, HTML error pages, stalls. Routes the
//! script leaves to [`Reply::Default`] answer like a small, empty account,
//! and writes are confirmed item by item, so a script only scripts what it
//! tests. Every request is logged, to prove what reached the server (or,
//! for a redirect target, that nothing did).
//!
//! [`Hostile::proxy`] puts the script in front of a real server (the
//! simulator): the script may forward a request ([`Upstream`]) and answer
//! with what the server said, or with something else — a write stored for
//! real and answered `{}`, a contact of another phone, half a list, or no
//! answer at all ([`Reply::Hangup`]) — so a test checks the row outcomes
//! against the store.
//!
//! [`watch`] runs the `hmbulk` binary while sampling its peak resident
//! memory (`VmHWM` in `/proc/<pid>/status`), and kills it if it passes a
//! memory ceiling or a liveness deadline, so a client that reads a 1 GB
//! answer or loops forever fails the test instead of the machine.
//!
//! Plain std: a thread per connection, one request per connection
//! (`Connection: close`).

#![allow(dead_code)]

mod watch;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
pub use watch::{Watched, watch};

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Without the query.
    pub path: String,
    pub query: String,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How many requests with this method and path came before this one.
    pub nth: usize,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// `"POST /v2/contacts/list"`.
    pub fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// What a small, empty, honest account answers (see [`default_reply`]).
    Default,
    /// A JSON body (any text: it need not be valid JSON).
    Json(u16, String),
    /// Any body with any content type.
    Body {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// A redirect to `location`.
    Redirect(u16, String),
    /// `Content-Length: length`, and a body of JSON-ish bytes streamed until
    /// the client hangs up.
    Huge { length: u64 },
    /// A chunked body that never ends.
    Endless,
    /// Headers and the first bytes of a body, then silence.
    StallBody,
    /// The request is read and never answered.
    StallHeaders,
    /// The request is read and the connection closed without an answer
    /// (an answer lost on the way back).
    Hangup,
}

pub type Script = dyn Fn(&Request) -> Reply + Send + Sync;

pub struct Hostile {
    pub port: u16,
    host: String,
    log: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl Hostile {
    /// A server on a free loopback port.
    pub fn start(script: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Hostile {
        Hostile::start_on("127.0.0.1", script)
    }

    /// A server on `ip` (such as `0.0.0.0`, to be reached at a
    /// non-loopback address).
    pub fn start_on(
        ip: &str,
        script: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Hostile {
        let listener = TcpListener::bind((ip, 0)).expect("bind a free port");
        let port = listener.local_addr().unwrap().port();
        let log: Arc<Mutex<Vec<Request>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let script: Arc<Script> = Arc::new(script);
        {
            let (log, stop) = (Arc::clone(&log), Arc::clone(&stop));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(stream) = stream else { continue };
                    let (log, stop, script) =
                        (Arc::clone(&log), Arc::clone(&stop), Arc::clone(&script));
                    std::thread::spawn(move || serve(stream, &log, &stop, &*script));
                }
            });
        }
        Hostile {
            port,
            host: if ip == "0.0.0.0" {
                "127.0.0.1".into()
            } else {
                ip.into()
            },
            log,
            stop,
        }
    }

    /// A server in front of `upstream` (a base URL such as the
    /// simulator's): the script sees each request and the [`Upstream`] to
    /// forward it to.
    pub fn proxy(
        upstream: String,
        script: impl Fn(&Request, &Upstream) -> Reply + Send + Sync + 'static,
    ) -> Hostile {
        let upstream = Upstream { url: upstream };
        Hostile::start(move |r| script(r, &upstream))
    }

    pub fn url(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    /// How many requests `route` (`"POST /v2/contacts/list"`) got.
    pub fn count(&self, route: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.route() == route)
            .count()
    }

    /// Wait until `route` has been asked `n` times (a liveness bound of
    /// 30 s, for a client that never gets there).
    pub fn wait_for(&self, route: &str, n: usize) {
        let t = Instant::now();
        while self.count(route) < n {
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "{route} was never asked {n} times; got {:?}",
                self.requests()
                    .iter()
                    .map(Request::route)
                    .collect::<Vec<_>>()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut stream: TcpStream, log: &Mutex<Vec<Request>>, stop: &AtomicBool, script: &Script) {
    let Some(mut request) = read_request(&stream) else {
        return;
    };
    {
        let mut log = log.lock().unwrap();
        request.nth = log
            .iter()
            .filter(|r| r.method == request.method && r.path == request.path)
            .count();
        log.push(request.clone());
    }
    let reply = match script(&request) {
        Reply::Default => default_reply(&request),
        other => other,
    };
    let _ = answer(&mut stream, reply, stop);
    let _ = stream.shutdown(Shutdown::Both);
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target, String::new()),
    };
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(64 << 20)];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        query,
        headers,
        body,
        nth: 0,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

fn head(status: u16, extra: &str) -> String {
    format!(
        "HTTP/1.1 {status} {}\r\nConnection: close\r\n{extra}\r\n",
        reason(status)
    )
}

fn answer(stream: &mut TcpStream, reply: Reply, stop: &AtomicBool) -> std::io::Result<()> {
    match reply {
        Reply::Default => unreachable!("resolved before"),
        Reply::Json(status, body) => answer(
            stream,
            Reply::Body {
                status,
                content_type: "application/json",
                body: body.into_bytes(),
            },
            stop,
        ),
        Reply::Body {
            status,
            content_type,
            body,
        } => {
            let h = head(
                status,
                &format!(
                    "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
                    body.len()
                ),
            );
            stream.write_all(h.as_bytes())?;
            stream.write_all(&body)
        }
        Reply::Redirect(status, location) => {
            let h = head(
                status,
                &format!("Location: {location}\r\nContent-Length: 0\r\n"),
            );
            stream.write_all(h.as_bytes())
        }
        Reply::Huge { length } => {
            let h = head(
                200,
                &format!("Content-Type: application/json\r\nContent-Length: {length}\r\n"),
            );
            stream.write_all(h.as_bytes())?;
            stream.write_all(b"[")?;
            let chunk = filler(64 * 1024);
            let mut sent = 1u64;
            while sent < length && !stop.load(Ordering::SeqCst) {
                let n = chunk.len().min((length - sent) as usize);
                stream.write_all(&chunk[..n])?;
                sent += n as u64;
            }
            Ok(())
        }
        Reply::Endless => {
            let h = head(
                200,
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
            );
            stream.write_all(h.as_bytes())?;
            stream.write_all(b"1\r\n[\r\n")?;
            let chunk = filler(64 * 1024);
            let framed = [
                format!("{:x}\r\n", chunk.len()).into_bytes(),
                chunk,
                b"\r\n".to_vec(),
            ]
            .concat();
            while !stop.load(Ordering::SeqCst) {
                stream.write_all(&framed)?;
            }
            Ok(())
        }
        Reply::StallBody => {
            let h = head(
                200,
                "Content-Type: application/json\r\nContent-Length: 100000\r\n",
            );
            stream.write_all(h.as_bytes())?;
            stream.write_all(b"[{\"id\": 1, ")?;
            stream.flush()?;
            wait_for_hang_up(stream, stop);
            Ok(())
        }
        Reply::StallHeaders => {
            wait_for_hang_up(stream, stop);
            Ok(())
        }
        Reply::Hangup => Ok(()),
    }
}

/// The real server behind a [`Hostile::proxy`].
pub struct Upstream {
    url: String,
}

impl Upstream {
    /// Send `r` on as it came; gives the status and body of the answer.
    pub fn forward(&self, r: &Request) -> (u16, Vec<u8>) {
        let address = self.url.trim_start_matches("http://").trim_end_matches('/');
        let mut stream = TcpStream::connect(address).expect("the upstream answers");
        let target = if r.query.is_empty() {
            r.path.clone()
        } else {
            format!("{}?{}", r.path, r.query)
        };
        let mut head = format!(
            "{} {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n",
            r.method
        );
        for (k, v) in &r.headers {
            if !matches!(k.as_str(), "host" | "connection" | "content-length") {
                head += &format!("{k}: {v}\r\n");
            }
        }
        head += &format!("Content-Length: {}\r\n\r\n", r.body.len());
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&r.body).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        let split = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP answer");
        let head = String::from_utf8_lossy(&answer[..split]).to_string();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status");
        let mut body = answer[split + 4..].to_vec();
        if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            body = unchunk(&body);
        }
        (status, body)
    }

    /// Forward `r` and answer as the upstream did.
    pub fn reply(&self, r: &Request) -> Reply {
        let (status, body) = self.forward(r);
        Reply::Body {
            status,
            content_type: "application/json",
            body,
        }
    }

    /// Forward `r`; its answer as JSON.
    pub fn json(&self, r: &Request) -> Value {
        serde_json::from_slice(&self.forward(r).1).unwrap_or(Value::Null)
    }
}

fn unchunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&body[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
    out
}

/// JSON-ish bytes: contacts, without end.
fn filler(len: usize) -> Vec<u8> {
    let item = br#"{"id":1,"phone":"14155550100","first":"Hostile","last":"Server"},"#;
    item.iter().copied().cycle().take(len).collect()
}

/// Hold the connection open, saying nothing, until the client hangs up.
fn wait_for_hang_up(stream: &mut TcpStream, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let mut buf = [0u8; 256];
    while !stop.load(Ordering::SeqCst) {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

/// What a small, honest, empty account answers: no fields, tags or
/// members, no contacts, and each write item confirmed with a new id.
pub fn default_reply(r: &Request) -> Reply {
    let json = |v: Value| Reply::Json(200, v.to_string());
    match r.route().as_str() {
        "GET /v1/inboxes" => json(json!([])),
        "POST /v1/contact-fields" | "POST /v1/tags" => json(json!([])),
        "GET /v1/team" => json(json!({"id": 1, "name": "Team", "members": []})),
        "POST /v1/contacts/count" => json(json!({"count": 0})),
        "POST /v2/contacts/list" | "POST /v1/contacts" | "POST /v2/contacts/search" => {
            json(json!([]))
        }
        "POST /v2/contacts" => json(json!({
            "contacts": confirmed(r),
            "failed_contacts": [],
        })),
        _ => Reply::Json(
            404,
            json!({"error": "not_found", "message": "no such route"}).to_string(),
        ),
    }
}

/// The items of a `/v2/contacts` write, each with an id and a uuid.
pub fn confirmed(r: &Request) -> Vec<Value> {
    let body = r.json();
    let items = body["contacts"].as_array().cloned().unwrap_or_default();
    items
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            let id = 5000 + (r.nth * 1000 + i) as i64;
            c["id"] = json!(id);
            c["uuid"] = json!(format!("00000000-0000-4000-8000-{id:012}"));
            c
        })
        .collect()
}

/// `n` contacts in the list shape, ids from `first`, all updated in one second.
pub fn listed(first: i64, n: usize) -> Value {
    (0..n as i64)
        .map(|i| {
            json!({
                "id": first + i,
                "phone": format!("1415{:07}", 5_000_000 + first + i),
                "first": "Listed",
                "updated": "2026-01-01T00:00:00Z",
            })
        })
        .collect()
}
