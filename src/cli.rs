//! The command line: one subcommand per file under `cmd/`, options common to
//! all of them here. `main` parses, dispatches, prints the error and maps it to
//! the exit code.

use std::process::ExitCode;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Parser, Subcommand};

use crate::error::Exit;

use crate::cmd;

const ABOUT: &str =
    "Move contacts between CSV files and the Heymarket contacts API, in bulk, safely.";

const AFTER_HELP: &str = "\
Examples:
  hmbulk validate people.csv                 check a file; nothing is sent
  hmbulk import people.csv --sandbox         import into a local simulator
  hmbulk import people.csv                   import (HEYMARKET_API_KEY or HEYMARKET_SECRET_ID/KEY)
  hmbulk export --out contacts.csv           every contact, once each

Exit codes: 0 all rows succeeded; 1 some rows failed (see the error report);
2 usage or input error (nothing sent); 3 stopped by the API (bad key, 403, down).";

#[derive(Debug, Parser)]
#[command(name = "hmbulk", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import contacts from a CSV file.
    Import(cmd::import::Args),
    /// Check a CSV file without sending anything (= import --dry-run).
    Validate(cmd::import::Args),
    /// Export every contact to CSV or JSON lines.
    Export(cmd::export::Args),
    /// Set opt-out / block status in bulk (not built yet).
    Status(cmd::status::Args),
    /// List custom fields (ids and titles), for mapping files.
    Fields(cmd::fields::Args),
    /// Manage the --sandbox store: reset it, or show where it lives.
    Sandbox(cmd::sandbox::Args),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Import(args) => cmd::import::run(args, false),
        Command::Validate(args) => cmd::import::run(args, true),
        Command::Export(args) => cmd::export::run(args),
        Command::Status(args) => cmd::status::run(args),
        Command::Fields(args) => cmd::fields::run(args),
        Command::Sandbox(args) => cmd::sandbox::run(args),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("hmbulk: {e}");
            e.exit().into()
        }
    }
}

/// Options every command that talks to the API shares.
#[derive(Debug, Clone, clap::Args)]
pub struct ApiArgs {
    /// API base URL.
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
    /// Requests per minute, shared by all workers (the API allows 500; 0 = no limit).
    #[arg(long, default_value_t = 500)]
    pub rate: u32,
    /// Retries of a failed request (5xx, timeout, dropped connection) before
    /// the run stops; 429s wait for Retry-After and are counted apart.
    #[arg(long, default_value_t = 8)]
    pub retries: u32,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

impl ApiArgs {
    /// The `--sandbox` simulator over its kept store, said on stderr
    /// (unless `--quiet`); `None` without `--sandbox` or `--sandbox-dir`.
    pub fn sandbox(&self) -> crate::error::Result<Option<crate::sandbox::Sandbox>> {
        use crate::sandbox::Sandbox;
        if !self.sandbox && self.sandbox_dir.is_none() {
            return Ok(None);
        }
        let sandbox = Sandbox::open(&Sandbox::folder(self.sandbox_dir.as_deref())?)?;
        if !self.quiet {
            eprintln!("{}", sandbox.describe());
        }
        Ok(Some(sandbox))
    }

    /// A client for the `--sandbox` simulator or the configured API. With
    /// `optional` (dry runs), missing credentials give `None`, not an error.
    pub fn client(
        &self,
        sandbox: Option<&crate::sandbox::Sandbox>,
        optional: bool,
    ) -> crate::error::Result<Option<crate::api::Client>> {
        if let Some(sb) = sandbox {
            return sb.client(self.client_options()).map(Some);
        }
        let credentials = match crate::api::Credentials::load(self.credentials.as_deref()) {
            Ok(c) => c,
            Err(_) if optional => return Ok(None),
            Err(e) => return Err(e),
        };
        crate::api::Client::new(&self.base_url, credentials, self.client_options()).map(Some)
    }

    /// [`client`](Self::client) when credentials are required.
    pub fn required_client(
        &self,
        sandbox: Option<&crate::sandbox::Sandbox>,
    ) -> crate::error::Result<crate::api::Client> {
        self.client(sandbox, false)?
            .ok_or_else(|| crate::error::Error::usage("no credentials"))
    }

    pub fn client_options(&self) -> crate::api::ClientOptions {
        crate::api::ClientOptions {
            rate_per_minute: self.rate,
            max_retries: self.retries,
            ..crate::api::ClientOptions::default()
        }
    }
}

/// A flag the first Ctrl-C sets (the run then stops cleanly and writes its
/// reports); a second Ctrl-C quits at once.
pub fn interrupt_on_ctrl_c() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let set = Arc::clone(&flag);
    let installed = ctrlc::set_handler(move || {
        if set.swap(true, Ordering::SeqCst) {
            std::process::exit(Exit::Interrupted as i32);
        }
        eprintln!("\nhmbulk: stopping cleanly (Ctrl-C again to quit at once)");
    });
    if let Err(e) = installed {
        eprintln!("hmbulk: warning: Ctrl-C will not stop the run cleanly: {e}");
    }
    flag
}
