//! Tests of [`super::Merge`]: tags by mode, the display name following the
//! names, the phone of a row matched by uuid alone, and the tally.

use super::*;
use serde_json::json;

/// Ada as the API reads her back: tags VIP (11), Spring Sale (14), Returning (15).
fn ada() -> Contact {
    serde_json::from_value(json!({
        "id": 7, "uuid": "6f1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3", "phone": "14155550001",
        "first": "Ada", "last": "Lovelace", "display_name": "Ada Lovelace",
        "tags": [11, 14, 15], "updated": "2026-11-21T10:00:00Z"
    }))
    .unwrap()
}

fn merge(mode: TagsMode) -> Merge {
    let names = [
        (11, "VIP"),
        (12, "Newsletter"),
        (13, "Wholesale"),
        (14, "Spring Sale"),
    ]
    .into_iter()
    .chain([(15, "Returning"), (16, "Lead"), (17, "Event 2026")])
    .map(|(id, n)| (id, n.to_string()))
    .collect();
    Merge::new(mode, names, Some("Tags".into()))
}

fn row(tags: &[i64]) -> Draft<'static> {
    Draft {
        phone: "14155550001".into(),
        tags: Some(tags.to_vec()),
        ..Draft::default()
    }
}

#[test]
fn tags_add_replace_or_remove_and_resolving_again_changes_nothing() {
    for (mode, want) in [
        (TagsMode::Add, vec![11, 14, 15, 17]),
        (TagsMode::Replace, vec![17]),
        (TagsMode::Remove, vec![11, 14, 15]),
    ] {
        let m = merge(mode);
        let mut d = row(&[17]);
        m.resolve(&mut d, &ada()).unwrap();
        assert_eq!(d.tags.as_deref(), Some(&want[..]), "{mode}");
        // The contact the write makes: the same row again is unchanged.
        let mut after = ada();
        after.tags = want.iter().map(|&id| TagRef::Id(id)).collect();
        let mut again = row(&[17]);
        m.resolve(&mut again, &after).unwrap();
        assert_eq!(again.tags, d.tags, "{mode}: idempotent");
    }
    let mut d = Draft {
        tags: None,
        ..row(&[])
    };
    merge(TagsMode::Replace).resolve(&mut d, &ada()).unwrap();
    assert_eq!(d.tags, None, "a row that sets no tags leaves them");
}

#[test]
fn adding_past_five_tags_names_the_contacts_tags() {
    let e = merge(TagsMode::Add)
        .resolve(&mut row(&[12, 16, 17]), &ada())
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::TooManyTags);
    assert_eq!(
        e.message,
        "column \"Tags\": adding \"Newsletter\", \"Lead\", \"Event 2026\" to the contact's tags \
         \"VIP\", \"Spring Sale\", \"Returning\" would give it 6, and a contact can have at most \
         5; take some of its tags off first, or pass --tags replace to make the row's tags its \
         whole set"
    );
    // Tags it has already do not count twice.
    merge(TagsMode::Add)
        .resolve(&mut row(&[11, 12, 16]), &ada())
        .unwrap();
}

#[test]
fn tags_in_a_form_not_understood_are_never_dropped() {
    let mut odd = ada();
    odd.tags.push(TagRef::Other(json!("Gold")));
    for mode in [TagsMode::Add, TagsMode::Remove] {
        let e = merge(mode).resolve(&mut row(&[17]), &odd).unwrap_err();
        assert_eq!(e.code, ErrorCode::TagsUnreadable, "{mode}");
        assert!(e.message.contains("\"Gold\""), "{}", e.message);
    }
    let mut d = row(&[17]);
    merge(TagsMode::Replace).resolve(&mut d, &odd).unwrap();
    assert_eq!(d.tags, Some(vec![17]));
}

#[test]
fn the_display_name_follows_changed_names_unless_the_row_sets_one() {
    let m = merge(TagsMode::Add);
    let names = |first: Option<&'static str>,
                 last: Option<&'static str>,
                 display: Option<&'static str>| Draft {
        phone: "14155550001".into(),
        first: first.map(Into::into),
        last: last.map(Into::into),
        display_name: display.map(Into::into),
        ..Draft::default()
    };
    let resolved = |mut d: Draft<'static>, rec: &Contact| {
        m.resolve(&mut d, rec).unwrap();
        d.display_name.map(|d| d.into_owned())
    };
    // An export whose last name was changed: the old default follows.
    let export = names(Some("Ada"), Some("King"), Some("Ada Lovelace"));
    assert_eq!(
        resolved(export.clone(), &ada()).as_deref(),
        Some("Ada King")
    );
    // No display cell, the contact's display name its default: follows.
    let bare = names(None, Some("King"), None);
    assert_eq!(resolved(bare.clone(), &ada()).as_deref(), Some("Ada King"));
    // The row sets one: kept as written.
    let set = names(Some("Ada"), Some("King"), Some("Countess"));
    assert_eq!(resolved(set, &ada()).as_deref(), Some("Countess"));
    // A display name of the contact's own (not its default) stays.
    let mut custom = ada();
    custom.display_name = Some("The Countess".into());
    assert_eq!(resolved(bare, &custom), None);
    // Names unchanged: the row's display cell is written as it is.
    let same = names(Some("Ada"), Some("Lovelace"), Some("Countess"));
    assert_eq!(resolved(same, &ada()).as_deref(), Some("Countess"));
}

#[test]
fn an_export_older_than_the_contact_does_not_write_back_its_old_display_name() {
    let m = merge(TagsMode::Add);
    // The contact after the edited export was imported once.
    let mut king = ada();
    king.last = Some("King".into());
    king.display_name = Some("Ada King".into());
    king.updated = Some("2026-11-22T09:00:00Z".into());
    let exported = chrono::DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .timestamp();
    let row = |at: Option<i64>| Draft {
        phone: "14155550001".into(),
        first: Some("Ada".into()),
        last: Some("King".into()),
        display_name: Some("Ada Lovelace".into()),
        exported_at: at,
        ..Draft::default()
    };
    let mut again = row(Some(exported));
    m.resolve(&mut again, &king).unwrap();
    assert_eq!(
        again.display_name, None,
        "the export's stale copy is not written"
    );
    assert!(crate::batch::compare::already_holds(&again, &king));
    // Not from an export, or the contact unchanged since: written as set.
    let mut plain = row(None);
    m.resolve(&mut plain, &king).unwrap();
    assert_eq!(plain.display_name.as_deref(), Some("Ada Lovelace"));
    let mut same_time = row(Some(exported + 86_400 * 2));
    m.resolve(&mut same_time, &king).unwrap();
    assert_eq!(same_time.display_name.as_deref(), Some("Ada Lovelace"));
}

#[test]
fn a_row_matched_by_uuid_alone_keeps_the_contacts_phone() {
    let mut d = Draft {
        uuid: Some("6f1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3".into()),
        custom: [(104, "Downtown".to_string())].into(),
        ..Draft::default()
    };
    merge(TagsMode::Add).resolve(&mut d, &ada()).unwrap();
    assert_eq!(d.phone, "14155550001");
}

#[test]
fn the_tally_counts_tags_put_on_and_taken_off_by_confirmed_writes() {
    let m = merge(TagsMode::Replace);
    let mut d = row(&[17]);
    m.resolve(&mut d, &ada()).unwrap();
    m.count(Some(&ada()), &d);
    m.count(None, &row(&[11, 17]));
    let t = m.tally();
    assert_eq!((t.added, t.removed, t.contacts_losing), (3, 3, 1));
    assert_eq!(t.lost, BTreeMap::from([(11, 1), (14, 1), (15, 1)]));
    assert_eq!(m.tag_name(14), "Spring Sale");
    assert_eq!(m.tag_name(99), "99");
    let removing = merge(TagsMode::Remove);
    removing.count(None, &row(&[11]));
    assert_eq!(
        removing.tally(),
        TagTally::default(),
        "a create in remove mode adds none"
    );
}
