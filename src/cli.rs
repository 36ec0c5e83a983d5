//! What the commands share on the command line: the connection and API
//! options, the value parser of an engine choice, and Ctrl-C. The commands
//! (`cmd/`) use it; the parser and dispatch are in `main.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use hmbulk_engine::choice::Choice;

use crate::exit::Exit;
use crate::output;

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
            say!("{}", sandbox.describe());
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
        say!("\nhmbulk: stopping cleanly (Ctrl-C again to quit at once)");
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
        say!("hmbulk: warning: Ctrl-C will not stop the run cleanly: {e}");
    }
}

fn quit_interrupted(message: &str) -> ! {
    hmbulk_engine::atomic_file::remove_unfinished();
    say!("\nhmbulk: interrupted (Ctrl-C): {message}");
    if output::json() {
        let message = format!("interrupted (Ctrl-C): {message}");
        output::print_json_error("interrupted", &message, None, Exit::Interrupted as i32);
    }
    std::process::exit(Exit::Interrupted as i32)
}

/// The input file of `import`, `validate`, `status` or `delete`
/// ([`hmbulk_engine::input::InputFile::new`]), saying first when standard input is a terminal
/// (so the wait is not a mystery).
pub fn open_input(
    arg: &std::path::Path,
    two_passes: bool,
) -> hmbulk_engine::error::Result<hmbulk_engine::input::InputFile> {
    use std::io::IsTerminal;
    if hmbulk_engine::input::config::is_stdin(arg) && std::io::stdin().is_terminal() {
        say!("hmbulk: reading the CSV from the terminal; end it with Ctrl-D");
    }
    hmbulk_engine::input::InputFile::new(arg, two_passes)
}
