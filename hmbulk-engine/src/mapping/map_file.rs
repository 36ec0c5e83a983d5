//! `--map FILE.toml`: a `[columns]` table of header = target, and an optional
//! `[settings]` table; and the same format written beside a run's reports as
//! the mapping that run used, so that importing its error report needs no
//! flags. Takes a path (or a [`super::Mapping`] to write); gives a [`MapFile`].
//!
//! Targets are field names (`phone`, `first`, `sms_consent`, …),
//! `custom:<id>`, a custom field title, or `ignore`. Several columns may fill
//! `phone`, `email` or `country`: the file's order is their priority, and a
//! line may say it outright, the field first and its columns in order:
//! `phone = ["Mobiltelefon", "Telefon geschäftlich"]`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::guess::toml_string;
use super::targets::{custom_id, targets_hint};
use super::{Field, Mapping, Target};
use crate::error::{Error, Result};

/// A target as a map file writes it, before the catalog is consulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Written {
    Target(Target),
    /// Neither a field name, `custom:<id>` nor `ignore`: a custom field title.
    Title(String),
}

/// Settings a map file may carry (the mapping file of a run writes them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Region for numbers without a country code, when `--default-region`
    /// is not given.
    pub default_region: Option<String>,
    /// How digits without `+` are read, when `--phones` is not given:
    /// `e164`, `national` or `auto` ([`crate::phone::PhonesSetting`]).
    pub phones: Option<String>,
    /// The layout the run recognised (for people; layouts are recognised
    /// from the header again).
    pub layout: Option<String>,
    /// The file the mapping was made for (for people).
    pub source: Option<String>,
    /// What the rows' tags do to their contacts' tags: `add`, `replace` or
    /// `remove`, when `--tags` is not given (checked by the command).
    pub tags_mode: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct MapFile {
    pub(super) path: PathBuf,
    /// Header text as written in the map file, and its target, in file order.
    pub(super) columns: Vec<(String, Written)>,
    pub settings: Settings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MapToml {
    columns: toml::Table,
    #[serde(default)]
    settings: Settings,
}

impl MapFile {
    pub fn load(path: &Path) -> Result<MapFile> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::usage(format!("cannot read the --map file {shown}: {e}")))?;
        // The parser's message quotes the file (a credentials file passed
        // by mistake would show its key): say only the line and key name.
        let parsed: MapToml = toml::from_str(&text).map_err(|e| {
            let at = e.span().map_or(0, |span| span.start).min(text.len());
            let line_no = text.as_bytes()[..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            let line = text.lines().nth(line_no - 1).unwrap_or("");
            let key = crate::redact::setting_name(line)
                .map(|k| format!(" (key {k:?})"))
                .unwrap_or_default();
            Error::usage(format!(
                "the --map file {shown} is not a valid map: line {line_no}{key} is not a \
                 \"Header\" = \"field\" line of a [columns] table (the file's text is not \
                 shown)\nwrite a [columns] table with one line per column, e.g.\n\
                 [columns]\n\"Mobile #\" = \"phone\"\n\"Fav Color\" = \"ignore\""
            ))
        })?;
        let mut columns = Vec::with_capacity(parsed.columns.len());
        for (header, target) in parsed.columns {
            // `phone = ["Mobile", "Home"]`: a field and its columns in order.
            if let Some(list) = target.as_array() {
                let written = parse_written(&header).map_err(|why| {
                    Error::usage(format!(
                        "the --map file {shown} lists columns for \"{header}\": {why}"
                    ))
                })?;
                for item in list {
                    let Some(column) = item.as_str() else {
                        return Err(Error::usage(format!(
                            "the --map file {shown} is not a valid map: the columns of \
                             \"{header}\" must be headers in quotes, like {header} = \
                             [\"Mobile\", \"Home Phone\"]"
                        )));
                    };
                    columns.push((column.to_string(), written.clone()));
                }
                continue;
            }
            let Some(target) = target.as_str() else {
                return Err(Error::usage(format!(
                    "the --map file {shown} is not a valid map: the target of \"{header}\" \
                     must be text in quotes, like \"{header}\" = \"phone\""
                )));
            };
            let written = parse_written(target).map_err(|why| {
                Error::usage(format!(
                    "the --map file {shown} maps \"{header}\" to \"{target}\": {why}"
                ))
            })?;
            columns.push((header, written));
        }
        Ok(MapFile {
            path: path.to_path_buf(),
            columns,
            settings: parsed.settings,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The map file's entry for `header` and its position in the file: by
    /// its exact text first, then ignoring case, spaces and punctuation.
    pub(super) fn entry(&self, header: &str) -> Option<(usize, &Written)> {
        let exact = self
            .columns
            .iter()
            .position(|(h, _)| h.trim() == header.trim());
        let key = super::normalise_header(header);
        exact
            .or_else(|| {
                self.columns
                    .iter()
                    .position(|(h, _)| super::normalise_header(h) == key)
            })
            .map(|i| (i, &self.columns[i].1))
    }
}

fn parse_written(target: &str) -> std::result::Result<Written, String> {
    let text = target.trim();
    if text.eq_ignore_ascii_case("ignore") {
        return Ok(Written::Target(Target::Ignore));
    }
    if let Some(id) = custom_id(text) {
        return id.map(|id| Written::Target(Target::Field(Field::Custom(id))));
    }
    if let Some(channel) = Field::channel(text) {
        return channel.map(|f| Written::Target(Target::Field(f)));
    }
    if let Some(field) = Field::built_in(text, false) {
        return Ok(Written::Target(Target::Field(field)));
    }
    if text.is_empty() {
        return Err(format!("the target is empty; {}", targets_hint(None)));
    }
    Ok(Written::Title(text.to_string()))
}

/// The mapping a run used, as a map file: phones, emails and countries first
/// in their priority order, then every other column in file order.
pub fn render(mapping: &Mapping, settings: &Settings) -> String {
    let mut text = String::from(
        "# The mapping of columns this hmbulk run used, in --map format.\n\
         # `hmbulk import <stem>.errors.csv` finds this file beside the error report\n\
         # and uses it; pass it to another file with --map.\n\n[settings]\n",
    );
    let lines = [
        ("default_region", &settings.default_region),
        ("phones", &settings.phones),
        ("layout", &settings.layout),
        ("source", &settings.source),
        ("tags_mode", &settings.tags_mode),
    ];
    for (key, value) in lines {
        if let Some(v) = value {
            text.push_str(&format!("{key} = {}\n", toml_string(v)));
        }
    }
    text.push_str("\n[columns]\n");
    // Several phone, email or country columns: the field and its columns,
    // in priority order.
    let lists = [
        (
            "phone",
            mapping
                .phones()
                .iter()
                .map(|s| s.column)
                .collect::<Vec<_>>(),
        ),
        ("email", mapping.emails().iter().map(|s| s.column).collect()),
        ("country", mapping.countries().to_vec()),
    ];
    let mut done: Vec<usize> = Vec::new();
    for (field, columns) in lists {
        let clash = (0..mapping.len())
            .any(|i| !columns.contains(&i) && super::normalise_header(mapping.header(i)) == field);
        if columns.len() < 2 || clash {
            continue;
        }
        let quoted: Vec<String> = columns
            .iter()
            .map(|&i| toml_string(mapping.header(i)))
            .collect();
        text.push_str(&format!("{field} = [{}]\n", quoted.join(", ")));
        done.extend(columns);
    }
    let mut order: Vec<usize> = mapping.phones().iter().map(|s| s.column).collect();
    order.extend(mapping.emails().iter().map(|s| s.column));
    order.extend(mapping.countries().iter().copied());
    // Linear in the columns, however many (a 60,000-column header).
    let mut placed = vec![false; mapping.len()];
    order.iter().for_each(|&i| placed[i] = true);
    order.extend((0..mapping.len()).filter(|&i| !placed[i]));
    let mut listed = vec![false; mapping.len()];
    done.iter().for_each(|&i| listed[i] = true);
    let unchecked: std::collections::HashSet<&str> =
        mapping.unchecked().iter().map(String::as_str).collect();
    for i in order.into_iter().filter(|&i| !listed[i]) {
        let header = mapping.header(i);
        if super::REPORT_COLUMNS.contains(&header.trim()) {
            continue;
        }
        let target = match mapping.target(i) {
            Target::Field(field) => field.to_string(),
            Target::Ignore => match unchecked.contains(header) {
                // A title nobody could check offline: keep it as a title.
                true => header.to_string(),
                false => "ignore".to_string(),
            },
        };
        text.push_str(&format!(
            "{} = {}\n",
            toml_string(header),
            toml_string(&target)
        ));
    }
    text
}

/// Where a run's mapping file goes: `<stem>.mapping.toml` beside its reports.
pub fn path_beside(errors_report: &Path) -> PathBuf {
    let name = errors_report
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = ERROR_REPORTS
        .iter()
        .find_map(|end| name.strip_suffix(end))
        .unwrap_or(&name);
    errors_report.with_file_name(format!("{stem}.mapping.toml"))
}

/// How an error report's name ends: a CSV input's, a workbook input's.
const ERROR_REPORTS: [&str; 2] = [".errors.csv", ".errors.xlsx"];

/// The mapping file an error report's own run wrote, when `input` is an
/// error report (`<stem>.errors.csv`, `<stem>.errors.xlsx`) and that file
/// is beside it.
pub fn for_error_report(input: &Path) -> Option<PathBuf> {
    let name = input.file_name()?.to_string_lossy().to_ascii_lowercase();
    if !ERROR_REPORTS.iter().any(|end| name.ends_with(end)) {
        return None;
    }
    let path = path_beside(input);
    path.is_file().then_some(path)
}
