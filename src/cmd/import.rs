//! `hmbulk import` and `hmbulk validate`: a spreadsheet of contacts into
//! Heymarket, with a results report, an error report that can be fixed and
//! imported again as it is, and a JSON summary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cli::{ApiArgs, choice};
use crate::exit::{Exit, Failure, Outcome};
use crate::input_file::InputFile;
use crate::output;
use crate::run_report;
use crate::sandbox::Sandbox;
use hmbulk_engine::api::ApiVersion;
use hmbulk_engine::api::{ApiError, Client};
use hmbulk_engine::atomic_file::{AtomicFile, Placed};
use hmbulk_engine::batch::{Halt, Mode, Strategy};
use hmbulk_engine::catalog::{Catalog, Tag};
use hmbulk_engine::config::Config;
use hmbulk_engine::contact::tags::tag_names;
use hmbulk_engine::contact::{BlankPolicy, Validator};
use hmbulk_engine::error::{Error, Result};
use hmbulk_engine::input::RowReader;
use hmbulk_engine::journal::{self, Header, InputId, Journal, Resume};
use hmbulk_engine::mapping::{self, Field, MapFile, Mapping, Settings, layouts, quoted_list};
use hmbulk_engine::phone::PhoneNormaliser;
use hmbulk_engine::pipeline::{self, ImportSettings, OnDuplicate};
use hmbulk_engine::progress::Progress;
use hmbulk_engine::report::{IgnoredColumn, NO_ROWS, ReportPaths, Reporter, Summary};
use hmbulk_engine::report_html;

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
    /// The CSV file (any encoding and delimiter Excel writes) or vCard file
    /// (Apple Contacts, iCloud, Google, Outlook: one row per card); `-` reads
    /// standard input (reports: stdin.* in --report-dir, or the current folder).
    pub file: PathBuf,
    /// Region for phone numbers written without a country code, when the row
    /// has no country column: an ISO code (default US, or the mapping file's), or
    /// `none` to make such numbers row errors (`phone_needs_country`).
    #[arg(long, value_name = "CC")]
    pub default_region: Option<String>,
    /// TOML file mapping column headers to fields: [columns] "Header" = "phone" | "custom:12" | "ignore" ...
    #[arg(long, value_name = "MAP.toml")]
    pub map: Option<PathBuf>,
    /// Directory for the reports, created if missing (default: next to the input file).
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// A row repeating an earlier row's phone: report it as an error, or skip it.
    #[arg(long, value_parser = choice::<OnDuplicate>(), default_value_t = OnDuplicate::Error)]
    pub on_duplicate: OnDuplicate,
    /// Field delimiter (default: sniffed among , ; tab |).
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Ignore columns that match no field instead of stopping (each is named).
    #[arg(long)]
    pub ignore_unknown: bool,
    /// Create the tags the file names that the account does not have (once
    /// each, before anything is sent); without it an unknown tag fails its row.
    /// A dry run only lists the tags it would create.
    #[arg(long)]
    pub create_tags: bool,
    /// Start the reports with a UTF-8 BOM (for Excel).
    #[arg(long)]
    pub bom: bool,
    /// Also write <stem>.report.html: counts, errors by code with their
    /// first rows, rows/s and requests over time; one page, no network.
    #[arg(long)]
    pub html: bool,
    /// Show progress even when stderr is not a terminal.
    #[arg(long)]
    pub progress: bool,
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

pub fn parse_delimiter(s: &str) -> std::result::Result<u8, String> {
    match s {
        "\\t" | "tab" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "a delimiter is one ASCII character (or `tab`), not {s:?}"
        )),
    }
}

/// The region used when `--default-region` is not given and no mapping file says.
const DEFAULT_REGION: &str = "US";

pub fn run(args: Args) -> Outcome {
    let dry_run = args.dry_run;
    let input = InputFile::new(&args.input.file, args.input.create_tags)?;
    let reader = input.config(args.input.delimiter).reader()?;
    let paths = ReportPaths::for_input(input.report_base(), args.input.report_dir.as_deref());
    if let Some(file) = input.file()
        && [
            &paths.results,
            &paths.errors,
            &paths.summary,
            &paths.mapping,
        ]
        .iter()
        .any(|p| same_file(p, file))
    {
        return Err(Error::usage(format!(
            "the reports would overwrite the input {}; pass --report-dir",
            file.display()
        ))
        .into());
    }
    // A stopped run's journal: resume it, start over, or stop here.
    if !dry_run && (args.resume || input.file().is_some_and(Path::is_file)) {
        check_journal(&args, input.shown(), &journal::path_for(&paths))?;
    }
    // The map: --map, or the mapping file the run that wrote this error
    // report left beside it.
    let found_map = match (&args.input.map, input.file()) {
        (None, Some(file)) => mapping::for_error_report(file),
        _ => None,
    };
    let map_file = args
        .input
        .map
        .as_deref()
        .or(found_map.as_deref())
        .map(MapFile::load)
        .transpose()?;
    let region = args
        .input
        .default_region
        .clone()
        .or_else(|| map_file.as_ref()?.settings.default_region.clone())
        .unwrap_or_else(|| DEFAULT_REGION.to_string());
    let phones = PhoneNormaliser::new(&region)?.e164_digits(layouts::e164_digits(reader.headers()));

    // A client when sending, and for a dry run when credentials are at hand
    // (to check custom field, tag and member names; it never writes).
    let sandbox = args.api_args.sandbox()?;
    let client = args.api_args.client(sandbox.as_ref(), dry_run)?;
    let prepared = Prepared {
        dry_run,
        input,
        reader,
        paths,
        map_file,
        found_map,
        region,
        phones,
    };
    // From here on tags and contacts may be written: the exit code of a
    // failure depends on whether any were.
    import(&args, prepared, sandbox.as_ref(), client.as_ref())
        .map_err(|error| Failure::new(error, client.as_ref().is_some_and(Client::has_written)))
}

/// What [`run`] prepares before it talks to the API.
struct Prepared {
    dry_run: bool,
    input: InputFile,
    reader: RowReader,
    paths: ReportPaths,
    map_file: Option<MapFile>,
    /// The mapping file found beside an error report, when no --map was given.
    found_map: Option<PathBuf>,
    region: String,
    phones: PhoneNormaliser,
}

/// The run from the account's catalog on: map the columns, create tags,
/// validate, send and report.
fn import(
    args: &Args,
    p: Prepared,
    sandbox: Option<&Sandbox>,
    client: Option<&Client>,
) -> Result<Exit> {
    let dry_run = p.dry_run;
    let quiet = args.api_args.quiet;
    let shown = p.input.shown();
    let in_file = |e: Error| Error::input(shown, format!("{}: {e}", shown.display()));
    // A dry run goes on offline at once when the API is out of reach.
    let (mut catalog, offline_note) = match client {
        Some(c) if dry_run => c.catalog_or_offline()?,
        Some(c) => (c.catalog()?, None),
        None => (Catalog::offline(), None),
    };
    let mapping = Mapping::build(
        p.reader.headers(),
        &catalog,
        p.map_file.as_ref(),
        args.input.ignore_unknown,
    )
    .map_err(|e| match (&offline_note, catalog.online) {
        (Some(why), false) => in_file(Error::usage(format!("{e}\n({why})"))),
        _ => in_file(e),
    })?;
    let titles = p.reader.title_lines().map(|(lines, header)| {
        format!(
            "the header is on line {header}: the {} above it, a report's title, were skipped",
            mapping::count(lines as usize, "line")
        )
    });
    if !quiet {
        print_mapping(&mapping, p.found_map.as_deref());
        titles.iter().for_each(|note| eprintln!("{note}"));
    }
    let settings = Settings {
        default_region: Some(p.region.to_ascii_uppercase()),
        layout: mapping.layout().map(|l| l.id.to_string()),
        source: p
            .input
            .file()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned()),
    };
    if let Some(dir) = &args.input.report_dir {
        std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
    }
    // The journal, before anything is written (tags included). Standard
    // input or a pipe cannot be read again: no journal, no resume.
    let rereadable = p.input.file().is_some_and(Path::is_file);
    let (journal, resume) = match p.input.file() {
        Some(file) if !dry_run && rereadable => {
            let options = journal_settings(args, &mapping, &settings);
            open_journal(args, file, &journal::path_for(&p.paths), options)?
        }
        _ => (None, None),
    };
    if let Some(r) = &resume
        && !quiet
    {
        eprintln!(
            "resuming the run of {} begun {}: {} rows decided, {} to settle by a search, the \
             rest to send",
            shown.display(),
            r.header.started,
            r.decided(),
            r.in_flight()
        );
    }
    let tags_created = if args.input.create_tags && catalog.online {
        let missing = missing_tags(&p.input.config(args.input.delimiter), &mapping, &catalog)?;
        match client.filter(|_| !dry_run) {
            Some(client) => create_tags(client, &mut catalog, &missing, quiet)?,
            None => missing,
        }
    } else {
        Vec::new()
    };
    let mut paths = p.paths;
    let mapping_placed = write_mapping(&paths.mapping, &mapping, &settings)?;
    paths.mapping = mapping_placed.path;

    let mut reporter = Reporter::create(paths, p.reader.headers(), args.input.bom)?;
    let s = &mut reporter.summary;
    s.reports_moved = mapping_placed.moved;
    s.dry_run = dry_run;
    s.notes.extend(offline_note);
    s.notes.extend(titles);
    s.mode = args.mode.to_string();
    s.api = args.api.to_string();
    describe(
        s,
        &mapping,
        tags_created,
        args.input.create_tags && !catalog.online,
    );
    let validator = Validator::new(mapping, catalog, p.phones, args.blank)
        .with_create_tags(args.input.create_tags && dry_run)
        .with_channels(!args.no_channels);
    let strategy = Strategy::new(args.search_first);
    let settings = ImportSettings {
        mode: args.mode,
        api: args.api,
        batch_size: args.batch_size as usize,
        concurrency: args.concurrency as usize,
        on_duplicate: args.input.on_duplicate,
        journal: journal.as_ref(),
        resume: resume.as_ref(),
        strategy: Some(&strategy),
        held_budget: pipeline::HELD_BUDGET,
    };
    let label = if dry_run { "validate" } else { "import" };
    let progress = Progress::new(label, p.input.size(), args.input.progress, quiet);
    let sending = if dry_run { None } else { client };
    let interrupt = crate::cli::interrupt_on_ctrl_c();
    let (result, timeline) = report_html::sample_while(
        Duration::from_secs(1),
        || run_report::counters(&progress, sending),
        || {
            pipeline::run(
                p.reader, &validator, sending, &settings, reporter, &progress, &interrupt,
            )
        },
    );
    progress.finish();
    let result = match result {
        Ok(r) => r,
        // The rest of the file cannot be read, so it cannot be resumed:
        // the message says to fix the file and import it again.
        Err(e @ Error::Input { .. }) => {
            if let Some(j) = journal {
                j.finish()?;
            }
            return Err(e);
        }
        Err(e) => return Err(e),
    };

    let moved = result.summary.reports_moved.clone();
    let sent = client.is_some_and(Client::has_written);
    let exit = match &result.fatal {
        // The journal failed before anything was sent: nothing changed.
        Some(Halt::Journal(_)) if !sent => Exit::Usage,
        Some(_) => Exit::Fatal,
        None if result.interrupted => Exit::Interrupted,
        // The reports are elsewhere: a script looking for them must know.
        None if moved.is_some() && sent => Exit::Fatal,
        None if moved.is_some() => Exit::Usage,
        None if result.summary.rows_failed > 0 => Exit::RowsFailed,
        None => Exit::Ok,
    };
    let s = &result.summary;
    if s.rows_read == 0 && s.stopped.is_none() {
        // Even with --quiet: a nightly job fed an empty export should say so.
        eprintln!(
            "hmbulk: warning: {} has a header line but no data rows: nothing was {}",
            p.input.shown().display(),
            if dry_run { "checked" } else { "sent" }
        );
    }
    let html = if args.input.html {
        let command = if dry_run { "validate" } else { "import" };
        Some(run_report::write(command, p.input.shown(), s, &timeline)?)
    } else {
        None
    };
    print_summary(args, p.input.shown(), s, sandbox, exit)?;
    if let Some(path) = html.filter(|_| !args.api_args.quiet) {
        eprintln!("report:  {}", path.display());
    }
    let stopped = result.fatal.is_some() || result.interrupted;
    let journal_path = journal.as_ref().map(|j| j.path().to_path_buf());
    if stopped {
        print_stop(&result, journal_path.as_deref());
    } else if let (Some(j), None) = (journal, &moved) {
        j.finish()?;
    }
    if let Some(why) = &moved {
        let dir = s
            .reports
            .as_ref()
            .and_then(|r| r.results.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        eprintln!(
            "hmbulk: {}; the reports were written to {} instead (see the paths above)",
            hmbulk_engine::redact::clean(why),
            dir.display()
        );
        if !stopped && journal_path.is_some() {
            eprintln!(
                "hmbulk: once there is room, `{}` writes them in place (nothing is sent again)",
                command_line("--resume")
            );
        }
    }
    Ok(exit)
}

/// Before anything is sent: a journal beside the reports means a run
/// stopped. `--resume` goes on with it, `--restart` deletes it, and
/// without either the run stops here and says so.
fn check_journal(args: &Args, shown: &Path, path: &Path) -> Result<()> {
    let exists = path.exists();
    let file = shown.display();
    if args.resume && !exists {
        return Err(Error::usage(format!(
            "nothing to resume: there is no {} (a finished run removes its journal; a run \
             with --report-dir keeps it there, so pass the same --report-dir); run without \
             --resume to import {file}",
            path.display()
        )));
    }
    if !exists || args.resume {
        return Ok(());
    }
    if args.restart {
        return journal::remove(path);
    }
    let began = journal::started(path)
        .map(|t| format!(" (begun {t})"))
        .unwrap_or_default();
    Err(Error::usage(format!(
        "a run importing {file}{began} stopped before it finished: {} says what it sent. \
         Run `{}` to finish it (with the same options), or add --restart to start over \
         (or delete {})",
        path.display(),
        command_line("--resume"),
        path.display()
    )))
}

/// The options that decide row outcomes, which a resumed run must share.
fn journal_settings(
    args: &Args,
    mapping: &Mapping,
    settings: &Settings,
) -> std::collections::BTreeMap<String, String> {
    let rendered = mapping::render(mapping, settings);
    [
        ("mode", args.mode.to_string()),
        ("api", args.api.to_string()),
        ("on_duplicate", args.input.on_duplicate.to_string()),
        ("blank", args.blank.to_string()),
        ("create_tags", args.input.create_tags.to_string()),
        ("channels", (!args.no_channels).to_string()),
        ("mapping", journal::digest(rendered.as_bytes())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Start this run's journal, or open the stopped run's (`--resume`) after
/// checking that the file and the options are the same.
fn open_journal(
    args: &Args,
    file: &Path,
    path: &Path,
    options: std::collections::BTreeMap<String, String>,
) -> Result<(Option<Journal>, Option<Resume>)> {
    let input = InputId::of(file)?;
    if args.resume {
        let (journal, resume) = Journal::resume(path)?;
        let Some(resume) = resume else {
            // Stopped before its first line was written: nothing was sent.
            journal.begin(&Header::new(input, options))?;
            return Ok((Some(journal), None));
        };
        resume.check_input(&input, path)?;
        resume.check_settings(&options, path)?;
        Ok((Some(journal), Some(resume)))
    } else {
        let journal = Journal::create(path, &Header::new(input, options))?;
        Ok((Some(journal), None))
    }
}

/// After a stop: how many rows were left, and the command that finishes
/// the file.
fn print_stop(result: &pipeline::RunResult, journal: Option<&Path>) {
    let s = &result.summary;
    let count = |code: &str| s.errors_by_code.get(code).copied().unwrap_or(0);
    match &result.fatal {
        Some(e) => eprintln!(
            "hmbulk: stopped: {}",
            hmbulk_engine::redact::clean(&e.to_string())
        ),
        None => eprintln!("hmbulk: stopped: interrupted (Ctrl-C)"),
    }
    let (not_sent, unconfirmed) = (count("not_sent"), count("unconfirmed"));
    let mut left = format!("{not_sent} rows were not sent (not_sent)");
    if unconfirmed > 0 {
        left += &format!(
            " and {unconfirmed} were sent but not confirmed (unconfirmed: may or may not be stored)"
        );
    }
    eprintln!("hmbulk: {left}; every row of the file is in the reports.");
    let when = match &result.fatal {
        Some(Halt::Journal(_)) => "once there is room for the journal again, ",
        Some(Halt::Api(_)) => "once the API answers again, ",
        None => "",
    };
    match journal {
        Some(j) => eprintln!(
            "hmbulk: {when}to finish the file, run:\n    {}\n(the journal {} remembers what \
             was sent; rows in flight are settled by a search, never created twice)",
            command_line("--resume"),
            j.display()
        ),
        None => eprintln!(
            "hmbulk: to finish the file, import the error report again: hmbulk import {}",
            s.reports
                .as_ref()
                .map(|r| r.errors.display().to_string())
                .unwrap_or_default()
        ),
    }
}

/// This command line again with `flag` in place of `--resume`/`--restart`,
/// quoted for a POSIX shell.
fn command_line(flag: &str) -> String {
    let mut words = vec!["hmbulk".to_string()];
    words.extend(
        std::env::args()
            .skip(1)
            .filter(|a| a != "--resume" && a != "--restart")
            .map(|a| shell_quote(&a)),
    );
    words.push(flag.to_string());
    words.join(" ")
}

fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The first lines of output: the layout recognised and where each field
/// comes from, the mapping file used, and every column not used.
fn print_mapping(mapping: &Mapping, found_map: Option<&Path>) {
    let header = |i: usize| mapping.header(i).to_string();
    let phones: Vec<String> = mapping.phones().iter().map(|s| header(s.column)).collect();
    let emails: Vec<String> = mapping.emails().iter().map(|s| header(s.column)).collect();
    let countries: Vec<String> = mapping.countries().iter().map(|&i| header(i)).collect();
    let mut from = vec![format!("phone from {}", in_order(&phones))];
    if !emails.is_empty() {
        from.push(format!("email from {}", in_order(&emails)));
    }
    if !countries.is_empty() {
        from.push(format!("country from {}", in_order(&countries)));
    }
    if let Some(i) = mapping.column(Field::SmsConsent) {
        from.push(format!(
            "SMS consent from \"{}\" (no = opted out)",
            header(i)
        ));
    }
    match mapping.layout() {
        Some(layout) => eprintln!("layout: {} — {}", layout.name, from.join("; ")),
        None => eprintln!(
            "layout: none recognised, columns matched by their names — {}",
            from.join("; ")
        ),
    }
    if let Some(path) = found_map {
        eprintln!(
            "mapping: using {}, which the run that wrote this error report left beside it",
            path.display()
        );
    }
    for (reason, columns) in mapping.ignored_by_reason() {
        eprintln!("ignored ({reason}): {}", quoted_list(&columns));
    }
    if !mapping.unchecked().is_empty() {
        eprintln!(
            "not checked (no credentials, so custom field titles are unknown): {}",
            quoted_list(mapping.unchecked())
        );
    }
}

/// `"A", then "B", then "C"`.
fn in_order(headers: &[String]) -> String {
    let quoted: Vec<String> = headers.iter().map(|h| format!("\"{h}\"")).collect();
    quoted.join(", then ")
}

/// What the summary says about the mapping.
fn describe(s: &mut Summary, mapping: &Mapping, tags_created: Vec<String>, tags_offline: bool) {
    s.layout = mapping.layout().map(|l| l.id.to_string());
    s.layout_name = mapping.layout().map(|l| l.name.to_string());
    s.ignored_columns = IgnoredColumn::all(mapping);
    s.unchecked_columns = mapping.unchecked().to_vec();
    if !s.unchecked_columns.is_empty() {
        s.notes.push(format!(
            "{} could not be checked without credentials (they may be custom field titles): \
             {}; run validate with credentials (or --sandbox) to check them",
            if s.unchecked_columns.len() == 1 {
                "1 column".to_string()
            } else {
                format!("{} columns", s.unchecked_columns.len())
            },
            quoted_list(&s.unchecked_columns)
        ));
    }
    if s.dry_run && !tags_created.is_empty() {
        s.notes.push(format!(
            "--create-tags would create {} tags: {}",
            tags_created.len(),
            quoted_list(&tags_created)
        ));
    }
    if tags_offline {
        s.notes.push(
            "--create-tags: without credentials no tag could be checked or created".to_string(),
        );
    }
    s.tags_created = tags_created;
}

/// Tag names the file's tag column holds that the account does not have,
/// in the order they first appear, each once (ignoring case).
fn missing_tags(input: &Config, mapping: &Mapping, catalog: &Catalog) -> Result<Vec<String>> {
    let Some(column) = mapping.column(Field::Tags) else {
        return Ok(Vec::new());
    };
    let reader = input.reader()?;
    let known = |name: &str| {
        catalog
            .tags
            .iter()
            .any(|t| t.name.trim().eq_ignore_ascii_case(name))
            || name
                .parse::<i64>()
                .is_ok_and(|id| catalog.tag_by_id(id).is_some())
    };
    let mut missing: Vec<String> = Vec::new();
    for record in reader {
        let record = record?;
        let Some(cell) = record.cells.get(column) else {
            continue;
        };
        for name in tag_names(cell) {
            if !known(&name) && !missing.iter().any(|m| m.eq_ignore_ascii_case(&name)) {
                missing.push(name);
            }
        }
    }
    Ok(missing)
}

/// Create each missing tag once (`POST /v1/tag`) and add it to the catalog.
/// A tag another writer created meanwhile is found by reading the tags again.
fn create_tags(
    client: &Client,
    catalog: &mut Catalog,
    missing: &[String],
    quiet: bool,
) -> Result<Vec<String>> {
    let mut created = Vec::new();
    for name in missing {
        match client.create_tag(name) {
            Ok(id) => {
                catalog.tags.push(Tag {
                    id,
                    name: name.clone(),
                });
                created.push(name.clone());
            }
            // Refused, perhaps because an attempt whose answer was lost
            // created it: the tags read again say.
            Err(e) if refusal(&e).is_some() => {
                let message = refusal(&e).unwrap_or_default();
                catalog.tags = client.tags()?;
                if !catalog
                    .tags
                    .iter()
                    .any(|t| t.name.trim().eq_ignore_ascii_case(name))
                {
                    return Err(Error::Fatal(format!(
                        "--create-tags: the API refused to create the tag \"{name}\": {message}; \
                         nothing was sent"
                    )));
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    if !quiet && !created.is_empty() {
        eprintln!("created {} tags: {}", created.len(), quoted_list(&created));
    }
    Ok(created)
}

/// The API's reason when `e` refused a write (perhaps after an attempt
/// whose answer was lost).
fn refusal(e: &ApiError) -> Option<String> {
    match e {
        ApiError::Rejected { message, .. } => Some(message.clone()),
        ApiError::Unconfirmed(inner) => refusal(inner),
        _ => None,
    }
}

/// The mapping file beside the reports.
fn write_mapping(path: &Path, mapping: &Mapping, settings: &Settings) -> Result<Placed> {
    let mut file = AtomicFile::create_report(path, false)?;
    file.write_all(mapping::render(mapping, settings).as_bytes())
        .map_err(|e| Error::output(path, e))?;
    file.place()
}

fn print_summary(
    args: &Args,
    shown: &Path,
    s: &Summary,
    sandbox: Option<&Sandbox>,
    exit: Exit,
) -> Result<()> {
    if args.api_args.json {
        output::print_json(s, exit)?;
    }
    if args.api_args.quiet {
        return Ok(());
    }
    let verb = if s.dry_run { "validated" } else { "imported" };
    let mut line = format!(
        "{verb} {}: {} rows read, {} ok",
        shown.display(),
        s.rows_read,
        s.rows_ok
    );
    if s.dry_run {
        line += &format!(" ({} valid, {} skipped)", s.valid, s.skipped);
    } else {
        line += &format!(
            " ({} created, {} updated, {} unchanged, {} skipped)",
            s.created, s.updated, s.unchanged, s.skipped
        );
    }
    line += &format!(", {} failed", s.rows_failed);
    if !s.dry_run {
        line += &format!(" — {} requests in {:.1}s", s.requests, s.elapsed_s);
    }
    eprintln!("{line}");
    for (code, n) in &s.errors_by_code {
        eprintln!("  {n:>7} {code}");
    }
    for note in s.notes.iter().filter(|&n| n != NO_ROWS) {
        eprintln!("note: {note}");
    }
    for (column, n) in &s.phone_columns {
        if s.phone_columns.len() > 1 {
            eprintln!("  {n:>7} rows took their phone from \"{column}\"");
        }
    }
    if let Some(r) = &s.reports {
        eprintln!("results: {}", r.results.display());
        eprintln!("errors:  {}", r.errors.display());
        eprintln!("summary: {}", r.summary.display());
        eprintln!("mapping: {}", r.mapping.display());
    }
    if let Some(sb) = sandbox {
        eprintln!(
            "sandbox: now {} contacts, kept in {}",
            sb.contact_count(),
            sb.dir().display()
        );
    }
    Ok(())
}

pub(crate) fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
