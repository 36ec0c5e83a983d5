//! The account's names for things: custom fields, tags and team members, as
//! read from `/v1/contact-fields`, `/v1/tags` and `/v1/team`. Mapping uses it to
//! turn names in a spreadsheet into ids; export uses it to turn ids back into
//! names. An empty catalog is valid: offline dry runs use one. [`Needs`] says
//! which parts a file needs, so that no run asks for the others.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomField {
    pub id: i64,
    pub title: String,
}

/// A tag; `/v1/tags` calls its name `tag` (the reference's listing), or
/// `name` ("a name" on the concepts page): either is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub id: i64,
    #[serde(rename = "tag", alias = "name")]
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

/// The parts of the catalog a file needs: custom fields for columns that
/// are (or may be) custom fields, tags for a tags column, members for an
/// assignee column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub fields: bool,
    pub tags: bool,
    pub members: bool,
}

impl Needs {
    pub const ALL: Needs = Needs {
        fields: true,
        tags: true,
        members: true,
    };
    pub const NONE: Needs = Needs {
        fields: false,
        tags: false,
        members: false,
    };
}

impl Catalog {
    /// A catalog for a run without network: nothing known.
    pub fn offline() -> Self {
        Catalog::default()
    }

    pub fn field_by_id(&self, id: i64) -> Option<&CustomField> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// Custom field whose title matches `name` (compared with [`crate::header::normalise_header`]).
    pub fn field_by_title(&self, name: &str) -> Option<&CustomField> {
        let want = crate::header::normalise_header(name);
        self.fields
            .iter()
            .find(|f| crate::header::normalise_header(&f.title) == want)
    }

    pub fn tag_by_id(&self, id: i64) -> Option<&Tag> {
        self.tags.iter().find(|t| t.id == id)
    }

    pub fn member_by_id(&self, id: i64) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }
}
