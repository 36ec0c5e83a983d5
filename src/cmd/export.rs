//! `hmbulk export`: every contact, exactly once, to CSV, JSON lines or an
//! `.xlsx` workbook (phones, ids and custom fields as text cells, times as
//! dates, flags as booleans; [`hmbulk_engine::input::workbook::write`]). The format
//! is `--format`, else the `--out` extension; an extension that is not the
//! format's is a usage error (so a CSV is never written into `.xlsx`).

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::cli::{ApiArgs, choice};
use crate::exit::{Exit, Outcome};
use crate::output;
use hmbulk_engine::api::ApiVersion;
use hmbulk_engine::atomic_file::{AtomicFile, CsvFile, write_json};
use hmbulk_engine::catalog::Catalog;
use hmbulk_engine::error::{Error, Result};
use hmbulk_engine::export::columns::{CatalogRead, CellKind, Columns, needs_fields};
use hmbulk_engine::export::extra::{Extra, Extras};
use hmbulk_engine::export::{CountCheck, Pager, PagerStats, Since, parse_time};
use hmbulk_engine::formula::guard;
use hmbulk_engine::input::workbook::write::SheetWriter;
use hmbulk_engine::progress::Progress;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Csv,
    Jsonl,
    Xlsx,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Xlsx => "xlsx",
        }
    }

    /// The format a file named `.<ext>` holds.
    fn of_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// The format to write: `--format`, else the one `--out`'s extension
/// names (none: CSV). An extension no format has, or another format's, is
/// a usage error.
fn format_for(out: &Path, flag: Option<Format>) -> Result<Format> {
    let ext = match out.extension() {
        Some(ext) if !is_stdout(out) => ext.to_string_lossy().into_owned(),
        _ => return Ok(flag.unwrap_or_default()),
    };
    let named = Format::of_extension(&ext);
    match (named, flag) {
        (Some(named), None) => Ok(named),
        (Some(named), Some(flag)) if named == flag => Ok(flag),
        (Some(named), Some(flag)) => Err(Error::usage(format!(
            "--out {} names a .{ext} file but --format is {}: the file would hold {} \
             that no program opening a .{ext} file expects; name it .{} or pass --format {}",
            out.display(),
            flag.name(),
            flag.name(),
            flag.name(),
            named.name()
        ))),
        (None, _) => Err(Error::usage(format!(
            "--out {}: hmbulk writes .csv, .jsonl or .xlsx files, not .{ext}; name the \
             file with one of those (for Excel, Numbers, LibreOffice or Google Sheets, \
             .xlsx or .csv)",
            out.display()
        ))),
    }
}

#[derive(Debug, clap::Args)]
#[command(after_help = USAGE)]
pub struct Args {
    /// Where to write the contacts; `-` is standard output.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// csv, jsonl or xlsx (default: from the --out extension, else csv).
    #[arg(long, value_enum)]
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

/// What `--state` remembers between runs.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    /// Newest `updated` exported.
    high_water: Option<String>,
    /// (id, rev) of the contacts exported at exactly that second.
    at_high_water: Vec<(i64, i64)>,
    exported_at: Option<String>,
}

#[derive(Debug, Serialize)]
struct ExportSummary {
    out: PathBuf,
    format: &'static str,
    contacts: u64,
    requests: u64,
    retries: u64,
    rate_limited: u64,
    elapsed_s: f64,
    contacts_per_s: f64,
    /// `/v1/contacts/count` at the end, for a full export.
    api_count: Option<u64>,
    /// "complete", "short by N", or why it was not checked.
    count_check: CountCheck,
    high_water: Option<String>,
    #[serde(flatten)]
    paging: PagerStats,
}

pub fn run(args: Args) -> Outcome {
    let started = Instant::now();
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
    let state = match &args.state {
        Some(path) if path.exists() => read_state(path)?,
        _ => State::default(),
    };
    let since = since(&args, &state)?;
    let incremental = since.updated_at_or_after.is_some();

    let extras = Extras {
        status: args.status,
        channels: args.channels,
    };
    if args.channels && args.api == ApiVersion::V1 {
        return Err(Error::usage(
            "--channels needs --api v2: channels are read by contact uuid, which v1 listings lack",
        )
        .into());
    }
    // The account's catalog, only as far as the columns need it: the
    // custom fields now, tags and team when a contact needs them.
    let mut catalog = Catalog {
        fields: match needs_fields(args.columns.as_deref()) {
            true => client.custom_fields()?,
            false => Vec::new(),
        },
        online: true,
        ..Catalog::default()
    };
    let mut catalog_read = CatalogRead::default();
    let columns = Columns::new(&catalog, args.columns.as_deref(), extras)?;
    // The count bounds how far the listing may run. An incremental export
    // can do without it (its endpoint's shape is not documented).
    let total = if incremental {
        client.count().ok()
    } else {
        Some(client.count()?)
    };
    if extras.per_contact() > 0 && !args.api_args.quiet {
        eprintln!(
            "export: {}",
            per_contact_estimate(extras, total, args.api_args.rate)
        );
    }
    let progress = Progress::new(
        "export",
        total.filter(|_| !incremental),
        args.progress,
        args.api_args.quiet,
    );

    let mut out = OutFile::create(&args.out, format, args.bom, &columns, args.raw)?;
    if format == Format::Csv {
        // Custom field titles come from the server: guarded like any cell.
        out.csv_row(&columns.header(), args.raw)?;
    }
    let mut pager = Pager::new(&client, args.api, since);
    if let Some(n) = total {
        pager.expect_about(n);
    }
    let mut write = |c: &hmbulk_engine::api::Contact| -> Result<()> {
        progress.inc(1);
        let mut contact = std::borrow::Cow::Borrowed(c);
        let extra = match extras.per_contact() {
            0 => Extra::default(),
            _ => extras.fetch(&client, contact.to_mut())?,
        };
        columns.fill_catalog(&client, &contact, &mut catalog, &mut catalog_read)?;
        match format {
            Format::Csv => out.csv_row(&columns.cells(&contact, &catalog, &extra), args.raw),
            Format::Jsonl => out.json_line(&columns.json(&contact, &catalog, &extra)),
            Format::Xlsx => out.sheet_row(&columns.cells(&contact, &catalog, &extra)),
        }
    };
    pager.run(&mut write)?;

    let (api_count, count_check) = if incremental {
        (None, CountCheck::NotChecked)
    } else {
        let mut count = client.count()?;
        if pager.exported() < count {
            // Something slipped past (contacts moved while we paged): sweep again.
            pager.repair(&mut write)?;
            count = client.count()?;
        }
        (Some(count), CountCheck::of(count, pager.exported()))
    };
    progress.finish();
    out.commit()?;

    let stats = pager.stats.clone();
    let (high_water, at_high_water) = next_start(&stats, state);
    if let Some(path) = &args.state {
        let new_state = State {
            high_water: high_water.map(fmt_time),
            at_high_water,
            exported_at: Some(fmt_time(Utc::now())),
        };
        write_json(path, &new_state)?;
    }
    let elapsed_s = started.elapsed().as_secs_f64();
    let summary = ExportSummary {
        out: args.out.clone(),
        format: format.name(),
        contacts: stats.exported,
        requests: client.requests(),
        retries: client
            .stats
            .retries
            .load(std::sync::atomic::Ordering::Relaxed),
        rate_limited: client
            .stats
            .rate_limited
            .load(std::sync::atomic::Ordering::Relaxed),
        elapsed_s,
        contacts_per_s: if elapsed_s > 0.0 {
            stats.exported as f64 / elapsed_s
        } else {
            0.0
        },
        api_count,
        count_check,
        high_water: high_water.map(fmt_time),
        paging: stats,
    };
    let exit = if count_check.is_short() {
        Exit::RowsFailed
    } else {
        Exit::Ok
    };
    if args.api_args.json {
        output::print_json(&summary, exit)?;
    }
    if !args.api_args.quiet {
        eprintln!(
            "exported {} contacts to {} in {:.1}s ({} requests); count check: {}",
            summary.contacts,
            if to_stdout {
                Path::new(output::STDOUT)
            } else {
                &args.out
            }
            .display(),
            elapsed_s,
            summary.requests,
            count_check
        );
    }
    Ok(exit)
}

/// `--out -`.
fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// What `--status` / `--channels` cost: requests per contact, and the time
/// for `total` contacts at `rate` requests per minute.
fn per_contact_estimate(extras: Extras, total: Option<u64>, rate: u32) -> String {
    let per = extras.per_contact();
    let what = match (extras.status, extras.channels) {
        (true, true) => "--status and --channels cost two requests per contact",
        (true, false) => "--status costs one request per contact",
        _ => "--channels costs one request per contact",
    };
    match (total, rate) {
        (Some(n), 0) => format!("{what}: {} requests, with no rate limit", n * per),
        (Some(n), r) => format!(
            "{what}: {} requests for {n} contacts, about {} at {r}/min",
            n * per,
            hmbulk_engine::lookup::duration_words((n * per) as f64 * 60.0 / f64::from(r))
        ),
        (None, _) => format!("{what} (at 500/min, 30,000 contacts take an hour per request kind)"),
    }
}

fn since(args: &Args, state: &State) -> Result<Since> {
    if let Some(ts) = &args.updated_since {
        let t = parse_time(ts).ok_or_else(|| {
            Error::usage(format!(
                "--updated-since {ts:?} is not a time: write 2026-11-01T00:00:00Z or 2026-11-01"
            ))
        })?;
        return Ok(Since {
            updated_at_or_after: Some(t),
            already_exported: HashSet::new(),
        });
    }
    Ok(Since {
        updated_at_or_after: state.high_water.as_deref().and_then(parse_time),
        already_exported: state.at_high_water.iter().copied().collect(),
    })
}

/// Where the next `--state` run begins: the newest `updated` the listing
/// showed when this run began (never a later one: a contact changed during
/// the run has a newer `updated` and is exported again next time), with the
/// contacts written at that second; or the previous state's, when it is
/// newer or no contact was listed. At the same second, both lists count.
fn next_start(stats: &PagerStats, previous: State) -> (Option<DateTime<Utc>>, Vec<(i64, i64)>) {
    let before = previous.high_water.as_deref().and_then(parse_time);
    match (stats.high_water, before) {
        (Some(now), Some(then)) if now < then => (Some(then), previous.at_high_water),
        (Some(now), Some(then)) if now == then => {
            let mut both = previous.at_high_water;
            both.extend(stats.at_high_water.iter().copied());
            both.sort_unstable();
            both.dedup();
            (Some(now), both)
        }
        (Some(now), _) => (Some(now), stats.at_high_water.clone()),
        (None, then) => (then, previous.at_high_water),
    }
}

fn read_state(path: &Path) -> Result<State> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::usage(format!(
            "cannot read the state file {}: {e}",
            path.display()
        ))
    })?;
    // The parser's message may quote the file; say only where it failed.
    serde_json::from_str(&text).map_err(|e| {
        Error::usage(format!(
            "the state file {} is damaged (line {}, column {}: not the JSON hmbulk writes              there); delete it to export everything again",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

fn fmt_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The output, written under a temporary name beside its final place, or
/// to standard output.
enum OutFile {
    Csv(Box<CsvFile>),
    Jsonl(AtomicFile),
    Xlsx(Box<Sheet>),
}

/// An `.xlsx` export: its one sheet, what each column holds, and the file
/// it goes to when complete.
struct Sheet {
    writer: SheetWriter,
    kinds: Vec<CellKind>,
    /// Formula-like text keeps its `'` guard (as in a CSV export).
    guard: bool,
    file: AtomicFile,
}

impl OutFile {
    /// `-` is standard output.
    fn create(
        path: &Path,
        format: Format,
        bom: bool,
        columns: &Columns,
        raw: bool,
    ) -> Result<OutFile> {
        let stdout = is_stdout(path);
        let file = |bom| match stdout {
            true => AtomicFile::stdout(bom),
            false => AtomicFile::create(path, bom),
        };
        Ok(match format {
            Format::Csv if stdout => OutFile::Csv(Box::new(CsvFile::stdout(bom)?)),
            Format::Csv => OutFile::Csv(Box::new(CsvFile::create(path, bom)?)),
            Format::Jsonl => OutFile::Jsonl(file(false)?),
            Format::Xlsx => {
                let header: Vec<String> = match raw {
                    true => columns.header(),
                    false => columns
                        .header()
                        .iter()
                        .map(|h| guard(h).into_owned())
                        .collect(),
                };
                OutFile::Xlsx(Box::new(Sheet {
                    writer: SheetWriter::new("contacts", &header)?,
                    kinds: columns.kinds(),
                    guard: !raw,
                    file: file(false)?,
                }))
            }
        })
    }

    /// A workbook row: text cells, times as dates, flags as booleans.
    fn sheet_row(&mut self, cells: &[String]) -> Result<()> {
        let OutFile::Xlsx(sheet) = self else {
            return Ok(());
        };
        for (col, (cell, kind)) in cells.iter().zip(&sheet.kinds).enumerate() {
            let time = match kind {
                CellKind::Time => parse_time(cell),
                _ => None,
            };
            match (kind, time) {
                (_, Some(at)) => sheet.writer.date(col, at)?,
                (CellKind::Flag, _) if cell == "true" || cell == "false" => {
                    sheet.writer.boolean(col, cell == "true")?
                }
                _ if sheet.guard => sheet.writer.text(col, &guard(cell))?,
                _ => sheet.writer.text(col, cell)?,
            }
        }
        sheet.writer.end_row()
    }

    /// A CSV row, formula-guarded unless `raw`.
    fn csv_row(&mut self, cells: &[String], raw: bool) -> Result<()> {
        if let OutFile::Csv(w) = self {
            if raw {
                w.write_record(cells)?;
            } else {
                w.write_record(cells.iter().map(|c| guard(c).into_owned()))?;
            }
        }
        Ok(())
    }

    fn json_line(&mut self, v: &serde_json::Value) -> Result<()> {
        if let OutFile::Jsonl(w) = self {
            serde_json::to_writer(&mut *w, v)
                .map_err(std::io::Error::from)
                .and_then(|()| w.write_all(b"\n"))
                .map_err(|e| Error::output(w.path(), e))?;
        }
        Ok(())
    }

    fn commit(self) -> Result<()> {
        match self {
            OutFile::Csv(w) => w.commit(),
            OutFile::Jsonl(f) => f.commit(),
            OutFile::Xlsx(sheet) => {
                let Sheet {
                    writer, mut file, ..
                } = *sheet;
                writer.finish(&mut file)?;
                file.commit()
            }
        }
    }
}
