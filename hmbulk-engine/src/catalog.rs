//! The account's names for things: custom fields, tags and team members, as
//! read from `/v1/contact-fields`, `/v1/tags` and `/v1/team`. Mapping uses it to
//! turn names in a spreadsheet into ids; export uses it to turn ids back into
//! names. An empty catalog is valid: offline dry runs use one.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomField {
    pub id: i64,
    pub title: String,
}

/// A tag; the API calls its name `tag`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub id: i64,
    #[serde(rename = "tag")]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    pub name: String,
    /// `admin`, `member`, … (`/v1/team` gives it; not used for mapping).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    pub fields: Vec<CustomField>,
    pub tags: Vec<Tag>,
    pub members: Vec<Member>,
    /// False for an offline catalog: names of tags and members could not be
    /// checked, so validation accepts ids only and says so.
    pub online: bool,
}

impl Catalog {
    /// A catalog for a run without network: nothing known.
    pub fn offline() -> Self {
        Catalog::default()
    }

    pub fn field_by_id(&self, id: i64) -> Option<&CustomField> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// Custom field whose title matches `name` (compared with [`crate::mapping::normalise_header`]).
    pub fn field_by_title(&self, name: &str) -> Option<&CustomField> {
        let want = crate::mapping::normalise_header(name);
        self.fields
            .iter()
            .find(|f| crate::mapping::normalise_header(&f.title) == want)
    }

    pub fn tag_by_id(&self, id: i64) -> Option<&Tag> {
        self.tags.iter().find(|t| t.id == id)
    }

    pub fn member_by_id(&self, id: i64) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }
}
