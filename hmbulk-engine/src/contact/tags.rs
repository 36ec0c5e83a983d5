//! Tag cells: the lists exports write → tag names. Takes one cell; gives the
//! names in order, each once (ignoring case). And [`TagsMode`]: what a row's
//! tags do to the tags its contact has (add to them, replace them, remove
//! them), as a set operation on tag ids ([`TagsMode::apply`]).
//!
//! Accepted: `VIP; Newsletter`, `VIP, Newsletter` (Shopify), `"VIP","Newsletter"`
//! (Mailchimp: quoted, so a name may hold a comma), `Friends ::: * myContacts`
//! (Google: ` ::: ` between labels; Google's own groups `* myContacts` and
//! `* starred` are not tags, and the `* ` Google puts before its system
//! groups is dropped).

use crate::choice::choice;
use crate::mapping::edit_distance;

/// Google's system groups: not labels a person made.
const GOOGLE_SYSTEM: &[&str] = &["mycontacts", "starred"];

/// What a row's tags do to the tags its contact has (`--tags`, or
/// `tags_mode` in a map file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TagsMode {
    /// Add the row's tags to the contact's own (within the API's 5).
    #[default]
    Add,
    /// The row's tags become the contact's whole set.
    Replace,
    /// Take the row's tags off the contact.
    Remove,
}

choice!(TagsMode, "--tags", {
    Add => ("add", "Add the row's tags to the contact's own (default)"),
    Replace => ("replace", "The row's tags become all of the contact's tags (default for hmbulk's own export)"),
    Remove => ("remove", "Take the row's tags off the contact"),
});

/// Layouts whose tags cell is a contact's whole set of tags: hmbulk's own
/// export writes every tag a contact has, so a tag taken out of the cell
/// is one to take off the contact.
const WHOLE_SET_LAYOUTS: &[&str] = &["hmbulk_export"];

impl TagsMode {
    /// The mode of a file of `layout` (its id) when neither `--tags` nor
    /// the map file says: `replace` for a layout whose tags cell is the
    /// whole set, `add` otherwise.
    pub fn default_for(layout: Option<&str>) -> TagsMode {
        match layout {
            Some(id) if WHOLE_SET_LAYOUTS.contains(&id) => TagsMode::Replace,
            _ => TagsMode::Add,
        }
    }

    /// The contact's tags after a row with `row` tags is written over a
    /// contact with `have`: in the contact's order, then the row's.
    pub fn apply(self, row: &[i64], have: &[i64]) -> Vec<i64> {
        let mut tags: Vec<i64> = Vec::with_capacity(have.len() + row.len());
        let push = |tags: &mut Vec<i64>, id: i64| {
            if !tags.contains(&id) {
                tags.push(id);
            }
        };
        match self {
            TagsMode::Replace => row.iter().for_each(|&id| push(&mut tags, id)),
            TagsMode::Add => {
                have.iter().chain(row).for_each(|&id| push(&mut tags, id));
            }
            TagsMode::Remove => have
                .iter()
                .filter(|id| !row.contains(id))
                .for_each(|&id| push(&mut tags, id)),
        }
        tags
    }

    /// The tags of a row that creates its contact (it has none yet).
    pub fn on_create(self, row: Option<&[i64]>) -> Option<Vec<i64>> {
        match self {
            TagsMode::Remove => None,
            _ => row.map(|r| self.apply(r, &[])),
        }
    }
}

/// The tag names of a cell.
pub fn tag_names(cell: &str) -> Vec<String> {
    tag_name_slices(cell)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// [`tag_names`], borrowed from the cell.
pub fn tag_name_slices(cell: &str) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    each_tag_name(cell, |name| {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name);
        }
    });
    names
}

/// Each tag name of a cell, in order, as [`tag_names`] splits it, but
/// given as often as the cell repeats it (ignoring case): for a caller that
/// keeps each once by its own lights, with no list made per cell.
pub fn each_tag_name<'a>(cell: &'a str, mut each: impl FnMut(&'a str)) {
    let mut push = |raw: &'a str| {
        let mut name = raw.trim();
        if name.starts_with('"') || name.ends_with('"') {
            name = name.trim_matches('"').trim();
        }
        let (google, name) = match name.strip_prefix("* ") {
            Some(rest) => (true, rest.trim()),
            None => (false, name),
        };
        let system =
            google && GOOGLE_SYSTEM.contains(&name.to_ascii_lowercase().replace(' ', "").as_str());
        if !name.is_empty() && !system {
            each(name);
        }
    };
    // Separators: `,` and `;` outside double quotes, and Google's `:::`.
    let bytes = cell.as_bytes();
    let (mut start, mut i) = (0, 0);
    let mut quoted = false;
    while i < bytes.len() {
        let width = match bytes[i] {
            b'"' => {
                quoted = !quoted;
                0
            }
            b',' | b';' if !quoted => 1,
            b':' if !quoted && bytes[i..].starts_with(b":::") => 3,
            _ => 0,
        };
        if width > 0 {
            push(&cell[start..i]);
            start = i + width;
            i += width;
        } else {
            i += 1;
        }
    }
    push(&cell[start..]);
}

/// Up to three of `known` closest to `name` (few edits, or one contains the
/// other), best first.
pub fn closest<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let want = name.to_lowercase();
    let allowed = (want.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = known
        .filter_map(|k| {
            let lower = k.to_lowercase();
            let d = edit_distance(&want, &lower);
            let contains = want.len() >= 3 && (lower.contains(&want) || want.contains(&lower));
            (d <= allowed || contains).then_some((if contains { d.min(1) } else { d }, k))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_export_spelling_splits() {
        assert_eq!(tag_names("VIP; Newsletter"), ["VIP", "Newsletter"]);
        assert_eq!(tag_names("VIP, newsletter"), ["VIP", "newsletter"]);
        assert_eq!(tag_names("\"VIP\",\"Newsletter\""), ["VIP", "Newsletter"]);
        assert_eq!(tag_names("\"Big, Co\",\"VIP\""), ["Big, Co", "VIP"]);
        assert_eq!(
            tag_names("Friends ::: * myContacts ::: * starred"),
            ["Friends"]
        );
        assert_eq!(tag_names("* Coworkers ::: * My Contacts"), ["Coworkers"]);
        assert_eq!(tag_names("VIP;vip; ;"), ["VIP"]);
        assert!(tag_names("").is_empty());
    }

    #[test]
    fn each_mode_is_a_set_operation_on_the_contacts_tags() {
        let have = [11, 14, 15];
        assert_eq!(TagsMode::Add.apply(&[17, 11], &have), [11, 14, 15, 17]);
        assert_eq!(TagsMode::Replace.apply(&[17, 11], &have), [17, 11]);
        assert_eq!(TagsMode::Remove.apply(&[14, 99], &have), [11, 15]);
        assert_eq!(TagsMode::Add.apply(&[], &have), have, "nothing to add");
        assert!(TagsMode::Replace.apply(&[], &have).is_empty(), "cleared");
        assert_eq!(TagsMode::Remove.on_create(Some(&[11])), None);
        assert_eq!(TagsMode::Add.on_create(Some(&[11, 11])), Some(vec![11]));
        assert_eq!(TagsMode::Replace.on_create(None), None);
        assert_eq!(
            TagsMode::default_for(Some("hmbulk_export")),
            TagsMode::Replace
        );
        assert_eq!(
            TagsMode::default_for(Some("shopify_customers")),
            TagsMode::Add
        );
        assert_eq!(TagsMode::default_for(None), TagsMode::Add);
    }

    #[test]
    fn closest_names_are_near_ones() {
        let known = ["VIP", "Newsletter", "Wholesale", "Spring Sale"];
        assert_eq!(closest("Newsleter", known.iter().copied()), ["Newsletter"]);
        assert_eq!(closest("Spring", known.iter().copied()), ["Spring Sale"]);
        assert!(closest("Platinum", known.iter().copied()).is_empty());
    }
}
