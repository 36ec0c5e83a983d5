//! A contact as the API reads it back. The read shape is loosely documented,
//! so this keeps the raw JSON and offers typed accessors for what hmbulk uses;
//! an answer that lacks an `id` is not a contact.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct ContactRecord {
    pub id: i64,
    pub raw: Value,
}

impl<'de> Deserialize<'de> for ContactRecord {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(d)?;
        ContactRecord::from_value(&raw)
            .ok_or_else(|| serde::de::Error::custom("a contact without an integer id"))
    }
}

impl ContactRecord {
    pub fn from_value(v: &Value) -> Option<ContactRecord> {
        let id = v
            .get("id")
            .and_then(|i| i.as_i64().or_else(|| i.as_str()?.parse().ok()))?;
        Some(ContactRecord { id, raw: v.clone() })
    }

    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.raw.get(key).and_then(Value::as_str)
    }

    pub fn uuid(&self) -> Option<&str> {
        self.str_field("uuid")
    }

    pub fn phone(&self) -> Option<&str> {
        self.str_field("phone")
    }

    /// The `updated` timestamp as sent (RFC 3339).
    pub fn updated(&self) -> Option<&str> {
        self.str_field("updated")
    }

    pub fn rev(&self) -> Option<i64> {
        self.raw.get("rev").and_then(Value::as_i64)
    }

    /// Tag ids, whether the API sends `[12, 14]` or `[{"tag_id": 12}]` / `[{"id": 12}]`.
    pub fn tag_ids(&self) -> Vec<i64> {
        self.raw
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(|t| {
                        t.as_i64()
                            .or_else(|| t.get("tag_id").and_then(Value::as_i64))
                            .or_else(|| t.get("id").and_then(Value::as_i64))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}
