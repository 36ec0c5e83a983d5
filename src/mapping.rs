//! Column mapping: which contact field each input column fills. Headers are
//! matched ignoring case, spaces and punctuation, with the synonyms in
//! DESIGN.md; custom fields by title or `custom:<id>`; `--map FILE.toml` for the
//! rest. Takes the header and a [`Catalog`]; gives a [`Mapping`] or the list of
//! columns it could not place.

use std::path::Path;

use crate::catalog::Catalog;
use crate::error::Result;

/// Lower-case letters and digits only: `E-mail` -> `email`, `Last Name` -> `lastname`.
pub fn normalise_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// A contact field a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Phone,
    First,
    Last,
    DisplayName,
    Email,
    Tags,
    OptedOut,
    Assignee,
    /// The contact's UUID (export's `uuid` column): matches in upsert/update.
    Uuid,
    /// A custom field, by id.
    Custom(i64),
}

/// What to do with one input column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Field(Field),
    /// Read-only or report columns (`id`, `created`, `updated`, `blocked`,
    /// `_row`, `_error_code`, `_error`) and, with `--ignore-unknown`, columns
    /// nothing matched.
    Ignore,
}

/// A `--map FILE.toml`: `[columns]` table of header = target, where target is a
/// field name (`phone`, `first`, ...), `custom:<id>`, a custom field title, or
/// `ignore`.
#[derive(Debug, Clone, Default)]
pub struct MapFile {
    _todo: (),
}

impl MapFile {
    pub fn load(_path: &Path) -> Result<MapFile> {
        todo!()
    }
}

/// A column nothing matched, with the targets it could be mapped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    pub header: String,
    pub suggestions: Vec<String>,
}

/// The columns of one input file, each with its target.
#[derive(Debug, Clone)]
pub struct Mapping {
    _todo: (),
}

impl Mapping {
    /// Map every header. Unknown columns are an error listing all of them
    /// (unless `ignore_unknown`); two columns for one field are an error too.
    pub fn build(
        _headers: &[String],
        _catalog: &Catalog,
        _map_file: Option<&MapFile>,
        _ignore_unknown: bool,
    ) -> Result<Mapping> {
        todo!()
    }

    /// Target of column `i`.
    pub fn target(&self, _i: usize) -> Target {
        todo!()
    }

    /// Column that fills `field`, if any.
    pub fn column(&self, _field: Field) -> Option<usize> {
        todo!()
    }

    pub fn len(&self) -> usize {
        todo!()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
