//! `hmbulk export`: every contact, exactly once, to CSV, JSON lines or an
//! `.xlsx` workbook. This file is the command: its usage, its `Args`, and
//! `run`, which checks the arguments, calls the engine's run
//! ([`hmbulk_engine::export::run`]) and prints its summary.

use std::path::{Path, PathBuf};

use crate::cli::{ApiArgs, choice};
use crate::exit::{Exit, Outcome};
use crate::output;
use hmbulk_engine::api::ApiVersion;
use hmbulk_engine::error::Error;
use hmbulk_engine::export::extra::Extras;
use hmbulk_engine::export::out_file::{Format, format_for, is_stdout};
use hmbulk_engine::export::run::{self, Plan};

pub const USAGE: &str = "\
Examples:
  hmbulk export --out contacts.csv                      every contact, once each
  hmbulk export --out contacts.jsonl --format jsonl
  hmbulk export --out contacts.xlsx                     a workbook: phones and ids as text
  hmbulk export --out changed.csv --updated-since 2026-11-01T00:00:00Z
  hmbulk export --out nightly.csv --state nightly.state.json   (cron: only what changed since last run)
  hmbulk export --out slim.csv --columns phone,first,last,tags
  hmbulk export --out - --format jsonl | jq .phone      to standard output
  hmbulk export --out full.csv --status --channels      (+ blocked, channel:phone, channel:email)

--status (the blocked column) and --channels (channel:phone, channel:email:
the contacts' other phones and emails) each cost one request per contact:
at 500 requests/min, 30,000 contacts take an hour each; the estimate is
printed first. Without --status there is no blocked column (the listing does
not say, and an empty cell would read as not blocked).

The file is written to a temporary name (.<name>.XXXXXX.hmbulk-tmp) and renamed
when complete: a run that fails or is interrupted leaves the previous file in
place, and the next run removes what a killed one left (`--out -` streams to
standard output instead: a reader that stops early ends the export quietly). Exit codes: 0 complete;
1 the count check came up short; 2 usage error, or the file cannot be written
(an export sends nothing); 3 stopped by the API (or it did not page as
documented); 130 Ctrl-C.";

#[derive(Debug, clap::Args)]
#[command(after_help = USAGE)]
pub struct Args {
    /// Where to write the contacts; `-` is standard output.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// csv, jsonl or xlsx (default: from the --out extension, else csv).
    #[arg(long, value_parser = choice::<Format>())]
    pub format: Option<Format>,
    /// API generation to list with.
    #[arg(long, value_parser = choice::<ApiVersion>(), default_value_t = ApiVersion::V2)]
    pub api: ApiVersion,
    /// Only contacts updated at or after this time (RFC 3339 or YYYY-MM-DD, UTC).
    #[arg(long, value_name = "TS")]
    pub updated_since: Option<String>,
    /// Remember the newest `updated` in this file; the next run with it
    /// exports only what changed since.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Comma-separated columns, in the order wanted (default: all).
    #[arg(long, value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// Add the blocked column, read per contact from /v1/contact/status
    /// (one request per contact).
    #[arg(long)]
    pub status: bool,
    /// Add channel:phone and channel:email columns: the contacts' other
    /// phones and emails (one request per contact; needs --api v2).
    #[arg(long)]
    pub channels: bool,
    /// Do not guard formula-like cells with a leading '.
    #[arg(long)]
    pub raw: bool,
    /// Start the CSV with a UTF-8 BOM (for Excel).
    #[arg(long)]
    pub bom: bool,
    /// Show progress even when stderr is not a terminal.
    #[arg(long)]
    pub progress: bool,
    #[command(flatten)]
    pub api_args: ApiArgs,
}

pub fn run(args: Args) -> Outcome {
    let to_stdout = is_stdout(&args.out);
    let format = format_for(&args.out, args.format)?;
    if to_stdout && args.api_args.json {
        return Err(Error::usage(
            "--json and --out - would both write standard output: drop one \
             (the summary is on stderr without --json)",
        )
        .into());
    }
    // Nothing to finish on Ctrl-C: quit at once, whatever the run waits for.
    crate::cli::quit_on_ctrl_c(if to_stdout {
        "the export to standard output was cut short".to_string()
    } else {
        format!(
            "the export was abandoned; {} is left as it was",
            args.out.display()
        )
    });
    let sandbox = args.api_args.sandbox()?;
    let client = args.api_args.required_client(sandbox.as_ref())?;
    let quiet = args.api_args.quiet;
    let plan = Plan {
        out: args.out.clone(),
        format,
        api: args.api,
        updated_since: args.updated_since,
        state: args.state,
        columns: args.columns,
        extras: Extras {
            status: args.status,
            channels: args.channels,
        },
        raw: args.raw,
        bom: args.bom,
        progress: args.progress,
        quiet,
        rate: args.api_args.rate,
    };
    let tell = |line: &str| {
        if !quiet {
            say!("export: {line}");
        }
    };
    let summary = run::run(&client, &plan, &tell)?;
    let exit = match summary.count_check.is_short() {
        true => Exit::RowsFailed,
        false => Exit::Ok,
    };
    if args.api_args.json {
        output::print_json(&summary, exit)?;
    }
    if !quiet {
        let shown = match to_stdout {
            true => Path::new(output::STDOUT),
            false => &args.out,
        };
        say!(
            "exported {} contacts to {} in {:.1}s ({} requests); count check: {}",
            summary.contacts,
            shown.display(),
            summary.elapsed_s,
            summary.requests,
            summary.count_check
        );
    }
    Ok(exit)
}
