//! The in-process simulator: takes a [`SimConfig`] and gives a running server
//! on `127.0.0.1:<free port>` behind a blocking handle, for tests, benches and
//! `hmbulk --sandbox`.
//!
//! [`Sim::start`] binds the port, then runs the server on its own
//! multi-thread tokio runtime in a background thread; the port accepts
//! connections by the time it returns. Dropping the [`Sim`] stops the server.
//! The admin conveniences call the `/_sim` routes over real HTTP with a
//! blocking reqwest client (no proxy), so call them from synchronous code, not
//! from inside an async runtime. Each has a `try_` form that gives an
//! [`AdminError`] when the call fails (what `hmbulk --sandbox` uses); the
//! plain form panics with the server's message, as a test helper should.

use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use reqwest::blocking::Client;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::SimConfig;
use super::server::serve_state;
use super::state::State;

/// An admin call (`/_sim/...`) that failed: not sent, refused, or not JSON
/// of the expected shape. The message names the route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminError(pub String);

impl std::fmt::Display for AdminError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "heymarket-sim: {}", self.0)
    }
}

impl std::error::Error for AdminError {}

pub struct Sim {
    url: String,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    admin: OnceLock<Client>,
}

impl Sim {
    /// Starts a simulator on a free loopback port; returns once it listens.
    /// With a state file, fails when the file is locked by another process
    /// (`WouldBlock`) or is not a store (`InvalidData`).
    pub fn start(config: SimConfig) -> std::io::Result<Sim> {
        config
            .check()
            .map_err(|m| std::io::Error::new(std::io::ErrorKind::InvalidInput, m))?;
        let state = Arc::new(State::open(config)?);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("heymarket-sim")
            .enable_all()
            .build()?;
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let url = format!("http://{}", listener.local_addr()?);
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let (shutdown, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("heymarket-sim".to_string())
            .spawn(move || {
                runtime.block_on(async move {
                    tokio::select! {
                        result = serve_state(listener, state) => {
                            if let Err(e) = result {
                                eprintln!("heymarket-sim: server stopped: {e}");
                            }
                        }
                        _ = stopped => {}
                    }
                });
                runtime.shutdown_timeout(Duration::from_secs(1));
            })?;
        Ok(Sim {
            url,
            shutdown: Some(shutdown),
            thread: Some(thread),
            admin: OnceLock::new(),
        })
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Every stored contact, by id (`GET /_sim/contacts`).
    pub fn contacts(&self) -> Vec<Value> {
        self.try_contacts().unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Sim::contacts`], or why the call failed.
    pub fn try_contacts(&self) -> Result<Vec<Value>, AdminError> {
        as_array(self.admin_call(reqwest::Method::GET, "/_sim/contacts", None)?)
    }

    /// The counters (`GET /_sim/stats`).
    pub fn stats(&self) -> Value {
        self.try_stats().unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Sim::stats`], or why the call failed.
    pub fn try_stats(&self) -> Result<Value, AdminError> {
        self.admin_call(reqwest::Method::GET, "/_sim/stats", None)
    }

    /// Stores `contacts` directly (`POST /_sim/seed`); gives them as stored.
    pub fn seed(&self, contacts: &[Value], same_second: bool) -> Vec<Value> {
        self.try_seed(contacts, same_second)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Sim::seed`], or why the call failed.
    pub fn try_seed(
        &self,
        contacts: &[Value],
        same_second: bool,
    ) -> Result<Vec<Value>, AdminError> {
        let body = json!({"contacts": contacts, "same_second": same_second});
        as_array(self.admin_call(reqwest::Method::POST, "/_sim/seed", Some(body))?)
    }

    /// Bumps `updated` and `rev` of the contacts `ids` (`POST /_sim/touch`);
    /// gives how many existed.
    pub fn touch(&self, ids: &[i64]) -> usize {
        let answer = self
            .admin_call(
                reqwest::Method::POST,
                "/_sim/touch",
                Some(json!({ "ids": ids })),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        answer["touched"].as_u64().unwrap_or(0) as usize
    }

    /// Changes the fault rates from now on (`POST /_sim/faults`), e.g.
    /// `{"fail_rate": 1.0}` to take the API down mid-run.
    pub fn set_faults(&self, rates: &Value) -> Value {
        self.admin_call(reqwest::Method::POST, "/_sim/faults", Some(rates.clone()))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn admin_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, AdminError> {
        let fail = |what: String| AdminError(format!("{method} {path}: {what}"));
        let client = match self.admin.get() {
            Some(client) => client,
            None => {
                let client = Client::builder()
                    .no_proxy()
                    .timeout(Duration::from_secs(300))
                    .build()
                    .map_err(|e| fail(format!("could not build the admin HTTP client: {e}")))?;
                self.admin.get_or_init(|| client)
            }
        };
        let mut request = client.request(method.clone(), format!("{}{path}", self.url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().map_err(|e| fail(format!("failed: {e}")))?;
        let status = response.status();
        let text = response
            .text()
            .map_err(|e| fail(format!("unreadable answer: {e}")))?;
        if !status.is_success() {
            return Err(fail(format!("answered {status}: {text}")));
        }
        serde_json::from_str(&text).map_err(|e| fail(format!("answer is not JSON: {e}")))
    }
}

fn as_array(value: Value) -> Result<Vec<Value>, AdminError> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(AdminError(format!("expected a JSON array, got {other}"))),
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
