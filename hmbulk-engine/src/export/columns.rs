//! Export columns: a stable order — the standard fields, then one column per
//! custom field named by its title — and how one contact becomes a CSV row
//! or a JSON line, with tag and member ids turned back into names. The
//! columns are the ones `hmbulk import` reads, so an export imports as it is.

use serde_json::{Map, Value, json};

use crate::api::ContactRecord;
use crate::catalog::Catalog;
use crate::error::{Error, Result};

/// The standard columns, in order.
pub const STANDARD: [&str; 13] = [
    "id",
    "uuid",
    "phone",
    "first",
    "last",
    "display_name",
    "email",
    "is_opted_out",
    "blocked",
    "tags",
    "assignee",
    "created",
    "updated",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Standard(&'static str),
    /// A custom field: (id, title).
    Custom(i64, String),
}

/// The columns of one export.
#[derive(Debug, Clone)]
pub struct Columns {
    columns: Vec<Column>,
}

impl Columns {
    /// Every standard column, then every custom field (by id order); or the
    /// `wanted` ones in the order given.
    pub fn new(catalog: &Catalog, wanted: Option<&[String]>) -> Result<Columns> {
        let mut fields = catalog.fields.clone();
        fields.sort_by_key(|f| f.id);
        let all: Vec<Column> = STANDARD
            .iter()
            .map(|s| Column::Standard(s))
            .chain(fields.into_iter().map(|f| Column::Custom(f.id, f.title)))
            .collect();
        let Some(wanted) = wanted else {
            return Ok(Columns { columns: all });
        };
        let mut columns = Vec::new();
        for name in wanted {
            let name = name.trim();
            let found = all.iter().find(|c| match c {
                Column::Standard(s) => s.eq_ignore_ascii_case(name),
                Column::Custom(id, title) => {
                    title.eq_ignore_ascii_case(name) || name == format!("custom:{id}")
                }
            });
            match found {
                Some(c) => columns.push(c.clone()),
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

    pub fn header(&self) -> Vec<String> {
        self.columns.iter().map(Column::name).collect()
    }

    /// The contact's cells as text, in column order.
    pub fn cells(&self, c: &ContactRecord, catalog: &Catalog) -> Vec<String> {
        self.columns
            .iter()
            .map(|col| col.text(c, catalog))
            .collect()
    }

    /// The contact as one JSON object keyed by column name (tags as an
    /// array of names, booleans as booleans).
    pub fn json(&self, c: &ContactRecord, catalog: &Catalog) -> Value {
        let mut m = Map::new();
        for col in &self.columns {
            let v = match col {
                Column::Standard("tags") => json!(tag_names(c, catalog)),
                Column::Standard(k @ ("is_opted_out" | "blocked")) => {
                    c.raw.get(*k).cloned().unwrap_or(Value::Null)
                }
                Column::Standard("id") => json!(c.id),
                _ => match col.text(c, catalog) {
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
            Column::Standard(s) => s.to_string(),
            Column::Custom(_, title) => title.clone(),
        }
    }

    fn text(&self, c: &ContactRecord, catalog: &Catalog) -> String {
        match self {
            Column::Standard("id") => c.id.to_string(),
            Column::Standard("tags") => tag_names(c, catalog).join("; "),
            Column::Standard("assignee") => {
                let id = c
                    .raw
                    .get("assigned_user_id")
                    .or_else(|| c.raw.get("assignee_id"))
                    .and_then(Value::as_i64);
                match id {
                    Some(id) if id > 0 => catalog
                        .member_by_id(id)
                        .map(|m| m.name.clone())
                        .unwrap_or_else(|| id.to_string()),
                    _ => String::new(),
                }
            }
            Column::Standard(key) => scalar(c.raw.get(*key)),
            Column::Custom(id, _) => {
                scalar(c.raw.get("custom").and_then(|m| m.get(id.to_string())))
            }
        }
    }
}

fn tag_names(c: &ContactRecord, catalog: &Catalog) -> Vec<String> {
    c.tag_ids()
        .into_iter()
        .map(|id| {
            catalog
                .tag_by_id(id)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| id.to_string())
        })
        .collect()
}

fn scalar(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}
