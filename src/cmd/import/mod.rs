//! `hmbulk import` and `hmbulk validate`: a spreadsheet of contacts into
//! Heymarket, with a results report, an error report that can be fixed and
//! imported again as it is, and a JSON summary. This file is the command:
//! its usage, its `Args` and `run`; a stopped run's journal is in
//! [`resume`], what is printed in [`summary`], `--create-tags` in [`tags`].

pub(crate) mod confirm;
mod resume;
pub(crate) mod summary;
mod tags;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::cli::{ApiArgs, choice};
use crate::cmd::fix_line::FixLine;
use crate::exit::{Exit, Failure, Outcome};
use crate::input_file::InputFile;
use crate::run_report;
use crate::sandbox::Sandbox;
use confirm::{Answer, confirm};
use hmbulk_engine::api::ApiVersion;
use hmbulk_engine::api::Client;
use hmbulk_engine::batch::{Halt, Merge, Mode, Strategy};
use hmbulk_engine::catalog::{Catalog, Needs};
use hmbulk_engine::contact::columns::sample_phones;
use hmbulk_engine::contact::tags::TagsMode;
use hmbulk_engine::contact::{BlankPolicy, Validator};
use hmbulk_engine::error::{Error, Result};
use hmbulk_engine::input::RowReader;
use hmbulk_engine::input::config::Config;
use hmbulk_engine::input::workbook::HeaderCheck;
use hmbulk_engine::journal;
use hmbulk_engine::mapping::{self, Field, MapFile, Mapping, SAMPLE_ROWS, Sample, Settings};
use hmbulk_engine::phone::{ColumnSample, DigitsReading, PhoneNormaliser, PhonesSetting};
use hmbulk_engine::pipeline::{self, ImportSettings, OnDuplicate};
use hmbulk_engine::progress::Progress;
use hmbulk_engine::report::{Dialect, ReportPaths, Reporter};
use hmbulk_engine::report_html;
use resume::{check_journal, command_line, journal_settings, open_journal, print_stop};
use summary::{describe, print_mapping, print_summary};
use tags::{create_tags, missing_tags};

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
    /// The CSV file (any encoding and delimiter Excel writes), workbook
    /// (.xlsx .xlsm .xlsb .xls .ods: one sheet's rows, cells read as typed)
    /// or vCard file (Apple Contacts, iCloud, Google, Outlook: one row per
    /// card); `-` reads standard input (reports: stdin.* in --report-dir, or
    /// the current folder).
    pub file: PathBuf,
    /// The workbook sheet to read: its name, or its number (1 is the first).
    /// Default: the one sheet whose header names a phone column.
    #[arg(long, value_name = "NAME|N")]
    pub sheet: Option<String>,
    /// Region for phone numbers written without a country code, when the row
    /// has no country column: an ISO code (default US, or the mapping file's), or
    /// `none` to make such numbers row errors (`phone_needs_country`).
    #[arg(long, value_name = "CC")]
    pub default_region: Option<String>,
    /// Digits without + (442079460001): E.164 numbers, or read with the
    /// region (default auto: E.164 when the file's layout or its phone
    /// column's own numbers show it; or the mapping file's `phones`).
    #[arg(long, value_parser = choice::<PhonesSetting>())]
    pub phones: Option<PhonesSetting>,
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
    /// Start the CSV reports with a UTF-8 BOM (for Excel), whatever the
    /// input (default: with one when the input was not plain UTF-8).
    #[arg(long, overrides_with = "no_bom")]
    pub bom: bool,
    /// Never start the CSV reports with a BOM.
    #[arg(long, overrides_with = "bom")]
    pub no_bom: bool,
    /// Also write <stem>.report.html: counts, errors by code with their
    /// first rows, rows/s and requests over time; one page, no network.
    #[arg(long)]
    pub html: bool,
    /// Show progress even when stderr is not a terminal.
    #[arg(long)]
    pub progress: bool,
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

/// `--bom` / `--no-bom` (the last given wins); `None`: neither.
pub(crate) fn bom_flag(bom: bool, no_bom: bool) -> Option<bool> {
    match (bom, no_bom) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

impl InputArgs {
    /// How `input` is read: the delimiter, and for a workbook the sheet,
    /// chosen by whether the mapper (with `map`) reads its header.
    pub fn config(&self, input: &InputFile, map: Option<&MapFile>) -> Config {
        input
            .config(self.delimiter)
            .sheet(self.sheet.clone())
            .header_check(header_check(map))
    }
}

/// Does the mapper find a phone column in a header (offline, unknown
/// columns let through)? How a workbook's contacts sheet is told.
pub(crate) fn header_check(map: Option<&MapFile>) -> HeaderCheck {
    let map = map.cloned();
    Arc::new(move |headers: &[String]| {
        Mapping::build(headers, &Catalog::offline(), map.as_ref(), true).is_ok()
    })
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
    let mut reader = args.input.config(&input, map_file.as_ref()).reader()?;
    // The first rows, read ahead: the mapper's evidence (given again to
    // the pipeline).
    let sample = Sample::new(reader.peek(SAMPLE_ROWS));
    let mut paths = ReportPaths::for_input(input.report_base(), args.input.report_dir.as_deref());
    if reader.sheet().is_some() {
        paths = paths.with_workbook_errors();
    }
    if let Some(file) = input.file() {
        let reports = [
            &paths.results,
            &paths.errors,
            &paths.summary,
            &paths.mapping,
        ];
        refuse_overwriting(file, &reports)?;
    }
    // A stopped run's journal: resume it, start over, or stop here.
    if !dry_run && (args.resume || input.file().is_some_and(Path::is_file)) {
        check_journal(&args, input.shown(), &journal::path_for(&paths))?;
    }
    let (region, phones, phones_setting) = phones_for(
        args.input.default_region.as_deref(),
        args.input.phones,
        map_file.as_ref(),
    )?;

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
        sample,
        phones_setting,
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
    /// The file's first rows, the mapper's evidence.
    sample: Sample,
    phones_setting: PhonesSetting,
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
    // Only the parts of the account's catalog the file's columns can use:
    // read from the mapping made without it (where every column that may
    // be a custom field title is unchecked). A dry run goes on offline at
    // once when the API is out of reach.
    // In update and upsert a uuid column may stand in for the phone.
    let uuid_for_phone = args.mode != Mode::Create;
    let build_with = match uuid_for_phone {
        true => Mapping::build_for_updates,
        false => Mapping::build_with,
    };
    let needs = build_with(
        p.reader.headers(),
        &p.sample,
        &Catalog::offline(),
        p.map_file.as_ref(),
        args.input.ignore_unknown,
    )
    .map_or(Needs::ALL, |m| m.needs(p.map_file.is_some()));
    let needs = Needs {
        tags: needs.tags || args.input.create_tags,
        ..needs
    };
    let (catalog, offline_note) = match client {
        Some(c) if dry_run => c.catalog_or_offline(needs)?,
        Some(c) => {
            // A file that needs none of them still learns at once whether
            // the credentials work, before any row is read.
            if needs == Needs::NONE {
                c.check_credentials()?;
            }
            (c.catalog_for(needs)?, None)
        }
        None => (Catalog::offline(), None),
    };
    let build = |map_file: Option<&MapFile>| {
        build_with(
            p.reader.headers(),
            &p.sample,
            &catalog,
            map_file,
            args.input.ignore_unknown,
        )
        .map_err(|e| match (&offline_note, catalog.online) {
            (Some(why), false) => in_file(Error::usage(format!("{e}\n({why})"))),
            _ => in_file(e),
        })
    };
    let mut mapping = build(p.map_file.as_ref())?;
    let titles = p.reader.title_lines().map(|(lines, header)| {
        format!(
            "the header is on line {header}: the {} above it, a report's title, were skipped",
            mapping::count(lines as usize, "line")
        )
    });
    let mut tags_mode = tags_mode(args, p.map_file.as_ref(), &mapping)?;
    let sheet = p.reader.sheet().map(|s| s.describe());
    let (mut phones, mut reading, mut sample) =
        read_phones(p.phones, p.phones_setting, &mapping, &p.sample);
    if !quiet {
        print_mapping(
            &mapping,
            p.found_map.as_deref(),
            tags_mode,
            sheet.as_deref(),
        );
        titles.iter().for_each(|note| eprintln!("{note}"));
    }
    let mut settings = Settings {
        default_region: Some(p.region.to_ascii_uppercase()),
        phones: reading.setting().map(|s| s.to_string()),
        layout: mapping.layout().map(|l| l.id.to_string()),
        source: p
            .input
            .file()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned()),
        tags_mode: Some(tags_mode.to_string()),
    };
    // A plan that needed guesses is confirmed first (or stops).
    if let Answer::Edited(map) = confirm(&mapping, &settings).map_err(in_file)? {
        mapping = build(Some(&map))?;
        tags_mode = self::tags_mode(args, Some(&map), &mapping)?;
        settings.tags_mode = Some(tags_mode.to_string());
        (phones, reading, sample) = read_phones(phones, p.phones_setting, &mapping, &p.sample);
        settings.phones = reading.setting().map(|s| s.to_string());
        if !quiet {
            print_mapping(&mapping, Some(map.path()), tags_mode, sheet.as_deref());
        }
    }
    let phones_note = reading.note();
    let file_region = sample.file_region(phones.default_region());
    let mut catalog = catalog;
    if let Some(dir) = &args.input.report_dir {
        std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
    }
    // The journal, before anything is written (tags included). Standard
    // input or a pipe cannot be read again: no journal, no resume.
    let rereadable = p.input.file().is_some_and(Path::is_file);
    let (journal, resume) = match p.input.file() {
        Some(file) if !dry_run && rereadable => {
            let options = journal_settings(args, &mapping, &settings, p.reader.sheet());
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
        let config = args.input.config(&p.input, p.map_file.as_ref());
        let missing = missing_tags(&config, &mapping, &catalog)?;
        match client.filter(|_| !dry_run) {
            Some(client) => create_tags(client, &mut catalog, &missing, quiet)?,
            None => missing,
        }
    } else {
        Vec::new()
    };
    let dialect = Dialect::of(&p.reader, bom_flag(args.input.bom, args.input.no_bom));
    let mut reporter = Reporter::create(p.paths, p.reader.headers(), dialect)?;
    reporter.number_rows(p.reader.row_numbers());
    reporter.write_mapping(&mapping::render(&mapping, &settings))?;
    let s = &mut reporter.summary;
    s.sheet = sheet;
    s.dry_run = dry_run;
    s.notes.extend(offline_note);
    s.notes.extend(titles);
    s.notes.extend(phones_note);
    s.mode = args.mode.to_string();
    s.api = args.api.to_string();
    describe(
        s,
        &mapping,
        tags_created,
        args.input.create_tags && !catalog.online,
    );
    s.tags_mode = tags_mode.to_string();
    let merge = Merge::new(
        tags_mode,
        catalog
            .tags
            .iter()
            .map(|t| (t.id, t.name.clone()))
            .collect(),
        mapping
            .column(Field::Tags)
            .map(|i| mapping.header(i).to_string()),
    );
    let validator = Validator::new(mapping, catalog, phones, args.blank)
        .with_file_region(file_region)
        .with_tags_mode(tags_mode)
        .with_uuid_for_phone(uuid_for_phone)
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
        merge: Some(&merge),
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
    // A journal that records nothing sent goes when the run ends (nothing
    // to resume): the way on is the error report.
    let journal_path = journal
        .as_ref()
        .filter(|j| j.holds_sent())
        .map(|j| j.path().to_path_buf());
    if stopped {
        print_stop(&result, journal_path.as_deref());
    } else if let (Some(j), None) = (journal, &moved) {
        j.finish()?;
    }
    if !stopped && moved.is_none() && exit == Exit::RowsFailed && !dry_run && !quiet {
        fix_line(args, s).print();
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

/// `fix people.errors.csv and run: hmbulk import people.errors.csv …`:
/// the options that decide the rows' outcomes (the mapping, its default
/// region and the tags mode are in the mapping file beside the report).
fn fix_line(args: &Args, s: &hmbulk_engine::report::Summary) -> FixLine {
    let errors = s
        .reports
        .as_ref()
        .map(|r| r.errors.clone())
        .unwrap_or_default();
    let input = &args.input;
    FixLine::new("import", &errors)
        .value("--mode", Some(args.mode).filter(|m| *m != Mode::default()))
        .value(
            "--api",
            Some(args.api).filter(|a| *a != ApiVersion::default()),
        )
        .value("--tags", input.tags)
        .value(
            "--blank",
            Some(args.blank).filter(|b| *b != BlankPolicy::default()),
        )
        .value(
            "--on-duplicate",
            Some(input.on_duplicate).filter(|d| *d != OnDuplicate::default()),
        )
        .flag("--create-tags", input.create_tags)
        .flag("--no-channels", args.no_channels)
        .flag("--search-first", args.search_first)
        .flag("--no-bom", input.no_bom && !input.bom)
        .connection(&args.api_args.connection)
}

/// What the rows' tags do to their contacts' tags: `--tags`, else the map
/// file's `tags_mode`, else the layout's default ([`TagsMode::default_for`]).
fn tags_mode(args: &Args, map_file: Option<&MapFile>, mapping: &Mapping) -> Result<TagsMode> {
    if let Some(mode) = args.input.tags {
        return Ok(mode);
    }
    if let Some(map) = map_file
        && let Some(written) = &map.settings.tags_mode
    {
        return written.trim().parse::<TagsMode>().map_err(|e| {
            Error::usage(format!(
                "the map file {} says tags_mode = {written:?}: {e}",
                map.path().display()
            ))
        });
    }
    Ok(TagsMode::default_for(mapping.layout().map(|l| l.id)))
}

/// A usage error when one of `reports` is the input `file` itself.
pub(crate) fn refuse_overwriting(file: &Path, reports: &[&PathBuf]) -> Result<()> {
    if reports.iter().any(|p| same_file(p, file)) {
        return Err(Error::usage(format!(
            "the reports would overwrite the input {}; pass --report-dir",
            file.display()
        )));
    }
    Ok(())
}

/// The region national numbers are read in (`--default-region`, else the
/// mapping file's, else US), its phone reader, and how digits without `+`
/// are to be read (`--phones`, else the mapping file's, else auto).
pub(crate) fn phones_for(
    default_region: Option<&str>,
    phones: Option<PhonesSetting>,
    map_file: Option<&MapFile>,
) -> Result<(String, PhoneNormaliser, PhonesSetting)> {
    let settings = map_file.map(|m| &m.settings);
    let region = default_region
        .map(str::to_string)
        .or_else(|| settings?.default_region.clone())
        .unwrap_or_else(|| DEFAULT_REGION.to_string());
    let written = match settings.and_then(|s| s.phones.as_deref()) {
        Some(name) => Some(name.parse::<PhonesSetting>().map_err(|e| {
            Error::usage(format!(
                "the --map file's setting `phones = \"{name}\"`: {e}"
            ))
        })?),
        None => None,
    };
    let setting = phones.or(written).unwrap_or_default();
    let phones = PhoneNormaliser::new(&region)?;
    Ok((region, phones, setting))
}

/// How the file's digits without `+` are read ([`DigitsReading`]: the
/// user's `setting`, the layout, or a sample of the phone columns of the
/// file's first rows, `rows`), the phone reader that reads them so, and what
/// the sample showed.
pub(crate) fn read_phones(
    phones: PhoneNormaliser,
    setting: PhonesSetting,
    mapping: &Mapping,
    rows: &Sample,
) -> (PhoneNormaliser, DigitsReading, ColumnSample) {
    let layout = mapping.layout().filter(|l| l.e164_digits).map(|l| l.name);
    let sample = sample_phones(&phones, mapping, rows);
    let reading = DigitsReading::decide(setting, layout, || sample.clone());
    (phones.e164_digits(reading.e164()), reading, sample)
}

pub(crate) fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
