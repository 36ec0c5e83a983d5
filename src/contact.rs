//! The contact model and row validation: one input [`Record`] plus its
//! [`Mapping`] becomes a [`Draft`] (a contact ready to send) or a [`RowError`].
//! Validation runs on rayon, a chunk of records at a time, order kept.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::catalog::Catalog;
use crate::input::Record;
use crate::mapping::Mapping;
use crate::outcome::RowError;
use crate::phone::PhoneNormaliser;

/// What a blank cell means on a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum BlankPolicy {
    /// Leave the field as it is (default).
    #[default]
    Keep,
    /// Clear the field.
    Clear,
}

/// A validated row: only the fields the row sets are `Some`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draft {
    pub row: u64,
    pub phone_raw: String,
    /// E.164 digits without `+`.
    pub phone: String,
    pub uuid: Option<String>,
    pub first: Option<String>,
    pub last: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    /// Custom field id -> value.
    pub custom: BTreeMap<i64, String>,
    /// Tag ids; `Some(vec![])` clears the tags.
    pub tags: Option<Vec<i64>>,
    /// Member id; `-1` unassigns.
    pub assignee: Option<i64>,
    pub opted_out: Option<bool>,
}

impl Draft {
    /// The write body of this contact in the API's shape (`/v2/contacts` item or
    /// `/v1/batch/contacts` element): only the fields the row sets, never a
    /// `null`. `contact_id` (a UUID) makes a v2 item an update.
    pub fn write_body(&self, contact_id: Option<&str>) -> Value {
        let mut m = Map::new();
        if let Some(id) = contact_id {
            m.insert("contact_id".into(), json!(id));
        }
        m.insert("phone".into(), json!(self.phone));
        let text = [
            ("first", &self.first),
            ("last", &self.last),
            ("display_name", &self.display_name),
            ("email", &self.email),
        ];
        for (key, value) in text {
            if let Some(v) = value {
                m.insert(key.into(), json!(v));
            }
        }
        if !self.custom.is_empty() {
            let custom: Map<String, Value> = self
                .custom
                .iter()
                .map(|(id, v)| (id.to_string(), json!(v)))
                .collect();
            m.insert("custom".into(), Value::Object(custom));
        }
        if let Some(tags) = &self.tags {
            let tags: Vec<Value> = tags.iter().map(|id| json!({ "tag_id": id })).collect();
            m.insert("tags".into(), Value::Array(tags));
        }
        if let Some(a) = self.assignee {
            m.insert("assignee_id".into(), json!(a));
        }
        if let Some(o) = self.opted_out {
            m.insert("is_opted_out".into(), json!(o));
        }
        Value::Object(m)
    }
}

/// Validates records of one file against its mapping.
pub struct Validator {
    _todo: (),
}

impl Validator {
    pub fn new(
        _mapping: Mapping,
        _catalog: Catalog,
        _phones: PhoneNormaliser,
        _blank: BlankPolicy,
    ) -> Self {
        todo!()
    }

    /// Validate one record: row shape, phone, email, tags, assignee, opted-out,
    /// uuid, custom fields. The message names the column and what is accepted.
    pub fn validate(&self, _record: &Record) -> Result<Draft, RowError> {
        todo!()
    }

    /// Validate a chunk in parallel (rayon), results in input order.
    pub fn validate_chunk(&self, _records: &[Record]) -> Vec<Result<Draft, RowError>> {
        todo!()
    }
}
