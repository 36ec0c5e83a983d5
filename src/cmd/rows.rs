//! What `status` and `delete` share with `import`: the input file and how it
//! is read (encoding, delimiter, map file, default region), the reports and
//! their names, the columns used and ignored, the summary printed, and the
//! exit code of a finished run.

use std::path::PathBuf;

use crate::cli::choice;
use crate::cmd::import::summary::print_places;
use crate::cmd::import::{parse_delimiter, phones_for, read_phones, refuse_overwriting};
use crate::exit::Exit;
use crate::sandbox::Sandbox;
use hmbulk_engine::config::Config;
use hmbulk_engine::error::Result;
use hmbulk_engine::input::RowReader;
use hmbulk_engine::lookup::Names;
use hmbulk_engine::mapping::{Field, MapFile, Mapping, quoted_list};
use hmbulk_engine::phone::{PhoneNormaliser, PhonesSetting};
use hmbulk_engine::pipeline::RunResult;
use hmbulk_engine::report::{IgnoredColumn, ReportPaths, Reporter, Summary};

/// The input options of a command that reads a file naming contacts.
#[derive(Debug, clap::Args)]
pub struct FileArgs {
    /// The CSV file (any encoding and delimiter Excel writes) or vCard file
    /// (one row per card); each row names a contact by its phone, `id` or
    /// `uuid` column.
    pub file: PathBuf,
    /// Region for phone numbers written without a country code, when the row
    /// has no country column (default US, or the map file's; `none`: such
    /// numbers are row errors).
    #[arg(long, value_name = "CC")]
    pub default_region: Option<String>,
    /// Digits without + (442079460001): E.164 numbers, or read with the
    /// region (default auto: E.164 when the file's layout or its phone
    /// column's own numbers show it; or the map file's `phones`).
    #[arg(long, value_parser = choice::<PhonesSetting>())]
    pub phones: Option<PhonesSetting>,
    /// TOML file mapping column headers to fields ([columns] "Handy" = "phone" ...).
    #[arg(long, value_name = "MAP.toml")]
    pub map: Option<PathBuf>,
    /// Directory for the reports (default: next to the input file).
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Field delimiter (default: sniffed among , ; tab |).
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Start the reports with a UTF-8 BOM (for Excel).
    #[arg(long)]
    pub bom: bool,
    /// Show progress even when stderr is not a terminal.
    #[arg(long)]
    pub progress: bool,
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
    pub paths: ReportPaths,
    pub map_file: Option<MapFile>,
    pub phones: PhoneNormaliser,
    /// How digits without `+` are to be read ([`read_digits`]).
    pub phones_setting: PhonesSetting,
}

impl FileArgs {
    /// Open the file for `command`, whose reports are
    /// `<stem>.<command>.results.csv` … (never an import's).
    pub fn open(&self, command: &str) -> Result<Opened> {
        let reader = self.reader()?;
        let paths = ReportPaths::for_command(&self.file, self.report_dir.as_deref(), command);
        refuse_overwriting(&self.file, &[&paths.results, &paths.errors, &paths.summary])?;
        let map_file = self.map.as_deref().map(MapFile::load).transpose()?;
        let (_, phones, phones_setting) = phones_for(
            self.default_region.as_deref(),
            self.phones,
            map_file.as_ref(),
        )?;
        Ok(Opened {
            reader,
            paths,
            map_file,
            phones,
            phones_setting,
        })
    }

    /// A reader from the file's first row (for a pass that counts).
    pub fn reader(&self) -> Result<RowReader> {
        Config::new(&self.file).delimiter(self.delimiter).reader()
    }
}

/// Read the file's digits without `+` as `setting`, its layout or a sample
/// of its first rows (read ahead from `reader`) say: `names` reads its
/// phones so from now on. Gives the note to show when the sample decided.
pub fn read_digits(
    names: &mut Names,
    setting: PhonesSetting,
    reader: &mut RowReader,
) -> Option<String> {
    let phones = names.phones().clone();
    let (phones, reading, _) = read_phones(phones, setting, names.mapping(), reader);
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
    for (what, cols) in own.iter().filter(|(_, c)| !c.is_empty()) {
        line += &format!("; {what} from {}", quoted(cols));
    }
    eprintln!("{line}");
    for (reason, cols) in mapping.ignored_by_reason() {
        eprintln!("ignored ({reason}): {}", quoted(&cols));
    }
}

/// The reports of a run, with the command's own result `columns`; the
/// summary names the columns the mapping ignored.
pub fn reporter(
    paths: ReportPaths,
    headers: &[String],
    bom: bool,
    columns: &[&str],
    mapping: &Mapping,
) -> Result<Reporter> {
    let mut reporter = Reporter::with_columns(paths, headers, bom, columns)?;
    reporter.summary.ignored_columns = IgnoredColumn::all(mapping);
    Ok(reporter)
}

/// Print how a run went (`--json`: the summary on stdout) and give its exit code.
pub fn finish(
    result: &RunResult,
    line: String,
    json: bool,
    quiet: bool,
    sandbox: Option<&Sandbox>,
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
    Ok(exit)
}
