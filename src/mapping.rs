//! Column mapping: which contact field each input column fills. Headers are
//! matched ignoring case, spaces and punctuation, with the synonyms in
//! DESIGN.md; custom fields by title or `custom:<id>`; `--map FILE.toml` for the
//! rest. Takes the header and a [`Catalog`]; gives a [`Mapping`] or the list of
//! columns it could not place.
//!
//! Precedence for one column: the `--map` file; then the report columns
//! `_row`, `_error_code`, `_error` (exactly as written) and the read-only
//! columns `id`, `created`, `updated`, `blocked` (ignored); then the built-in
//! synonyms; then `custom:<id>`; then a custom field title. A custom field
//! titled like a built-in synonym (say "Owner") is reached with `custom:<id>`
//! or the map file.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::catalog::Catalog;
use crate::error::{Error, Result};

/// Lower-case letters and digits only: `E-mail` -> `email`, `Last Name` -> `lastname`.
pub fn normalise_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// A contact field a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Phone,
    First,
    Last,
    DisplayName,
    Email,
    Tags,
    OptedOut,
    Assignee,
    /// The contact's UUID (export's `uuid` column): matches in upsert/update.
    Uuid,
    /// A custom field, by id.
    Custom(i64),
}

/// The built-in fields, each with its name (as a map file writes it) and the
/// normalised headers that mean it.
#[rustfmt::skip]
const BUILT_IN: [(Field, &str, &[&str]); 9] = [
    (Field::Phone, "phone", &[
        "phone", "mobile", "cell", "cellphone", "mobilephone", "phonenumber", "telephone", "tel",
        "mobilenumber",
    ]),
    (Field::First, "first", &["first", "firstname", "givenname"]),
    (Field::Last, "last", &["last", "lastname", "surname", "familyname"]),
    (Field::DisplayName, "display_name", &["name", "fullname", "displayname", "contactname"]),
    (Field::Email, "email", &["email", "emailaddress", "mail"]),
    (Field::Tags, "tags", &["tags", "tag", "labels"]),
    (Field::OptedOut, "opted_out", &["optedout", "isoptedout", "optout", "unsubscribed"]),
    (Field::Assignee, "assignee", &[
        "assignee", "assigneduser", "assignedto", "owner", "assigneduserid", "assigneeid",
    ]),
    (Field::Uuid, "uuid", &["uuid", "contactuuid"]),
];

/// Columns of an error report fed back in, matched exactly as written.
const REPORT_COLUMNS: [&str; 3] = ["_row", "_error_code", "_error"];

/// Read-only columns of an export (normalised): never written back.
const READ_ONLY_COLUMNS: [&str; 4] = ["id", "created", "updated", "blocked"];

impl Field {
    /// The built-in field a map file or a header names, by its field name
    /// (`display_name`, `Display Name`) or, with `synonyms`, any header synonym.
    fn built_in(text: &str, synonyms: bool) -> Option<Field> {
        let key = normalise_header(text);
        BUILT_IN.iter().find_map(|(field, name, words)| {
            let hit = normalise_header(name) == key || (synonyms && words.contains(&key.as_str()));
            hit.then_some(*field)
        })
    }
}

impl fmt::Display for Field {
    /// The name a map file uses: `phone`, `display_name`, `custom:101`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Custom(id) => write!(f, "custom:{id}"),
            field => {
                let name = BUILT_IN
                    .iter()
                    .find(|(built_in, _, _)| built_in == field)
                    .map_or("?", |(_, name, _)| name);
                f.write_str(name)
            }
        }
    }
}

/// What to do with one input column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Field(Field),
    /// Read-only or report columns (`id`, `created`, `updated`, `blocked`,
    /// `_row`, `_error_code`, `_error`) and, with `--ignore-unknown`, columns
    /// nothing matched.
    Ignore,
}

/// A target as a map file writes it, before the catalog is consulted.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Written {
    Target(Target),
    /// Neither a field name, `custom:<id>` nor `ignore`: a custom field title.
    Title(String),
}

/// A `--map FILE.toml`: `[columns]` table of header = target, where target is a
/// field name (`phone`, `first`, ...), `custom:<id>`, a custom field title, or
/// `ignore`.
#[derive(Debug, Clone, Default)]
pub struct MapFile {
    path: PathBuf,
    /// Header text as written in the map file, and its target.
    columns: Vec<(String, Written)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MapToml {
    columns: BTreeMap<String, String>,
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
            let key = line
                .split_once('=')
                .map(|(k, _)| k.trim().trim_matches(['"', '\'']))
                .filter(|k| !k.is_empty() && k.len() <= 64)
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
            let written = parse_written(&target).map_err(|why| {
                Error::usage(format!(
                    "the --map file {shown} maps \"{header}\" to \"{target}\": {why}"
                ))
            })?;
            columns.push((header, written));
        }
        Ok(MapFile {
            path: path.to_path_buf(),
            columns,
        })
    }

    /// The map file's entry for `header`: by its exact text first, then ignoring
    /// case, spaces and punctuation.
    fn entry(&self, header: &str) -> Option<&Written> {
        let exact = self.columns.iter().find(|(h, _)| h.trim() == header.trim());
        let key = normalise_header(header);
        exact
            .or_else(|| {
                self.columns
                    .iter()
                    .find(|(h, _)| normalise_header(h) == key)
            })
            .map(|(_, w)| w)
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
    if let Some(field) = Field::built_in(text, false) {
        return Ok(Written::Target(Target::Field(field)));
    }
    if text.is_empty() {
        return Err(format!("the target is empty; {}", targets_hint(None)));
    }
    Ok(Written::Title(text.to_string()))
}

/// `custom:<id>`: `None` when `text` is not of that form, `Some(Err)` when
/// the id is not a number.
fn custom_id(text: &str) -> Option<std::result::Result<i64, String>> {
    let rest = text
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("custom:"))?;
    let id = text[rest.len()..].trim();
    Some(id.parse().map_err(|_| {
        format!("`custom:` must be followed by a custom field id (a number, see `hmbulk fields`), not \"{id}\"")
    }))
}

/// What a map file may name, with this account's custom fields when known.
fn targets_hint(catalog: Option<&Catalog>) -> String {
    let names: Vec<&str> = BUILT_IN.iter().map(|(_, name, _)| *name).collect();
    let mut hint = format!(
        "a target is one of {}, custom:<id>, a custom field title, or ignore",
        names.join(", ")
    );
    if let Some(catalog) = catalog.filter(|c| !c.fields.is_empty()) {
        let fields: Vec<String> = catalog
            .fields
            .iter()
            .map(|f| format!("\"{}\" (custom:{})", f.title, f.id))
            .collect();
        hint.push_str(&format!(
            "; this account's custom fields: {}",
            fields.join(", ")
        ));
    }
    hint
}

/// A column nothing matched, with the targets it could be mapped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    pub header: String,
    pub suggestions: Vec<String>,
}

impl fmt::Display for Unmapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = &self.header;
        write!(f, "\"{header}\": ")?;
        if let [first, rest @ ..] = self.suggestions.as_slice() {
            let mut options = format!("\"{first}\"");
            for s in rest {
                options.push_str(&format!(" or \"{s}\""));
            }
            write!(
                f,
                "did you mean {options}? map it as `\"{header}\" = \"{first}\"`, or "
            )?;
        }
        write!(
            f,
            "add it to a --map file as `\"{header}\" = \"ignore\"` or pass --ignore-unknown"
        )
    }
}

/// The columns of one input file, each with its target.
#[derive(Debug, Clone)]
pub struct Mapping {
    headers: Vec<String>,
    targets: Vec<Target>,
    ignored_unknown: Vec<Unmapped>,
}

impl Mapping {
    /// Map every header. Unknown columns are an error listing all of them
    /// (unless `ignore_unknown`); two columns for one field are an error too.
    pub fn build(
        headers: &[String],
        catalog: &Catalog,
        map_file: Option<&MapFile>,
        ignore_unknown: bool,
    ) -> Result<Mapping> {
        if let Some(map) = map_file {
            check_map_targets(map, catalog)?;
        }
        let mut targets = Vec::with_capacity(headers.len());
        let mut unknown = Vec::new();
        for header in headers {
            let target = match map_file.and_then(|m| m.entry(header)) {
                Some(written) => resolve(written, catalog).ok(),
                None => automatic(header, catalog),
            };
            match target {
                Some(target) => targets.push(target),
                None => {
                    targets.push(Target::Ignore);
                    unknown.push(Unmapped {
                        header: header.clone(),
                        suggestions: suggestions(header, catalog),
                    });
                }
            }
        }
        let (ignored_unknown, unplaced) = if ignore_unknown {
            (unknown, Vec::new())
        } else {
            (Vec::new(), unknown)
        };
        Mapping {
            headers: headers.to_vec(),
            targets,
            ignored_unknown,
        }
        .checked(&unplaced, catalog)
    }

    /// The mapping, or one usage error telling every problem at once:
    /// `unknown` columns, fields two columns fill, no phone column.
    fn checked(self, unknown: &[Unmapped], catalog: &Catalog) -> Result<Mapping> {
        let mut problems = Vec::new();
        if !unknown.is_empty() {
            let lines: Vec<String> = unknown.iter().map(|u| format!("  {u}")).collect();
            problems.push(format!(
                "{} could not be placed:\n{}\n  ({})",
                count(unknown.len(), "column"),
                lines.join("\n"),
                targets_hint(Some(catalog))
            ));
        }
        problems.extend(self.duplicate_targets());
        if self.column(Field::Phone).is_none() {
            problems.push(format!(
                "no column holds the phone number, and every contact needs one; name a \
                 column phone, mobile or cell, or map one in a --map file as \
                 `\"<header>\" = \"phone\"` (columns found: {})",
                quoted_list(&self.headers)
            ));
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(Error::usage(problems.join("\n")))
        }
    }

    /// Target of column `i` (`Ignore` past the last column).
    pub fn target(&self, i: usize) -> Target {
        self.targets.get(i).copied().unwrap_or(Target::Ignore)
    }

    /// Column that fills `field`, if any.
    pub fn column(&self, field: Field) -> Option<usize> {
        self.targets.iter().position(|t| *t == Target::Field(field))
    }

    pub fn len(&self) -> usize {
        self.targets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The header cells the mapping was built from, as written in the file.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The header of column `i` as written in the file (`""` past the last).
    pub fn header(&self, i: usize) -> &str {
        self.headers.get(i).map_or("", String::as_str)
    }

    /// Columns that fill custom fields: (column, custom field id), in column order.
    pub fn custom_columns(&self) -> impl Iterator<Item = (usize, i64)> + '_ {
        self.targets
            .iter()
            .enumerate()
            .filter_map(|(i, t)| match t {
                Target::Field(Field::Custom(id)) => Some((i, *id)),
                _ => None,
            })
    }

    /// Columns nothing matched that `--ignore-unknown` let through (to warn about).
    pub fn ignored_unknown(&self) -> &[Unmapped] {
        &self.ignored_unknown
    }

    /// One message per field that two or more columns fill.
    fn duplicate_targets(&self) -> Vec<String> {
        let mut by_field: Vec<(Field, Vec<&str>)> = Vec::new();
        for (i, target) in self.targets.iter().enumerate() {
            let Target::Field(field) = *target else {
                continue;
            };
            match by_field.iter_mut().find(|(f, _)| *f == field) {
                Some((_, columns)) => columns.push(self.header(i)),
                None => by_field.push((field, vec![self.header(i)])),
            }
        }
        by_field
            .into_iter()
            .filter(|(_, columns)| columns.len() > 1)
            .map(|(field, columns)| {
                let last = columns[columns.len() - 1];
                let both = if columns.len() == 2 { "both" } else { "all" };
                format!(
                    "columns {} {both} fill {field}; keep one of them, or say in a --map \
                     file which to use and which to skip, e.g. `\"{last}\" = \"ignore\"`",
                    quoted_list(&columns)
                )
            })
            .collect()
    }
}

/// A map file target that cannot be resolved is a usage error, whether or
/// not this file has that column (the map is checked as a whole).
fn check_map_targets(map: &MapFile, catalog: &Catalog) -> Result<()> {
    let bad: Vec<String> = map
        .columns
        .iter()
        .filter_map(|(header, written)| {
            resolve(written, catalog)
                .err()
                .map(|why| format!("  \"{header}\": {why}"))
        })
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    Err(Error::usage(format!(
        "the --map file {} has {} no field can take:\n{}\n  ({})",
        map.path.display(),
        count(bad.len(), "target"),
        bad.join("\n"),
        targets_hint(Some(catalog))
    )))
}

/// A map file target against this account's catalog.
fn resolve(written: &Written, catalog: &Catalog) -> std::result::Result<Target, String> {
    match written {
        Written::Target(Target::Field(Field::Custom(id))) => custom_field(*id, catalog),
        Written::Target(target) => Ok(*target),
        Written::Title(title) => match catalog.field_by_title(title) {
            Some(field) => Ok(Target::Field(Field::Custom(field.id))),
            None if !catalog.online => Err(format!(
                "\"{title}\" is not a field name, and custom field titles can only be \
                 checked with the account's field list: run with credentials, or write \
                 custom:<id> (ids from `hmbulk fields`)"
            )),
            None => Err(format!(
                "\"{title}\" is neither a field name nor a custom field of this account"
            )),
        },
    }
}

/// `custom:<id>`: any id offline; online, one the account has.
fn custom_field(id: i64, catalog: &Catalog) -> std::result::Result<Target, String> {
    if !catalog.online || catalog.field_by_id(id).is_some() {
        Ok(Target::Field(Field::Custom(id)))
    } else {
        Err(format!("custom:{id} is not a custom field of this account"))
    }
}

/// The target a header gets without a map file, if any.
fn automatic(header: &str, catalog: &Catalog) -> Option<Target> {
    if REPORT_COLUMNS.contains(&header.trim()) {
        return Some(Target::Ignore);
    }
    if READ_ONLY_COLUMNS.contains(&normalise_header(header).as_str()) {
        return Some(Target::Ignore);
    }
    if let Some(field) = Field::built_in(header, true) {
        return Some(Target::Field(field));
    }
    if let Some(id) = custom_id(header.trim()) {
        return custom_field(id.ok()?, catalog).ok();
    }
    catalog
        .field_by_title(header)
        .map(|f| Target::Field(Field::Custom(f.id)))
}

/// Up to three targets whose names are close to `header` (small edit
/// distance, or the header contains the name: "Work Email" -> email).
fn suggestions(header: &str, catalog: &Catalog) -> Vec<String> {
    let key = normalise_header(header);
    let allowed = match key.chars().count() {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    let built_in = BUILT_IN.iter().flat_map(|(field, _, words)| {
        words
            .iter()
            .map(move |w| (w.to_string(), field.to_string()))
    });
    let titles = catalog
        .fields
        .iter()
        .map(|f| (normalise_header(&f.title), f.title.clone()));
    let mut scored: Vec<(usize, String)> = built_in
        .chain(titles)
        .filter_map(|(word, target)| {
            let distance = edit_distance(&key, &word);
            if word.chars().count() >= 4 && key.contains(&word) {
                Some((distance.min(1), target))
            } else {
                (distance <= allowed).then_some((distance, target))
            }
        })
        .collect();
    scored.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, target) in scored {
        if !out.contains(&target) && out.len() < 3 {
            out.push(target);
        }
    }
    out
}

/// Optimal string alignment distance: insertions, deletions, substitutions
/// and swaps of neighbours each cost 1 ("moblie" -> "mobile" is 1).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `"A", "B" and "C"`.
fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_swaps_once() {
        assert_eq!(edit_distance("mobile", "mobile"), 0);
        assert_eq!(edit_distance("moblie", "mobile"), 1);
        assert_eq!(edit_distance("emial", "email"), 1);
        assert_eq!(edit_distance("fone", "phone"), 2);
        assert_eq!(edit_distance("", "tag"), 3);
        assert_eq!(edit_distance("téléphone", "telephone"), 2);
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(quoted_list(&["A"]), "\"A\"");
        assert_eq!(quoted_list(&["A", "B"]), "\"A\" and \"B\"");
        assert_eq!(quoted_list(&["A", "B", "C"]), "\"A\", \"B\" and \"C\"");
        assert_eq!(count(1, "column"), "1 column");
        assert_eq!(count(2, "column"), "2 columns");
    }

    #[test]
    fn fields_print_as_map_files_name_them() {
        assert_eq!(Field::DisplayName.to_string(), "display_name");
        assert_eq!(Field::OptedOut.to_string(), "opted_out");
        assert_eq!(Field::Custom(101).to_string(), "custom:101");
        for (field, name, _) in BUILT_IN {
            assert_eq!(Field::built_in(name, false), Some(field));
        }
    }
}
