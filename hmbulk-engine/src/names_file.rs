//! A file naming contacts (each row one, by its phone, `id` or `uuid`
//! column), opened for a `status` or `delete` run: what both set up before
//! their rows are read.
//!
//! Takes a [`NamesPlan`] (the file, how the command line asked the file read and its
//! reports written) and the [`InputFile`]; gives an [`Opened`]: the reader
//! at its first row, the first rows read ahead (the mapper's evidence), the
//! reports' paths (`<stem>.<command>.results.csv` …, never an import's, and
//! never the input itself), the map file, and the phone reader with how
//! digits without `+` are to be read. The command's own module builds its
//! [`Names`] from it ([`Opened::names`]), reads the phones as the file shows
//! ([`Opened::read_digits`]) and writes its rows to [`Opened::reporter`].
//! Shares [`crate::import::setup`] with an import. Nothing here prints.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::import::setup::{FilePlan, phones_for, read_phones, refuse_overwriting};
use crate::input::{InputFile, RowNumbers, RowReader};
use crate::lookup::Names;
use crate::mapping::{Field, MapFile, Mapping, SAMPLE_ROWS, Sample};
use crate::phone::{PhoneNormaliser, PhonesSetting};
use crate::report::{Dialect, IgnoredColumn, ReportPaths, Reporter};

/// A file naming contacts, how the command line asked it read, and
/// whether its reports replace an earlier run's.
#[derive(Debug, Clone, Default)]
pub struct NamesPlan {
    /// The file as named on the command line (`-`: standard input).
    pub file: PathBuf,
    /// How it is read and its reports written.
    pub read: FilePlan,
    /// Replace the reports of an earlier run instead of keeping them numbered.
    pub overwrite: bool,
}

impl NamesPlan {
    /// A reader of `input` from its first row (for a pass that counts).
    pub fn reader(&self, input: &InputFile) -> Result<RowReader> {
        let map_file = self.read.map.as_deref().map(MapFile::load).transpose()?;
        self.read.config(input, map_file.as_ref()).reader()
    }
}

/// The input file opened, and what reading it needs.
pub struct Opened {
    pub(crate) reader: RowReader,
    /// How the reports are written (the input's dialect).
    dialect: Dialect,
    /// Keep the reports of earlier runs, numbered (no `--overwrite`).
    keep_runs: bool,
    /// The numbers the reports print for the rows (a workbook's sheet rows).
    numbers: RowNumbers,
    paths: ReportPaths,
    map_file: Option<MapFile>,
    phones: PhoneNormaliser,
    /// How digits without `+` are to be read ([`Opened::read_digits`]).
    phones_setting: PhonesSetting,
    /// The file's first rows, read ahead (given again by `reader`): what
    /// its content shows.
    sample: Sample,
}

/// Open `input` as `plan` says for `command`, whose reports are
/// `<stem>.<command>.results.csv` … (never an import's).
pub fn open(command: &str, plan: &NamesPlan, input: &InputFile) -> Result<Opened> {
    let mut reader = plan.reader(input)?;
    let sample = Sample::new(reader.peek(SAMPLE_ROWS));
    let dialect = Dialect::of(&reader, plan.read.bom);
    if let Some(dir) = &plan.read.report_dir {
        std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
    }
    let mut paths = ReportPaths::for_command(&plan.file, plan.read.report_dir.as_deref(), command);
    if reader.sheet().is_some() {
        paths = paths.with_workbook_errors();
    }
    refuse_overwriting(&plan.file, &[&paths.results, &paths.errors, &paths.summary])?;
    let map_file = plan.read.map.as_deref().map(MapFile::load).transpose()?;
    let (_, phones, phones_setting) = phones_for(
        plan.read.default_region.as_deref(),
        plan.read.phones,
        map_file.as_ref(),
    )?;
    Ok(Opened {
        numbers: reader.row_numbers(),
        reader,
        dialect,
        keep_runs: !plan.overwrite,
        paths,
        map_file,
        phones,
        phones_setting,
        sample,
    })
}

impl Opened {
    /// The file's header.
    pub fn headers(&self) -> &[String] {
        self.reader.headers()
    }

    /// The numbers the reports print for the rows.
    pub fn numbers(&self) -> &RowNumbers {
        &self.numbers
    }

    /// The file's first rows, read ahead.
    pub fn sample(&self) -> &Sample {
        &self.sample
    }

    /// The phone reader, before the file's digits are read ([`Opened::read_digits`]).
    pub fn phones(&self) -> &PhoneNormaliser {
        &self.phones
    }

    /// The map file: `map` (one edited at the `[Y/n/edit]` question) or `--map`.
    pub fn map_file<'a>(&'a self, map: Option<&'a MapFile>) -> Option<&'a MapFile> {
        map.or(self.map_file.as_ref())
    }

    /// The columns naming contacts, for `command` ([`Names::new`]), with
    /// `map` in place of `--map` when given.
    pub fn names(
        &self,
        map: Option<&MapFile>,
        command: &str,
        claimed: &[usize],
        uses: &dyn Fn(Field) -> bool,
    ) -> Result<Names> {
        let map = self.map_file(map);
        let phones = self.phones.clone();
        let headers = self.headers();
        Names::new(headers, &self.sample, map, phones, command, claimed, uses)
    }

    /// Read the file's digits without `+` as the setting, its layout or a
    /// sample of its first rows say: `names` reads its phones so from now
    /// on. Gives the note to show when the sample decided.
    pub fn read_digits(&self, names: &mut Names) -> Option<String> {
        let phones = names.phones().clone();
        let (phones, reading, _) =
            read_phones(phones, self.phones_setting, names.mapping(), &self.sample);
        names.set_phones(phones);
        reading.note()
    }

    /// The reports of a run, with the command's own result `columns`; the
    /// summary names the columns `mapping` ignored. The reports of earlier
    /// runs are kept, numbered, unless `--overwrite`. Gives the reader too,
    /// at the file's first row.
    pub fn reporter(self, columns: &[&str], mapping: &Mapping) -> Result<(Reporter, RowReader)> {
        let headers = self.reader.headers().to_vec();
        let mut reporter = Reporter::with_columns(self.paths, &headers, self.dialect, columns)?;
        reporter.keep_earlier_runs(self.keep_runs);
        reporter.number_rows(self.numbers);
        reporter.summary.ignored_columns = IgnoredColumn::all(mapping);
        Ok((reporter, self.reader))
    }
}
