//! Comparing a row with the contact the API holds. Takes a [`Draft`] and a
//! [`Contact`] as a search (or a write) answered it; gives whether writing
//! the row would change nothing ([`already_holds`]: the row is then
//! `unchanged`, or, settling a row an earlier run sent, what that write
//! gave), whether this import may have created the contact
//! ([`created_since`]), and what a refused create's reason says
//! ([`says_phone_exists`], [`uuid_in`]).
//!
//! Only the fields the row sets count, and a field the answer leaves out or
//! shows in a form not understood counts as different: when in doubt the
//! row is written, which is never wrong, only a request more.

use crate::api::{Contact, TagRef};
use crate::contact::Draft;
use crate::journal::Began;

/// Whether `rec` already holds every field `d` sets, so that writing the
/// row would change nothing.
///
/// - Text (`first`, `last`, `display_name`, `email`): equal as text; a
///   field the answer leaves out or gives as `null` is empty, so a row
///   that clears a field (`--blank clear`) matches it. A row that does not
///   set `display_name` leaves it to the API's default (first + last),
///   which follows `first` and `last`: comparing those is enough.
/// - `custom`: by field id, whose key the API writes as a string; a number
///   or boolean the API holds compares by its text (`7` and `"7"`); an
///   unset field is empty.
/// - `tags`: the same set of ids, in any order (the API keeps no meaning
///   in the order); a tag the answer shows in a form not understood makes
///   them differ.
/// - `assignee`: the member id (read as `assigned_user_id`); `-1`
///   (unassign) matches no assignee.
/// - `is_opted_out`: equal, and present in the answer.
/// - The phone: the contact's must be the row's (a row that matched by
///   `uuid` may carry a new phone).
pub(super) fn already_holds(d: &Draft, rec: &Contact) -> bool {
    let text = |have: &Option<String>, want: &Option<std::borrow::Cow<'_, str>>| {
        want.as_deref()
            .is_none_or(|w| have.as_deref().unwrap_or("") == w)
    };
    let phone_ok = rec.phone.as_deref() == Some(d.phone.as_str());
    let custom_ok = d.custom.iter().all(|(id, v)| rec.custom_text(*id) == *v);
    let tags_ok = d.tags.as_ref().is_none_or(|want| {
        if rec.tags.iter().any(|t| matches!(t, TagRef::Other(_))) {
            return false;
        }
        let mut want = want.clone();
        let mut have = rec.tag_ids();
        for ids in [&mut want, &mut have] {
            ids.sort_unstable();
            ids.dedup();
        }
        want == have
    });
    let assignee_ok = d.assignee.is_none_or(|a| {
        let have = rec.assignee();
        have == Some(a) || (a == -1 && have.is_none())
    });
    let opted_ok = d.opted_out.is_none_or(|o| rec.is_opted_out == Some(o));
    phone_ok
        && text(&rec.first, &d.first)
        && text(&rec.last, &d.last)
        && text(&rec.display_name, &d.display_name)
        && text(&rec.email, &d.email)
        && custom_ok
        && tags_ok
        && assignee_ok
        && opted_ok
}

/// Whether `rec` may have been created by an import that began `since`:
/// its `created` is not before then (on the API's clock; on ours, less the
/// skew allowed, [`Began::earliest`]). A contact whose `created` is missing
/// or unreadable may have.
pub(super) fn created_since(rec: &Contact, since: Began) -> bool {
    let created = rec
        .created
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    created.is_none_or(|t| t.timestamp() >= since.earliest())
}

/// Whether a refused create's reason says its phone belongs to a contact
/// already (`phone exists: <uuid>` from the simulator). Any other wording
/// leaves the row to a search, which settles it either way.
pub(super) fn says_phone_exists(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    r.contains("phone") && (r.contains("exist") || r.contains("already"))
}

/// The first UUID written in `text` (the contact a refusal names).
pub(super) fn uuid_in(text: &str) -> Option<String> {
    let is_part = |c: char| c.is_ascii_hexdigit() || c == '-';
    text.split(|c: char| !is_part(c))
        .filter(|w| w.len() == 36)
        .find_map(|w| uuid::Uuid::try_parse(w).ok())
        .map(|u| u.hyphenated().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    /// The contact as the API would read back `Ada Lovelace` at phone 1.
    fn stored() -> Contact {
        serde_json::from_value(json!({
            "id": 7, "uuid": "6f1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3", "phone": "14155550001",
            "first": "Ada", "last": "Lovelace", "display_name": "Ada Lovelace",
            "email": "ada@example.com", "custom": {"101": "Acme", "102": 7},
            "tags": [12, 11], "assigned_user_id": 501, "is_opted_out": false,
            "created": "2026-11-20T10:00:00Z", "updated": "2026-11-21T10:00:00Z", "rev": 3
        }))
        .unwrap()
    }

    /// A row for phone 1 that sets nothing else.
    fn row() -> Draft<'static> {
        Draft {
            phone: "14155550001".into(),
            ..Draft::default()
        }
    }

    #[test]
    fn a_row_that_sets_nothing_but_the_phone_holds() {
        assert!(already_holds(&row(), &stored()));
        let moved = Draft {
            phone: "14155550002".into(),
            ..row()
        };
        assert!(!already_holds(&moved, &stored()), "a new phone is a change");
        let mut no_phone = stored();
        no_phone.phone = None;
        assert!(!already_holds(&row(), &no_phone), "a phone not shown");
    }

    #[test]
    fn text_fields_compare_as_text_and_empty_matches_missing() {
        let same = Draft {
            first: Some("Ada".into()),
            last: Some("Lovelace".into()),
            display_name: Some("Ada Lovelace".into()),
            email: Some("ada@example.com".into()),
            ..row()
        };
        assert!(already_holds(&same, &stored()));
        for changed in [
            Draft {
                first: Some("Augusta".into()),
                ..row()
            },
            Draft {
                last: Some("lovelace".into()),
                ..row()
            },
            Draft {
                display_name: Some("Countess".into()),
                ..row()
            },
            Draft {
                email: Some("ADA@example.com".into()),
                ..row()
            },
            Draft {
                email: Some("".into()),
                ..row()
            },
        ] {
            assert!(!already_holds(&changed, &stored()), "{changed:?}");
        }
        // Clearing a field the contact does not have changes nothing,
        // whether the answer shows it empty, null or not at all.
        let mut bare = stored();
        bare.email = None;
        bare.last = Some("".into());
        let clear = Draft {
            email: Some("".into()),
            last: Some("".into()),
            ..row()
        };
        assert!(already_holds(&clear, &bare));
    }

    #[test]
    fn display_name_left_to_its_default_follows_first_and_last() {
        // The row sets first and last only; the contact's display name is
        // whatever the API made of them (or a name set earlier).
        let mut renamed = stored();
        renamed.display_name = Some("The Countess".into());
        let names = Draft {
            first: Some("Ada".into()),
            last: Some("Lovelace".into()),
            ..row()
        };
        assert!(already_holds(&names, &renamed));
        let new_last = Draft {
            last: Some("King".into()),
            ..names
        };
        assert!(!already_holds(&new_last, &stored()));
    }

    #[test]
    fn custom_fields_compare_by_id_as_text() {
        let with = |pairs: &[(i64, &str)]| Draft {
            custom: pairs
                .iter()
                .map(|(k, v)| (*k, v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            ..row()
        };
        assert!(already_holds(&with(&[(101, "Acme")]), &stored()));
        assert!(
            already_holds(&with(&[(102, "7")]), &stored()),
            "a number held compares by its text"
        );
        assert!(!already_holds(&with(&[(101, "acme")]), &stored()));
        assert!(!already_holds(&with(&[(102, "7.0")]), &stored()));
        assert!(!already_holds(&with(&[(103, "x")]), &stored()));
        assert!(
            already_holds(&with(&[(103, "")]), &stored()),
            "clearing an unset field"
        );
        assert!(!already_holds(&with(&[(101, "")]), &stored()));
    }

    #[test]
    fn tags_compare_as_a_set_and_unknown_shapes_differ() {
        let tags = |ids: &[i64]| Draft {
            tags: Some(ids.to_vec()),
            ..row()
        };
        assert!(already_holds(&tags(&[11, 12]), &stored()), "any order");
        assert!(already_holds(&tags(&[12, 11, 11]), &stored()));
        assert!(!already_holds(&tags(&[11]), &stored()));
        assert!(!already_holds(&tags(&[11, 12, 13]), &stored()));
        assert!(!already_holds(&tags(&[]), &stored()), "clearing the tags");
        let mut untagged = stored();
        untagged.tags.clear();
        assert!(already_holds(&tags(&[]), &untagged));
        // Tags read as names (not understood): never "the same".
        let mut named = stored();
        named.tags = vec![TagRef::Other(json!("VIP"))];
        assert!(!already_holds(&tags(&[]), &named));
        let objects: Contact = serde_json::from_value(json!({"id": 1, "phone": "14155550001",
                "tags": [{"tag_id": 11}, {"id": 12}]}))
        .unwrap();
        assert!(already_holds(&tags(&[12, 11]), &objects));
    }

    #[test]
    fn assignee_and_opt_out() {
        let assignee = |a: i64| Draft {
            assignee: Some(a),
            ..row()
        };
        assert!(already_holds(&assignee(501), &stored()));
        assert!(!already_holds(&assignee(502), &stored()));
        assert!(!already_holds(&assignee(-1), &stored()));
        let mut unassigned = stored();
        unassigned.assigned_user_id = None;
        assert!(already_holds(&assignee(-1), &unassigned));
        unassigned.assignee_id = Some(502);
        assert!(
            already_holds(&assignee(502), &unassigned),
            "the write name in an answer"
        );

        let opted = |o: bool| Draft {
            opted_out: Some(o),
            ..row()
        };
        assert!(already_holds(&opted(false), &stored()));
        assert!(!already_holds(&opted(true), &stored()));
        let mut unknown = stored();
        unknown.is_opted_out = None;
        assert!(!already_holds(&opted(false), &unknown), "not shown");
    }

    #[test]
    fn created_since_allows_for_our_clock_and_assumes_so_when_unknown() {
        let began = Began {
            at: chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:30Z")
                .unwrap()
                .timestamp(),
            server_clock: false,
        };
        let at = |t: &str| Contact {
            created: Some(t.into()),
            ..stored()
        };
        assert!(created_since(&at("2026-11-20T10:00:30Z"), began));
        assert!(created_since(&at("2026-11-20T09:59:31Z"), began), "skew");
        assert!(!created_since(&at("2026-11-20T09:59:29Z"), began));
        assert!(!created_since(&at("2025-01-01T00:00:00Z"), began));
        assert!(created_since(&at("yesterday"), began));
        let unknown = Contact {
            created: None,
            ..stored()
        };
        assert!(created_since(&unknown, began));
        // On the API's own clock no skew is allowed: a contact stored a
        // second before the run began is not the run's.
        let exact = Began {
            server_clock: true,
            ..began
        };
        assert!(created_since(&at("2026-11-20T10:00:30Z"), exact));
        assert!(!created_since(&at("2026-11-20T10:00:29Z"), exact));
        assert!(created_since(&unknown, exact));
    }

    #[test]
    fn a_refusal_that_names_an_existing_phone_and_its_contact() {
        let reason = "phone exists: 6f1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3";
        assert!(says_phone_exists(reason));
        assert!(says_phone_exists("Phone number already in use"));
        assert!(!says_phone_exists("email exists: a@b.co"));
        assert!(!says_phone_exists("phone must be 8 to 15 digits"));
        assert_eq!(
            uuid_in(reason).as_deref(),
            Some("6f1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3")
        );
        assert_eq!(
            uuid_in("exists (6F1C2D3E-4F50-4A6B-8C7D-8E9FA0B1C2D3).").as_deref(),
            Some("6f1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3")
        );
        assert_eq!(uuid_in("phone exists"), None);
        assert_eq!(uuid_in("x-6f1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3"), None);
    }
}
