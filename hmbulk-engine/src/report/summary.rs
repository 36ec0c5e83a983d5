//! Where a run's reports go ([`ReportPaths`]) and what `summary.json` says
//! ([`Summary`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::phone::CountryTally;

/// Where a run's reports go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportPaths {
    pub results: PathBuf,
    pub errors: PathBuf,
    pub summary: PathBuf,
    /// The mapping the run used, in `--map` format (written by the command).
    pub mapping: PathBuf,
}

impl ReportPaths {
    /// `<stem>.results.csv`, `<stem>.errors.csv`, `<stem>.summary.json` in
    /// `dir`, or next to the input file.
    pub fn for_input(input: &Path, dir: Option<&Path>) -> ReportPaths {
        ReportPaths::named(input, dir, None)
    }

    /// The reports of another command on `input`, so that they never
    /// overwrite an import's: `<stem>.<command>.results.csv`, ….
    pub fn for_command(input: &Path, dir: Option<&Path>, command: &str) -> ReportPaths {
        ReportPaths::named(input, dir, Some(command))
    }

    /// The error report as a workbook (`<stem>.errors.xlsx`), for a
    /// workbook input.
    pub fn with_workbook_errors(mut self) -> ReportPaths {
        self.errors.set_extension("xlsx");
        self
    }

    fn named(input: &Path, dir: Option<&Path>, command: Option<&str>) -> ReportPaths {
        let mut stem = input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "import".into());
        if let Some(command) = command {
            stem = format!("{stem}.{command}");
        }
        let dir = dir
            .map(Path::to_path_buf)
            .or_else(|| input.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        ReportPaths {
            results: dir.join(format!("{stem}.results.csv")),
            errors: dir.join(format!("{stem}.errors.csv")),
            summary: dir.join(format!("{stem}.summary.json")),
            mapping: dir.join(format!("{stem}.mapping.toml")),
        }
    }
}

impl ReportPaths {
    /// Move the reports (copy the mapping) to this run's fallback folder,
    /// those that are not there yet.
    pub(super) fn gather_in_fallback(&mut self) -> Result<()> {
        use crate::atomic_file::{fallback_dir, to_fallback};
        let dir = fallback_dir().map_err(|e| Error::output(&self.summary, e))?;
        for (path, keep) in [
            (&mut self.results, false),
            (&mut self.errors, false),
            (&mut self.mapping, true),
        ] {
            if path.parent() != Some(dir.as_path()) && path.exists() {
                *path = to_fallback(path, keep).map_err(|e| Error::output(path, e))?;
            }
        }
        if let Some(name) = self.summary.file_name() {
            self.summary = dir.join(name);
        }
        Ok(())
    }
}

/// Counts of a run, as `summary.json` reports them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub rows_read: u64,
    pub rows_ok: u64,
    pub rows_failed: u64,
    pub created: u64,
    pub updated: u64,
    pub skipped: u64,
    /// Dry run: rows that would be sent.
    pub valid: u64,
    /// Rows whose contact already held what they ask (nothing written).
    pub unchanged: u64,
    /// `delete`: contacts deleted.
    pub deleted: u64,
    /// `status --check`: contacts whose status was read.
    pub checked: u64,
    pub duplicates: u64,
    pub batches: u64,
    pub requests: u64,
    pub retries: u64,
    pub rate_limited: u64,
    pub elapsed_s: f64,
    pub rows_per_s: f64,
    pub errors_by_code: BTreeMap<String, u64>,
    pub dry_run: bool,
    pub mode: String,
    pub api: String,
    pub encoding: String,
    pub delimiter: String,
    pub blank_lines: u64,
    /// Why the run stopped early, when it did.
    pub stopped: Option<String>,
    /// What a dry run could not check (no credentials: tag and member names),
    /// and warnings such as numbers that may have the wrong country.
    pub notes: Vec<String>,
    /// Valid phones by where their country came from: read as national in a
    /// region, or written with a country code.
    pub phone_countries: CountryTally,
    pub reports: Option<ReportPaths>,
    /// The known layout the header was recognised as (its id), if any.
    pub layout: Option<String>,
    pub layout_name: Option<String>,
    /// The workbook sheet read (`sheet "Contacts" (1 of 2), header on row 1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Valid rows by the column their phone came from.
    pub phone_columns: BTreeMap<String, u64>,
    /// Valid rows by the column their email came from.
    pub email_columns: BTreeMap<String, u64>,
    /// Valid rows whose region came from a country column, by region.
    pub country_regions: BTreeMap<String, u64>,
    /// Columns read but not used, and why.
    pub ignored_columns: Vec<IgnoredColumn>,
    /// Columns that could not be checked without credentials.
    pub unchecked_columns: Vec<String>,
    /// Tags `--create-tags` created (or, in a dry run, would create).
    pub tags_created: Vec<String>,
    /// What rows' tags do to their contacts' (`--tags`): `add`, `replace`
    /// or `remove`.
    pub tags_mode: String,
    /// Tags the confirmed writes put on contacts, and took off (a tag on
    /// two contacts counts twice).
    pub tags_added: u64,
    pub tags_removed: u64,
    /// Contacts that lost each tag, by tag name.
    pub tags_removed_from: BTreeMap<String, u64>,
    /// Why the reports are not where they were meant to be, when their
    /// folder could not take them (a full disk) and they were written to
    /// the fallback folder that `reports` names.
    pub reports_moved: Option<String>,
    /// The size and CRC-32 of each report this run wrote, by file name:
    /// how the next run tells them from reports a person edited since
    /// ([`super::Earlier`]).
    pub report_files: BTreeMap<String, crate::atomic_file::Stamp>,
}

impl Summary {
    /// What the input turned out to be: encoding, delimiter, blank lines,
    /// and a note when a report's footer was skipped or a sheet's hidden
    /// rows were read.
    pub fn read_from(&mut self, reader: &crate::input::RowReader) {
        let hidden = reader.row_numbers().hidden();
        if hidden.count > 0 {
            self.notes.push(hidden_note(&hidden));
        }
        if let [first, ..] = reader.footer() {
            let (lines, is) = match reader.footer().len() {
                1 => (format!("the last line (\"{first}\")"), "is"),
                n => (format!("the last {n} lines (\"{first}\" …)"), "are"),
            };
            self.notes.push(format!(
                "{lines} {is} the report's footer, the time it was printed, not a contact: \
                 skipped"
            ));
        }
        self.encoding = reader.encoding().as_str().to_string();
        self.delimiter = match reader.delimiter() {
            b'\t' => "tab".into(),
            other => (other as char).to_string(),
        };
        if let Some(sheet) = reader.sheet() {
            // A workbook has cells, not text: say what it was.
            self.encoding = sheet.format.to_string();
            self.delimiter = String::new();
        }
        self.blank_lines = reader.blank_lines();
    }

    /// The client's counters and the time taken since `started`.
    pub fn sent_by(&mut self, client: &crate::api::Client, started: std::time::Instant) {
        use std::sync::atomic::Ordering::Relaxed;
        self.requests = client.stats.requests.load(Relaxed);
        self.retries = client.stats.retries.load(Relaxed);
        self.rate_limited = client.stats.rate_limited.load(Relaxed);
        // rows_per_s follows in `Reporter::finish`, once every row is counted.
        self.elapsed_s = started.elapsed().as_secs_f64();
    }
}

/// `2 rows were hidden in the sheet (rows 12, 15) …`.
fn hidden_note(hidden: &crate::input::Hidden) -> String {
    let mut rows: Vec<String> = hidden.first.iter().map(u64::to_string).collect();
    if hidden.count > rows.len() as u64 {
        rows.push("…".into());
    }
    let (n, were, label) = match hidden.count {
        1 => ("1 row".to_string(), "was", "row"),
        n => (format!("{n} rows"), "were", "rows"),
    };
    format!(
        "{n} {were} hidden in the sheet ({label} {}), by hand or by a filter, and {were} read \
         like the others: a hidden row holds data all the same; delete the rows from the \
         sheet, or import a copy without them, to leave them out",
        rows.join(", ")
    )
}

/// A column the run did not use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IgnoredColumn {
    pub column: String,
    pub reason: String,
}

impl IgnoredColumn {
    /// The mapping's ignored columns, for the summary.
    pub fn all(mapping: &crate::mapping::Mapping) -> Vec<IgnoredColumn> {
        mapping
            .ignored()
            .iter()
            .map(|c| IgnoredColumn {
                column: c.header.clone(),
                reason: c.reason.clone(),
            })
            .collect()
    }
}
