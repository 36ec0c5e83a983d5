//! `--create-tags`. Takes the input file, its [`Mapping`] and the account's
//! [`Catalog`]; gives the tag names the file's tag column holds that the
//! account lacks, and creates them once each (adding them to the catalog)
//! before any contact is sent.

use crate::api::{ApiError, Client};
use crate::catalog::{Catalog, Tag};
use crate::contact::tags::tag_names;
use crate::error::{Error, Result};
use crate::input::config::Config;
use crate::mapping::{Field, Mapping};

/// Tag names the file's tag column holds that the account does not have,
/// in the order they first appear, each once (ignoring case).
pub(crate) fn missing_tags(
    input: &Config,
    mapping: &Mapping,
    catalog: &Catalog,
) -> Result<Vec<String>> {
    let Some(column) = mapping.column(Field::Tags) else {
        return Ok(Vec::new());
    };
    let reader = input.reader()?;
    let known = |name: &str| {
        catalog
            .tags
            .iter()
            .any(|t| t.name.trim().eq_ignore_ascii_case(name))
            || name
                .parse::<i64>()
                .is_ok_and(|id| catalog.tag_by_id(id).is_some())
    };
    let mut missing: Vec<String> = Vec::new();
    for record in reader {
        let record = record?;
        let Some(cell) = record.cells.get(column) else {
            continue;
        };
        for name in tag_names(cell) {
            if !known(&name) && !missing.iter().any(|m| m.eq_ignore_ascii_case(&name)) {
                missing.push(name);
            }
        }
    }
    Ok(missing)
}

/// Create each missing tag once (`POST /v1/tag`) and add it to the catalog.
/// A tag another writer created meanwhile is found by reading the tags again.
pub(crate) fn create_tags(
    client: &Client,
    catalog: &mut Catalog,
    missing: &[String],
) -> Result<Vec<String>> {
    let mut created = Vec::new();
    for name in missing {
        match client.create_tag(name) {
            Ok(id) => {
                catalog.tags.push(Tag {
                    id,
                    name: name.clone(),
                });
                created.push(name.clone());
            }
            // Refused, perhaps because an attempt whose answer was lost
            // created it: the tags read again say.
            Err(e) if refusal(&e).is_some() => {
                let message = refusal(&e).unwrap_or_default();
                catalog.tags = client.tags()?;
                if !catalog
                    .tags
                    .iter()
                    .any(|t| t.name.trim().eq_ignore_ascii_case(name))
                {
                    return Err(Error::Fatal(format!(
                        "--create-tags: the API refused to create the tag \"{name}\": {message}; \
                         nothing was sent"
                    )));
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(created)
}

/// The API's reason when `e` refused a write (perhaps after an attempt
/// whose answer was lost).
fn refusal(e: &ApiError) -> Option<String> {
    match e {
        ApiError::Rejected { message, .. } => Some(message.clone()),
        ApiError::Unconfirmed(inner) => refusal(inner),
        _ => None,
    }
}
