//! The command line: one subcommand per file under `cmd/`, options common to
//! all of them here. `main` parses, dispatches, prints the error and maps it to
//! the exit code.

use std::process::ExitCode;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use hmbulk_engine::choice::Choice;

use crate::cmd;
use crate::exit::Exit;
use crate::output;

const ABOUT: &str =
    "Move contacts between CSV files and the Heymarket contacts API, in bulk, safely.";

const AFTER_HELP: &str = "\
Examples:
  hmbulk validate people.csv                 check a file; nothing is sent
  hmbulk import people.csv --sandbox         import into a local simulator
  hmbulk import people.csv                   import (HEYMARKET_API_KEY or HEYMARKET_SECRET_ID/KEY)
  hmbulk export --out contacts.csv           every contact, once each

Exit codes: 0 all rows succeeded; 1 some rows failed (see the error report);
2 usage, input-file or output error, nothing sent; 3 stopped by the API (bad key,
403, down), or by an input-file or output error after contacts were sent.";

#[derive(Debug, Parser)]
#[command(name = "hmbulk", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import contacts from a CSV file (`-`: standard input).
    Import(cmd::import::Args),
    /// Check a CSV file without sending anything (= import --dry-run).
    Validate(cmd::validate::Args),
    /// Export every contact to CSV or JSON lines (`--out -`: standard output).
    Export(cmd::export::Args),
    /// Set opt-out / block status in bulk, or read it (--check).
    Status(cmd::status::Args),
    /// Delete the contacts a file names, after a preview.
    Delete(cmd::delete::Args),
    /// List custom fields (ids and titles), for mapping files.
    Fields(cmd::fields::Args),
    /// List tags (ids and names); --create adds tags.
    Tags(cmd::tags::Args),
    /// List the team's members (ids, names, roles), for assignee columns.
    Team(cmd::team::Args),
    /// Manage the --sandbox store: reset it, or show where it lives.
    Sandbox(cmd::sandbox::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(cmd::docs::CompletionsArgs),
    /// Print the manual page (roff), of hmbulk or of one command.
    Man(cmd::docs::ManArgs),
}

pub fn main() -> ExitCode {
    // Secrets in the environment are known to the redactor before anything
    // can print; a panic's message passes it too.
    for var in [
        hmbulk_engine::api::auth::ENV_API_KEY,
        hmbulk_engine::api::auth::ENV_SECRET_ID,
        hmbulk_engine::api::auth::ENV_SECRET_KEY,
    ] {
        if let Ok(value) = std::env::var(var) {
            hmbulk_engine::redact::register(value.trim());
        }
    }
    std::panic::set_hook(Box::new(|info| {
        let message = hmbulk_engine::redact::cleaned(info.to_string());
        // A `println!` into a closed pipe: end quietly (docs/cli.md, "Conventions").
        if let Some(stdout) = output::closed_pipe_panic(&message) {
            hmbulk_engine::atomic_file::remove_unfinished();
            std::process::exit(if stdout { 0 } else { CLOSED_STDERR });
        }
        eprintln!("hmbulk: internal error: {message}");
        if output::json() {
            output::print_json_error("internal", &message, None, PANIC);
        }
    }));
    // Known before parsing, so that a usage error is a JSON object too.
    output::set_json(
        std::env::args_os()
            .skip(1)
            .take_while(|a| a != "--")
            .any(|a| a == "--json"),
    );
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and --version are not errors.
            if e.use_stderr() && output::json() {
                let text = e.to_string();
                let first = text.lines().next().unwrap_or_default();
                let message = first.strip_prefix("error: ").unwrap_or(first);
                output::print_json_error("usage", message, None, Exit::Usage as i32);
            }
            e.exit();
        }
    };
    let result = match cli.command {
        Command::Import(args) => cmd::import::run(args),
        Command::Validate(args) => cmd::validate::run(args),
        Command::Export(args) => cmd::export::run(args),
        Command::Status(args) => cmd::status::run(args),
        Command::Delete(args) => cmd::delete::run(args),
        Command::Fields(args) => cmd::fields::run(args),
        Command::Tags(args) => cmd::tags::run(args),
        Command::Team(args) => cmd::team::run(args),
        Command::Sandbox(args) => cmd::sandbox::run(args),
        Command::Completions(args) => cmd::docs::completions(args),
        Command::Man(args) => cmd::docs::man(args),
    };
    match result {
        Ok(exit) => exit.into(),
        // The reader of our stdout went away: it has what it wanted.
        Err(failure) if output::is_closed_stdout(&failure.error) => ExitCode::SUCCESS,
        Err(failure) => {
            let message = hmbulk_engine::redact::cleaned(failure.error.to_string());
            eprintln!("hmbulk: {message}");
            let exit = failure.exit();
            if failure.sent && exit == Exit::Fatal {
                eprintln!(
                    "hmbulk: contacts had been sent when the run stopped; once that is fixed, \
                     import the file again (upsert finds what is already there)"
                );
            }
            if output::json() {
                let (kind, path) = output::error_kind(&failure.error);
                output::print_json_error(kind, &message, path, exit as i32);
            }
            exit.into()
        }
    }
}

/// Exit status when stderr is a closed pipe: 128 + SIGPIPE, what a program
/// killed by the signal shows (the run could not tell what it was doing).
const CLOSED_STDERR: i32 = 141;
/// Exit status of a panic (Rust's own).
const PANIC: i32 = 101;

/// The value parser of a flag that takes one of an engine [`Choice`]'s
/// names: clap lists the names, with their help, and checks the value.
pub fn choice<T: Choice>() -> impl TypedValueParser<Value = T> {
    let values = T::ALL
        .iter()
        .map(|v| PossibleValue::new(v.name()).help(v.help()));
    PossibleValuesParser::new(values).map(|name| {
        hmbulk_engine::choice::parse::<T>(&name).expect("clap accepts only the names of T::ALL")
    })
}

/// How to reach the API (or the sandbox): every command that talks to it.
#[derive(Debug, Clone, clap::Args)]
pub struct Connection {
    /// API base URL: https, or http for a loopback address only.
    #[arg(
        long,
        env = "HEYMARKET_BASE_URL",
        default_value = "https://api.heymarket.com"
    )]
    pub base_url: String,
    /// Read credentials from this file (lines `HEYMARKET_API_KEY=...` or
    /// `HEYMARKET_SECRET_ID=...` + `HEYMARKET_SECRET_KEY=...`) instead of the environment.
    #[arg(long, value_name = "FILE")]
    pub credentials: Option<std::path::PathBuf>,
    /// Talk to a local simulator instead of the API; its store is kept
    /// between runs (`hmbulk sandbox path` shows where, `hmbulk sandbox reset` empties it).
    #[arg(long)]
    pub sandbox: bool,
    /// Keep the sandbox's store in DIR instead of the user's cache folder (implies --sandbox).
    #[arg(long, value_name = "DIR")]
    pub sandbox_dir: Option<std::path::PathBuf>,
    /// Seconds to wait for an answer to begin, and again for the whole
    /// answer to arrive (connecting: at most 10 s).
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

/// Default of `--rate`: the API's own limit, requests per minute.
pub const DEFAULT_RATE: u32 = 500;
/// Default of `--retries`.
pub const DEFAULT_RETRIES: u32 = 8;

/// Options every command that talks to the API shares.
#[derive(Debug, Clone, clap::Args)]
pub struct ApiArgs {
    #[command(flatten)]
    pub connection: Connection,
    /// Requests per minute, shared by all workers (the API allows 500; 0 = no limit).
    #[arg(long, default_value_t = DEFAULT_RATE)]
    pub rate: u32,
    /// Retries of a failed request (5xx, timeout, dropped connection) before
    /// the run stops; 429s wait for Retry-After and are counted apart.
    #[arg(long, default_value_t = DEFAULT_RETRIES)]
    pub retries: u32,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print one JSON object on stdout: the summary, or the error that
    /// stopped the command (`{"error": {"kind", "message"}, "exit": N}`).
    #[arg(long)]
    pub json: bool,
}

impl ApiArgs {
    /// The `--sandbox` simulator over its kept store, said on stderr
    /// (unless `--quiet`); `None` without `--sandbox` or `--sandbox-dir`.
    pub fn sandbox(&self) -> hmbulk_engine::error::Result<Option<crate::sandbox::Sandbox>> {
        use crate::sandbox::Sandbox;
        let c = &self.connection;
        if !c.sandbox && c.sandbox_dir.is_none() {
            return Ok(None);
        }
        let sandbox = Sandbox::open(&Sandbox::folder(c.sandbox_dir.as_deref())?)?;
        if !self.quiet {
            eprintln!("{}", sandbox.describe());
        }
        Ok(Some(sandbox))
    }

    /// A client for the `--sandbox` simulator or the configured API. With
    /// `optional` (dry runs), missing credentials give `None`, not an error,
    /// and the client makes one short attempt per request: a dry run can do
    /// without the API. A malformed base URL or unusable credentials are a
    /// usage error either way.
    pub fn client(
        &self,
        sandbox: Option<&crate::sandbox::Sandbox>,
        optional: bool,
    ) -> hmbulk_engine::error::Result<Option<hmbulk_engine::api::Client>> {
        let options = if optional {
            self.client_options().one_short_attempt()
        } else {
            self.client_options()
        };
        if let Some(sb) = sandbox {
            return sb.client(options).map(Some);
        }
        let file = self.connection.credentials.as_deref();
        let credentials = if optional {
            match hmbulk_engine::api::Credentials::load_if_set(file)? {
                Some(c) => c,
                None => return Ok(None),
            }
        } else {
            hmbulk_engine::api::Credentials::load(file)?
        };
        hmbulk_engine::api::Client::new(&self.connection.base_url, credentials, options).map(Some)
    }

    /// [`client`](Self::client) when credentials are required.
    pub fn required_client(
        &self,
        sandbox: Option<&crate::sandbox::Sandbox>,
    ) -> hmbulk_engine::error::Result<hmbulk_engine::api::Client> {
        self.client(sandbox, false)?
            .ok_or_else(|| hmbulk_engine::error::Error::usage("no credentials"))
    }

    pub fn client_options(&self) -> hmbulk_engine::api::ClientOptions {
        hmbulk_engine::api::ClientOptions {
            rate_per_minute: self.rate,
            max_retries: self.retries,
            timeout: std::time::Duration::from_secs(self.connection.timeout),
            ..hmbulk_engine::api::ClientOptions::default()
        }
    }
}

/// A flag the first Ctrl-C sets (the run then stops cleanly and writes its
/// reports); a second Ctrl-C quits at once, removing unfinished files.
pub fn interrupt_on_ctrl_c() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let set = Arc::clone(&flag);
    on_ctrl_c(move || {
        if set.swap(true, Ordering::SeqCst) {
            quit_interrupted("quitting at once; this run's reports were not written");
        }
        eprintln!("\nhmbulk: stopping cleanly (Ctrl-C again to quit at once)");
    });
    flag
}

/// Ctrl-C quits at once, whatever the run is waiting for (a stalled server,
/// a retry's backoff): unfinished files are removed, so the previous ones
/// stay, and `message` says so. For runs with nothing to finish (export).
pub fn quit_on_ctrl_c(message: String) {
    on_ctrl_c(move || quit_interrupted(&message));
}

fn on_ctrl_c(handler: impl FnMut() + Send + 'static) {
    if let Err(e) = ctrlc::set_handler(handler) {
        eprintln!("hmbulk: warning: Ctrl-C will not stop the run cleanly: {e}");
    }
}

fn quit_interrupted(message: &str) -> ! {
    hmbulk_engine::atomic_file::remove_unfinished();
    eprintln!("\nhmbulk: interrupted (Ctrl-C): {message}");
    if output::json() {
        let message = format!("interrupted (Ctrl-C): {message}");
        output::print_json_error("interrupted", &message, None, Exit::Interrupted as i32);
    }
    std::process::exit(Exit::Interrupted as i32)
}
