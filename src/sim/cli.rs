//! The `heymarket-sim` command line: takes flags (and seed files) and gives a
//! running simulator on `127.0.0.1:PORT`, announced by exactly one stdout line
//! `listening on http://127.0.0.1:PORT` once it accepts connections.
//! Bad flags or seed files: a message on stderr and exit code 2. Ctrl-C stops
//! it with exit code 0.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use serde::de::DeserializeOwned;

use super::{SimConfig, serve};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Cursor {
    /// `updated < date` (descending) / `updated > date` (ascending).
    Exclusive,
    /// `updated <= date` / `updated >= date`.
    Inclusive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum V1Answer {
    /// `"ok"`, or the array of failed input contacts.
    Ok,
    /// Always the array of all input contacts.
    Array,
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
    let config = match args.config() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("heymarket-sim: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("heymarket-sim: could not start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(run(args.port, config))
}

async fn run(port: u16, config: SimConfig) -> ExitCode {
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
        result = serve(listener, config) => match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("heymarket-sim: {e}");
                ExitCode::from(1)
            }
        },
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}
