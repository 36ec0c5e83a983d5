//! The account's catalog: takes the seeds of `SimConfig` (custom fields, tags,
//! team) and gives what writes are checked against — field ids, tag ids,
//! member ids — and what `/v1/contact-fields`, `/v1/tags`, `/v1/tag` and
//! `/v1/team` show and change.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{FieldDef, TagDef, TeamDef};

/// A tag as stored: the seed's `{id, tag, color}` plus what `/v1/tag` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagRecord {
    pub id: i64,
    pub tag: String,
    pub color: String,
    pub uuid: Uuid,
    pub rev: i64,
    pub created: i64,
    pub updated: i64,
}

/// The account's names for things, which writes are checked against.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Catalog {
    pub fields: Vec<FieldDef>,
    pub tags: Vec<TagRecord>,
    pub team: TeamDef,
}

impl Catalog {
    pub fn new(fields: Vec<FieldDef>, tags: Vec<TagDef>, team: TeamDef, now: i64) -> Self {
        let tags = tags
            .into_iter()
            .map(|t| TagRecord {
                id: t.id,
                tag: t.tag,
                color: t.color,
                uuid: Uuid::new_v4(),
                rev: 1,
                created: now,
                updated: now,
            })
            .collect();
        Catalog { fields, tags, team }
    }

    /// The custom field whose id is `key` as written on the wire ("101").
    pub fn field_id(&self, key: &str) -> Option<i64> {
        self.fields
            .iter()
            .map(|f| f.id)
            .find(|id| id.to_string() == key)
    }

    pub fn has_tag(&self, id: i64) -> bool {
        self.tags.iter().any(|t| t.id == id)
    }

    pub fn has_member(&self, id: i64) -> bool {
        self.team.members.iter().any(|m| m.id == id)
    }

    /// The user contacts are created by: the team's first member (0 without one).
    pub fn creator_id(&self) -> i64 {
        self.team.members.first().map_or(0, |m| m.id)
    }
}
