//! The `hmbulk` binary: parse the command line (one subcommand per file
//! under `cmd/`), dispatch, print the error and map the outcome to an exit
//! code. The work is in the `hmbulk-engine` crate; the
//! `--sandbox` simulator is the `heymarket-sim` crate (the `sandbox` feature).

// clap makes `--help` from the arguments' doc comments, where `<stem>` is
// a placeholder the user reads, not an HTML tag.
#![allow(rustdoc::invalid_html_tags)]

// First: its `say!` is used by every module after it.
#[macro_use]
mod output;

mod cli;
mod cmd;
mod exit;
#[cfg(feature = "sandbox")]
mod sandbox;
#[cfg(not(feature = "sandbox"))]
#[path = "sandbox_off.rs"]
mod sandbox;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::exit::Exit;

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

fn main() -> ExitCode {
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
        say!("hmbulk: internal error: {message}");
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
            say!("hmbulk: {message}");
            let exit = failure.exit();
            if failure.sent && exit == Exit::Fatal {
                say!(
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
