//! The three reports of a run (README, "Reports"): results
//! (`row,phone_raw,phone,name,email,action,id,uuid,source_row`), errors (the input's own columns,
//! then `_row,_error_code,_error`) and `summary.json`. Takes [`RowOutcome`]s in
//! any order; writes them in row order (a small reorder buffer holds rows that
//! finish early), through the formula guard (every cell, server text such as
//! `uuid` included), into temporary files that are renamed into place at the
//! end, so a reader never sees half a report. Every message (`_error`,
//! `stopped`, `notes`) passes the redactor first.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::atomic_file::{CsvFile, write_report_json};
use crate::error::{Error, Result};
use crate::formula::guard;
use crate::outcome::{Action, RowOutcome, RowResult};
use crate::phone::CountryTally;
use crate::redact;

/// The note of a run whose file had a header and no data rows.
pub const NO_ROWS: &str = "the file has a header line but no data rows";

/// Columns of an input that an error report adds and a re-import ignores.
pub const META_COLUMNS: [&str; 3] = ["_row", "_error_code", "_error"];

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
    fn gather_in_fallback(&mut self) -> Result<()> {
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
    /// Why the reports are not where they were meant to be, when their
    /// folder could not take them (a full disk) and they were written to
    /// the fallback folder that `reports` names.
    pub reports_moved: Option<String>,
}

impl Summary {
    /// What the input turned out to be: encoding, delimiter, blank lines.
    pub fn read_from(&mut self, reader: &crate::input::RowReader) {
        self.encoding = reader.encoding().as_str().to_string();
        self.delimiter = match reader.delimiter() {
            b'\t' => "tab".into(),
            other => (other as char).to_string(),
        };
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

/// Writes results and errors as outcomes arrive.
pub struct Reporter {
    paths: ReportPaths,
    results: CsvFile,
    errors: CsvFile,
    /// Input columns kept in the error report (report meta columns dropped).
    kept_columns: Vec<usize>,
    header_len: usize,
    next_row: u64,
    waiting: HashMap<u64, RowOutcome>,
    /// `_row` of an error report fed back in, by row, for the results report.
    source_rows: HashMap<u64, String>,
    /// The command's own result columns (after the standard ones), and
    /// their cells by row.
    extra_columns: usize,
    extra_cells: HashMap<u64, Vec<String>>,
    pub summary: Summary,
}

impl Reporter {
    /// Open temporary report files next to their final places. `headers` are
    /// the input's; `bom` starts each CSV with a UTF-8 BOM for Excel.
    pub fn create(paths: ReportPaths, headers: &[String], bom: bool) -> Result<Reporter> {
        Reporter::with_columns(paths, headers, bom, &[])
    }

    /// [`create`](Self::create), with `extra` result columns after the
    /// standard ones (`status`, `delete`); a row's cells for them are given
    /// with [`note_cells`](Self::note_cells), and are empty otherwise.
    pub fn with_columns(
        paths: ReportPaths,
        headers: &[String],
        bom: bool,
        extra: &[&str],
    ) -> Result<Reporter> {
        let kept_columns: Vec<usize> = (0..headers.len())
            .filter(|&i| !META_COLUMNS.contains(&headers[i].as_str()))
            .collect();
        let mut results = CsvFile::create_report(&paths.results, bom)?;
        let mut errors = CsvFile::create_report(&paths.errors, bom)?;
        let standard = [
            "row",
            "phone_raw",
            "phone",
            "name",
            "email",
            "action",
            "id",
            "uuid",
            "source_row",
        ];
        results.write_record(standard.iter().chain(extra))?;
        let mut header: Vec<String> = kept_columns
            .iter()
            .map(|&i| guard(&headers[i]).into_owned())
            .collect();
        header.extend(META_COLUMNS.iter().map(|s| s.to_string()));
        errors.write_record(&header)?;
        Ok(Reporter {
            paths,
            results,
            errors,
            kept_columns,
            header_len: headers.len(),
            next_row: 1,
            waiting: HashMap::new(),
            source_rows: HashMap::new(),
            extra_columns: extra.len(),
            extra_cells: HashMap::new(),
            summary: Summary::default(),
        })
    }

    /// Take the final word on one row.
    pub fn record(&mut self, outcome: RowOutcome) -> Result<()> {
        if outcome.row < self.next_row || self.waiting.contains_key(&outcome.row) {
            return Err(Error::Fatal(format!(
                "internal error: row {} was decided twice; the reports would be wrong",
                outcome.row
            )));
        }
        self.waiting.insert(outcome.row, outcome);
        while let Some(o) = self.waiting.remove(&self.next_row) {
            self.write(o)?;
            self.next_row += 1;
        }
        Ok(())
    }

    fn write(&mut self, o: RowOutcome) -> Result<()> {
        let s = &mut self.summary;
        s.rows_read += 1;
        match o.result {
            RowResult::Done {
                action,
                phone,
                name,
                email,
                id,
                uuid,
            } => {
                s.rows_ok += 1;
                match action {
                    Action::Created => s.created += 1,
                    Action::Updated => s.updated += 1,
                    Action::Skipped => s.skipped += 1,
                    Action::Valid => s.valid += 1,
                    Action::Unchanged => s.unchanged += 1,
                    Action::Deleted => s.deleted += 1,
                    Action::Checked => s.checked += 1,
                }
                let id = id.map(|i| i.to_string()).unwrap_or_default();
                let row = o.row.to_string();
                // `phone`, `id` and `uuid` come from the server on a write.
                let source_row = self.source_rows.remove(&o.row).unwrap_or_default();
                let standard = [
                    row.as_str(),
                    &guard(&o.phone_raw),
                    &guard(&phone),
                    &guard(&name),
                    &guard(&email),
                    action.as_str(),
                    &guard(&id),
                    &guard(uuid.as_deref().unwrap_or("")),
                    &guard(&source_row),
                ];
                if self.extra_columns == 0 {
                    self.results.write_record(standard)?;
                } else {
                    let mut extra = self.extra_cells.remove(&o.row).unwrap_or_default();
                    extra.resize(self.extra_columns, String::new());
                    let extra = extra.iter().map(|c| guard(c).into_owned());
                    self.results
                        .write_record(standard.into_iter().map(str::to_string).chain(extra))?;
                }
            }
            RowResult::Failed { error, cells } => {
                self.source_rows.remove(&o.row);
                self.extra_cells.remove(&o.row);
                s.rows_failed += 1;
                *s.errors_by_code.entry(error.code.to_string()).or_default() += 1;
                // Short rows are padded so the meta columns line up; a long
                // row's extra cells follow the meta columns: nothing is lost.
                let mut record: Vec<String> = self
                    .kept_columns
                    .iter()
                    .map(|&i| {
                        cells
                            .get(i)
                            .map(|c| guard(c).into_owned())
                            .unwrap_or_default()
                    })
                    .collect();
                record.push(o.row.to_string());
                record.push(error.code.to_string());
                record.push(guard(&redact::clean(&error.message)).into_owned());
                record.extend(
                    cells
                        .iter()
                        .skip(self.header_len)
                        .map(|c| guard(c).into_owned()),
                );
                self.errors.write_record(&record)?;
            }
        }
        Ok(())
    }

    /// Rows decided but not yet written: they wait for an earlier row.
    pub fn held(&self) -> usize {
        self.waiting.len()
    }

    /// The original row (`_row` of an error report fed back in) of `row`,
    /// for the results report's `source_row`.
    pub fn note_source_row(&mut self, row: u64, source_row: String) {
        self.source_rows.insert(row, source_row);
    }

    /// The command's own result cells of `row` (see [`with_columns`](Self::with_columns)).
    pub fn note_cells(&mut self, row: u64, cells: Vec<String>) {
        self.extra_cells.insert(row, cells);
    }

    /// Count a duplicate (it is also recorded as skipped or failed).
    pub fn count_duplicate(&mut self) {
        self.summary.duplicates += 1;
    }

    /// Flush, check that every row was decided, rename the reports into place
    /// and write the summary. Returns the summary.
    pub fn finish(mut self) -> Result<Summary> {
        if !self.waiting.is_empty() {
            return Err(Error::Fatal(format!(
                "internal error: row {} was never decided but later rows were; reports not written",
                self.next_row
            )));
        }
        if self.summary.rows_read == 0 && self.summary.stopped.is_none() {
            self.summary.notes.push(NO_ROWS.to_string());
        }
        self.summary.stopped = self.summary.stopped.as_deref().map(redact::cleaned);
        for note in &mut self.summary.notes {
            *note = redact::cleaned(&*note);
        }
        if self.summary.rows_per_s == 0.0 && self.summary.elapsed_s > 0.0 {
            self.summary.rows_per_s = self.summary.rows_read as f64 / self.summary.elapsed_s;
        }
        let results = self.results.place()?;
        let errors = self.errors.place()?;
        let mut reports = ReportPaths {
            results: results.path,
            errors: errors.path,
            ..self.paths.clone()
        };
        let mut why = results
            .moved
            .or(errors.moved)
            .or(self.summary.reports_moved.take());
        loop {
            if why.is_some() {
                // One moved: all of them go to the fallback folder, so an
                // error report fed back in finds its mapping beside it.
                reports.gather_in_fallback()?;
            }
            self.summary.reports = Some(reports.clone());
            self.summary.reports_moved = why.clone();
            let summary = write_report_json(&reports.summary, &self.summary)?;
            if why.is_none() && summary.moved.is_some() {
                why = summary.moved;
                continue;
            }
            break;
        }
        Ok(self.summary)
    }
}
