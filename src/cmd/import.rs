//! `hmbulk import` and `hmbulk validate`: a spreadsheet of contacts into
//! Heymarket, with a results report, an error report that can be fixed and
//! imported again as it is, and a JSON summary.

use std::path::PathBuf;

use crate::api::ApiVersion;
use crate::batch::Mode;
use crate::catalog::Catalog;
use crate::cli::ApiArgs;
use crate::config::Config;
use crate::contact::{BlankPolicy, Validator};
use crate::error::{Error, Exit, Result};
use crate::mapping::{MapFile, Mapping};
use crate::phone::PhoneNormaliser;
use crate::pipeline::{self, ImportSettings, OnDuplicate};
use crate::progress::Progress;
use crate::report::{ReportPaths, Reporter, Summary};
use crate::sandbox::Sandbox;

/// Most contacts one write call takes (the simulator's documented profile;
/// a smaller limit is found by splitting when the API refuses a size).
pub const MAX_BATCH: usize = 1000;

pub const USAGE: &str = "\
Examples:
  hmbulk import people.csv                        upsert every row (HEYMARKET_SECRET_ID/KEY or HEYMARKET_API_KEY)
  hmbulk import people.csv --sandbox              the same against a local simulator, no key needed
  hmbulk validate people.csv                      check every row; nothing is sent
  hmbulk import people.errors.csv                 re-import the fixed error report as it is
  hmbulk import crm.csv --map crm.toml --mode create --report-dir reports/

Reports: <stem>.results.csv, <stem>.errors.csv, <stem>.summary.json next to the input
(or in --report-dir). Exit codes: 0 all rows ok; 1 some rows failed; 2 usage or input
error, nothing sent; 3 stopped by the API (bad key, 403, down past retries).";

#[derive(Debug, clap::Args)]
#[command(after_help = USAGE)]
pub struct Args {
    /// The CSV file (any encoding and delimiter Excel writes).
    pub file: PathBuf,
    /// upsert: update existing contacts, create the rest; create: skip existing
    /// phones; update: skip new ones.
    #[arg(long, value_enum, default_value_t = Mode::Upsert)]
    pub mode: Mode,
    /// API generation to write with.
    #[arg(long, value_enum, default_value_t = ApiVersion::V2)]
    pub api: ApiVersion,
    /// Contacts per write call (at most 1000).
    #[arg(long, default_value_t = MAX_BATCH as u16, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub batch_size: u16,
    /// Batches in flight at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Region for phone numbers written without a country code (ISO code).
    #[arg(long, default_value = "US")]
    pub default_region: String,
    /// TOML file mapping column headers to fields: [columns] "Header" = "phone" | "custom:12" | "ignore" ...
    #[arg(long, value_name = "MAP.toml")]
    pub map: Option<PathBuf>,
    /// Validate and report; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Directory for the reports (default: next to the input file).
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// A row repeating an earlier row's phone: report it as an error, or skip it.
    #[arg(long, value_enum, default_value_t = OnDuplicate::Error)]
    pub on_duplicate: OnDuplicate,
    /// Blank cells: keep the contact's current value, or clear it.
    #[arg(long, value_enum, default_value_t = BlankPolicy::Keep)]
    pub blank: BlankPolicy,
    /// Field delimiter (default: sniffed among , ; tab |).
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Ignore columns that match no field instead of stopping.
    #[arg(long)]
    pub ignore_unknown: bool,
    /// Start the reports with a UTF-8 BOM (for Excel).
    #[arg(long)]
    pub bom: bool,
    /// Show progress even when stderr is not a terminal.
    #[arg(long)]
    pub progress: bool,
    #[command(flatten)]
    pub api_args: ApiArgs,
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

pub fn run(args: Args, validate_only: bool) -> Result<Exit> {
    let dry_run = args.dry_run || validate_only;
    let reader = Config::new(&args.file).delimiter(args.delimiter).reader()?;
    let paths = ReportPaths::for_input(&args.file, args.report_dir.as_deref());
    if [&paths.results, &paths.errors, &paths.summary]
        .iter()
        .any(|p| same_file(p, &args.file))
    {
        return Err(Error::usage(format!(
            "the reports would overwrite the input {}; pass --report-dir",
            args.file.display()
        )));
    }
    let phones = PhoneNormaliser::new(&args.default_region)?;
    let map_file = args.map.as_deref().map(MapFile::load).transpose()?;
    let in_file = |e: Error| Error::usage(format!("{}: {e}", args.file.display()));

    // A client when sending, and for a dry run when credentials are at hand
    // (to check custom field, tag and member names; it never writes).
    let sandbox = if args.api_args.sandbox {
        Some(Sandbox::start()?)
    } else {
        None
    };
    let client = args.api_args.client(sandbox.as_ref(), dry_run)?;
    // A dry run goes on offline at once when the API is out of reach.
    let (catalog, offline_note) = match &client {
        Some(c) if dry_run => c.catalog_or_offline()?,
        Some(c) => (c.catalog()?, None),
        None => (Catalog::offline(), None),
    };
    let mapping = Mapping::build(
        reader.headers(),
        &catalog,
        map_file.as_ref(),
        args.ignore_unknown,
    )
    .map_err(|e| {
        if catalog.online {
            in_file(e)
        } else {
            let why = offline_note.clone().unwrap_or_else(|| {
                "no credentials, so custom field names could not be read from the API: set \
                 HEYMARKET_API_KEY or HEYMARKET_SECRET_ID/KEY, or name columns custom:<id>"
                    .into()
            });
            in_file(Error::usage(format!("{e}\n({why})")))
        }
    })?;
    let mut reporter = Reporter::create(paths, reader.headers(), args.bom)?;
    reporter.summary.dry_run = dry_run;
    reporter.summary.notes.extend(offline_note);
    reporter.summary.mode = format!("{:?}", args.mode).to_lowercase();
    reporter.summary.api = format!("{:?}", args.api).to_lowercase();
    let validator = Validator::new(mapping, catalog, phones, args.blank);
    let settings = ImportSettings {
        mode: args.mode,
        api: args.api,
        batch_size: args.batch_size as usize,
        concurrency: args.concurrency as usize,
        on_duplicate: args.on_duplicate,
    };
    let label = if dry_run { "validate" } else { "import" };
    let file_size = std::fs::metadata(&args.file).map(|m| m.len()).ok();
    let progress = Progress::new(label, file_size, args.progress, args.api_args.quiet);
    let sending = if dry_run { None } else { client.as_ref() };
    let interrupt = crate::cli::interrupt_on_ctrl_c();
    let result = pipeline::run(
        reader, &validator, sending, &settings, reporter, &progress, &interrupt,
    )?;
    progress.finish();

    print_summary(&args, &result.summary, sandbox.as_ref())?;
    Ok(match result.fatal {
        Some(e) => {
            eprintln!("hmbulk: stopped: {}", crate::redact::clean(&e.to_string()));
            Exit::Fatal
        }
        None if result.interrupted => Exit::Interrupted,
        None if result.summary.rows_failed > 0 => Exit::RowsFailed,
        None => Exit::Ok,
    })
}

fn print_summary(args: &Args, s: &Summary, sandbox: Option<&Sandbox>) -> Result<()> {
    if args.api_args.json {
        let json = serde_json::to_string_pretty(s).map_err(std::io::Error::from)?;
        println!("{json}");
    }
    if args.api_args.quiet {
        return Ok(());
    }
    let verb = if s.dry_run { "validated" } else { "imported" };
    let mut line = format!(
        "{verb} {}: {} rows read, {} ok",
        args.file.display(),
        s.rows_read,
        s.rows_ok
    );
    if s.dry_run {
        line += &format!(" ({} valid, {} skipped)", s.valid, s.skipped);
    } else {
        line += &format!(
            " ({} created, {} updated, {} skipped)",
            s.created, s.updated, s.skipped
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
    for note in &s.notes {
        eprintln!("note: {note}");
    }
    if let Some(r) = &s.reports {
        eprintln!("results: {}", r.results.display());
        eprintln!("errors:  {}", r.errors.display());
        eprintln!("summary: {}", r.summary.display());
    }
    if let Some(sb) = sandbox {
        eprintln!(
            "sandbox: the local simulator at {} now holds {} contacts; it stops when hmbulk exits",
            sb.url(),
            sb.contact_count()
        );
    }
    Ok(())
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
