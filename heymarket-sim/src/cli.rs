//! The `heymarket-sim` command line: takes flags (and seed files) and gives a
//! running simulator on `127.0.0.1:PORT`, announced by exactly one stdout line
//! `listening on http://127.0.0.1:PORT` once it accepts connections.
//! Bad flags or seed files, or a `--state` file that is locked or damaged: a
//! message on stderr and exit code 2. Ctrl-C stops it with exit code 0.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use serde::de::DeserializeOwned;

use super::readings::{
    ActiveClears, ContactShape, CountAnswer, ListLimit, PageBase, StatusAnswer, TagShape, V2Create,
};
use super::server::serve_state;
use super::state::State;
use super::{DEFAULT_MAX_BODY_BYTES, DuplicateChannel, ExistingPhone, Readings, SimConfig};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Cursor {
    /// `updated < date` (descending) / `updated > date` (ascending).
    Exclusive,
    /// `updated <= date` / `updated >= date`.
    Inclusive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Duplicate {
    /// 400 bad_data "channel exists".
    Reject,
    /// 200, the channel list unchanged.
    Ignore,
    /// The channel is stored a second time.
    Copy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Existing {
    /// A failed item "phone exists: <uuid>".
    Refuse,
    /// A second contact with the same phone.
    Duplicate,
    /// The contact holding the phone is updated.
    Update,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum V1Answer {
    /// `"ok"`, or the array of failed input contacts.
    Ok,
    /// Always the array of all input contacts.
    Array,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AnswersUuid {
    /// Contact answers carry `uuid`.
    Yes,
    /// No contact answer carries `uuid` (as the public answer schemas show).
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ContactShapeArg {
    /// `phone`.
    Phone,
    /// `contact_channels` instead of `phone`.
    Channels,
    /// Both.
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum V2CreateArg {
    /// A phone, as `phone` or a phone channel.
    Phone,
    /// At least one channel in `contact_channels`.
    Channels,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TagShapeArg {
    /// `{id, tag, color}`.
    Tag,
    /// `{id, name, color}` (and `/v1/tags` says `name`).
    Name,
    /// `{tag_id}`.
    TagId,
    /// A bare id.
    Id,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StatusAnswerArg {
    /// The JSON string "success".
    Json,
    /// success as plain text.
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListLimitArg {
    /// 400 for a limit over --max-limit.
    Refuse,
    /// Silently at most --max-limit contacts.
    Cap,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PageBaseArg {
    /// 0 in v2, 1 in v1.
    Seeds,
    #[value(name = "0")]
    Zero,
    #[value(name = "1")]
    One,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ActiveArg {
    /// Blocked and opted out.
    Both,
    /// Only blocked.
    Blocked,
    /// Only opted out.
    OptedOut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CountAnswerArg {
    /// {"count": n}.
    Object,
    /// A bare number.
    Number,
}

/// A local simulator of the Heymarket contacts API.
#[derive(Debug, Parser)]
#[command(name = "heymarket-sim", version)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Legacy API key accepted as `Authorization: Bearer KEY`.
    #[arg(long, env = "HEYMARKET_SIM_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// API secret id: HS256 JWTs with `iss` = this id are accepted.
    #[arg(long, requires = "secret_key")]
    secret_id: Option<String>,
    /// API secret key (JWTs are signed with "SECRET_ID||SECRET_KEY").
    #[arg(long, requires = "secret_id")]
    secret_key: Option<String>,
    /// Seconds a JWT is accepted after its `iat`.
    #[arg(long, default_value_t = 300)]
    jwt_ttl: u64,
    /// Requests per rolling minute per credential; 0 = unlimited.
    #[arg(long, default_value_t = 500)]
    rate_limit: u32,
    /// Length in seconds of the rate limit's rolling window.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    rate_window: u64,
    /// Answer 429 without a Retry-After header.
    #[arg(long)]
    no_retry_after: bool,
    /// Probability (0 to 1) of an injected 500, before anything is written.
    #[arg(long, default_value_t = 0.0, value_parser = probability)]
    fail_rate: f64,
    /// Probability (0 to 1) that a request is processed and its connection then
    /// closed without an answer.
    #[arg(long, default_value_t = 0.0, value_parser = probability)]
    reset_rate: f64,
    /// Seed of the fail and reset decisions.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Delay before every /v1 and /v2 answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Most items per bulk write, batch, search or delete.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    max_batch: u32,
    /// Whether the listing `date` cursor includes its own second.
    #[arg(long, value_enum, default_value_t = Cursor::Exclusive)]
    cursor: Cursor,
    /// What /v1/batch/contacts answers.
    #[arg(long, value_enum, default_value_t = V1Answer::Ok)]
    v1_answer: V1Answer,
    /// Custom fields, JSON `[{"id": int, "title": str}]`.
    #[arg(long)]
    fields: Option<PathBuf>,
    /// Tags, JSON `[{"id": int, "tag": str, "color": str}]`.
    #[arg(long)]
    tags: Option<PathBuf>,
    /// Team and members, JSON in the /v1/team shape.
    #[arg(long)]
    members: Option<PathBuf>,
    /// Seed fields, tags and team from the built-in samples (files given
    /// with --fields, --tags, --members take precedence).
    #[arg(long)]
    samples: bool,
    /// Keep the store in FILE between runs: loaded at start (its fields, tags
    /// and team then replace the seeds), saved after each change.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// What adding a channel a contact already has does.
    #[arg(long, value_enum, default_value_t = Duplicate::Reject)]
    duplicate_channel: Duplicate,
    /// What a /v2/contacts create whose phone another contact holds does.
    #[arg(long, value_enum, default_value_t = Existing::Refuse)]
    existing_phone: Existing,
    /// Whether contact answers (search, list, the /v2/contacts answer) carry `uuid`.
    #[arg(long, value_enum, default_value_t = AnswersUuid::Yes)]
    answers_uuid: AnswersUuid,
    /// How a v2 contact answer shows its phone.
    #[arg(long, value_enum, default_value_t = ContactShapeArg::Phone)]
    contact_shape: ContactShapeArg,
    /// What a /v2/contacts create needs.
    #[arg(long, value_enum, default_value_t = V2CreateArg::Phone)]
    v2_create: V2CreateArg,
    /// How a contact answer shows its tags.
    #[arg(long, value_enum, default_value_t = TagShapeArg::Tag)]
    tag_shape: TagShapeArg,
    /// How set_status says success.
    #[arg(long, value_enum, default_value_t = StatusAnswerArg::Json)]
    status_answer: StatusAnswerArg,
    /// What a listing does with a limit over --max-limit.
    #[arg(long, value_enum, default_value_t = ListLimitArg::Refuse)]
    list_limit: ListLimitArg,
    /// The largest listing limit honoured.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    max_limit: u32,
    /// The number of a listing's first page.
    #[arg(long, value_enum, default_value_t = PageBaseArg::Seeds)]
    page_base: PageBaseArg,
    /// What set_status active clears.
    #[arg(long, value_enum, default_value_t = ActiveArg::Both)]
    active: ActiveArg,
    /// The shape of /v1/contacts/count's answer.
    #[arg(long, value_enum, default_value_t = CountAnswerArg::Object)]
    count_answer: CountAnswerArg,
    /// Seconds a connection may go without sending a whole request head
    /// (after connecting or after its last answer) before it is closed.
    #[arg(long, default_value_t = 75, value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// Seconds a request body may take to arrive (else 408), and an answer to
    /// be taken up by the client.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    body_timeout: u64,
    /// Most connections served at once (the idle one is closed to make room;
    /// with none idle, new ones queue, then get 503).
    #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// Largest request body in bytes; larger is 413.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY_BYTES as u64, value_parser = clap::value_parser!(u64).range(1024..))]
    max_body: u64,
}

fn probability(text: &str) -> Result<f64, String> {
    let p: f64 = text.parse().map_err(|e| format!("{e}"))?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!("must be between 0 and 1, got {p}"))
    }
}

fn read_json<T: DeserializeOwned>(path: &Path, flag: &str) -> Result<T, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{flag} {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{flag} {}: {e}", path.display()))
}

impl Args {
    fn readings(&self) -> Readings {
        Readings {
            answers_uuid: self.answers_uuid == AnswersUuid::Yes,
            contact_shape: match self.contact_shape {
                ContactShapeArg::Phone => ContactShape::Phone,
                ContactShapeArg::Channels => ContactShape::Channels,
                ContactShapeArg::Both => ContactShape::Both,
            },
            v2_create: match self.v2_create {
                V2CreateArg::Phone => V2Create::Phone,
                V2CreateArg::Channels => V2Create::Channels,
            },
            tag_shape: match self.tag_shape {
                TagShapeArg::Tag => TagShape::Tag,
                TagShapeArg::Name => TagShape::Name,
                TagShapeArg::TagId => TagShape::TagId,
                TagShapeArg::Id => TagShape::Id,
            },
            status_answer: match self.status_answer {
                StatusAnswerArg::Json => StatusAnswer::Json,
                StatusAnswerArg::Text => StatusAnswer::Text,
            },
            list_limit: match self.list_limit {
                ListLimitArg::Refuse => ListLimit::Refuse,
                ListLimitArg::Cap => ListLimit::Cap,
            },
            max_limit: self.max_limit as usize,
            page_base: match self.page_base {
                PageBaseArg::Seeds => PageBase::Seeds,
                PageBaseArg::Zero => PageBase::Zero,
                PageBaseArg::One => PageBase::One,
            },
            active: match self.active {
                ActiveArg::Both => ActiveClears::Both,
                ActiveArg::Blocked => ActiveClears::Blocked,
                ActiveArg::OptedOut => ActiveClears::OptedOut,
            },
            count_answer: match self.count_answer {
                CountAnswerArg::Object => CountAnswer::Object,
                CountAnswerArg::Number => CountAnswer::Number,
            },
        }
    }

    fn config(&self) -> Result<SimConfig, String> {
        let mut config = SimConfig {
            api_key: self.api_key.clone(),
            secret: self.secret_id.clone().zip(self.secret_key.clone()),
            jwt_ttl_secs: self.jwt_ttl,
            rate_limit: self.rate_limit,
            rate_window_secs: self.rate_window,
            retry_after: !self.no_retry_after,
            fail_rate: self.fail_rate,
            reset_rate: self.reset_rate,
            seed: self.seed,
            latency_ms: self.latency_ms,
            max_batch: self.max_batch as usize,
            cursor_inclusive: self.cursor == Cursor::Inclusive,
            v1_answer_array: self.v1_answer == V1Answer::Array,
            duplicate_channel: match self.duplicate_channel {
                Duplicate::Reject => DuplicateChannel::Reject,
                Duplicate::Ignore => DuplicateChannel::Ignore,
                Duplicate::Copy => DuplicateChannel::Copy,
            },
            existing_phone: match self.existing_phone {
                Existing::Refuse => ExistingPhone::Refuse,
                Existing::Duplicate => ExistingPhone::Duplicate,
                Existing::Update => ExistingPhone::Update,
            },
            readings: self.readings(),
            state_file: self.state.clone(),
            idle_timeout: Duration::from_secs(self.idle_timeout),
            body_timeout: Duration::from_secs(self.body_timeout),
            max_connections: self.max_connections as usize,
            max_body_bytes: usize::try_from(self.max_body).unwrap_or(usize::MAX),
            ..SimConfig::default()
        };
        if config.api_key.is_none() && config.secret.is_none() {
            return Err(
                "give --api-key KEY and/or --secret-id ID --secret-key K: with neither, every request would be 401"
                    .to_string(),
            );
        }
        if self.samples {
            config = config.with_samples();
        }
        if let Some(path) = &self.fields {
            config.fields = read_json(path, "--fields")?;
        }
        if let Some(path) = &self.tags {
            config.tags = read_json(path, "--tags")?;
        }
        if let Some(path) = &self.members {
            config.team = read_json(path, "--members")?;
        }
        config.check()?;
        Ok(config)
    }
}

pub fn main() -> ExitCode {
    let args = Args::parse();
    let state = match args
        .config()
        .and_then(|c| State::open(c).map_err(|e| e.to_string()))
    {
        Ok(state) => Arc::new(state),
        Err(message) => {
            eprintln!("heymarket-sim: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(path) = &args.state {
        eprintln!(
            "heymarket-sim: store kept in {} ({} contacts)",
            path.display(),
            state.read().len()
        );
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("heymarket-sim: could not start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(run(args.port, state))
}

async fn run(port: u16, state: Arc<State>) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("heymarket-sim: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::from(1);
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(e) => {
            eprintln!("heymarket-sim: {e}");
            return ExitCode::from(1);
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on http://{address}");
    let _ = stdout.flush();
    tokio::select! {
        result = serve_state(listener, state) => match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("heymarket-sim: {e}");
                ExitCode::from(1)
            }
        },
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}
