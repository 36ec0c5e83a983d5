//! What a run over a file of contacts (import, validate, status, delete)
//! sets up before its rows are read: how the command line asked the file
//! read and its reports written ([`FilePlan`], one for every command), which sheet of a workbook holds the
//! contacts ([`header_check`]), the region and the reading of digits without
//! `+` ([`phones_for`], [`read_phones`]), and that no report overwrites the
//! input ([`refuse_overwriting`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::contact::columns::sample_phones;
use crate::error::{Error, Result};
use crate::input::InputFile;
use crate::input::config::Config;
use crate::input::workbook::HeaderCheck;
use crate::mapping::{MapFile, Mapping, Sample};
use crate::phone::{ColumnSample, DigitsReading, PhoneNormaliser, PhonesSetting};

/// How the command line asked a file of contacts read, and its reports
/// written: the same for an import, a validation, a status and a delete.
#[derive(Debug, Clone, Default)]
pub struct FilePlan {
    /// The workbook sheet (name or number).
    pub sheet: Option<String>,
    /// `--default-region`.
    pub default_region: Option<String>,
    /// `--phones`.
    pub phones: Option<PhonesSetting>,
    /// `--map`.
    pub map: Option<PathBuf>,
    pub report_dir: Option<PathBuf>,
    pub delimiter: Option<u8>,
    /// A BOM on the CSV reports: yes, no, or as the input (`None`).
    pub bom: Option<bool>,
}

impl FilePlan {
    /// How `input` is read: the delimiter, and for a workbook the sheet,
    /// chosen by whether the mapper (with `map`) reads its header.
    pub(crate) fn config(&self, input: &InputFile, map: Option<&MapFile>) -> Config {
        input
            .config(self.delimiter)
            .sheet(self.sheet.clone())
            .header_check(header_check(map))
    }
}

/// Does the mapper find a phone column in a header (offline, unknown
/// columns let through)? How a workbook's contacts sheet is told.
pub fn header_check(map: Option<&MapFile>) -> HeaderCheck {
    let map = map.cloned();
    Arc::new(move |headers: &[String]| {
        Mapping::build(headers, &Catalog::offline(), map.as_ref(), true).is_ok()
    })
}

/// The region used when `--default-region` is not given and no mapping file says.
const DEFAULT_REGION: &str = "US";

/// A usage error when one of `reports` is the input `file` itself.
pub fn refuse_overwriting(file: &Path, reports: &[&PathBuf]) -> Result<()> {
    if reports.iter().any(|p| same_file(p, file)) {
        return Err(Error::usage(format!(
            "the reports would overwrite the input {}; pass --report-dir",
            file.display()
        )));
    }
    Ok(())
}

/// The region national numbers are read in (`--default-region`, else the
/// mapping file's, else US), its phone reader, and how digits without `+`
/// are to be read (`--phones`, else the mapping file's, else auto).
pub fn phones_for(
    default_region: Option<&str>,
    phones: Option<PhonesSetting>,
    map_file: Option<&MapFile>,
) -> Result<(String, PhoneNormaliser, PhonesSetting)> {
    let settings = map_file.map(|m| &m.settings);
    let region = default_region
        .map(str::to_string)
        .or_else(|| settings?.default_region.clone())
        .unwrap_or_else(|| DEFAULT_REGION.to_string());
    let written = match settings.and_then(|s| s.phones.as_deref()) {
        Some(name) => Some(name.parse::<PhonesSetting>().map_err(|e| {
            Error::usage(format!(
                "the --map file's setting `phones = \"{name}\"`: {e}"
            ))
        })?),
        None => None,
    };
    let setting = phones.or(written).unwrap_or_default();
    let phones = PhoneNormaliser::new(&region)?;
    Ok((region, phones, setting))
}

/// How the file's digits without `+` are read ([`DigitsReading`]: the
/// user's `setting`, the layout, or a sample of the phone columns of the
/// file's first rows, `rows`), the phone reader that reads them so, and what
/// the sample showed.
pub fn read_phones(
    phones: PhoneNormaliser,
    setting: PhonesSetting,
    mapping: &Mapping,
    rows: &Sample,
) -> (PhoneNormaliser, DigitsReading, ColumnSample) {
    let layout = mapping.layout().filter(|l| l.e164_digits).map(|l| l.name);
    let sample = sample_phones(&phones, mapping, rows);
    let reading = DigitsReading::decide(setting, layout, || sample.clone());
    (phones.e164_digits(reading.e164()), reading, sample)
}

pub fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
