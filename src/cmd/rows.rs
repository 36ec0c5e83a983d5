//! What `status` and `delete` share with `import`: the input file and how it
//! is read (encoding, delimiter, map file, default region), the reports and
//! their names, the columns used and ignored, the summary printed, and the
//! exit code of a finished run.

use std::path::Path;

use crate::cli::Connection;
use crate::cmd::file_args::FileArgs;
use crate::cmd::fix_line::FixLine;
use crate::cmd::import::summary::print_places;
use crate::exit::Exit;
use crate::sandbox::Sandbox;
use hmbulk_engine::error::{Error, Result};
use hmbulk_engine::import::setup::{header_check, phones_for, read_phones, refuse_overwriting};
use hmbulk_engine::input::InputFile;
use hmbulk_engine::input::{RowNumbers, RowReader};
use hmbulk_engine::lookup::Names;
use hmbulk_engine::mapping::{Field, MapFile, Mapping, SAMPLE_ROWS, Sample, Settings, quoted_list};
use hmbulk_engine::phone::{PhoneNormaliser, PhonesSetting};
use hmbulk_engine::pipeline::RunResult;
use hmbulk_engine::report::{Dialect, IgnoredColumn, ReportPaths, Reporter, Summary};

/// The input options of a command that reads a file naming contacts (each
/// row names one by its phone, `id` or `uuid` column).
#[derive(Debug, clap::Args)]
pub struct NamesArgs {
    #[command(flatten)]
    pub read: FileArgs,
    /// Replace the reports an earlier run on this file left, instead of
    /// keeping them as <stem>.<command>.<n>.* (an edited one is kept either way).
    #[arg(long)]
    pub overwrite: bool,
    /// Contacts per search, bulk write or delete call (at most 1000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub batch_size: u16,
    /// Per-contact requests in flight at once (they share --rate).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// The input file opened, and what reading it needs.
pub struct Opened {
    pub reader: RowReader,
    /// How the reports are written (the input's dialect).
    pub dialect: Dialect,
    /// Keep the reports of earlier runs, numbered (no `--overwrite`).
    pub keep_runs: bool,
    /// The numbers the reports print for the rows (a workbook's sheet rows).
    pub numbers: RowNumbers,
    pub paths: ReportPaths,
    pub map_file: Option<MapFile>,
    pub phones: PhoneNormaliser,
    /// How digits without `+` are to be read ([`read_digits`]).
    pub phones_setting: PhonesSetting,
    /// The file's first rows, read ahead (given again by `reader`): what
    /// its content shows.
    pub sample: Sample,
}

impl NamesArgs {
    /// Open the file for `command`, whose reports are
    /// `<stem>.<command>.results.csv` … (never an import's).
    pub fn open(&self, command: &str) -> Result<Opened> {
        self.open_from(command, &crate::cli::open_input(&self.read.file, false)?)
    }

    /// [`NamesArgs::open`], reading `input` (a pipe copied for a command
    /// that reads the file twice, [`InputFile::new`]).
    pub fn open_from(&self, command: &str, input: &InputFile) -> Result<Opened> {
        let mut reader = self.reader(input)?;
        let sample = Sample::new(reader.peek(SAMPLE_ROWS));
        let dialect = Dialect::of(&reader, self.read.bom());
        if let Some(dir) = &self.read.report_dir {
            std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
        }
        let mut paths =
            ReportPaths::for_command(&self.read.file, self.read.report_dir.as_deref(), command);
        if reader.sheet().is_some() {
            paths = paths.with_workbook_errors();
        }
        refuse_overwriting(
            &self.read.file,
            &[&paths.results, &paths.errors, &paths.summary],
        )?;
        let map_file = self.read.map.as_deref().map(MapFile::load).transpose()?;
        let (_, phones, phones_setting) = phones_for(
            self.read.default_region.as_deref(),
            self.read.phones,
            map_file.as_ref(),
        )?;
        Ok(Opened {
            numbers: reader.row_numbers(),
            reader,
            dialect,
            keep_runs: !self.overwrite,
            paths,
            map_file,
            phones,
            phones_setting,
            sample,
        })
    }

    /// `hmbulk <command> <errors>` with the options that read the file
    /// (the map file, the default region) and reach the contacts.
    pub fn fix_line(&self, command: &str, errors: &Path, c: &Connection) -> FixLine {
        FixLine::new(command, errors)
            .value("--map", self.read.map.as_ref().map(|m| m.display()))
            .value("--default-region", self.read.default_region.as_ref())
            .connection(c)
    }

    /// A reader of `input` from its first row (for a pass that counts).
    pub fn reader(&self, input: &InputFile) -> Result<RowReader> {
        let map_file = self.read.map.as_deref().map(MapFile::load).transpose()?;
        input
            .config(self.read.delimiter)
            .sheet(self.read.sheet.clone())
            .header_check(header_check(map_file.as_ref()))
            .reader()
    }
}

/// Read the file's digits without `+` as `setting`, its layout or a sample
/// of its first rows (`rows`) say: `names` reads its phones so from now
/// on. Gives the note to show when the sample decided.
pub fn read_digits(names: &mut Names, setting: PhonesSetting, rows: &Sample) -> Option<String> {
    let phones = names.phones().clone();
    let (phones, reading, _) = read_phones(phones, setting, names.mapping(), rows);
    names.set_phones(phones);
    reading.note()
}

/// On stderr: which columns name the contacts, the command's own columns,
/// and every column not used.
pub fn print_columns(mapping: &Mapping, id: Option<usize>, own: &[(&str, Vec<&str>)]) {
    let quoted = |cols: &[&str]| quoted_list(cols);
    let mut named = Vec::new();
    if let Some(i) = mapping.column(Field::Uuid) {
        named.push(format!("uuid from \"{}\"", mapping.header(i)));
    }
    if let Some(i) = id {
        named.push(format!("id from \"{}\"", mapping.header(i)));
    }
    let phones: Vec<&str> = mapping
        .phones()
        .iter()
        .map(|s| mapping.header(s.column))
        .collect();
    if !phones.is_empty() {
        named.push(format!("phone from {}", quoted(&phones)));
    }
    let mut line = format!("contacts named by {}", named.join(", else "));
    for (i, why) in
        (mapping.phones().iter()).filter_map(|s| Some((s.column, mapping.why(s.column)?)))
    {
        line = line.replacen(
            &format!("\"{}\"", mapping.header(i)),
            &format!("\"{}\" ({why})", mapping.header(i)),
            1,
        );
    }
    for (what, cols) in own.iter().filter(|(_, c)| !c.is_empty()) {
        line += &format!("; {what} from {}", quoted(cols));
    }
    eprintln!("{line}");
    for (reason, cols) in mapping.ignored_by_reason() {
        eprintln!("ignored ({reason}): {}", quoted(&cols));
    }
}

/// A plan that needed guesses (a column placed by its content alone) is
/// confirmed as an import's is: on a terminal the person is asked (and may
/// edit the map: the edited map file is given back, to build the plan
/// again), off a terminal the run stops with the map to paste.
pub fn confirm_guesses(mapping: &Mapping, file: &Path) -> Result<Option<MapFile>> {
    let settings = Settings {
        layout: mapping.layout().map(|l| l.id.to_string()),
        source: file.file_name().map(|n| n.to_string_lossy().into_owned()),
        ..Settings::default()
    };
    match crate::cmd::import::confirm::confirm(mapping, &settings)? {
        crate::cmd::import::confirm::Answer::Yes => Ok(None),
        crate::cmd::import::confirm::Answer::Edited(map) => Ok(Some(map)),
    }
}

/// The reports of a run, with the command's own result `columns`; the
/// summary names the columns the mapping ignored. The reports of earlier
/// runs are kept, numbered, unless `--overwrite` (see [`Opened::keep_runs`]).
pub fn reporter(
    paths: ReportPaths,
    headers: &[String],
    (dialect, keep_runs): (Dialect, bool),
    columns: &[&str],
    mapping: &Mapping,
    numbers: RowNumbers,
) -> Result<Reporter> {
    let mut reporter = Reporter::with_columns(paths, headers, dialect, columns)?;
    reporter.keep_earlier_runs(keep_runs);
    reporter.number_rows(numbers);
    reporter.summary.ignored_columns = IgnoredColumn::all(mapping);
    Ok(reporter)
}

/// Print how a run went (`--json`: the summary on stdout) and give its
/// exit code; after failed rows, `fix` gives the line that says what to run
/// on the error report.
pub fn finish(
    result: &RunResult,
    line: String,
    (json, quiet): (bool, bool),
    sandbox: Option<&Sandbox>,
    fix: impl FnOnce(&Path) -> FixLine,
) -> Result<Exit> {
    let s: &Summary = &result.summary;
    let exit = match &result.fatal {
        Some(_) => Exit::Fatal,
        None if result.interrupted => Exit::Interrupted,
        None if s.rows_failed > 0 => Exit::RowsFailed,
        None => Exit::Ok,
    };
    if json {
        crate::output::print_json(s, exit)?;
    }
    if !quiet {
        eprintln!("{line} — {} requests in {:.1}s", s.requests, s.elapsed_s);
        for (code, n) in &s.errors_by_code {
            eprintln!("  {n:>7} {code}");
        }
        for note in &s.notes {
            eprintln!("note: {note}");
        }
        print_places(s, sandbox, false);
    }
    if let Some(e) = &result.fatal {
        eprintln!(
            "hmbulk: stopped: {}",
            hmbulk_engine::redact::clean(&e.to_string())
        );
    }
    if let (Exit::RowsFailed, false, Some(r)) = (exit, quiet, &s.reports) {
        fix(&r.errors).print();
    }
    Ok(exit)
}
