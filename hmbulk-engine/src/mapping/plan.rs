//! The evidence step of the mapper: for each column that no map file,
//! layout, field name or custom field title placed, decide from what its
//! header says ([`super::words`]) and what its sampled cells hold
//! ([`super::content`]). Takes the readings and profiles of a file's
//! columns; gives each column's target and why ([`Why`]), the columns it
//! ignores with why, and the problems that stop the run (a consent column
//! whose values cannot be read).
//!
//! Rules, in order:
//! - A header reading the content refuses is not made (`First Visit`
//!   holding dates is no first name, `Home County` holding counties no
//!   country); a phone header whose cells are email addresses is an email.
//! - Consent is never dropped: an SMS/text/phone consent or subscription,
//!   an opt-out, or a marketing consent of no named channel is mapped, and
//!   its sampled values must all be readable ([`crate::consent`]) or the
//!   run stops naming the column; email-only consent is ignored and named.
//! - A column no header names whose content is clearly phones or emails is
//!   found (a guess: the plan asks, or stops off a terminal); one whose
//!   header is only a kind (`Home`, `Work`, `Other`) is a phone or email of
//!   that kind when its content is, and that is no guess.
//! - `Nom` is the family name beside a first-name column, `Nombre`/`Nome`
//!   the first name beside a family-name column, else the whole name; a
//!   name column whose cells hold the row's first and last names is the
//!   whole name.
//! - Of several columns for one single-valued field, the first is used and
//!   the others are ignored and named.

use std::fmt;

use super::Field;
use super::content::{Holds, Profile, Sample};
use super::words::{Consent, Kind, Reading, number};
use crate::catalog::Catalog;

/// Why a column fills its field: shown in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// The `--map` file says so.
    MapFile,
    /// The known layout says so.
    Layout,
    /// The header is the field's own name (`phone`, `sms_consent`) or a
    /// `channel:` / `custom:` target.
    Name,
    /// The header is a custom field's title.
    CustomTitle,
    /// The header's words; the content agrees (or the sample has no
    /// values).
    Words(String),
    /// No header word: the content (a guess).
    Content(String),
}

impl Why {
    /// A guess the person should confirm.
    pub fn is_guess(&self) -> bool {
        matches!(self, Why::Content(_))
    }
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::MapFile => f.write_str("the --map file"),
            Why::Layout => f.write_str("the layout"),
            Why::Name => f.write_str("its name"),
            Why::CustomTitle => f.write_str("a custom field's title"),
            Why::Words(what) => write!(f, "header word: {what}"),
            Why::Content(what) => write!(f, "content: {what}, a guess"),
        }
    }
}

/// What the evidence step decided for one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Decided {
    Target {
        field: Field,
        /// Rank among columns of a multi-valued field (lower first).
        rank: (usize, u32),
        why: Why,
    },
    Ignored(String),
    /// Nothing says what it is: unknown (a custom field title, perhaps).
    Unknown,
}

/// The reason named for email-only consent columns.
pub(super) const EMAIL_CONSENT: &str = "email-marketing consent, which is not SMS consent";

/// One column the evidence step decides.
pub(super) struct Column<'a> {
    pub index: usize,
    pub header: &'a str,
    pub reading: Reading,
}

/// Decide every column of `columns`; `problems` gets what stops the run.
pub(super) fn decide(
    columns: &[Column],
    sample: &Sample,
    catalog: &Catalog,
    problems: &mut Vec<String>,
) -> Vec<Decided> {
    let profiles: Vec<Profile> = columns
        .iter()
        .map(|c| Profile::of(sample.column(c.index)))
        .collect();
    let mut out: Vec<Decided> = columns
        .iter()
        .zip(&profiles)
        .map(|(c, p)| one(c, p, catalog, problems))
        .collect();
    resolve_names(columns, &mut out, sample);
    single_fields(columns, &mut out);
    out
}

fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Mobile => "mobile",
        Kind::Main => "main",
        Kind::Plain => "",
        Kind::Home => "home",
        Kind::Work => "work",
        Kind::Other => "other",
    }
}

fn words_why(what: &str, kind: Option<Kind>) -> Why {
    match kind.map(kind_word).filter(|k| !k.is_empty()) {
        Some(k) => Why::Words(format!("{k} {what}")),
        None => Why::Words(what.to_string()),
    }
}

/// One column, alone.
fn one(c: &Column, p: &Profile, catalog: &Catalog, problems: &mut Vec<String>) -> Decided {
    let target = |field: Field, kind: Kind, why: Why| Decided::Target {
        field,
        rank: (kind as usize, number(c.header)),
        why,
    };
    let refused = |why: String| Decided::Ignored(format!("the header reads as a field, but {why}"));
    match c.reading {
        Reading::Phone(kind) => match p.refuses(Holds::Phones) {
            None => target(Field::Phone, kind, words_why("phone", Some(kind))),
            Some(_) if p.finds() == Some(Holds::Emails) => target(
                Field::Email,
                Kind::Other,
                Why::Content("email addresses under a phone header".into()),
            ),
            Some(why) => refused(why),
        },
        Reading::Email(kind) => match p.refuses(Holds::Emails) {
            None => target(Field::Email, kind, words_why("email", Some(kind))),
            Some(why) => refused(why),
        },
        Reading::First
        | Reading::Last
        | Reading::Name
        | Reading::NameOrLast
        | Reading::NameOrFirst => match p.refuses(Holds::Names) {
            Some(why) => refused(why),
            None => {
                let (field, what) = match c.reading {
                    Reading::First => (Field::First, "first name"),
                    Reading::Last => (Field::Last, "last name"),
                    // Settled by resolve_names.
                    _ => (Field::DisplayName, "name"),
                };
                target(field, Kind::Plain, Why::Words(what.into()))
            }
        },
        Reading::Country(kind) => match p.refuses(Holds::Countries) {
            None => {
                let why = if p.values > 0 {
                    format!("{} country; content: countries", kind_word(kind))
                } else {
                    format!("{} country", kind_word(kind))
                };
                target(Field::Country, kind, Why::Words(why.trim().to_string()))
            }
            Some(why) => refused(why),
        },
        Reading::Tags => match p.refuses(Holds::Tags) {
            None => target(Field::Tags, Kind::Plain, Why::Words("tags".into())),
            Some(why) => refused(why),
        },
        Reading::Consent(Consent::Email) => Decided::Ignored(EMAIL_CONSENT.into()),
        Reading::Consent(asks) => {
            let (field, what) = match asks {
                Consent::Sms => (Field::SmsConsent, "SMS consent"),
                Consent::Marketing => (
                    Field::MarketingConsent,
                    "marketing consent, no channel named",
                ),
                _ => (Field::OptedOut, "opt-out"),
            };
            if !p.unread_consent.is_empty() {
                let values: Vec<String> = p
                    .unread_consent
                    .iter()
                    .map(|v| format!("\"{v}\""))
                    .collect();
                problems.push(format!(
                    "\"{}\" reads as {what}, and consent is never dropped, but its values {} \
                     cannot be read as consent; write {} in it, or say in a --map file what \
                     the column is (`\"{}\" = \"opted_out\"`, `\"sms_consent\"` or, if it is \
                     not about texts at all, `\"ignore\"`)",
                    c.header,
                    values.join(", "),
                    crate::consent::ACCEPTED,
                    c.header
                ));
            }
            target(field, Kind::Plain, Why::Words(what.into()))
        }
        Reading::Assignee => target(Field::Assignee, Kind::Plain, Why::Words("assignee".into())),
        Reading::Owner => {
            let members = |v: &str| {
                catalog
                    .members
                    .iter()
                    .any(|m| m.name.trim().eq_ignore_ascii_case(v) || m.id.to_string() == v)
            };
            let named = p.examples.iter().any(|v| members(v));
            if catalog.online && p.values > 0 && !named {
                Decided::Ignored(
                    "an owner in the other product: its values name no member of this team".into(),
                )
            } else {
                target(Field::Assignee, Kind::Plain, Why::Words("owner".into()))
            }
        }
        Reading::Uuid => target(Field::Uuid, Kind::Plain, Why::Words("uuid".into())),
        Reading::Fax => Decided::Ignored("fax or pager: never a contact's phone".into()),
        Reading::SomeoneElse => {
            Decided::Ignored("another person's (an assistant's, a manager's …)".into())
        }
        Reading::Describes => Decided::Ignored("describes another column's value".into()),
        // A kind word and the content together: Yahoo's `Home` holding
        // phone numbers is the home phone, as sure as `Home Phone`.
        Reading::KindOnly(kind) => {
            let (field, what) = match p.holds() {
                Some(Holds::Phones) => (Field::Phone, "phone; content: phone numbers"),
                Some(Holds::Emails) => (Field::Email, "email; content: email addresses"),
                _ => return Decided::Unknown,
            };
            let why = format!("{} {what}", kind_word(kind));
            target(field, kind, Why::Words(why.trim().to_string()))
        }
        Reading::Nothing => match p.finds() {
            Some(Holds::Phones) => target(
                Field::Phone,
                Kind::Other,
                Why::Content(format!("phone numbers ({})", p.examples.join(", "))),
            ),
            Some(Holds::Emails) => target(
                Field::Email,
                Kind::Other,
                Why::Content(format!("email addresses ({})", p.examples.join(", "))),
            ),
            _ if p.all_statuses() && status_header(c.header) => target(
                Field::MarketingConsent,
                Kind::Plain,
                Why::Words("status; content: subscription statuses".into()),
            ),
            _ => Decided::Unknown,
        },
    }
}

/// `Status`, `Subscription`: a header whose statuses may be consent.
fn status_header(header: &str) -> bool {
    super::words::words(header)
        .iter()
        .any(|w| ["status", "statut", "estado", "subscription", "abo"].contains(&w.as_str()))
}

/// `Nom` / `Nombre` / `Nome` by the columns beside them; a name column
/// whose cells hold the row's first and last names is the whole name.
fn resolve_names(columns: &[Column], out: &mut [Decided], sample: &Sample) {
    let has = |out: &[Decided], field: Field| {
        out.iter()
            .any(|d| matches!(d, Decided::Target { field: f, .. } if *f == field))
    };
    let first_col = columns
        .iter()
        .zip(out.iter())
        .find(|(_, d)| {
            matches!(
                d,
                Decided::Target {
                    field: Field::First,
                    ..
                }
            )
        })
        .map(|(c, _)| c.index);
    for (i, c) in columns.iter().enumerate() {
        let Decided::Target { field, why, .. } = &mut out[i] else {
            continue;
        };
        match c.reading {
            Reading::NameOrLast if first_col.is_some() => {
                *field = Field::Last;
                *why = Why::Words("last name (beside a first-name column)".into());
            }
            Reading::NameOrLast => {
                *why = Why::Words("name (no first-name column beside it)".into())
            }
            Reading::NameOrFirst => {}
            _ => {}
        }
    }
    let last = has(out, Field::Last);
    for (i, c) in columns.iter().enumerate() {
        if let (Reading::NameOrFirst, Decided::Target { field, why, .. }) = (c.reading, &mut out[i])
        {
            if last {
                *field = Field::First;
                *why = Why::Words("first name (beside a last-name column)".into());
            } else {
                *why = Why::Words("name (no last-name column beside it)".into());
            }
        }
    }
    // A first or last name column holding whole names: the whole name.
    let col_of = |out: &[Decided], field: Field| {
        columns
            .iter()
            .zip(out.iter())
            .filter(|(_, d)| matches!(d, Decided::Target { field: f, .. } if *f == field))
            .map(|(c, _)| c.index)
            .collect::<Vec<usize>>()
    };
    let firsts = col_of(out, Field::First);
    let lasts = col_of(out, Field::Last);
    if let (Some(&f), true) = (firsts.first(), lasts.len() > 1) {
        for &l in &lasts {
            let others: Vec<usize> = lasts.iter().copied().filter(|&o| o != l).collect();
            if others.iter().any(|&o| holds_both(sample, l, f, o)) {
                let k = columns.iter().position(|c| c.index == l).unwrap_or(0);
                if let Decided::Target { field, why, .. } = &mut out[k] {
                    *field = Field::DisplayName;
                    *why = Why::Words("name; content: first and last names together".into());
                }
            }
        }
    }
}

/// Most sampled rows' cell `whole` holds the cells of `a` and `b`.
fn holds_both(sample: &Sample, whole: usize, a: usize, b: usize) -> bool {
    let (mut rows, mut hits) = (0, 0);
    for row in sample.rows() {
        let cell = |i: usize| row.get(i).map_or("", |c| c.trim());
        let (w, x, y) = (cell(whole), cell(a), cell(b));
        if w.is_empty() || x.is_empty() || y.is_empty() || w == y {
            continue;
        }
        rows += 1;
        let lw = w.to_lowercase();
        if lw.contains(&x.to_lowercase()) && lw.contains(&y.to_lowercase()) {
            hits += 1;
        }
    }
    rows > 0 && hits * 10 >= rows * 6
}

/// Of several columns for one single-valued field, the first stays.
fn single_fields(columns: &[Column], out: &mut [Decided]) {
    let mut taken: Vec<(Field, String)> = Vec::new();
    for (i, c) in columns.iter().enumerate() {
        let Decided::Target { field, .. } = &out[i] else {
            continue;
        };
        let field = *field;
        if field.is_multi() {
            continue;
        }
        match taken.iter().find(|(f, _)| *f == field) {
            Some((_, first)) => {
                out[i] = Decided::Ignored(format!("\"{first}\" gives {field}"));
            }
            None => taken.push((field, c.header.to_string())),
        }
    }
}
