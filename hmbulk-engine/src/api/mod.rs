//! The Heymarket HTTP client. Takes a base URL, credentials and pacing
//! settings; gives one function per endpoint (`api::Client::search`,
//! `write_v2`, `list`, ...). Every request passes the shared [`RateGate`],
//! carries a fresh bearer token, and is retried as docs/import.md says: 429 after
//! `Retry-After` (everyone slows down), 5xx / timeouts / resets with jittered
//! backoff, never other 4xx. 401 gets one retry with a freshly minted JWT;
//! then 401/403 are fatal. The transport rules (https, no redirects, bodies
//! read with a size limit and timeouts) are in [`transport`]; every message
//! an [`ApiError`] carries has passed [`crate::redact`].

pub mod auth;
mod catalog;
mod channel;
mod contact;
mod delete;
mod error;
pub mod server_clock;
mod status;
mod team;
pub mod throttle;
pub mod transport;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::blocking::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

pub use self::auth::{Authenticator, Credentials};
pub use self::channel::Channel;
use self::contact::{Channels, SearchBody, WriteBody};
pub use self::contact::{Contact, FailedContact, SearchBy, TagId, TagRef, WriteAnswer, WriteItem};
pub use self::error::ApiError;
pub use self::status::{ContactRef, SetStatus, StatusAnswer};
pub use self::team::Team;
use self::throttle::{Backoff, RateGate};
use self::transport::{
    MAX_BODY, MAX_ERROR_BODY, describe_body, looks_like_html, read_body, read_prefix, truncate,
};
use crate::choice::choice;

/// Pacing and retry settings.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Requests per minute for all workers together; 0 = unlimited.
    pub rate_per_minute: u32,
    /// Retries of a 5xx, timeout or reset before giving up.
    pub max_retries: u32,
    /// 429s tolerated for one request before giving up.
    pub max_rate_limited: u32,
    pub backoff: Backoff,
    /// Longest wait for a connection.
    pub connect_timeout: Duration,
    /// Longest wait for an answer to begin (its first byte), for each read
    /// of its body, and for the whole body.
    pub timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            rate_per_minute: 500,
            max_retries: 8,
            max_rate_limited: 30,
            backoff: Backoff::default(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
        }
    }
}

impl ClientOptions {
    /// One short attempt, for a dry run that can do without the API: no
    /// retries, a few seconds to connect and answer.
    pub fn one_short_attempt(self) -> Self {
        ClientOptions {
            max_retries: 0,
            max_rate_limited: 1,
            connect_timeout: self.connect_timeout.min(Duration::from_secs(3)),
            timeout: self.timeout.min(Duration::from_secs(10)),
            ..self
        }
    }
}

/// Counters a summary reports.
#[derive(Debug, Default)]
pub struct CallStats {
    pub requests: AtomicU64,
    /// Calls that write (contacts, tags), counted before they are sent:
    /// once it is not 0, the account may have changed.
    pub writes: AtomicU64,
    pub retries: AtomicU64,
    pub rate_limited: AtomicU64,
}

/// Page of a contacts listing: the knobs both list endpoints take, and
/// the body they take them in.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ListQuery {
    pub limit: u32,
    pub page: u32,
    /// RFC 3339 cursor (`updated` of a contact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub ascending: bool,
}

/// Which generation of the API to write and list with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiVersion {
    #[default]
    V2,
    V1,
}

choice!(ApiVersion, "API version", {
    V2 => ("v2", "/v2/contacts (the default)"),
    V1 => ("v1", "/v1/batch/contacts and /v1/contacts"),
});

pub struct Client {
    base_url: String,
    http: reqwest::blocking::Client,
    auth: Authenticator,
    gate: RateGate,
    options: ClientOptions,
    pub stats: CallStats,
    /// The server's time, from its answers' `Date` headers.
    clock: server_clock::ServerClock,
}

impl Client {
    pub fn new(
        base_url: &str,
        credentials: Credentials,
        options: ClientOptions,
    ) -> crate::error::Result<Client> {
        let url = transport::check_base_url(base_url).map_err(crate::error::Error::usage)?;
        credentials.check()?;
        let http = reqwest::blocking::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout.min(options.timeout))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("hmbulk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| crate::error::Error::usage(format!("cannot set up HTTP: {e}")))?;
        Ok(Client {
            base_url: url.as_str().trim_end_matches('/').to_string(),
            http,
            auth: Authenticator::new(credentials),
            gate: RateGate::new(options.rate_per_minute),
            options,
            stats: CallStats::default(),
            clock: server_clock::ServerClock::default(),
        })
    }

    /// The server's time now (Unix seconds), once an answer said it.
    pub fn server_now(&self) -> Option<i64> {
        self.clock.now()
    }

    pub fn requests(&self) -> u64 {
        self.stats.requests.load(Ordering::Relaxed)
    }

    /// Whether any call that writes has been made (whatever its answer).
    pub fn has_written(&self) -> bool {
        self.stats.writes.load(Ordering::Relaxed) > 0
    }

    fn count_write(&self) {
        self.stats.writes.fetch_add(1, Ordering::Relaxed);
    }

    /// One call with the retry policy; `Ok` holds the decoded 2xx body.
    pub fn call<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let endpoint = format!("{method} {}", path.split('?').next().unwrap_or(path));
        self.call_inner(method, path, body, &endpoint, false, &mut false)
            .map_err(ApiError::redacted)
    }

    /// [`Client::call`] for a call that writes: counted as a write before
    /// it is sent, and an error after an attempt that may have reached the
    /// server is [`ApiError::Unconfirmed`].
    pub fn call_write<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        self.call_write_resent(method, path, body)
            .map(|(answer, _)| answer)
    }

    /// [`Client::call_write`], also saying whether its answer came to a
    /// repeat of the call after an attempt that may have reached the server
    /// (a 5xx, a timeout, a connection dropped once connected): what the
    /// answer refuses as existing may then be the first attempt's doing.
    pub fn call_write_resent<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(T, bool), ApiError> {
        self.count_write();
        let endpoint = format!("{method} {}", path.split('?').next().unwrap_or(path));
        let mut resent = false;
        self.call_inner(method, path, body, &endpoint, true, &mut resent)
            .map(|answer| (answer, resent))
            .map_err(ApiError::redacted)
    }

    fn call_inner<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        endpoint: &str,
        write: bool,
        maybe_delivered: &mut bool,
    ) -> Result<T, ApiError> {
        let bytes = self.answer_bytes(method, path, body, endpoint, write, maybe_delivered)?;
        serde_json::from_slice(&bytes).map_err(|e| {
            let text = String::from_utf8_lossy(&bytes);
            let text = crate::redact::clean(text.trim());
            ApiError::Decode {
                endpoint: endpoint.to_string(),
                message: if text.is_empty() {
                    "expected JSON, got an empty answer".into()
                } else if looks_like_html(&text) {
                    format!("expected JSON, got {}", describe_body(&bytes))
                } else {
                    format!("{e}; the answer began: {}", truncate(&text, 200))
                },
            }
        })
    }

    /// The body of a 2xx answer, read whole (with the size limit).
    fn answer_bytes<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        endpoint: &str,
        write: bool,
        maybe_delivered: &mut bool,
    ) -> Result<Vec<u8>, ApiError> {
        let response = self.send(method, path, body, endpoint, write, maybe_delivered)?;
        read_body(
            response,
            MAX_BODY,
            self.body_deadline(),
            self.options.timeout,
        )
        .map_err(|e| ApiError::Decode {
            endpoint: endpoint.to_string(),
            message: e.to_string(),
        })
    }

    /// A call that writes and whose success answer is "a string" of no
    /// documented form (`"ok"`, `"success"`, as JSON or as plain text): any
    /// 2xx answer read whole is a success, and its text is given back. The
    /// caller reads back what the write did. Counted and classed as
    /// [`Client::call_write`].
    pub fn call_write_raw<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<String, ApiError> {
        self.count_write();
        let endpoint = format!("{method} {}", path.split('?').next().unwrap_or(path));
        let bytes = self
            .answer_bytes(method, path, body, &endpoint, true, &mut false)
            .map_err(ApiError::redacted)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// When a body whose headers just arrived must be read whole.
    fn body_deadline(&self) -> Instant {
        Instant::now() + self.options.timeout
    }

    /// The body of an error answer, in one short line.
    fn error_message(&self, response: Response) -> String {
        describe_body(&read_prefix(
            response,
            MAX_ERROR_BODY,
            self.body_deadline(),
            self.options.timeout,
        ))
    }

    /// Send with the retry policy until a 2xx answer, whose body is left to
    /// read; anything else is an [`ApiError`]. For a `write`, an error after
    /// an attempt that may have reached the server (a 5xx, a timeout or a
    /// connection dropped once connected) is [`ApiError::Unconfirmed`]: the
    /// write may have been stored although no answer says so.
    /// `maybe_delivered` tells whether such an attempt was made, whatever
    /// the end.
    fn send<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        endpoint: &str,
        write: bool,
        maybe_delivered: &mut bool,
    ) -> Result<Response, ApiError> {
        match self.attempts(method, path, body, endpoint, maybe_delivered) {
            Err(e) if write && *maybe_delivered => Err(ApiError::Unconfirmed(Box::new(e))),
            other => other,
        }
    }

    fn attempts<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        endpoint: &str,
        maybe_delivered: &mut bool,
    ) -> Result<Response, ApiError> {
        let url = format!("{}{}", self.base_url, path);
        let mut failures = 0u32;
        let mut rate_limited = 0u32;
        let mut renewed = false;
        loop {
            self.gate.wait();
            let token = self.auth.bearer().map_err(|e| ApiError::Auth {
                status: 0,
                message: e.to_string(),
            })?;
            let mut request = self.http.request(method.clone(), &url).bearer_auth(token);
            if let Some(body) = body {
                request = request.json(body);
            }
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            let problem = match request.send() {
                Ok(response) => {
                    self.clock.note(response.headers());
                    let status = response.status().as_u16();
                    match status {
                        200..=299 => return Ok(response),
                        300..=399 => {
                            let location = response
                                .headers()
                                .get(reqwest::header::LOCATION)
                                .map(|l| {
                                    let l = String::from_utf8_lossy(l.as_bytes());
                                    truncate(&crate::redact::clean(&l), 200)
                                })
                                .unwrap_or_else(|| "(no Location header)".into());
                            return Err(ApiError::Redirected {
                                endpoint: endpoint.to_string(),
                                status,
                                location,
                            });
                        }
                        429 => {
                            rate_limited += 1;
                            self.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
                            let wait = retry_after(&response).unwrap_or_else(|| {
                                self.options
                                    .backoff
                                    .delay(rate_limited)
                                    .max(Duration::from_secs(1))
                            });
                            if rate_limited > self.options.max_rate_limited {
                                return Err(ApiError::Unavailable(format!(
                                    "{endpoint}: still rate limited (429) after {rate_limited} tries; lower --rate"
                                )));
                            }
                            self.gate.pause_for(wait);
                            self.stats.retries.fetch_add(1, Ordering::Relaxed);
                            continue;
                        }
                        401 if !renewed && self.auth.renew() => {
                            renewed = true;
                            self.stats.retries.fetch_add(1, Ordering::Relaxed);
                            continue;
                        }
                        401 | 403 => {
                            let message = self.error_message(response);
                            return Err(ApiError::Auth {
                                status,
                                message: format!(
                                    "{message} (using the {}; check HEYMARKET_SECRET_ID/HEYMARKET_SECRET_KEY or HEYMARKET_API_KEY)",
                                    self.auth.describe()
                                ),
                            });
                        }
                        500..=599 => {
                            *maybe_delivered = true;
                            format!(
                                "{endpoint} answered {status}: {}",
                                self.error_message(response)
                            )
                        }
                        _ => {
                            return Err(ApiError::Rejected {
                                status,
                                message: self.error_message(response),
                            });
                        }
                    }
                }
                // A request that cannot even be built (a header value HTTP
                // cannot carry) fails the same way every time: no retry.
                Err(e) if e.is_builder() => {
                    return Err(ApiError::Usage(format!(
                        "cannot make the request {endpoint}: {}",
                        describe_transport_error(&e, &self.options)
                    )));
                }
                Err(e) => {
                    // Once connected, the request may have been received
                    // and acted on whatever happened to the answer.
                    *maybe_delivered |= !e.is_connect();
                    format!(
                        "{endpoint}: {}",
                        describe_transport_error(&e, &self.options)
                    )
                }
            };
            failures += 1;
            if failures > self.options.max_retries {
                return Err(ApiError::Unavailable(format!(
                    "{problem} (gave up after {failures} tries)"
                )));
            }
            self.stats.retries.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(self.options.backoff.delay(failures - 1));
        }
    }

    // ---- endpoints ----------------------------------------------------------

    /// `GET /v1/inboxes`: checks the credentials.
    pub fn check_credentials(&self) -> Result<(), ApiError> {
        self.call::<Value, Value>(Method::GET, "/v1/inboxes", None)
            .map(|_| ())
    }

    /// `POST /v2/contacts/search`: the contacts with these phones or UUIDs.
    pub fn search(&self, by: SearchBy, ids: &[String]) -> Result<Vec<Contact>, ApiError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let body = SearchBody {
            contact_channels: [Channels {
                channel_type: by,
                channel_ids: ids,
            }],
        };
        self.call(Method::POST, "/v2/contacts/search", Some(&body))
    }

    /// `POST /v2/contacts`: creates items without `contact_id`, updates the rest.
    pub fn write_v2(&self, items: &[WriteItem]) -> Result<WriteAnswer, ApiError> {
        self.write_v2_resent(items).map(|(answer, _)| answer)
    }

    /// [`Client::write_v2`], and whether the call was sent again after an
    /// attempt that may have been stored ([`Client::call_write_resent`]).
    pub fn write_v2_resent(&self, items: &[WriteItem]) -> Result<(WriteAnswer, bool), ApiError> {
        self.call_write_resent(
            Method::POST,
            "/v2/contacts",
            Some(&WriteBody { contacts: items }),
        )
    }

    /// `POST /v1/batch/contacts`. The answer (`"ok"`, or an array whose meaning
    /// the docs disagree on, perhaps not even JSON) is not read: callers
    /// verify each contact by searching afterwards.
    pub fn batch_v1(&self, items: &[WriteItem], overwrite: bool) -> Result<(), ApiError> {
        let path = format!("/v1/batch/contacts?overwrite={overwrite}");
        let endpoint = "POST /v1/batch/contacts";
        self.count_write();
        self.send(Method::POST, &path, Some(items), endpoint, true, &mut false)
            .map(drop)
            .map_err(ApiError::redacted)
    }

    /// One page of `POST /v1/contacts` (v1) or `POST /v2/contacts/list` (v2).
    pub fn list(&self, version: ApiVersion, q: &ListQuery) -> Result<Vec<Contact>, ApiError> {
        let path = match version {
            ApiVersion::V1 => "/v1/contacts",
            ApiVersion::V2 => "/v2/contacts/list",
        };
        // Every item must be a contact (an integer `id`): an export that
        // dropped the others would be silently short.
        self.call(Method::POST, path, Some(q))
    }

    /// `POST /v1/contacts/count` (shape undocumented: `{"count": n}` or a bare number).
    pub fn count(&self) -> Result<u64, ApiError> {
        let answer: Value = self.call(Method::POST, "/v1/contacts/count", Some(&json!({})))?;
        answer
            .get("count")
            .and_then(Value::as_u64)
            .or_else(|| answer.as_u64())
            .ok_or_else(|| {
                ApiError::Decode {
                    endpoint: "POST /v1/contacts/count".into(),
                    message: format!("no count in {}", truncate(&answer.to_string(), 200)),
                }
                .redacted()
            })
    }
}

fn retry_after(response: &Response) -> Option<Duration> {
    let v = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?;
    let secs: f64 = v.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(600.0)))
}

fn describe_transport_error(e: &reqwest::Error, options: &ClientOptions) -> String {
    let secs = |d: Duration| d.as_secs_f64();
    if e.is_connect() && e.is_timeout() {
        format!(
            "could not connect within {} s",
            secs(options.connect_timeout.min(options.timeout))
        )
    } else if e.is_timeout() {
        format!("no answer within {} s (--timeout)", secs(options.timeout))
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        // reqwest's message carries the URL but never the headers: no secret.
        let mut msg = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            msg = format!("{msg}: {s}");
            source = s.source();
        }
        msg
    }
}
