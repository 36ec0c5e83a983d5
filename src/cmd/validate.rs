//! `hmbulk validate`: `import --dry-run` with only the flags a check uses —
//! the file, how to read and map it, where the reports go, and how to reach
//! the API to check names (read only, one short attempt: no rate or retries).

use crate::cli::{ApiArgs, Connection, DEFAULT_RATE, DEFAULT_RETRIES};
use crate::cmd::import::{self, InputArgs};
use crate::exit::Outcome;

pub const USAGE: &str = "\
Examples:
  hmbulk validate people.csv                      check every row; nothing is sent
  hmbulk validate people.csv --default-region GB --map crm.toml
  hmbulk validate people.csv --sandbox            check tag, member and custom field names too
  some-export | hmbulk validate - --report-dir reports/

Reports: <stem>.results.csv (action `valid`), <stem>.errors.csv, <stem>.summary.json and
<stem>.mapping.toml, next to the input (or in --report-dir). With credentials at hand it
reads custom fields, tags and team members to check names; it never writes. Exit codes:
0 every row is valid; 1 some rows are not; 2 usage, input-file or output error.";

#[derive(Debug, clap::Args)]
#[command(after_help = USAGE)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub connection: Connection,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print one JSON object on stdout: the summary, or the error that
    /// stopped the command (`{"error": {"kind", "message"}, "exit": N}`).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Outcome {
    let api_args = ApiArgs {
        connection: args.connection,
        rate: DEFAULT_RATE,
        retries: DEFAULT_RETRIES,
        quiet: args.quiet,
        json: args.json,
    };
    import::run(import::Args::dry_run(args.input, api_args))
}
