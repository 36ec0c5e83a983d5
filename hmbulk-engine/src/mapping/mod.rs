//! Column mapping: which contact field each input column fills, and why.
//! Takes the header, a [`Sample`] of the first rows, a [`Catalog`] and an
//! optional `--map` file; gives a [`Mapping`] (the plan: each field's
//! columns in priority order, each with its [`Why`]) or one usage error
//! telling every problem at once.
//!
//! Precedence for one column: the `--map` file; then the report columns
//! `_row`, `_error_code`, `_error` (exactly as written) and the read-only
//! columns `id`, `created`, `updated`, `blocked` (ignored); `channel:`
//! columns; in a file of a known layout ([`layouts`]), what the layout says,
//! and a custom field by title or `custom:<id>` for the layout's other
//! columns, which are otherwise ignored and named; in any other file a
//! field's own name (`phone`, `sms_consent`), then a consent column's header
//! words (consent is never a custom field by accident), then `custom:<id>`
//! or a custom field title, then the evidence of header words and content
//! ([`plan`]: [`words`], [`content`]).
//!
//! `phone`, `email` and `country` may come from several columns: they are
//! kept in priority order (map file order; the layout's order; otherwise by
//! kind — mobile, main, plain, home, work, other — then number, then left
//! to right), and validation takes the first valid value of a row.
//!
//! Unknown columns are ignored and named, not a stop; the run stops (a
//! usage error) for a column that is probably a custom field's title
//! misspelt, a consent column whose values cannot be read, two `--map`
//! columns for one single-valued field, and a file with no phone column.
//! Offline (no credentials), a column that could be a custom field title
//! cannot be checked: it is named as unchecked.

pub mod content;
mod field;
mod guess;
pub mod layouts;
mod lookup;
mod map_file;
mod plan;
mod targets;
mod words;

use std::fmt;

use crate::catalog::Catalog;
use crate::channel::ChannelKind;
use crate::error::{Error, Result};
pub use content::{SAMPLE_ROWS, Sample};
use field::{BUILT_IN, EMAIL_CONSENT, READ_ONLY_COLUMNS, REPORT_COLUMNS, field_of, rank};
pub use field::{Field, normalise_header};
pub use guess::{edit_distance, toml_string};
pub use layouts::{LAYOUTS, Layout, Use};
pub use lookup::Lookup;
pub use map_file::{MapFile, Settings, for_error_report, path_beside, render};
pub use plan::Why;
use plan::{Column, Decided};
use targets::{check_map_targets, custom, resolve};

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
    /// Why each column fills its field (`None`: it fills none).
    why: Vec<Option<Why>>,
}

/// What a mapping is for.
#[derive(Clone, Copy)]
enum Purpose<'a> {
    /// `import`/`validate`: every column must be placed (or
    /// `ignore_unknown`), and a phone column is required — or, with
    /// `uuid_for_phone` (`update` and `upsert`), a uuid column.
    Import {
        ignore_unknown: bool,
        uuid_for_phone: bool,
    },
    /// A command that names existing contacts (`status`, `delete`): see
    /// [`Mapping::for_lookup`].
    Lookup(&'a Lookup<'a>),
}

/// Sort key of a multi-column field's column: where its target came from
/// (map file, layout, name), then its rank there.
type Priority = (u8, usize, u32, usize);

impl Mapping {
    /// What of the account's catalog this mapping needs, when built with an
    /// offline catalog (where every column that may be a custom field title
    /// is unchecked); `map_file`: whether a map file names targets (its
    /// titles are checked whole).
    pub fn needs(&self, map_file: bool) -> crate::catalog::Needs {
        crate::catalog::Needs {
            fields: map_file
                || !self.unchecked().is_empty()
                || self.custom_columns().next().is_some(),
            tags: self.column(Field::Tags).is_some(),
            members: self.column(Field::Assignee).is_some(),
        }
    }

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
        Mapping::build_with(
            headers,
            &Sample::default(),
            catalog,
            map_file,
            ignore_unknown,
        )
    }

    /// [`build`](Self::build) with the file's first rows as evidence.
    pub fn build_with(
        headers: &[String],
        sample: &Sample,
        catalog: &Catalog,
        map_file: Option<&MapFile>,
        ignore_unknown: bool,
    ) -> Result<Mapping> {
        Mapping::build_for(
            headers,
            sample,
            catalog,
            map_file,
            Purpose::Import {
                ignore_unknown,
                uuid_for_phone: false,
            },
        )
    }

    /// [`Mapping::build`] for `update` and `upsert`, where a row with a
    /// `uuid` needs no phone: a uuid column stands in for the phone column.
    pub fn build_for_updates(
        headers: &[String],
        sample: &Sample,
        catalog: &Catalog,
        map_file: Option<&MapFile>,
        ignore_unknown: bool,
    ) -> Result<Mapping> {
        let purpose = Purpose::Import {
            ignore_unknown,
            uuid_for_phone: true,
        };
        Mapping::build_for(headers, sample, catalog, map_file, purpose)
    }

    fn build_for(
        headers: &[String],
        sample: &Sample,
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
            why: vec![None; headers.len()],
        };
        let mut problems = Vec::new();
        let mut placed: Vec<Placed> = (headers.iter().enumerate())
            .map(|(i, header)| mapping.place(i, header, catalog, map_file))
            .collect();
        mapping.weigh_evidence(&mut placed, sample, catalog, &mut problems);
        keep_one_per_field(headers, &mut placed, &mut problems);
        let mut multi: Vec<(Priority, Field, usize)> = Vec::new();
        for (i, (header, placed)) in headers.iter().zip(placed).enumerate() {
            let mut placed = placed;
            if let Purpose::Lookup(lookup) = purpose {
                placed = match placed {
                    _ if lookup.claimed.contains(&i) => Placed::Ignored(None),
                    Placed::Target(Target::Field(f), ..) if !(lookup.uses)(f) => {
                        Placed::Ignored(Some(format!("not used by `hmbulk {}`", lookup.command)))
                    }
                    Placed::Unchecked | Placed::Unknown | Placed::Refused(_) => {
                        Placed::Ignored(Some(format!("not used by `hmbulk {}`", lookup.command)))
                    }
                    placed => placed,
                };
            }
            let target = match placed {
                Placed::Target(target, priority, why) => {
                    if let Target::Field(f) = target
                        && f.is_multi()
                    {
                        multi.push((priority, f, i));
                    }
                    mapping.why[i] = Some(why);
                    target
                }
                Placed::Read(_) => Target::Ignore,
                Placed::Refused(why) => {
                    problems.push(why);
                    Target::Ignore
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
                Placed::Unknown
                    if !catalog.online && mapping.layout.is_none_or(|l| l.custom_fields) =>
                {
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
                    let close = targets::close_title(header, catalog);
                    match (purpose, close) {
                        (
                            Purpose::Import {
                                ignore_unknown: false,
                                ..
                            },
                            Some(title),
                        ) => problems.push(format!(
                            "\"{header}\" is probably the custom field \"{title}\" misspelt; map \
                             it in a --map file as `\"{header}\" = \"{title}\"` (or `= \"ignore\"`), \
                             or pass --ignore-unknown to ignore it"
                        )),
                        _ => {
                            mapping.ignore(header, "matches no field".into());
                            mapping.ignored_unknown.push(u);
                        }
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
        let needs_phone = match purpose {
            Purpose::Import { uuid_for_phone, .. } => {
                !(uuid_for_phone && mapping.column(Field::Uuid).is_some())
            }
            Purpose::Lookup(_) => false,
        };
        mapping.checked(problems, needs_phone)
    }

    /// Decide, from header words and content, every column placed as
    /// [`Placed::Read`] ([`plan::decide`]).
    fn weigh_evidence(
        &mut self,
        placed: &mut [Placed],
        sample: &Sample,
        catalog: &Catalog,
        problems: &mut Vec<String>,
    ) {
        let columns: Vec<Column> = (placed.iter().enumerate())
            .filter_map(|(i, p)| match p {
                Placed::Read(reading) => Some(Column {
                    index: i,
                    header: &self.headers[i],
                    reading: *reading,
                }),
                _ => None,
            })
            .collect();
        let decided = plan::decide(&columns, sample, catalog, problems);
        for (c, d) in columns.iter().zip(decided) {
            placed[c.index] = match d {
                Decided::Target { field, rank, why } => {
                    Placed::Target(Target::Field(field), (2, rank.0, rank.1, c.index), why)
                }
                Decided::Ignored(reason) => Placed::Ignored(Some(reason)),
                Decided::Unknown => Placed::Unknown,
            };
        }
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
                Ok(target) => Placed::Target(target, (0, at, 0, i), Why::MapFile),
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
            Some(Ok(field)) => {
                return Placed::Target(Target::Field(field), by_name(header), Why::Name);
            }
            Some(Err(why)) => {
                return Placed::Refused(format!(
                    "\"{header}\": {why}; write channel:phone or channel:email"
                ));
            }
            None => {}
        }
        if let Some(layout) = self.layout {
            return match layout.place(header) {
                Some(place) => match field_of(place.used) {
                    Some(f) => Placed::Target(
                        Target::Field(f),
                        (1, place.priority.0, place.priority.1, i),
                        Why::Layout,
                    ),
                    None => Placed::Ignored(Some(EMAIL_CONSENT_REASON.into())),
                },
                // Consent is never dropped, not even in a known layout's
                // file: a column the layout does not know that reads as
                // SMS consent or an opt-out is decided like anywhere else.
                None if consent_words(header) => Placed::Read(words::read(header)),
                None => match custom(header, catalog) {
                    Some(target) => Placed::Target(target, by_name(header), Why::CustomTitle),
                    None if layout.custom_fields && !catalog.online => Placed::Unchecked,
                    None if layout.custom_fields => Placed::Unknown,
                    None => Placed::Ignored(Some(format!("not used from this {}", layout.name))),
                },
            };
        }
        if EMAIL_CONSENT.contains(&normalise_header(header).as_str()) {
            return Placed::Ignored(Some(EMAIL_CONSENT_REASON.into()));
        }
        if let Some(field) = Field::built_in(header, false) {
            return Placed::Target(Target::Field(field), by_name(header), Why::Name);
        }
        let reading = words::read(header);
        if consent_words(header) {
            return Placed::Read(reading);
        }
        if let Some(target) = custom(header, catalog) {
            let why = match targets::custom_id(header.trim()) {
                Some(_) => Why::Name,
                None => Why::CustomTitle,
            };
            return Placed::Target(target, by_name(header), why);
        }
        if let Some(id) = targets::custom_id(header.trim()) {
            // `custom:<id>` names a target: one no field can take is wrong.
            let why = match id {
                Ok(id) => format!("custom:{id} is not a custom field of this account"),
                Err(why) => why,
            };
            return Placed::Refused(format!(
                "\"{header}\": {why} ({})",
                targets::targets_hint(Some(catalog))
            ));
        }
        match (reading, Field::built_in(header, true)) {
            // A header of the old synonym list written as one word
            // (`acceptssmsmarketing`, `primaryphone`).
            (words::Reading::Nothing, Some(field)) => Placed::Target(
                Target::Field(field),
                by_name(header),
                Why::Words("a known column name".into()),
            ),
            (reading, _) => Placed::Read(reading),
        }
    }

    fn ignore(&mut self, header: &str, reason: String) {
        self.ignored.push(Ignored {
            header: header.to_string(),
            reason,
        });
    }

    /// The mapping, or one usage error telling every problem at once:
    /// `problems` found on the way, no phone column.
    fn checked(self, mut problems: Vec<String>, needs_phone: bool) -> Result<Mapping> {
        if needs_phone && self.phones.is_empty() {
            problems.push(format!(
                "no column holds the phone number, by its header or its content, and every \
                 contact needs one; name a column phone, mobile or cell, or map one in a \
                 --map file as `\"<header>\" = \"phone\"` (in --mode update or upsert a uuid \
                 column will do instead; columns found: {})",
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

    /// Why column `i` fills its field (`None`: it fills none).
    pub fn why(&self, i: usize) -> Option<&Why> {
        self.why.get(i).and_then(Option::as_ref)
    }

    /// The columns placed by a guess (content only): a plan with any asks
    /// before it runs, or stops off a terminal.
    pub fn guesses(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.why(i).is_some_and(Why::is_guess))
            .collect()
    }
}

/// Of several columns for one single-valued field, keep the one of highest
/// priority (map file, layout, field name, header words; then left to
/// right) and ignore the others, naming it; two from the map file are a
/// problem: the map must say which.
fn keep_one_per_field(headers: &[String], placed: &mut [Placed], problems: &mut Vec<String>) {
    let mut by_field: Vec<(Field, Vec<(Priority, usize)>)> = Vec::new();
    for (i, p) in placed.iter().enumerate() {
        let Placed::Target(Target::Field(field), priority, _) = p else {
            continue;
        };
        if field.is_multi() || matches!(field, Field::Channel(_)) {
            continue;
        }
        match by_field.iter_mut().find(|(f, _)| f == field) {
            Some((_, columns)) => columns.push((*priority, i)),
            None => by_field.push((*field, vec![(*priority, i)])),
        }
    }
    for (field, mut columns) in by_field.into_iter().filter(|(_, c)| c.len() > 1) {
        columns.sort();
        let from_map: Vec<&str> = (columns.iter())
            .filter(|(p, _)| p.0 == 0)
            .map(|(_, i)| headers[*i].as_str())
            .collect();
        if from_map.len() > 1 {
            let last = from_map[from_map.len() - 1];
            let both = if from_map.len() == 2 { "both" } else { "all" };
            problems.push(format!(
                "columns {} {both} fill {field}; keep one of them, or say in the --map \
                 file which to use and which to skip, e.g. `\"{last}\" = \"ignore\"`",
                quoted_list(&from_map)
            ));
            continue;
        }
        let kept = &headers[columns[0].1];
        for &(_, i) in &columns[1..] {
            placed[i] = Placed::Ignored(Some(format!("\"{kept}\" gives {field}")));
        }
    }
}

/// The header reads as SMS consent, an opt-out or a marketing consent of
/// no named channel: a column that is always mapped.
fn consent_words(header: &str) -> bool {
    matches!(
        words::read(header),
        words::Reading::Consent(
            words::Consent::Sms | words::Consent::OptedOut | words::Consent::Marketing
        )
    )
}

const EMAIL_CONSENT_REASON: &str = "email-marketing consent, which is not SMS consent";

/// Where one column goes.
enum Placed {
    Target(Target, Priority, Why),
    /// To be decided from header words and content ([`plan`]).
    Read(words::Reading),
    /// A header that names a target no field can take: the run stops.
    Refused(String),
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
    } else if ["s", "x", "ch", "sh"].iter().any(|end| noun.ends_with(end)) {
        format!("{n} {noun}es")
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
