//! `hmbulk delete`: delete the contacts a file names — permanently — after
//! showing how many would go and a sample; asks on a terminal, and off one
//! deletes only with `--yes`.

use std::io::{BufRead, IsTerminal, Write};

use crate::cli::ApiArgs;
use crate::cmd::listing::printable;
use crate::cmd::rows::{self, NamesArgs};
use crate::exit::{Failure, Outcome};
use hmbulk_engine::delete::{self, Resolved, Settings};
use hmbulk_engine::error::Error;
use hmbulk_engine::input::RowNumbers;

pub const USAGE: &str = "\
Examples:
  hmbulk delete leavers.csv --dry-run        find them; write the reports of what would go
  hmbulk delete leavers.csv                  show how many would go and ask (on a terminal)
  hmbulk delete leavers.csv --yes            no question (scripts, cron: required off a terminal)
  hmbulk delete old.csv --yes --sandbox

Each row names a contact by its uuid, id or phone (the first not blank);
other columns are ignored. Deletion is permanent. Off a terminal, without
--yes, nothing is deleted and the exit code is 2.

Requests: finding contacts 1 per 1000 rows (rows named by id: 1 more each);
deleting 1 per 1000 contacts (DELETE /v2/contacts), then 1 search per 1000
to confirm they are gone.

Reports: <stem>.delete.results.csv (action deleted, or valid with --dry-run;
id, uuid, name), <stem>.delete.errors.csv (not_found: no contact has that
phone, id or uuid; duplicate_in_file; ...) and <stem>.delete.summary.json.
Exit codes: 0 every row's contact deleted; 1 some rows failed (not found);
2 usage or input error, or no confirmation: nothing deleted; 3 stopped by the API.";

#[derive(Debug, clap::Args)]
#[command(after_help = USAGE)]
pub struct Args {
    #[command(flatten)]
    pub input: NamesArgs,
    /// Delete without asking (required when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Find the contacts and write the reports of what would be deleted;
    /// delete nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How many of the contacts to show before asking.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub sample: usize,
    #[command(flatten)]
    pub api: ApiArgs,
}

pub fn run(args: Args) -> Outcome {
    let plan = delete::Plan {
        file: args.input.plan(),
        settings: Settings {
            batch_size: usize::from(args.input.batch_size),
            concurrency: usize::from(args.input.concurrency),
        },
        dry_run: args.dry_run,
        progress: args.input.read.progress,
        quiet: args.api.quiet,
    };
    let input = crate::cli::open_input(&args.input.read.file, false)?;
    let mut opened = delete::open(plan, &input)?;
    if let Some(map) = rows::confirm_guesses(opened.names().mapping(), &args.input.read.file)? {
        opened.remap(&map)?;
    }
    let quiet = args.api.quiet;
    if !quiet {
        let names = opened.names();
        rows::print_columns(names.mapping(), names.id_column(), &[]);
    }
    let sandbox = args.api.sandbox()?;
    let client = args.api.required_client(sandbox.as_ref())?;
    let interrupt = crate::cli::interrupt_on_ctrl_c();
    let found = opened.resolve(&client, &interrupt)?;
    let resolved = found.resolved();
    if !quiet || !resolved.is_complete() {
        preview(resolved, args.sample, args.dry_run, found.numbers());
    }
    let asked = args.dry_run || args.yes || resolved.count() == 0 || !resolved.is_complete();
    let answer = if asked {
        Answer::Yes
    } else {
        confirm(resolved.count())?
    };
    let why = match answer {
        Answer::Yes => None,
        Answer::NotOnTerminal => Some("not on a terminal, so hmbulk cannot ask: pass --yes"),
        Answer::No => Some("you did not answer yes; pass --yes to delete without asking"),
    };
    if let Some(why) = why {
        return Err(Error::usage(format!(
            "nothing was deleted ({} contacts would go): {why} to delete them, or \
             --dry-run to write the reports of what would go",
            resolved.count()
        ))
        .into());
    }
    let result = found.run(&client, &interrupt);
    let sent = |e: Error| Failure::new(e, client.has_written());
    let result = result.map_err(sent)?;
    let s = &result.summary;
    let line = format!(
        "{} {}: {} rows read, {} {}, {} failed",
        if args.dry_run {
            "dry run of delete"
        } else {
            "delete"
        },
        args.input.read.file.display(),
        s.rows_read,
        if args.dry_run { s.valid } else { s.deleted },
        if args.dry_run {
            "would be deleted"
        } else {
            "deleted"
        },
        s.rows_failed
    );
    let fix = |errors: &std::path::Path| {
        (args.input.fix_line("delete", errors, &args.api.connection))
            .flag("--dry-run", args.dry_run)
    };
    rows::finish(&result, line, (args.api.json, quiet), sandbox.as_ref(), fix).map_err(sent)
}

/// On stderr: how many contacts would go, how many rows name none, and a
/// sample of the contacts.
fn preview(resolved: &Resolved, sample: usize, dry_run: bool, numbers: &RowNumbers) {
    let (n, not_found, other) = (resolved.count(), resolved.not_found(), resolved.unusable());
    let mut line = format!(
        "{} deleted",
        count(n as u64, "contact would be", "contacts would be")
    );
    if !dry_run {
        line += " permanently";
    }
    if not_found > 0 {
        line += &format!(
            "; {} (not_found)",
            count(not_found, "row names no contact", "rows name no contact")
        );
    }
    if other > 0 {
        line += &format!(
            "; {} (see the error report)",
            count(other, "row cannot be read", "rows cannot be read")
        );
    }
    say!("{line}");
    for t in resolved.sample(sample) {
        say!(
            "  row {:>6}  {:<15}  {:<36}  {}",
            numbers.shown(t.row.row),
            t.phone.as_deref().unwrap_or(""),
            t.uuid.as_deref().unwrap_or(""),
            printable(&t.name)
        );
    }
    if resolved.count() > sample {
        say!("  ... and {} more", resolved.count() - sample);
    }
    if !resolved.is_complete() {
        say!("the contacts could not all be found, so nothing will be deleted");
    }
}

fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

enum Answer {
    Yes,
    No,
    NotOnTerminal,
}

/// Ask on the terminal (stdin and stderr both one); only `yes` goes on.
fn confirm(count: usize) -> Result<Answer, Failure> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Ok(Answer::NotOnTerminal);
    }
    say_inline!(
        "Delete these {count} contacts permanently? This cannot be undone. Type yes to go on: "
    );
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::usage(format!("cannot read the answer: {e}")))?;
    Ok(if answer.trim().eq_ignore_ascii_case("yes") {
        Answer::Yes
    } else {
        Answer::No
    })
}
