//! heymarket-sim: a faithful local simulator of the Heymarket contacts API.
//!
//! Takes a [`SimConfig`] (credentials, limits, fault switches, seed catalog) and
//! gives a real HTTP server on loopback that implements the endpoints of
//! `heymarket-api.md` (beside this crate's Cargo.toml) with the behaviour its
//! "Simulator profile" fixes. Tests, benches and `hmbulk --sandbox` start it
//! in-process with [`Sim::start`]; the `heymarket-sim` binary runs it from
//! the command line ([`cli`]).
//!
//! Layout, one job per file:
//! - [`handle`]: the blocking in-process [`Sim`] handle;
//! - [`server`]: the accept loop, the router;
//! - [`conn`]: one connection: the connection limit, idle eviction, resets,
//!   the send timeout;
//! - [`body`]: request bodies: size limit (413), read timeout (408), the
//!   memory budget of bodies in flight;
//! - [`state`], [`persist`]: the shared state and the counters; the store
//!   kept in a file between runs;
//! - [`auth`], [`faults`]: credentials, rate limit, injected failures, latency;
//! - [`store`], [`catalog`], [`write`](mod@write), [`view`]: the in-memory contact store,
//!   the account's fields, tags and team, write validation and read shapes;
//! - [`contacts`], [`listing`], [`status`], [`channels`], [`account`]: the
//!   `/v1` and `/v2` routes;
//! - [`admin`]: the `/_sim` routes tests use to read the store and counters;
//! - [`readings`]: a switch for each silence of the reference, and the
//!   profiles (every reading alone, then all at once) clients are tested under;
//! - [`wire`]: JSON bodies in, errors and timestamps out.
//!
//! Nothing is global: every route reaches its state through one `Arc<State>`.

// clap makes `--help` from the arguments' doc comments, where `<uuid>` is
// a placeholder the user reads, not an HTML tag.
#![allow(rustdoc::invalid_html_tags)]

pub mod account;
pub mod admin;
pub mod auth;
pub mod body;
pub mod catalog;
pub mod channels;
pub mod cli;
pub mod conn;
pub mod contacts;
pub mod faults;
pub mod handle;
pub mod listing;
pub mod persist;
pub mod readings;
pub mod server;
pub mod state;
pub mod status;
pub mod store;
pub mod view;
pub mod wire;
pub mod write;

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use handle::{AdminError, Sim};
pub use readings::Readings;
pub use server::serve;

/// A custom field as `/v1/contact-fields` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDef {
    pub id: i64,
    pub title: String,
}

/// A tag as `/v1/tags` answers it (`tag` is its name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagDef {
    pub id: i64,
    pub tag: String,
    pub color: String,
}

/// A team member as `/v1/team` answers it; `id` is what `assignee_id` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDef {
    pub id: i64,
    pub name: String,
    pub role: String,
}

/// The team as `/v1/team` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamDef {
    pub id: i64,
    pub name: String,
    pub members: Vec<MemberDef>,
}

impl Default for TeamDef {
    fn default() -> Self {
        TeamDef {
            id: 1,
            name: "heymarket-sim".to_string(),
            members: Vec::new(),
        }
    }
}

/// What `POST /v2/contact/{uuid}/channel` does with a channel the contact
/// already has (the API reference does not say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DuplicateChannel {
    /// 400 `bad_data` "channel exists" (the default: a client must look first).
    #[default]
    Reject,
    /// 200 with the list unchanged.
    Ignore,
    /// Stored a second time, as a careless API would.
    Copy,
}

/// What `POST /v2/contacts` does with a create (no `contact_id`) whose
/// phone another contact holds (the API reference does not say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExistingPhone {
    /// A failed item `{"contact": ..., "error": "phone exists: <uuid>"}`
    /// (the default).
    #[default]
    Refuse,
    /// A second contact with the same phone, as a careless API would: the
    /// answer lists it as created. Searches by phone find the first.
    Duplicate,
    /// The contact holding the phone is updated with the item, as an
    /// upsert would: the answer lists that contact.
    Update,
}

/// Most bytes of one request body: the documented batch limit, 1000
/// contacts, at 8 KiB each — many times the largest contact hmbulk writes
/// (a few hundred bytes), so only a runaway or hostile body meets it.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1000 * 8 * 1024;

/// Everything the simulator can be told. Unknowns of the real API are switches
/// here, so a client can be tested under each reading.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Legacy team API key, accepted as `Authorization: Bearer <key>`.
    pub api_key: Option<String>,
    /// `(secret_id, secret_key)`: HS256 JWTs signed with `"ID||KEY"` are accepted.
    pub secret: Option<(String, String)>,
    /// How long after its `iat` a JWT is accepted.
    pub jwt_ttl_secs: u64,
    /// Requests per rolling window per credential; 0 = unlimited.
    pub rate_limit: u32,
    /// Length of the rate limit's rolling window (the API's is a minute;
    /// tests shorten it so a 429 storm passes in seconds).
    pub rate_window_secs: u64,
    /// Whether a 429 carries `Retry-After`.
    pub retry_after: bool,
    /// Probability of an injected 500, decided before anything is written.
    pub fail_rate: f64,
    /// Probability that a request is processed and its connection then closed
    /// without an answer.
    pub reset_rate: f64,
    /// Seed of the generator behind fail and reset decisions.
    pub seed: u64,
    /// Delay before every `/v1` and `/v2` answer.
    pub latency_ms: u64,
    /// Most items per bulk write, batch, search or delete call.
    pub max_batch: usize,
    /// `date` cursor bound: `false` = exclusive (`<`/`>`), `true` = inclusive.
    pub cursor_inclusive: bool,
    /// v1 batch answers the array of all input contacts instead of `"ok"`.
    pub v1_answer_array: bool,
    /// What adding a channel the contact already has does.
    pub duplicate_channel: DuplicateChannel,
    /// What a `/v2/contacts` create whose phone exists does.
    pub existing_phone: ExistingPhone,
    /// The other readings of what the reference leaves open.
    pub readings: Readings,
    pub fields: Vec<FieldDef>,
    pub tags: Vec<TagDef>,
    pub team: TeamDef,
    /// Where the store (contacts, channels, tags, fields, team) is kept
    /// between runs: loaded at start, saved after each change (temp file +
    /// rename), locked against a second simulator. `None`: memory only.
    /// Counters, rate-limit and JWT state are never saved.
    pub state_file: Option<PathBuf>,
    /// A connection that has not sent a whole request head this long after
    /// connecting or after its last answer is closed (idle keep-alive and
    /// slow headers alike). The default, 75 s, outlasts the longest
    /// `Retry-After` (the 60 s rate window), so a client that waits one out
    /// does not come back to a connection closing under it.
    pub idle_timeout: Duration,
    /// A request body must arrive within this long of its head (else 408),
    /// and an answer be taken up by the client within this long.
    pub body_timeout: Duration,
    /// Most connections served at once. At the limit the longest-idle one is
    /// closed to make room; when none is idle, new ones wait in the listen
    /// queue (no file descriptor) and are refused with 503 after `body_timeout`.
    pub max_connections: usize,
    /// Largest request body; a larger one is 413. Bodies in flight on all
    /// connections together hold at most twice this much memory.
    pub max_body_bytes: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            api_key: None,
            secret: None,
            jwt_ttl_secs: 300,
            rate_limit: 500,
            rate_window_secs: 60,
            retry_after: true,
            fail_rate: 0.0,
            reset_rate: 0.0,
            seed: 0,
            latency_ms: 0,
            max_batch: 1000,
            cursor_inclusive: false,
            v1_answer_array: false,
            duplicate_channel: DuplicateChannel::Reject,
            existing_phone: ExistingPhone::Refuse,
            readings: Readings::default(),
            fields: Vec::new(),
            tags: Vec::new(),
            team: TeamDef::default(),
            state_file: None,
            idle_timeout: Duration::from_secs(75),
            body_timeout: Duration::from_secs(30),
            max_connections: 128,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// The seed files in `samples/`, compiled in so they work from any directory.
pub mod samples {
    use super::{FieldDef, TagDef, TeamDef};

    pub const FIELDS_JSON: &str = include_str!("../../samples/fields.json");
    pub const TAGS_JSON: &str = include_str!("../../samples/tags.json");
    pub const TEAM_JSON: &str = include_str!("../../samples/team.json");

    pub fn fields() -> Vec<FieldDef> {
        serde_json::from_str(FIELDS_JSON).expect("samples/fields.json is valid")
    }

    pub fn tags() -> Vec<TagDef> {
        serde_json::from_str(TAGS_JSON).expect("samples/tags.json is valid")
    }

    pub fn team() -> TeamDef {
        serde_json::from_str(TEAM_JSON).expect("samples/team.json is valid")
    }
}

impl SimConfig {
    /// Seeds custom fields, tags and the team from `samples/*.json`.
    pub fn with_samples(mut self) -> Self {
        self.fields = samples::fields();
        self.tags = samples::tags();
        self.team = samples::team();
        self
    }

    /// Checks what a flag or a struct literal could get wrong.
    pub fn check(&self) -> Result<(), String> {
        for (name, p) in [
            ("fail_rate", self.fail_rate),
            ("reset_rate", self.reset_rate),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("{name} must be between 0 and 1, got {p}"));
            }
        }
        if self.rate_window_secs == 0 {
            return Err("rate_window_secs must be at least 1".to_string());
        }
        if self.readings.max_limit == 0 {
            return Err("max_limit must be at least 1".to_string());
        }
        if self.max_batch == 0 {
            return Err("max_batch must be at least 1".to_string());
        }
        if self.max_connections == 0 {
            return Err("max_connections must be at least 1".to_string());
        }
        if self.max_body_bytes < 1024 {
            return Err("max_body_bytes must be at least 1024".to_string());
        }
        for (name, t) in [
            ("idle_timeout", self.idle_timeout),
            ("body_timeout", self.body_timeout),
        ] {
            if t.is_zero() {
                return Err(format!("{name} must be more than zero"));
            }
        }
        if self.api_key.as_deref() == Some("") {
            return Err("the API key must not be empty".to_string());
        }
        Ok(())
    }
}
