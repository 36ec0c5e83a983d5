//! The block that closes a run of `import`, `validate`, `status` and
//! `delete`, written once: the JSON summary on stdout for `--json`, then on
//! stderr (unless `--quiet`) the counts line, the errors by code, the
//! command's own lines, the notes, where the reports went and the
//! sandbox's store. Takes the run's [`Summary`] and what the command says
//! of it ([`End`]); what follows the block (the way on after a stop or
//! after failed rows) is each command's own.

use crate::exit::Exit;
use crate::output;
use crate::sandbox::Sandbox;
use hmbulk_engine::error::Result;
use hmbulk_engine::report::Summary;

/// What a command says in the closing block, besides what every run says.
pub struct End<'a> {
    /// The counts line (`imported people.csv: 3 rows read, …`).
    pub line: String,
    /// Lines after the errors by code (an import's tags put on and taken off).
    pub after_codes: Vec<String>,
    /// The notes, each printed `note: …`.
    pub notes: Vec<&'a str>,
    /// Lines after the notes (an import's rows per phone column).
    pub after_notes: Vec<String>,
    /// The command writes a mapping file beside its reports.
    pub mapping: bool,
}

/// Print the closing block of a run that ended with `exit` (`--json`: the
/// summary on stdout first; `--quiet`: nothing on stderr).
pub fn print_block(
    s: &Summary,
    end: End,
    (json, quiet): (bool, bool),
    sandbox: Option<&Sandbox>,
    exit: Exit,
) -> Result<()> {
    if json {
        output::print_json(s, exit)?;
    }
    if quiet {
        return Ok(());
    }
    say!("{}", end.line);
    for (code, n) in &s.errors_by_code {
        say!("  {n:>7} {code}");
    }
    for line in &end.after_codes {
        say!("{line}");
    }
    for note in &end.notes {
        say!("note: {note}");
    }
    for line in &end.after_notes {
        say!("{line}");
    }
    print_places(s, sandbox, end.mapping);
    Ok(())
}

/// On stderr: where the reports went (the mapping file too, when the
/// command writes one), and the sandbox's store when the run used one.
fn print_places(s: &Summary, sandbox: Option<&Sandbox>, mapping: bool) {
    if let Some(r) = &s.reports {
        say!("results: {}", r.results.display());
        say!("errors:  {}", r.errors.display());
        say!("summary: {}", r.summary.display());
        if mapping {
            say!("mapping: {}", r.mapping.display());
        }
    }
    if let Some(sb) = sandbox {
        let count = match sb.contact_count() {
            Ok(n) => format!("now {n} contacts"),
            Err(e) => e.to_string(),
        };
        say!("sandbox: {count}, kept in {}", sb.dir().display());
    }
}
