//! The file arguments `import`, `validate`, `status` and `delete` share:
//! the file, how it is read (sheet, delimiter, map file, region, phones),
//! where its reports go and how they are written, and progress.

use std::path::PathBuf;

use crate::cli::choice;
use hmbulk_engine::import::FilePlan;
use hmbulk_engine::phone::PhonesSetting;

/// How a command reads a file of contacts and where its reports go.
#[derive(Debug, Clone, clap::Args)]
pub struct FileArgs {
    /// The CSV file (any encoding and delimiter Excel writes), workbook
    /// (.xlsx .xlsm .xlsb .xls .ods: one sheet's rows, cells read as typed)
    /// or vCard file (Apple Contacts, iCloud, Google, Outlook: one row per
    /// card); `-` reads standard input (reports: stdin.* in --report-dir, or
    /// the current folder).
    pub file: PathBuf,
    /// The workbook sheet to read: its name, or its number (1 is the first).
    /// Default: the one sheet whose header names a phone column.
    #[arg(long, value_name = "NAME|N")]
    pub sheet: Option<String>,
    /// Region for phone numbers written without a country code, when the row
    /// has no country column: an ISO code (default US, or the mapping file's), or
    /// `none` to make such numbers row errors (`phone_needs_country`).
    #[arg(long, value_name = "CC")]
    pub default_region: Option<String>,
    /// Digits without + (442079460001): E.164 numbers, or read with the
    /// region (default auto: E.164 when the file's layout or its phone
    /// column's own numbers show it; or the mapping file's `phones`).
    #[arg(long, value_parser = choice::<PhonesSetting>())]
    pub phones: Option<PhonesSetting>,
    /// TOML file mapping column headers to fields: \[columns\] "Header" = "phone" | "custom:12" | "ignore" ...
    #[arg(long, value_name = "MAP.toml")]
    pub map: Option<PathBuf>,
    /// Directory for the reports, created if missing (default: next to the input file).
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Field delimiter (default: sniffed among , ; tab |).
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Start the CSV reports with a UTF-8 BOM (for Excel), whatever the
    /// input (default: with one when the input was not plain UTF-8).
    #[arg(long, overrides_with = "no_bom")]
    pub bom: bool,
    /// Never start the CSV reports with a BOM.
    #[arg(long, overrides_with = "bom")]
    pub no_bom: bool,
    /// Show progress even when stderr is not a terminal.
    #[arg(long)]
    pub progress: bool,
}

impl FileArgs {
    /// How the engine is to read the file and write its reports.
    pub fn plan(&self) -> FilePlan {
        FilePlan {
            sheet: self.sheet.clone(),
            default_region: self.default_region.clone(),
            phones: self.phones,
            map: self.map.clone(),
            report_dir: self.report_dir.clone(),
            delimiter: self.delimiter,
            bom: self.bom(),
        }
    }

    /// `--bom` / `--no-bom` (the last given wins); `None`: neither.
    pub fn bom(&self) -> Option<bool> {
        match (self.bom, self.no_bom) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

pub fn parse_delimiter(s: &str) -> std::result::Result<u8, String> {
    match s {
        "\\t" | "tab" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "a delimiter is one ASCII character (or `tab`), not {s:?}"
        )),
    }
}
