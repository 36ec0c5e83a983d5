//! What `status` and `delete` share: their file options ([`NamesArgs`],
//! made into the engine's [`NamesPlan`]), the columns used and ignored
//! printed, a guessed plan confirmed as an import's, the summary printed,
//! and the exit code of a finished run.

use std::path::Path;

use crate::cli::Connection;
use crate::cmd::end::{End, print_block};
use crate::cmd::file_args::FileArgs;
use crate::cmd::fix_line::FixLine;
use crate::exit::Exit;
use crate::sandbox::Sandbox;
use hmbulk_engine::error::Result;
use hmbulk_engine::mapping::{Field, MapFile, Mapping, Settings, quoted_list};
use hmbulk_engine::names_file::NamesPlan;
use hmbulk_engine::pipeline::RunResult;
use hmbulk_engine::report::Summary;

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

impl NamesArgs {
    /// How the engine is to read the file and write its reports.
    pub fn plan(&self) -> NamesPlan {
        NamesPlan {
            file: self.read.file.clone(),
            read: self.read.plan(),
            overwrite: self.overwrite,
        }
    }

    /// `hmbulk <command> <errors>` with the options that read the file
    /// (the map file, the default region) and reach the contacts.
    pub fn fix_line(&self, command: &str, errors: &Path, c: &Connection) -> FixLine {
        FixLine::new(command, errors)
            .value("--map", self.read.map.as_ref().map(|m| m.display()))
            .value("--default-region", self.read.default_region.as_ref())
            .connection(c)
    }
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
    say!("{line}");
    for (reason, cols) in mapping.ignored_by_reason() {
        say!("ignored ({reason}): {}", quoted(&cols));
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
    let end = End {
        line: format!("{line} — {} requests in {:.1}s", s.requests, s.elapsed_s),
        after_codes: Vec::new(),
        notes: s.notes.iter().map(String::as_str).collect(),
        after_notes: Vec::new(),
        mapping: false,
    };
    print_block(s, end, (json, quiet), sandbox, exit)?;
    if let Some(e) = &result.fatal {
        say!(
            "hmbulk: stopped: {}",
            hmbulk_engine::redact::clean(&e.to_string())
        );
    }
    if let (Exit::RowsFailed, false, Some(r)) = (exit, quiet, &s.reports) {
        fix(&r.errors).print();
    }
    Ok(exit)
}
