//! One import (or validation), start to end, in three steps the command
//! line can speak between:
//!
//! 1. [`open`]: the input file, the map file (`--map`, or the one a run that
//!    wrote an error report left beside it), the first rows read ahead, the
//!    reports' paths, a stopped run's journal checked; nothing sent.
//! 2. [`Opened::map`]: the account's catalog (only what the columns can use),
//!    the columns mapped, the tags mode and the reading of phones decided.
//!    The command shows the plan and may have it confirmed or edited
//!    ([`Mapped::remap`]).
//! 3. [`Mapped::run`]: the journal, `--create-tags`, the reports, the
//!    pipeline (validate, dedupe, send), `--html`; gives the
//!    [`ImportOutcome`] whose fields decide the exit code.
//!
//! Nothing here prints: a line for the person running it goes to `tell`.
//! Data flows one way: input → mapping → contact → pipeline → batch → report.

mod html;
mod journal;
pub mod setup;
mod tags;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::api::{ApiVersion, Client};
use crate::batch::{Merge, Mode, Strategy};
use crate::catalog::{Catalog, Needs};
use crate::contact::tags::TagsMode;
use crate::contact::{BlankPolicy, Validator};
use crate::error::{Error, Result};
use crate::input::workbook::Sheet;
use crate::input::{InputFile, RowReader};
use crate::mapping::{self, Field, MapFile, Mapping, SAMPLE_ROWS, Sample, Settings, quoted_list};
use crate::phone::{ColumnSample, DigitsReading, PhoneNormaliser, PhonesSetting};
use crate::pipeline::{self, ImportSettings, OnDuplicate, RunResult};
use crate::progress::Progress;
use crate::report::{Dialect, IgnoredColumn, ReportPaths, Reporter, Summary};
use crate::report_html;
pub use setup::FilePlan;
use setup::{phones_for, read_phones, refuse_overwriting};

/// What the command line asked of an import.
#[derive(Debug, Clone)]
pub struct Plan {
    /// How the file is read and its reports written.
    pub file: FilePlan,
    pub on_duplicate: OnDuplicate,
    pub ignore_unknown: bool,
    pub create_tags: bool,
    /// Also write `<stem>.report.html`.
    pub html: bool,
    /// Also write the results as a workbook, `<stem>.results.xlsx`.
    pub results_xlsx: bool,
    /// Progress on stderr even when it is not a terminal; none when `quiet`.
    pub progress: bool,
    pub quiet: bool,
    /// `--tags`.
    pub tags: Option<TagsMode>,
    pub mode: Mode,
    pub api: ApiVersion,
    pub batch_size: usize,
    pub concurrency: usize,
    pub dry_run: bool,
    pub blank: BlankPolicy,
    pub resume: bool,
    pub restart: bool,
    /// Add the rows' other phones and emails to their contacts as channels.
    pub channels: bool,
    pub search_first: bool,
    /// The command line that resumes this run, for messages.
    pub resume_command: String,
}

/// Step 1: `input` opened as `plan` says, nothing sent yet.
pub struct Opened {
    plan: Plan,
    input: InputFile,
    reader: RowReader,
    paths: ReportPaths,
    map_file: Option<MapFile>,
    /// The mapping file found beside an error report, when no --map was given.
    found_map: Option<PathBuf>,
    region: String,
    phones: PhoneNormaliser,
    /// The file's first rows, the mapper's evidence (given again to the pipeline).
    sample: Sample,
    phones_setting: PhonesSetting,
}

/// Open `input` for the import `plan` describes: read its first rows, find
/// the map file, name the reports (never the input itself), and check a
/// stopped run's journal (`--resume`, `--restart`, or stop and say so).
pub fn open(plan: Plan, input: InputFile) -> Result<Opened> {
    // The map: --map, or the mapping file the run that wrote this error
    // report left beside it.
    let found_map = match (&plan.file.map, input.file()) {
        (None, Some(file)) => mapping::for_error_report(file),
        _ => None,
    };
    let map_file = plan
        .file
        .map
        .as_deref()
        .or(found_map.as_deref())
        .map(MapFile::load)
        .transpose()?;
    let mut reader = plan.file.config(&input, map_file.as_ref()).reader()?;
    let sample = Sample::new(reader.peek(SAMPLE_ROWS));
    let mut paths = ReportPaths::for_input(input.report_base(), plan.file.report_dir.as_deref());
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
    if !plan.dry_run && (plan.resume || input.file().is_some_and(Path::is_file)) {
        journal::check_journal(&plan, input.shown(), &crate::journal::path_for(&paths))?;
    }
    let (region, phones, phones_setting) = phones_for(
        plan.file.default_region.as_deref(),
        plan.file.phones,
        map_file.as_ref(),
    )?;
    Ok(Opened {
        plan,
        input,
        reader,
        paths,
        map_file,
        found_map,
        region,
        phones,
        sample,
        phones_setting,
    })
}

/// Step 2: the columns mapped with the account's catalog.
pub struct Mapped {
    opened: Opened,
    catalog: Catalog,
    /// The parts of the catalog read.
    read: Needs,
    /// Why a dry run went on offline, when it did.
    offline_note: Option<String>,
    mapping: Mapping,
    tags_mode: TagsMode,
    phones: PhoneNormaliser,
    reading: DigitsReading,
    phone_sample: ColumnSample,
    settings: Settings,
    /// The note on title lines skipped above the header.
    titles: Option<String>,
}

impl Opened {
    /// What messages call the input: its path, or `<stdin>`.
    pub fn shown(&self) -> &Path {
        self.input.shown()
    }

    /// Map the columns, reading only the parts of the account's catalog
    /// (custom fields, tags, team) the file's columns can use. `client` is
    /// `None` offline; a dry run goes on offline at once when the API is
    /// out of reach.
    pub fn map(self, client: Option<&Client>) -> Result<Mapped> {
        let plan = &self.plan;
        // Read from the mapping made without the catalog (where every
        // column that may be a custom field title is unchecked).
        let needs = self
            .build(&Catalog::offline(), self.map_file.as_ref())
            .map_or(Needs::ALL, |m| m.needs(self.map_file.is_some()));
        let needs = Needs {
            tags: needs.tags || plan.create_tags,
            ..needs
        };
        let (catalog, offline_note) = match client {
            Some(c) if plan.dry_run => c.catalog_or_offline(needs)?,
            Some(c) => {
                // A file that needs none of them still learns at once
                // whether the credentials work, before any row is read.
                if needs == Needs::NONE {
                    c.check_credentials()?;
                }
                (c.catalog_for(needs)?, None)
            }
            None => (Catalog::offline(), None),
        };
        let mapping = self.build_checked(&catalog, &offline_note, self.map_file.as_ref())?;
        let titles = self.reader.title_lines().map(|(lines, header)| {
            format!(
                "the header is on line {header}: the {} above it, a report's title, were skipped",
                mapping::count(lines as usize, "line")
            )
        });
        let tags_mode = tags_mode(plan, self.map_file.as_ref(), &mapping)?;
        let (phones, reading, phone_sample) = read_phones(
            self.phones.clone(),
            self.phones_setting,
            &mapping,
            &self.sample,
        );
        let settings = Settings {
            default_region: Some(self.region.to_ascii_uppercase()),
            phones: reading.setting().map(|s| s.to_string()),
            layout: mapping.layout().map(|l| l.id.to_string()),
            source: self
                .input
                .file()
                .and_then(Path::file_name)
                .map(|n| n.to_string_lossy().into_owned()),
            tags_mode: Some(tags_mode.to_string()),
        };
        Ok(Mapped {
            opened: self,
            catalog,
            read: needs,
            offline_note,
            mapping,
            tags_mode,
            phones,
            reading,
            phone_sample,
            settings,
            titles,
        })
    }

    /// The mapping of the file's header with `catalog` and `map_file`
    /// (in update and upsert a uuid column may stand in for the phone).
    fn build(&self, catalog: &Catalog, map_file: Option<&MapFile>) -> Result<Mapping> {
        let build_with = match self.plan.mode {
            Mode::Create => Mapping::build_with,
            _ => Mapping::build_for_updates,
        };
        build_with(
            self.reader.headers(),
            &self.sample,
            catalog,
            map_file,
            self.plan.ignore_unknown,
        )
    }

    /// [`Opened::build`], its error naming the file (and why the run is
    /// offline, when a column could not be checked for that).
    fn build_checked(
        &self,
        catalog: &Catalog,
        offline_note: &Option<String>,
        map_file: Option<&MapFile>,
    ) -> Result<Mapping> {
        let shown = self.input.shown();
        let in_file = |e: Error| Error::input(shown, format!("{}: {e}", shown.display()));
        self.build(catalog, map_file)
            .map_err(|e| match (offline_note, catalog.online) {
                (Some(why), false) => in_file(Error::usage(format!("{e}\n({why})"))),
                _ => in_file(e),
            })
    }
}

/// Step 3's result: what the run did.
pub struct ImportOutcome {
    pub result: RunResult,
    /// The journal of a run that stopped after sending (what `--resume` reads).
    pub journal: Option<PathBuf>,
    /// The `--html` page.
    pub html: Option<PathBuf>,
    /// The results as a workbook (`--results-xlsx`).
    pub results_xlsx: Option<PathBuf>,
}

impl ImportOutcome {
    /// A stop (the API, the journal) or Ctrl-C ended the run early.
    pub fn stopped(&self) -> bool {
        self.result.fatal.is_some() || self.result.interrupted
    }
}

impl Mapped {
    pub fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    pub fn tags_mode(&self) -> TagsMode {
        self.tags_mode
    }

    /// The settings the mapping file written beside the reports records.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The mapping file found beside an error report (no `--map`).
    pub fn found_map(&self) -> Option<&Path> {
        self.opened.found_map.as_deref()
    }

    /// Which sheet of a workbook was read (`sheet "People" (2 of 3)`).
    pub fn sheet(&self) -> Option<String> {
        self.opened.reader.sheet().map(Sheet::describe)
    }

    /// The note on title lines skipped above the header.
    pub fn titles(&self) -> Option<&str> {
        self.titles.as_deref()
    }

    pub fn shown(&self) -> &Path {
        self.opened.input.shown()
    }

    /// Map the columns again with `map` (the plan edited by the person
    /// running it), reading first the parts of the account's catalog the
    /// new map needs that the first plan did not (a column mapped to a
    /// custom field, say).
    pub fn remap(&mut self, map: &MapFile, client: Option<&Client>) -> Result<()> {
        let o = &self.opened;
        if let Some(client) = client.filter(|_| self.catalog.online) {
            let wanted = o
                .build(&Catalog::offline(), Some(map))
                .map_or(Needs::ALL, |m| m.needs(true));
            let unread = Needs {
                fields: wanted.fields && !self.read.fields,
                tags: wanted.tags && !self.read.tags,
                members: wanted.members && !self.read.members,
            };
            if unread != Needs::NONE {
                let more = client.catalog_for(unread)?;
                self.catalog.fields.extend(more.fields);
                self.catalog.tags.extend(more.tags);
                self.catalog.members.extend(more.members);
                self.read = Needs {
                    fields: self.read.fields || unread.fields,
                    tags: self.read.tags || unread.tags,
                    members: self.read.members || unread.members,
                };
            }
        }
        self.mapping = o.build_checked(&self.catalog, &self.offline_note, Some(map))?;
        self.tags_mode = tags_mode(&o.plan, Some(map), &self.mapping)?;
        self.settings.tags_mode = Some(self.tags_mode.to_string());
        let (phones, reading, sample) = read_phones(
            self.phones.clone(),
            o.phones_setting,
            &self.mapping,
            &o.sample,
        );
        (self.phones, self.reading, self.phone_sample) = (phones, reading, sample);
        self.settings.phones = self.reading.setting().map(|s| s.to_string());
        Ok(())
    }

    /// Write the journal and the tags `--create-tags` adds, validate and
    /// send every row, and write the reports (and `--html`). `client` sends
    /// unless the plan is a dry run; `interrupt` is Ctrl-C.
    pub fn run(
        self,
        client: Option<&Client>,
        interrupt: &AtomicBool,
        tell: &dyn Fn(&str),
    ) -> Result<ImportOutcome> {
        let Mapped {
            opened: o,
            mut catalog,
            read: _,
            offline_note,
            mapping,
            tags_mode,
            phones,
            reading,
            phone_sample,
            settings,
            titles,
        } = self;
        let plan = &o.plan;
        let dry_run = plan.dry_run;
        let shown = o.input.shown();
        let phones_note = reading.note();
        let file_region = phone_sample.file_region(phones.default_region());
        if let Some(dir) = &plan.file.report_dir {
            std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
        }
        // The journal, before anything is written (tags included). Standard
        // input or a pipe cannot be read again: no journal, no resume.
        let rereadable = o.input.file().is_some_and(Path::is_file);
        let (journal, resume) = match o.input.file() {
            Some(file) if !dry_run && rereadable => {
                let options =
                    journal::journal_settings(plan, &mapping, &settings, o.reader.sheet());
                journal::open_journal(
                    plan,
                    file,
                    &crate::journal::path_for(&o.paths),
                    options,
                    client.and_then(Client::server_now),
                )?
            }
            _ => (None, None),
        };
        if let Some(r) = &resume {
            tell(&format!(
                "resuming the run of {} begun {}: {} rows decided, {} to settle by a search, the \
                 rest to send",
                shown.display(),
                r.header.started,
                r.decided(),
                r.in_flight()
            ));
        }
        let tags_created = if plan.create_tags && catalog.online {
            let config = plan.file.config(&o.input, o.map_file.as_ref());
            let missing = tags::missing_tags(&config, &mapping, &catalog)?;
            match client.filter(|_| !dry_run) {
                Some(client) => {
                    let created = tags::create_tags(client, &mut catalog, &missing)?;
                    if !created.is_empty() {
                        tell(&format!(
                            "created {} tags: {}",
                            created.len(),
                            quoted_list(&created)
                        ));
                    }
                    created
                }
                None => missing,
            }
        } else {
            Vec::new()
        };
        let dialect = Dialect::of(&o.reader, plan.file.bom);
        let delimiter = dialect.delimiter;
        let mut reporter = Reporter::create(o.paths, o.reader.headers(), dialect)?;
        reporter.number_rows(o.reader.row_numbers());
        reporter.write_mapping(&mapping::render(&mapping, &settings))?;
        let s = &mut reporter.summary;
        s.sheet = o.reader.sheet().map(Sheet::describe);
        s.dry_run = dry_run;
        s.notes.extend(offline_note);
        s.notes.extend(titles);
        s.notes.extend(phones_note);
        s.mode = plan.mode.to_string();
        s.api = plan.api.to_string();
        describe(
            s,
            &mapping,
            tags_created,
            plan.create_tags && !catalog.online,
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
        let validator = Validator::new(mapping, catalog, phones, plan.blank)
            .with_file_region(file_region)
            .with_tags_mode(tags_mode)
            .with_uuid_for_phone(plan.mode != Mode::Create)
            .with_create_tags(plan.create_tags && dry_run)
            .with_channels(plan.channels);
        let strategy = Strategy::new(plan.search_first);
        let settings = ImportSettings {
            mode: plan.mode,
            api: plan.api,
            batch_size: plan.batch_size,
            concurrency: plan.concurrency,
            on_duplicate: plan.on_duplicate,
            journal: journal.as_ref(),
            resume: resume.as_ref(),
            strategy: Some(&strategy),
            merge: Some(&merge),
            held_budget: pipeline::HELD_BUDGET,
        };
        let command = if dry_run { "validate" } else { "import" };
        let progress = Progress::new(command, o.input.size(), plan.progress, plan.quiet);
        let sending = if dry_run { None } else { client };
        let (result, timeline) = report_html::sample_while(
            Duration::from_secs(1),
            || html::counters(&progress, sending),
            || {
                pipeline::run(
                    o.reader, &validator, sending, &settings, reporter, &progress, interrupt,
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
        let html = match plan.html {
            true => Some(html::write(command, shown, &result.summary, &timeline)?),
            false => None,
        };
        let results_xlsx = match (&result.summary.reports, plan.results_xlsx) {
            (Some(r), true) => Some(crate::report::results_workbook(&r.results, delimiter)?),
            _ => None,
        };
        let stopped = result.fatal.is_some() || result.interrupted;
        let moved = result.summary.reports_moved.is_some();
        // A journal that records nothing sent goes when the run ends
        // (nothing to resume): the way on is the error report.
        let kept = journal
            .as_ref()
            .filter(|j| j.holds_sent())
            .map(|j| j.path().to_path_buf());
        match journal {
            Some(j) if !stopped && !moved => j.finish()?,
            _ => {}
        }
        Ok(ImportOutcome {
            result,
            journal: kept,
            html,
            results_xlsx,
        })
    }
}

/// What the rows' tags do to their contacts' tags: `--tags`, else the map
/// file's `tags_mode`, else the layout's default ([`TagsMode::default_for`]).
fn tags_mode(plan: &Plan, map_file: Option<&MapFile>, mapping: &Mapping) -> Result<TagsMode> {
    if let Some(mode) = plan.tags {
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
            mapping::count(s.unchecked_columns.len(), "column"),
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
