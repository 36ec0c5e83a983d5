//! `hmbulk import` and `hmbulk validate`: a spreadsheet of contacts into
//! Heymarket, with a results report, an error report that can be fixed and
//! imported again as it is, and a JSON summary. This file is the command:
//! its usage, its `Args` and `run`, which opens the file, has the plan of
//! columns confirmed ([`confirm()`](confirm::confirm)) and calls the engine's run
//! ([`hmbulk_engine::import`]); what is printed is in [`summary`], what is
//! said after a stop in [`resume`].

pub(crate) mod confirm;
mod resume;
pub(crate) mod summary;

use std::path::Path;

use crate::cli::{ApiArgs, choice};
use crate::cmd::file_args::FileArgs;
use crate::exit::{Exit, Failure, Outcome};
use crate::sandbox::Sandbox;
use confirm::{Answer, confirm};
use hmbulk_engine::api::{ApiVersion, Client};
use hmbulk_engine::batch::{Halt, Mode};
use hmbulk_engine::contact::BlankPolicy;
use hmbulk_engine::contact::tags::TagsMode;
use hmbulk_engine::error::Result;
use hmbulk_engine::import::{self, ImportOutcome, Mapped, Plan};
use hmbulk_engine::pipeline::OnDuplicate;
use resume::command_line;
use summary::{print_end, print_mapping};

/// Most contacts one write call takes (the simulator's documented profile;
/// a smaller limit is found by splitting when the API refuses a size).
pub const MAX_BATCH: usize = 1000;

pub const USAGE: &str = "\
Examples:
  hmbulk import people.csv                        upsert every row (HEYMARKET_SECRET_ID/KEY or HEYMARKET_API_KEY)
  hmbulk import people.csv --sandbox              the same against a local simulator, no key needed
  hmbulk validate people.csv                      check every row; nothing is sent
  hmbulk import people.errors.csv                 re-import the fixed error report as it is
                                                  (it finds people.mapping.toml beside it)
  hmbulk import shopify.csv --create-tags         create the tags the file names that the account lacks
  hmbulk import event.csv --tags replace          each row's tags become its contact's whole set
                                                  (default: added to the contact's own; remove: taken off)
  hmbulk import crm.csv --map crm.toml --mode create --report-dir reports/
  hmbulk import people.csv --resume               finish a run that stopped (API down, Ctrl-C, kill,
                                                  power loss): people.journal says what was sent

Reports: <stem>.results.csv, <stem>.errors.csv, <stem>.summary.json and the mapping used,
<stem>.mapping.toml, next to the input (or in --report-dir); while an import runs, and after
it stopped, <stem>.journal beside them. Exit codes: 0 all rows ok; 1 some rows failed; 2
usage, input-file or output error, nothing sent; 3 stopped by the API (bad key, 403, down
past retries), or by an input-file or output error after contacts were sent; 130 Ctrl-C.";

/// What `import` and `validate` both take: the file, how to read and map
/// it, and where the reports go.
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    #[command(flatten)]
    pub read: FileArgs,
    /// A row repeating an earlier row's phone: report it as an error, or skip it.
    #[arg(long, value_parser = choice::<OnDuplicate>(), default_value_t = OnDuplicate::Error)]
    pub on_duplicate: OnDuplicate,
    /// Ignore a column that looks like a misspelt custom field title instead
    /// of stopping (columns that match no field are always ignored and
    /// named; consent columns are never ignored).
    #[arg(long)]
    pub ignore_unknown: bool,
    /// Create the tags the file names that the account does not have (once
    /// each, before anything is sent); without it an unknown tag fails its row.
    /// A dry run only lists the tags it would create.
    #[arg(long)]
    pub create_tags: bool,
    /// Also write <stem>.report.html: counts, errors by code with their
    /// first rows, rows/s and requests over time; one page, no network.
    #[arg(long)]
    pub html: bool,
    /// Also write the results as a workbook, <stem>.results.xlsx, beside
    /// the CSV: every cell text, so phones and ids show as they are.
    #[arg(long)]
    pub results_xlsx: bool,
    /// What a row's tags do to the contact's tags: add to them (default),
    /// replace them (default for hmbulk's own export, whose tags cell is
    /// the whole set), or remove them. A map file may say `tags_mode`.
    #[arg(long, value_name = "MODE", value_parser = choice::<TagsMode>())]
    pub tags: Option<TagsMode>,
}

/// Default of `--concurrency`.
const DEFAULT_CONCURRENCY: u16 = 4;

#[derive(Debug, clap::Args)]
#[command(after_help = USAGE)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// upsert: update existing contacts, create the rest; create: skip existing
    /// phones; update: skip new ones.
    #[arg(long, value_parser = choice::<Mode>(), default_value_t = Mode::default())]
    pub mode: Mode,
    /// API generation to write with.
    #[arg(long, value_parser = choice::<ApiVersion>(), default_value_t = ApiVersion::default())]
    pub api: ApiVersion,
    /// Contacts per write call (at most 1000).
    #[arg(long, default_value_t = MAX_BATCH as u16, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub batch_size: u16,
    /// Batches in flight at once.
    #[arg(long, default_value_t = DEFAULT_CONCURRENCY, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Validate and report; send nothing (= hmbulk validate).
    #[arg(long)]
    pub dry_run: bool,
    /// Blank cells: keep the contact's current value, or clear it.
    #[arg(long, value_parser = choice::<BlankPolicy>(), default_value_t = BlankPolicy::Keep)]
    pub blank: BlankPolicy,
    /// Finish an import that stopped (the API, Ctrl-C, kill -9, power loss)
    /// with the same options: its journal beside the reports says what was
    /// sent; rows in flight are settled by a search, never created twice.
    #[arg(long, conflicts_with_all = ["restart", "dry_run"])]
    pub resume: bool,
    /// Start the import over although a stopped run's journal is beside the
    /// reports (the journal is deleted; contacts already sent are found).
    #[arg(long, conflicts_with = "dry_run")]
    pub restart: bool,
    /// Do not add the rows' other phones and emails (second phone/email
    /// columns, channel:phone / channel:email) to their contacts as channels
    /// (which costs a request or two per such contact).
    #[arg(long)]
    pub no_channels: bool,
    /// Search every batch's phones before writing it (the old way: two
    /// requests a batch of new contacts), instead of sending batches of
    /// new contacts as creates first once the API has refused a create
    /// whose phone exists.
    #[arg(long)]
    pub search_first: bool,
    #[command(flatten)]
    pub api_args: ApiArgs,
}

impl Args {
    /// `validate`: a dry run with the import-only settings at their defaults.
    pub fn dry_run(input: InputArgs, api_args: ApiArgs) -> Args {
        Args {
            input,
            mode: Mode::default(),
            api: ApiVersion::default(),
            batch_size: MAX_BATCH as u16,
            concurrency: DEFAULT_CONCURRENCY,
            dry_run: true,
            blank: BlankPolicy::default(),
            resume: false,
            restart: false,
            no_channels: true,
            search_first: false,
            api_args,
        }
    }
}

impl Args {
    /// What the engine's run is asked.
    fn plan(&self) -> Plan {
        let input = &self.input;
        Plan {
            file: input.read.plan(),
            on_duplicate: input.on_duplicate,
            ignore_unknown: input.ignore_unknown,
            create_tags: input.create_tags,
            html: input.html,
            results_xlsx: input.results_xlsx,
            progress: input.read.progress,
            quiet: self.api_args.quiet,
            tags: input.tags,
            mode: self.mode,
            api: self.api,
            batch_size: self.batch_size as usize,
            concurrency: self.concurrency as usize,
            dry_run: self.dry_run,
            blank: self.blank,
            resume: self.resume,
            restart: self.restart,
            channels: !self.no_channels,
            search_first: self.search_first,
            resume_command: command_line("--resume"),
        }
    }
}

pub fn run(args: Args) -> Outcome {
    let input = crate::cli::open_input(&args.input.read.file, args.input.create_tags)?;
    let opened = import::open(args.plan(), input)?;
    // A client when sending, and for a dry run when credentials are at hand
    // (to check custom field, tag and member names; it never writes).
    let sandbox = args.api_args.sandbox()?;
    let client = args.api_args.client(sandbox.as_ref(), args.dry_run)?;
    // From here on tags and contacts may be written: the exit code of a
    // failure depends on whether any were.
    let mapped = opened.map(client.as_ref());
    mapped
        .and_then(|mapped| import(&args, mapped, sandbox.as_ref(), client.as_ref()))
        .map_err(|error| Failure::new(error, client.as_ref().is_some_and(Client::has_written)))
}

/// The run from the plan of columns on: show it, have it confirmed (or
/// edited), run it, and say how it went.
fn import(
    args: &Args,
    mut mapped: Mapped,
    sandbox: Option<&Sandbox>,
    client: Option<&Client>,
) -> Result<Exit> {
    let quiet = args.api_args.quiet;
    let shown = mapped.shown().to_path_buf();
    let show = |mapped: &Mapped, map: Option<&Path>| {
        let sheet = mapped.sheet();
        print_mapping(mapped.mapping(), map, mapped.tags_mode(), sheet.as_deref());
    };
    if !quiet {
        show(&mapped, mapped.found_map());
        mapped.titles().iter().for_each(|note| say!("{note}"));
    }
    // A plan that needed guesses is confirmed first (or stops).
    let in_file =
        |e| hmbulk_engine::error::Error::input(&shown, format!("{}: {e}", shown.display()));
    if let Answer::Edited(map) = confirm(mapped.mapping(), mapped.settings()).map_err(in_file)? {
        mapped.remap(&map, client)?;
        if !quiet {
            show(&mapped, Some(map.path()));
        }
    }
    let interrupt = crate::cli::interrupt_on_ctrl_c();
    let tell = |line: &str| {
        if !quiet {
            say!("{line}");
        }
    };
    let outcome = mapped.run(client, &interrupt, &tell)?;
    let sent = client.is_some_and(Client::has_written);
    let exit = exit_of(&outcome, sent);
    print_end(args, &shown, &outcome, sandbox, exit)?;
    Ok(exit)
}

/// The exit code of a run that ended.
fn exit_of(outcome: &ImportOutcome, sent: bool) -> Exit {
    let result = &outcome.result;
    let moved = result.summary.reports_moved.is_some();
    match &result.fatal {
        // The journal failed before anything was sent: nothing changed.
        Some(Halt::Journal(_)) if !sent => Exit::Usage,
        Some(_) => Exit::Fatal,
        None if result.interrupted => Exit::Interrupted,
        // The reports are elsewhere: a script looking for them must know.
        None if moved && sent => Exit::Fatal,
        None if moved => Exit::Usage,
        None if result.summary.rows_failed > 0 => Exit::RowsFailed,
        None => Exit::Ok,
    }
}
