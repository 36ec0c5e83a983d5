//! `hmbulk status`: opt-out and block lists in bulk — set each row's
//! contact to the status its row (or `--set`) asks, or read the statuses
//! (`--check`) into the results report without changing anything.

use crate::cli::ApiArgs;
use crate::cmd::rows::{self, NamesArgs};
use crate::exit::{Failure, Outcome};
use hmbulk_engine::api::Client;
use hmbulk_engine::status::{self, Settings, Want, words};

pub const USAGE: &str = "\
Examples:
  hmbulk status optouts.csv                   each row's status column (or opted out / SMS consent / blocked)
  hmbulk status stop-list.csv --set unsubscribed   the same status for every row
  hmbulk status blocklist.csv --set blocked --sandbox
  hmbulk status contacts.csv --check          read unsubscribed and blocked into the results; change nothing
  hmbulk status export.csv --check --report-dir audit/

Each row names a contact by its uuid, id or phone (the first not blank). A
`status` column takes active, blocked, unblocked, subscribed, unsubscribed,
or the words people write: opt-out, opted out, unsubscribe, STOP, STOPALL,
CANCEL, END, QUIT, do not text (unsubscribed); opt-in, subscribe, START,
UNSTOP (subscribed); block, blocklisted (blocked); unblock (unblocked);
activate (active). Under an `opted out` header yes/no means
unsubscribed/subscribed, under `SMS consent` the reverse, under `blocked`
blocked/unblocked. A blank cell leaves the contact (skipped).

Requests: finding contacts 1 per 1000 rows; opt-outs and opt-ins written in
bulk, 1 per 1000; blocked, unblocked and active 1 per contact, 2 when it
changes (the API reads and sets `blocked` one contact at a time), 1 with
--skip-read; rows named by id 1-2 each; --check 1 per contact. At 500/min a
50,000-row block list takes 100 minutes with --skip-read, up to 200 without:
the estimate is printed before anything is sent.

Reports: <stem>.status.results.csv (row, phone, action updated / unchanged /
skipped / checked, id, uuid, and status, unsubscribed, blocked),
<stem>.status.errors.csv (not_found: no such contact; status_invalid; ...)
and <stem>.status.summary.json. Exit codes as import: 0 all rows ok; 1 some
failed; 2 usage or input error, nothing sent; 3 stopped by the API.";

#[derive(Debug, clap::Args)]
#[command(after_help = USAGE)]
pub struct Args {
    #[command(flatten)]
    pub input: NamesArgs,
    /// Set this status on every row's contact (status columns are not read):
    /// active, blocked, unblocked, subscribed, unsubscribed, or a word for
    /// one (opt-out, STOP, opt-in, START, block ...).
    #[arg(long, value_name = "STATUS", value_parser = words::parse_set, conflicts_with = "check")]
    pub set: Option<Want>,
    /// Read each contact's unsubscribed and blocked into the results report;
    /// change nothing.
    #[arg(long)]
    pub check: bool,
    /// Set opt-outs one contact at a time (set_status), never in bulk.
    #[arg(long)]
    pub per_contact: bool,
    /// Set blocked / unblocked / active without reading each contact's
    /// status first: one request per contact instead of one or two, but no
    /// such row is `unchanged`, and every contact's `updated` time moves.
    #[arg(long, conflicts_with = "check")]
    pub skip_read: bool,
    #[command(flatten)]
    pub api: ApiArgs,
}

pub fn run(args: Args) -> Outcome {
    let plan = status::Plan {
        file: args.input.plan(),
        settings: Settings {
            set: args.set,
            check: args.check,
            per_contact: args.per_contact,
            skip_read: args.skip_read,
            batch_size: usize::from(args.input.batch_size),
            concurrency: usize::from(args.input.concurrency),
        },
        progress: args.input.read.progress,
        quiet: args.api.quiet,
    };
    let check = plan.settings.check;
    // Read twice (the estimate, then the run): a pipe is copied once.
    let input = crate::cli::open_input(&args.input.read.file, true)?;
    let mut opened = status::open(plan, input)?;
    let mapping = opened.file().names().mapping();
    if let Some(map) = rows::confirm_guesses(mapping, &args.input.read.file)? {
        opened.remap(&map)?;
    }
    let quiet = args.api.quiet;
    if !quiet {
        let file = opened.file();
        let own = [("status", file.status_headers())];
        rows::print_columns(file.names().mapping(), file.names().id_column(), &own);
    }
    let estimated = opened.estimate()?;
    if !quiet {
        say!("status: {}", estimated.describe(args.api.rate));
    }
    let sandbox = args.api.sandbox()?;
    let client = args.api.required_client(sandbox.as_ref())?;
    let interrupt = crate::cli::interrupt_on_ctrl_c();
    let result = estimated.run(&client, &interrupt).and_then(|result| {
        let s = &result.summary;
        let line = if check {
            format!(
                "checked {}: {} rows read, {} checked, {} failed",
                args.input.read.file.display(),
                s.rows_read,
                s.checked,
                s.rows_failed
            )
        } else {
            format!(
                "status {}: {} rows read, {} ok ({} updated, {} unchanged, {} skipped), {} failed",
                args.input.read.file.display(),
                s.rows_read,
                s.rows_ok,
                s.updated,
                s.unchanged,
                s.skipped,
                s.rows_failed
            )
        };
        let fix = |errors: &std::path::Path| {
            (args.input.fix_line("status", errors, &args.api.connection))
                .value("--set", args.set)
                .flag("--check", args.check)
                .flag("--per-contact", args.per_contact)
                .flag("--skip-read", args.skip_read)
        };
        rows::finish(&result, line, (args.api.json, quiet), sandbox.as_ref(), fix)
    });
    result.map_err(|e| sent(e, &client))
}

/// A failure, and whether a status had been written by then.
fn sent(e: hmbulk_engine::error::Error, client: &Client) -> Failure {
    Failure::new(e, client.has_written())
}
