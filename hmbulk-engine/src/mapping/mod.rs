//! Column mapping: which contact field each input column fills. Takes the
//! header, a [`Catalog`] and an optional `--map` file; gives a [`Mapping`] or
//! one usage error listing every column it could not place, with a
//! ready-to-paste `[columns]` block.
//!
//! Precedence for one column: the `--map` file; then the report columns
//! `_row`, `_error_code`, `_error` (exactly as written) and the read-only
//! columns `id`, `created`, `updated`, `blocked` (ignored); then, in a file of
//! a known layout ([`layouts`]), what the layout says, and a custom field by
//! title or `custom:<id>` for the layout's other columns, which are otherwise
//! ignored and named (in hmbulk's own export they are custom field titles,
//! and one the account lacks is unknown); in any other file the built-in
//! synonyms, then `custom:<id>`, then a custom field title.
//!
//! `phone`, `email` and `country` may come from several columns: they are
//! kept in priority order (map file order; the layout's order; otherwise
//! mobile/cell first, then plain phone, then the rest, left to right), and
//! validation takes the first valid value of a row.
//!
//! Offline (no credentials), a column that could be a custom field title
//! cannot be checked: it is not an error, but named as unchecked.

mod field;
mod guess;
pub mod layouts;
mod lookup;
mod map_file;
mod targets;
mod words;

use std::fmt;

use crate::catalog::Catalog;
use crate::channel::ChannelKind;
use crate::error::{Error, Result};
use field::{BUILT_IN, EMAIL_CONSENT, READ_ONLY_COLUMNS, REPORT_COLUMNS, field_of, rank};
pub use field::{Field, normalise_header};
pub use guess::{edit_distance, toml_string};
pub use layouts::{LAYOUTS, Layout, Use};
pub use lookup::Lookup;
pub use map_file::{MapFile, Settings, for_error_report, path_beside, render};
use targets::{check_map_targets, custom, resolve, targets_hint};

/// What to do with one input column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Field(Field),
    /// Read-only, report, layout-unused, email-consent and (with
    /// `--ignore-unknown`) unknown columns.
    Ignore,
}

/// A phone or email column in priority order, with the column whose cell
/// labels its number (Google's `Phone 1 - Type`), if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub column: usize,
    pub label: Option<usize>,
}

/// A column read but not used, and why: named in the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub header: String,
    pub reason: String,
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
    layout: Option<&'static Layout>,
    phones: Vec<Slot>,
    emails: Vec<Slot>,
    countries: Vec<usize>,
    ignored: Vec<Ignored>,
    ignored_unknown: Vec<Unmapped>,
    unchecked: Vec<String>,
    source_row: Option<usize>,
}

/// What a mapping is for.
#[derive(Clone, Copy)]
enum Purpose<'a> {
    /// `import`/`validate`: every column must be placed (or
    /// `ignore_unknown`), and a phone column is required.
    Import { ignore_unknown: bool },
    /// A command that names existing contacts (`status`, `delete`): see
    /// [`Mapping::for_lookup`].
    Lookup(&'a Lookup<'a>),
}

/// Sort key of a multi-column field's column: where its target came from
/// (map file, layout, name), then its rank there.
type Priority = (u8, usize, u32, usize);

impl Mapping {
    /// Map every header. Unknown columns are an error listing all of them
    /// with a `[columns]` block to paste (unless `ignore_unknown`; offline
    /// they are unchecked instead); two columns for one single-valued field
    /// are an error too.
    pub fn build(
        headers: &[String],
        catalog: &Catalog,
        map_file: Option<&MapFile>,
        ignore_unknown: bool,
    ) -> Result<Mapping> {
        Mapping::build_for(
            headers,
            catalog,
            map_file,
            Purpose::Import { ignore_unknown },
        )
    }

    fn build_for(
        headers: &[String],
        catalog: &Catalog,
        map_file: Option<&MapFile>,
        purpose: Purpose,
    ) -> Result<Mapping> {
        if let Some(map) = map_file {
            check_map_targets(map, catalog)?;
        }
        let layout = layouts::detect(headers);
        let mut mapping = Mapping {
            headers: headers.to_vec(),
            targets: Vec::with_capacity(headers.len()),
            layout,
            phones: Vec::new(),
            emails: Vec::new(),
            countries: Vec::new(),
            ignored: Vec::new(),
            ignored_unknown: Vec::new(),
            unchecked: Vec::new(),
            source_row: None,
        };
        let mut unknown = Vec::new();
        let mut multi: Vec<(Priority, Field, usize)> = Vec::new();
        for (i, header) in headers.iter().enumerate() {
            let mut placed = mapping.place(i, header, catalog, map_file);
            if let Purpose::Lookup(lookup) = purpose {
                placed = match placed {
                    _ if lookup.claimed.contains(&i) => Placed::Ignored(None),
                    Placed::Target(Target::Field(f), _) if !(lookup.uses)(f) => {
                        Placed::Ignored(Some(format!("not used by `hmbulk {}`", lookup.command)))
                    }
                    Placed::Unchecked | Placed::Unknown => {
                        Placed::Ignored(Some(format!("not used by `hmbulk {}`", lookup.command)))
                    }
                    placed => placed,
                };
            }
            let target = match placed {
                Placed::Target(target, priority) => {
                    if let Target::Field(f) = target
                        && f.is_multi()
                    {
                        multi.push((priority, f, i));
                    }
                    target
                }
                Placed::Ignored(reason) => {
                    if let Some(reason) = reason {
                        mapping.ignore(header, reason);
                    }
                    Target::Ignore
                }
                Placed::Unchecked => {
                    mapping.unchecked.push(header.clone());
                    Target::Ignore
                }
                Placed::Unknown => {
                    let u = Unmapped {
                        header: header.clone(),
                        suggestions: match Field::channel(header) {
                            Some(Err(_)) => ChannelKind::ALL
                                .iter()
                                .map(|k| format!("channel:{k}"))
                                .collect(),
                            _ => guess::suggestions(header, catalog),
                        },
                    };
                    if matches!(
                        purpose,
                        Purpose::Import {
                            ignore_unknown: true
                        }
                    ) {
                        mapping.ignore(header, "matches no field (--ignore-unknown)".into());
                        mapping.ignored_unknown.push(u);
                    } else {
                        unknown.push(u);
                    }
                    Target::Ignore
                }
            };
            mapping.targets.push(target);
        }
        multi.sort_by_key(|(priority, _, _)| *priority);
        for (_, field, i) in multi {
            let label = layout.and_then(|l| l.phone_label(&headers[i], headers));
            match field {
                Field::Phone => mapping.phones.push(Slot { column: i, label }),
                Field::Email => mapping.emails.push(Slot {
                    column: i,
                    label: None,
                }),
                _ => mapping.countries.push(i),
            }
        }
        let needs_phone = matches!(purpose, Purpose::Import { .. });
        mapping.checked(&unknown, catalog, needs_phone)
    }

    /// Where column `i` goes, and its priority among columns of its field.
    fn place(
        &mut self,
        i: usize,
        header: &str,
        catalog: &Catalog,
        map_file: Option<&MapFile>,
    ) -> Placed {
        let by_name = |header: &str| {
            let key = normalise_header(header);
            (2u8, rank(&key) as usize, 0u32, i)
        };
        if let Some((at, written)) = map_file.and_then(|m| m.entry(header)) {
            return match resolve(written, catalog) {
                Ok(Target::Ignore) => Placed::Ignored(Some("the --map file says ignore".into())),
                Ok(target) => Placed::Target(target, (0, at, 0, i)),
                Err(_) => Placed::Unchecked,
            };
        }
        if header.trim() == "_row" {
            self.source_row = Some(i);
        }
        if REPORT_COLUMNS.contains(&header.trim())
            || READ_ONLY_COLUMNS.contains(&normalise_header(header).as_str())
        {
            return Placed::Ignored(None);
        }
        match Field::channel(header) {
            Some(Ok(field)) => return Placed::Target(Target::Field(field), by_name(header)),
            Some(Err(_)) => return Placed::Unknown,
            None => {}
        }
        if let Some(layout) = self.layout {
            return match layout.place(header) {
                Some(place) => match field_of(place.used) {
                    Some(f) => {
                        Placed::Target(Target::Field(f), (1, place.priority.0, place.priority.1, i))
                    }
                    None => Placed::Ignored(Some(EMAIL_CONSENT_REASON.into())),
                },
                None => match custom(header, catalog) {
                    Some(target) => Placed::Target(target, by_name(header)),
                    None if layout.custom_fields && !catalog.online => Placed::Unchecked,
                    None if layout.custom_fields => Placed::Unknown,
                    None => Placed::Ignored(Some(format!("not used from this {}", layout.name))),
                },
            };
        }
        if EMAIL_CONSENT.contains(&normalise_header(header).as_str()) {
            return Placed::Ignored(Some(EMAIL_CONSENT_REASON.into()));
        }
        if let Some(field) = Field::built_in(header, true) {
            return Placed::Target(Target::Field(field), by_name(header));
        }
        match custom(header, catalog) {
            Some(target) => Placed::Target(target, by_name(header)),
            None if !catalog.online => Placed::Unchecked,
            None => Placed::Unknown,
        }
    }

    fn ignore(&mut self, header: &str, reason: String) {
        self.ignored.push(Ignored {
            header: header.to_string(),
            reason,
        });
    }

    /// The mapping, or one usage error telling every problem at once:
    /// `unknown` columns, fields two columns fill, no phone column.
    fn checked(
        self,
        unknown: &[Unmapped],
        catalog: &Catalog,
        needs_phone: bool,
    ) -> Result<Mapping> {
        let mut problems = Vec::new();
        if !unknown.is_empty() {
            let lines: Vec<String> = unknown.iter().map(|u| format!("  {u}")).collect();
            let guesses: Vec<(String, Option<String>)> = unknown
                .iter()
                .map(|u| (u.header.clone(), u.suggestions.first().cloned()))
                .collect();
            problems.push(format!(
                "{} could not be placed:\n{}\n  ({})\n\nTo import this file, save these lines \
                 as map.toml, change \"ignore\" to a field where a column holds one, and run \
                 again with --map map.toml (or pass --ignore-unknown to skip them all):\n\n{}",
                count(unknown.len(), "column"),
                lines.join("\n"),
                targets_hint(Some(catalog)),
                guess::paste_block(&guesses)
            ));
        }
        problems.extend(self.duplicate_targets());
        if needs_phone && self.phones.is_empty() {
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

    /// The first column that fills `field`, if any (for phone, email and
    /// country: the one of highest priority).
    pub fn column(&self, field: Field) -> Option<usize> {
        match field {
            Field::Phone => self.phones.first().map(|s| s.column),
            Field::Email => self.emails.first().map(|s| s.column),
            Field::Country => self.countries.first().copied(),
            _ => self.targets.iter().position(|t| *t == Target::Field(field)),
        }
    }

    /// Phone columns, highest priority first.
    pub fn phones(&self) -> &[Slot] {
        &self.phones
    }

    /// Email columns, highest priority first.
    pub fn emails(&self) -> &[Slot] {
        &self.emails
    }

    /// Country columns, highest priority first.
    pub fn countries(&self) -> &[usize] {
        &self.countries
    }

    /// The known layout the header is, if any.
    pub fn layout(&self) -> Option<&'static Layout> {
        self.layout
    }

    /// The `_row` column of an error report fed back in.
    pub fn source_row_column(&self) -> Option<usize> {
        self.source_row
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

    /// Columns nothing matched that `--ignore-unknown` let through.
    pub fn ignored_unknown(&self) -> &[Unmapped] {
        &self.ignored_unknown
    }

    /// Every column read but not used, with why (report and read-only
    /// columns of hmbulk's own files are not listed).
    pub fn ignored(&self) -> &[Ignored] {
        &self.ignored
    }

    /// The ignored columns grouped by why, in the order the reasons first
    /// appear: `(reason, headers)`.
    pub fn ignored_by_reason(&self) -> Vec<(&str, Vec<&str>)> {
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for c in &self.ignored {
            match groups.iter_mut().find(|(r, _)| *r == c.reason) {
                Some((_, headers)) => headers.push(&c.header),
                None => groups.push((&c.reason, vec![&c.header])),
            }
        }
        groups
    }

    /// Columns that could not be checked offline (custom field titles need
    /// the account's field list).
    pub fn unchecked(&self) -> &[String] {
        &self.unchecked
    }

    /// One message per single-valued field that two or more columns fill.
    fn duplicate_targets(&self) -> Vec<String> {
        let mut by_field: Vec<(Field, Vec<&str>)> = Vec::new();
        for (i, target) in self.targets.iter().enumerate() {
            let Target::Field(field) = *target else {
                continue;
            };
            if field.is_multi() || matches!(field, Field::Channel(_)) {
                continue;
            }
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

const EMAIL_CONSENT_REASON: &str = "email-marketing consent, which is not SMS consent";

/// Where one column goes.
enum Placed {
    Target(Target, Priority),
    /// Not used; the reason is named in the summary (none for report and
    /// read-only columns).
    Ignored(Option<String>),
    /// Offline: perhaps a custom field title, which cannot be checked.
    Unchecked,
    Unknown,
}

/// `1 line`, `3 lines`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `"A", "B" and "C"`.
pub fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
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
mod tests;
