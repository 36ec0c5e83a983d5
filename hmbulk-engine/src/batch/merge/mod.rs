//! How a row meets the contact it updates: the one place that turns a
//! validated row ([`Draft`]) into what is compared with the contact and
//! written over it ([`Merge::resolve`]), and counts what the writes did to
//! tags ([`TagTally`]). Takes the row and the [`Contact`] a search (or a
//! refused create's search) found; gives the row as it will be written, or
//! the row's error.
//!
//! - **Tags**, by the run's [`TagsMode`]: `add` — the contact's tags and
//!   the row's (a row whose tags would take the contact past the API's 5
//!   fails as `too_many_tags`, naming the contact's tags); `replace` — the
//!   row's; `remove` — the contact's without the row's. A create carries
//!   the row's tags (none in `remove` mode). The contact's tags are read as
//!   [`Contact::tag_ids`] reads them; in `add` and `remove` modes a tag the
//!   answer shows in a form not understood cannot be kept, so the row fails
//!   (`tags_unreadable`) rather than lose it.
//! - **The display name follows the names**: a display name equal to the
//!   contact's old first + last is a default, so a row that changes first
//!   or last writes the new first + last as the display name — whether the
//!   row's display cell holds that old default (an export whose `last` was
//!   changed) or is absent while the contact's display name is its default.
//!   A row whose display cell holds anything else sets it, as written —
//!   except in a row of hmbulk's own export older than the contact (its
//!   `updated` earlier than the contact's now) whose names the contact
//!   already has: that display cell is the export's copy of a name the
//!   contact has changed since (by importing this very file, say), and
//!   writing it back would undo the change.
//! - **The phone**: a row matched by its `uuid` alone (no phone cell, in
//!   `update` and `upsert`) keeps the contact's phone.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use crate::api::{Contact, TagRef};
use crate::contact::tags::TagsMode;
use crate::contact::{Draft, MAX_TAGS};
use crate::outcome::{ErrorCode, RowError};

/// The rules of one run, shared by its senders, and what they counted.
#[derive(Debug, Default)]
pub struct Merge {
    pub tags_mode: TagsMode,
    /// Tag names by id, for messages and the summary.
    pub tag_names: HashMap<i64, String>,
    /// The tags column's header, for messages.
    pub tags_column: Option<String>,
    tally: Mutex<TagTally>,
}

/// What the confirmed writes of a run did to tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagTally {
    /// Tags put on contacts (a tag on two contacts counts twice).
    pub added: u64,
    /// Tags taken off contacts.
    pub removed: u64,
    /// Contacts that lost at least one tag.
    pub contacts_losing: u64,
    /// Contacts that lost each tag, by tag id.
    pub lost: BTreeMap<i64, u64>,
}

impl Merge {
    pub fn new(
        tags_mode: TagsMode,
        tag_names: HashMap<i64, String>,
        tags_column: Option<String>,
    ) -> Merge {
        Merge {
            tags_mode,
            tag_names,
            tags_column,
            tally: Mutex::new(TagTally::default()),
        }
    }

    /// `d` as it is compared with `rec` and written over it (see the
    /// module's doc). Idempotent: resolving again against the contact the
    /// write made changes nothing.
    pub fn resolve(&self, d: &mut Draft<'_>, rec: &Contact) -> Result<(), RowError> {
        if d.phone.is_empty()
            && let Some(phone) = &rec.phone
        {
            d.phone = phone.clone();
        }
        self.display_name(d, rec);
        let Some(row) = d.tags.take() else {
            return Ok(());
        };
        if self.tags_mode != TagsMode::Replace
            && let Some(odd) = rec.tags.iter().find(|t| matches!(t, TagRef::Other(_)))
        {
            return Err(self.unreadable(odd));
        }
        let have = rec.tag_ids();
        let tags = self.tags_mode.apply(&row, &have);
        if tags.len() > MAX_TAGS {
            return Err(self.too_many(&row, &have, tags.len()));
        }
        d.tags = Some(tags);
        Ok(())
    }

    /// The tags a create of `d` carries.
    pub fn create_tags(&self, d: &Draft<'_>) -> Option<Vec<i64>> {
        self.tags_mode.on_create(d.tags.as_deref())
    }

    /// A write of `d` was confirmed: count the tags it put on and took off
    /// `before` (the contact it updated; `None` for a create).
    pub fn count(&self, before: Option<&Contact>, d: &Draft<'_>) {
        let (have, after) = match before {
            Some(rec) => (rec.tag_ids(), d.tags.clone()),
            None => (Vec::new(), self.create_tags(d)),
        };
        let Some(after) = after else { return };
        let added = after.iter().filter(|id| !have.contains(id)).count();
        let lost: Vec<i64> = have.into_iter().filter(|id| !after.contains(id)).collect();
        if added == 0 && lost.is_empty() {
            return;
        }
        let mut t = self.tally.lock().unwrap_or_else(|e| e.into_inner());
        t.added += added as u64;
        t.removed += lost.len() as u64;
        t.contacts_losing += u64::from(!lost.is_empty());
        for id in lost {
            *t.lost.entry(id).or_default() += 1;
        }
    }

    /// What the run's writes did to tags.
    pub fn tally(&self) -> TagTally {
        self.tally.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A tag's name for people (its id when the account has no such tag).
    pub fn tag_name(&self, id: i64) -> String {
        self.tag_names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// The display name of the module's doc.
    fn display_name(&self, d: &mut Draft<'_>, rec: &Contact) {
        let text = |t: &Option<String>| t.as_deref().unwrap_or("").trim().to_string();
        let (first, last) = (text(&rec.first), text(&rec.last));
        let new_first = d.first.as_deref().map_or(first.as_str(), str::trim);
        let new_last = d.last.as_deref().map_or(last.as_str(), str::trim);
        let names_change = new_first != first || new_last != last;
        let old_default = full_name(&first, &last);
        let current = text(&rec.display_name);
        match d.display_name.as_deref().map(str::trim) {
            Some(cell) if names_change && cell == old_default => {
                d.display_name = Some(full_name(new_first, new_last).into());
            }
            None if names_change && current == old_default => {
                d.display_name = Some(full_name(new_first, new_last).into());
            }
            Some(cell)
                if !names_change
                    && cell != current
                    && current == old_default
                    && d.exported_at.is_some_and(|t| updated_at(rec) > Some(t)) =>
            {
                d.display_name = None;
            }
            _ => {}
        }
    }

    fn unreadable(&self, odd: &TagRef) -> RowError {
        let shown = match odd {
            TagRef::Other(v) => v.to_string(),
            other => format!("{other:?}"),
        };
        RowError::new(
            ErrorCode::TagsUnreadable,
            format!(
                "{}the API shows this contact's tags in a form hmbulk does not read ({}): \
                 {} them could lose one, so the row was not written; pass --tags replace \
                 to set the row's tags as its whole set",
                self.in_column(),
                shorten(&shown),
                match self.tags_mode {
                    TagsMode::Remove => "taking tags off",
                    _ => "adding to",
                }
            ),
        )
    }

    fn too_many(&self, row: &[i64], have: &[i64], total: usize) -> RowError {
        let names = |ids: &mut dyn Iterator<Item = &i64>| {
            let quoted: Vec<String> = ids
                .map(|&id| format!("\"{}\"", self.tag_name(id)))
                .collect();
            quoted.join(", ")
        };
        let new: Vec<i64> = row
            .iter()
            .filter(|id| !have.contains(id))
            .copied()
            .collect();
        RowError::new(
            ErrorCode::TooManyTags,
            format!(
                "{}adding {} to the contact's tags {} would give it {total}, and a contact can \
                 have at most {MAX_TAGS}; take some of its tags off first, or pass --tags \
                 replace to make the row's tags its whole set",
                self.in_column(),
                names(&mut new.iter()),
                names(&mut have.iter()),
            ),
        )
    }

    fn in_column(&self) -> String {
        self.tags_column
            .as_deref()
            .map(|c| format!("column \"{c}\": "))
            .unwrap_or_default()
    }
}

/// `first last`, either may be empty.
fn full_name(first: &str, last: &str) -> String {
    format!("{first} {last}").trim().to_string()
}

/// The contact's `updated` in Unix seconds, when it can be read.
fn updated_at(rec: &Contact) -> Option<i64> {
    let t = rec.updated.as_deref()?;
    chrono::DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|t| t.timestamp())
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests;
