//! Export columns: a stable order — the standard fields, then (with
//! `--channels`) `channel:phone` and `channel:email`, then one column per
//! custom field named by its title — and how one contact becomes a CSV row
//! or a JSON line, with tag and member ids turned back into names. The
//! columns are the ones `hmbulk import` reads, so an export imports as it is.
//! `blocked` is there only with `--status` ([`super::extra`]): the listing
//! does not say it, and an empty cell would read as "not blocked".
//!
//! The account's catalog is read only as far as the columns need it
//! ([`needs_fields`], [`Columns::fill_catalog`]): the custom fields when a
//! custom column is exported, the tags when a contact shows a tag by id
//! alone (a tag object that names itself needs no lookup), the team when a
//! contact has an assignee. A tag that cannot be read is written as the
//! answer gave it, never dropped.

use serde_json::{Map, Value, json};

use super::extra::{Extra, Extras};
use crate::api::{Client, Contact, TagRef};
use crate::catalog::Catalog;
use crate::channel::ChannelKind;
use crate::error::{Error, Result};

/// A standard column: one field of the contact as the API reads it
/// ([`Contact`]), under the name `hmbulk import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standard {
    Id,
    Uuid,
    Phone,
    First,
    Last,
    DisplayName,
    Email,
    IsOptedOut,
    Blocked,
    Tags,
    Assignee,
    Created,
    Updated,
}

/// The standard columns, in order, with their names.
const STANDARD: [(Standard, &str); 13] = [
    (Standard::Id, "id"),
    (Standard::Uuid, "uuid"),
    (Standard::Phone, "phone"),
    (Standard::First, "first"),
    (Standard::Last, "last"),
    (Standard::DisplayName, "display_name"),
    (Standard::Email, "email"),
    (Standard::IsOptedOut, "is_opted_out"),
    (Standard::Blocked, "blocked"),
    (Standard::Tags, "tags"),
    (Standard::Assignee, "assignee"),
    (Standard::Created, "created"),
    (Standard::Updated, "updated"),
];

/// What a column holds: text (ids, phones, names, custom fields, tags),
/// a time (`created`, `updated`: RFC 3339), or a flag (`true`/`false`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Text,
    Time,
    Flag,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Standard(Standard, &'static str),
    /// A custom field: (id, title).
    Custom(i64, String),
    /// `channel:phone`, `channel:email` (`--channels`).
    Channel(ChannelKind),
}

/// The columns of one export.
#[derive(Debug, Clone)]
pub struct Columns {
    columns: Vec<Column>,
}

/// Whether the columns asked for (all when `None`) may take custom fields,
/// whose titles `/v1/contact-fields` gives.
pub fn needs_fields(wanted: Option<&[String]>) -> bool {
    wanted.is_none_or(|names| {
        names.iter().any(|n| {
            let n = n.trim();
            !(STANDARD.iter().any(|(_, s)| s.eq_ignore_ascii_case(n))
                || n.to_ascii_lowercase().starts_with("channel:"))
        })
    })
}

/// The parts of the catalog an export has read.
#[derive(Debug, Clone, Copy, Default)]
pub struct CatalogRead {
    tags: bool,
    members: bool,
}

impl Columns {
    /// Every standard column (`blocked` only with `--status`), the channel
    /// columns with `--channels`, then every custom field (by id order); or
    /// the `wanted` ones in the order given.
    pub fn new(catalog: &Catalog, wanted: Option<&[String]>, extras: Extras) -> Result<Columns> {
        let mut fields = catalog.fields.clone();
        fields.sort_by_key(|f| f.id);
        let channels = ChannelKind::ALL
            .into_iter()
            .filter(|_| extras.channels)
            .map(Column::Channel);
        let all: Vec<Column> = STANDARD
            .iter()
            .filter(|(field, _)| extras.status || *field != Standard::Blocked)
            .map(|&(field, name)| Column::Standard(field, name))
            .chain(channels)
            .chain(fields.into_iter().map(|f| Column::Custom(f.id, f.title)))
            .collect();
        let Some(wanted) = wanted else {
            return Ok(Columns { columns: all });
        };
        let mut columns = Vec::new();
        for name in wanted {
            let name = name.trim();
            let found = all.iter().find(|c| match c {
                Column::Standard(_, s) => s.eq_ignore_ascii_case(name),
                Column::Custom(id, title) => {
                    title.eq_ignore_ascii_case(name) || name == format!("custom:{id}")
                }
                Column::Channel(_) => c.name().eq_ignore_ascii_case(name),
            });
            match found {
                Some(c) => columns.push(c.clone()),
                None if name.eq_ignore_ascii_case("blocked") => {
                    return Err(Error::usage(
                        "the blocked column needs --status (the contact listing does not say \
                         whether a contact is blocked; --status asks /v1/contact/status, one \
                         request per contact)",
                    ));
                }
                None if name.to_ascii_lowercase().starts_with("channel:") => {
                    return Err(Error::usage(format!(
                        "the {name} column needs --channels (one request per contact)"
                    )));
                }
                None => {
                    let names: Vec<String> = all.iter().map(Column::name).collect();
                    return Err(Error::usage(format!(
                        "no column {name:?} to export; the columns are: {}",
                        names.join(", ")
                    )));
                }
            }
        }
        Ok(Columns { columns })
    }

    /// What each column holds, for a writer that types its cells (`.xlsx`).
    pub fn kinds(&self) -> Vec<CellKind> {
        self.columns
            .iter()
            .map(|col| match col {
                Column::Standard(Standard::Created | Standard::Updated, _) => CellKind::Time,
                Column::Standard(Standard::IsOptedOut | Standard::Blocked, _) => CellKind::Flag,
                _ => CellKind::Text,
            })
            .collect()
    }

    pub fn header(&self) -> Vec<String> {
        self.columns.iter().map(Column::name).collect()
    }

    fn has(&self, field: Standard) -> bool {
        self.columns
            .iter()
            .any(|c| matches!(c, Column::Standard(f, _) if *f == field))
    }

    /// Read into `catalog` what writing `c` needs and was not read yet:
    /// the tags (`/v1/tags`) when `c` shows a tag by id alone, the team
    /// (`/v1/team`) when it has an assignee; each once, and only for the
    /// columns exported.
    pub fn fill_catalog(
        &self,
        client: &Client,
        c: &Contact,
        catalog: &mut Catalog,
        read: &mut CatalogRead,
    ) -> Result<()> {
        let unnamed = c
            .tags
            .iter()
            .any(|t| t.id().is_some() && t.name().is_none());
        if !read.tags && unnamed && self.has(Standard::Tags) {
            catalog.tags = client.tags().map_err(Error::from)?;
            read.tags = true;
        }
        if !read.members && c.assignee().is_some_and(|id| id > 0) && self.has(Standard::Assignee) {
            catalog.members = client.members().map_err(Error::from)?;
            read.members = true;
        }
        Ok(())
    }

    /// The contact's cells as text, in column order.
    pub fn cells(&self, c: &Contact, catalog: &Catalog, extra: &Extra) -> Vec<String> {
        self.columns
            .iter()
            .map(|col| col.text(c, catalog, extra))
            .collect()
    }

    /// The contact as one JSON object keyed by column name (tags as an
    /// array of names, booleans as booleans).
    pub fn json(&self, c: &Contact, catalog: &Catalog, extra: &Extra) -> Value {
        let mut m = Map::new();
        for col in &self.columns {
            let v = match col {
                Column::Standard(Standard::Tags, _) => json!(tag_names(c, catalog)),
                Column::Standard(Standard::IsOptedOut, _) => json!(c.is_opted_out),
                Column::Standard(Standard::Blocked, _) => json!(c.blocked),
                Column::Standard(Standard::Id, _) => json!(c.id),
                Column::Channel(kind) => json!(extra.values(*kind)),
                _ => match col.text(c, catalog, extra) {
                    s if s.is_empty() => Value::Null,
                    s => json!(s),
                },
            };
            m.insert(col.name(), v);
        }
        Value::Object(m)
    }
}

impl Column {
    fn name(&self) -> String {
        match self {
            Column::Standard(_, name) => name.to_string(),
            Column::Custom(_, title) => title.clone(),
            Column::Channel(kind) => format!("channel:{kind}"),
        }
    }

    fn text(&self, c: &Contact, catalog: &Catalog, extra: &Extra) -> String {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let flag = |v: Option<bool>| v.map(|b| b.to_string()).unwrap_or_default();
        match self {
            Column::Standard(field, _) => match field {
                Standard::Id => c.id.to_string(),
                Standard::Uuid => text(&c.uuid),
                Standard::Phone => text(&c.phone),
                Standard::First => text(&c.first),
                Standard::Last => text(&c.last),
                Standard::DisplayName => text(&c.display_name),
                Standard::Email => text(&c.email),
                Standard::IsOptedOut => flag(c.is_opted_out),
                Standard::Blocked => flag(c.blocked),
                Standard::Tags => tag_names(c, catalog).join("; "),
                Standard::Assignee => match c.assignee() {
                    Some(id) if id > 0 => catalog
                        .member_by_id(id)
                        .map(|m| m.name.clone())
                        .unwrap_or_else(|| id.to_string()),
                    _ => String::new(),
                },
                Standard::Created => text(&c.created),
                Standard::Updated => text(&c.updated),
            },
            Column::Custom(id, _) => c.custom_text(*id),
            Column::Channel(kind) => extra.cell(*kind),
        }
    }
}

/// A contact's tags by name: the name the answer gives, or the catalog's
/// for the id, or the id; a tag no id can be read from, as the answer gave it.
fn tag_names(c: &Contact, catalog: &Catalog) -> Vec<String> {
    c.tags
        .iter()
        .map(|t| match (t.name(), t.id(), t) {
            (Some(name), _, _) => name.to_string(),
            (None, Some(id), _) => catalog
                .tag_by_id(id)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| id.to_string()),
            (None, None, TagRef::Other(v)) => v.to_string(),
            (None, None, _) => String::new(),
        })
        .collect()
}
