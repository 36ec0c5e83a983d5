//! Targets a map file or a header names, resolved against the account's
//! [`Catalog`]: custom fields by `custom:<id>` or title, and the usage error
//! for a map file whose targets no field can take.

use super::map_file::{MapFile, Written};
use super::{BUILT_IN, Field, Target, count};
use crate::catalog::Catalog;
use crate::error::{Error, Result};

/// A custom field a header names: `custom:<id>` or its title.
pub(super) fn custom(header: &str, catalog: &Catalog) -> Option<Target> {
    if let Some(id) = custom_id(header.trim()) {
        return custom_field(id.ok()?, catalog).ok();
    }
    catalog
        .field_by_title(header)
        .map(|f| Target::Field(Field::Custom(f.id)))
}

/// `custom:<id>`: `None` when `text` is not of that form, `Some(Err)` when
/// the id is not a number.
pub(super) fn custom_id(text: &str) -> Option<std::result::Result<i64, String>> {
    let rest = text
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("custom:"))?;
    let id = text[rest.len()..].trim();
    Some(id.parse().map_err(|_| {
        format!("`custom:` must be followed by a custom field id (a number, see `hmbulk fields`), not \"{id}\"")
    }))
}

/// What a map file may name, with this account's custom fields when known.
pub(super) fn targets_hint(catalog: Option<&Catalog>) -> String {
    let names: Vec<&str> = BUILT_IN.iter().map(|(_, name, _)| *name).collect();
    let mut hint = format!(
        "a target is one of {}, custom:<id>, a custom field title, channel:phone or \
         channel:email (another channel for the contact), or ignore",
        names.join(", ")
    );
    if let Some(catalog) = catalog.filter(|c| !c.fields.is_empty()) {
        let fields: Vec<String> = catalog
            .fields
            .iter()
            .map(|f| format!("\"{}\" (custom:{})", f.title, f.id))
            .collect();
        hint.push_str(&format!(
            "; this account's custom fields: {}",
            fields.join(", ")
        ));
    }
    hint
}

/// A map file target that cannot be resolved is a usage error, whether or
/// not this file has that column (the map is checked as a whole). Offline,
/// titles cannot be checked and are left to [`Mapping::build`](super::Mapping::build) as unchecked.
pub(super) fn check_map_targets(map: &MapFile, catalog: &Catalog) -> Result<()> {
    let bad: Vec<String> = map
        .columns
        .iter()
        .filter(|(_, written)| catalog.online || !matches!(written, Written::Title(_)))
        .filter_map(|(header, written)| {
            resolve(written, catalog)
                .err()
                .map(|why| format!("  \"{header}\": {why}"))
        })
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    Err(Error::usage(format!(
        "the --map file {} has {} no field can take:\n{}\n  ({})",
        map.path().display(),
        count(bad.len(), "target"),
        bad.join("\n"),
        targets_hint(Some(catalog))
    )))
}

/// A map file target against this account's catalog.
pub(super) fn resolve(written: &Written, catalog: &Catalog) -> std::result::Result<Target, String> {
    match written {
        Written::Target(Target::Field(Field::Custom(id))) => custom_field(*id, catalog),
        Written::Target(target) => Ok(*target),
        Written::Title(title) => match catalog.field_by_title(title) {
            Some(field) => Ok(Target::Field(Field::Custom(field.id))),
            None if !catalog.online => Err(format!(
                "\"{title}\" is not a field name, and custom field titles can only be \
                 checked with the account's field list: run with credentials, or write \
                 custom:<id> (ids from `hmbulk fields`)"
            )),
            None => Err(format!(
                "\"{title}\" is neither a field name nor a custom field of this account"
            )),
        },
    }
}

/// `custom:<id>`: any id offline; online, one the account has.
fn custom_field(id: i64, catalog: &Catalog) -> std::result::Result<Target, String> {
    if !catalog.online || catalog.field_by_id(id).is_some() {
        Ok(Target::Field(Field::Custom(id)))
    } else {
        Err(format!("custom:{id} is not a custom field of this account"))
    }
}

/// The custom field title `header` is probably a misspelling of (one edit
/// for titles of four to seven letters, two for longer ones; case, spaces
/// and punctuation do not count), if any. Online only: offline there are
/// no titles.
pub(super) fn close_title<'c>(header: &str, catalog: &'c Catalog) -> Option<&'c str> {
    let key = super::normalise_header(header);
    catalog.fields.iter().find_map(|f| {
        let title = super::normalise_header(&f.title);
        let allowed = match title.chars().count() {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        let d = super::edit_distance(&key, &title);
        (d > 0 && d <= allowed).then_some(f.title.as_str())
    })
}
