//! Row validation: every error code with what its message says, the blank
//! policy, offline catalogs, chunked validation, and a property that no cell
//! makes validation panic.

use hmbulk_engine::api::WriteItem;
use hmbulk_engine::catalog::Catalog;
use hmbulk_engine::contact::{BlankPolicy, Draft, Validator};
use hmbulk_engine::input::Record;
use hmbulk_engine::mapping::Mapping;
use hmbulk_engine::outcome::{ErrorCode, RowError};
use hmbulk_engine::phone::PhoneNormaliser;
use proptest::prelude::*;

#[path = "input_common/mod.rs"]
mod seed;
use seed::catalog;

const HEADERS: [&str; 13] = [
    "First Name",
    "Last Name",
    "Mobile",
    "E-mail",
    "Company",
    "Loyalty Tier",
    "Tags",
    "Opted Out",
    "Owner",
    "uuid",
    "custom:102",
    "_row",
    "_error",
];

fn validator_with(catalog: Catalog, blank: BlankPolicy) -> Validator {
    let headers: Vec<String> = HEADERS.iter().map(|s| s.to_string()).collect();
    let offline = !catalog.online;
    let mapping_catalog = if offline {
        self::catalog()
    } else {
        catalog.clone()
    };
    let mapping = Mapping::build(&headers, &mapping_catalog, None, false).unwrap();
    Validator::new(mapping, catalog, PhoneNormaliser::new("US").unwrap(), blank)
}

fn validator() -> Validator {
    validator_with(catalog(), BlankPolicy::Keep)
}

/// A good row, with `changes` (column header, new cell) applied.
fn record(changes: &[(&str, &str)]) -> Record {
    let mut cells: Vec<String> = [
        " Ada ",
        "Lovelace",
        "(415) 555-0123",
        "ada@example.com",
        "Analytical Engines Ltd",
        "Gold",
        "VIP; newsletter",
        "no",
        "Dana Scully",
        "",
        "1815-12-10",
        "7",
        "old error",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (header, value) in changes {
        let i = HEADERS.iter().position(|h| h == header).unwrap();
        cells[i] = value.to_string();
    }
    Record::new(3, cells)
}

fn ok(changes: &[(&str, &str)]) -> Draft<'static> {
    validator().validate(&record(changes)).unwrap()
}

fn fails(changes: &[(&str, &str)], code: ErrorCode) -> String {
    let error = validator().validate(&record(changes)).unwrap_err();
    assert_eq!(error.code, code, "{}", error.message);
    error.message
}

#[test]
fn a_good_row_becomes_a_draft() {
    let draft = ok(&[]);
    assert_eq!(draft.row, 3);
    assert_eq!(draft.phone_raw, "(415) 555-0123");
    assert_eq!(draft.phone, "14155550123");
    assert_eq!(draft.first.as_deref(), Some("Ada"));
    assert_eq!(draft.last.as_deref(), Some("Lovelace"));
    assert_eq!(draft.display_name, None, "the API defaults it");
    assert_eq!(draft.email.as_deref(), Some("ada@example.com"));
    assert_eq!(draft.tags, Some(vec![11, 12]));
    assert_eq!(draft.opted_out, Some(false));
    assert_eq!(draft.assignee, Some(501));
    assert_eq!(draft.uuid, None);
    let custom: Vec<(i64, &str)> = draft.custom.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        custom,
        [
            (101, "Analytical Engines Ltd"),
            (102, "1815-12-10"),
            (103, "Gold")
        ]
    );
    assert!(!draft.has_unchecked_names());
    let body = serde_json::to_value(WriteItem::from(&draft)).unwrap();
    assert_eq!(body["phone"], "14155550123");
    assert_eq!(body["custom"]["103"], "Gold");
}

#[test]
fn row_shape_names_both_counts() {
    let v = validator();
    let mut short = record(&[]);
    short.cells.truncate(11);
    let e = v.validate(&short).unwrap_err();
    assert_eq!(e.code, ErrorCode::RowShape);
    assert!(
        e.message
            .starts_with("row has 11 cells but the header has 13;"),
        "{}",
        e.message
    );
    assert!(e.message.contains("line break"), "{}", e.message);
    let mut long = record(&[]);
    long.cells.push("extra".into());
    let e = v.validate(&long).unwrap_err();
    assert_eq!(e.code, ErrorCode::RowShape);
    assert!(
        e.message
            .starts_with("row has 14 cells but the header has 13;"),
        "{}",
        e.message
    );
    assert!(e.message.contains("unquoted delimiter"), "{}", e.message);
}

#[test]
fn phone_errors_name_the_column() {
    let msg = fails(&[("Mobile", "  ")], ErrorCode::PhoneMissing);
    assert_eq!(
        msg,
        "column \"Mobile\": the phone column is empty; every contact needs a phone number"
    );
    let msg = fails(&[("Mobile", "555-1234")], ErrorCode::PhoneInvalid);
    assert!(msg.starts_with("column \"Mobile\": \"555-1234\""), "{msg}");
    assert!(msg.contains("(415) 555-3434"), "{msg}");
    let msg = fails(
        &[("Mobile", "4.15555E+09")],
        ErrorCode::PhoneSpreadsheetDamaged,
    );
    assert!(
        msg.starts_with("column \"Mobile\": \"4.15555E+09\""),
        "{msg}"
    );
    assert!(msg.contains("6 significant digits"), "{msg}");
}

#[test]
fn phone_extension_is_kept_on_the_draft() {
    let draft = ok(&[("Mobile", "415-555-0123 x 42")]);
    assert_eq!(draft.phone, "14155550123");
    assert_eq!(draft.extension.as_deref(), Some("42"));
}

#[test]
fn email_shape() {
    assert_eq!(
        ok(&[("E-mail", " ada@example.co.uk ")]).email.as_deref(),
        Some("ada@example.co.uk")
    );
    for bad in [
        "ada@example",
        "ada example.com",
        "ada@@example.com",
        "@example.com",
        "ada@.com",
        "ada@example.c0m",
        "ada @example.com",
    ] {
        let msg = fails(&[("E-mail", bad)], ErrorCode::EmailInvalid);
        assert!(
            msg.starts_with(&format!("column \"E-mail\": \"{bad}\"")),
            "{msg}"
        );
    }
}

#[test]
fn email_messages_say_what_is_accepted() {
    let msg = fails(&[("E-mail", "ada.example.com")], ErrorCode::EmailInvalid);
    assert!(msg.contains("name@example.com"), "{msg}");
    let msg = fails(&[("E-mail", "a@x.com b@y.com")], ErrorCode::EmailInvalid);
    assert!(msg.contains("more than one address"), "{msg}");
    // Several addresses split at `;` (issue 16): the first is the contact's.
    let draft = ok(&[("E-mail", "a@x.com; b@y.com")]);
    assert_eq!(draft.email.as_deref(), Some("a@x.com"));
    assert_eq!(draft.secondary_emails, ["b@y.com"]);
}

#[test]
fn tags_by_name_or_id_split_on_semicolon_or_comma() {
    assert_eq!(
        ok(&[("Tags", "vip, Spring Sale;16")]).tags,
        Some(vec![11, 14, 16])
    );
    assert_eq!(ok(&[("Tags", "VIP;vip; 11 ;")]).tags, Some(vec![11]));
    // Five different tags, one of them twice: fine.
    let five = "VIP;Newsletter;Wholesale;Spring Sale;Returning;vip";
    assert_eq!(ok(&[("Tags", five)]).tags.unwrap().len(), 5);
}

#[test]
fn unknown_tag_lists_the_known_ones() {
    let msg = fails(&[("Tags", "VIP; Gold Member")], ErrorCode::UnknownTag);
    assert!(
        msg.starts_with("column \"Tags\": an unknown tag \"Gold Member\";"),
        "{msg}"
    );
    assert!(
        msg.contains("VIP, Newsletter, Wholesale, Spring Sale, Returning, Lead, Event 2026"),
        "{msg}"
    );
    let msg = fails(&[("Tags", "99;Nope")], ErrorCode::UnknownTag);
    assert!(msg.contains("unknown tags \"99\", \"Nope\""), "{msg}");
}

#[test]
fn more_than_five_tags() {
    let six = "VIP;Newsletter;Wholesale;Spring Sale;Returning;Lead";
    let msg = fails(&[("Tags", six)], ErrorCode::TooManyTags);
    assert!(msg.starts_with("column \"Tags\":"), "{msg}");
    assert!(
        msg.contains(six) && msg.contains("6 different tags") && msg.contains("at most 5"),
        "{msg}"
    );
}

#[test]
fn offline_names_are_accepted_unchecked() {
    let v = validator_with(Catalog::offline(), BlankPolicy::Keep);
    let draft = v
        .validate(&record(&[
            ("Tags", "VIP;Gold;vip"),
            ("Owner", "Someone New"),
        ]))
        .unwrap();
    assert_eq!(draft.unchecked_tags, ["VIP", "Gold"]);
    assert_eq!(
        draft.tags, None,
        "a draft with unchecked names sends no tags"
    );
    assert_eq!(draft.unchecked_assignee.as_deref(), Some("Someone New"));
    assert_eq!(draft.assignee, None);
    assert!(draft.has_unchecked_names());
    // Ids need no catalog.
    let draft = v
        .validate(&record(&[("Tags", "11;12"), ("Owner", "502")]))
        .unwrap();
    assert_eq!(draft.tags, Some(vec![11, 12]));
    assert_eq!(draft.assignee, Some(502));
    assert!(!draft.has_unchecked_names());
    // Unchecked names still count toward the limit.
    let e = v
        .validate(&record(&[("Tags", "a;b;c;d;e;11")]))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::TooManyTags);
}

#[test]
fn assignee_by_name_or_id() {
    assert_eq!(ok(&[("Owner", "fox mulder")]).assignee, Some(502));
    assert_eq!(ok(&[("Owner", " 503 ")]).assignee, Some(503));
    let msg = fails(&[("Owner", "Fox Muldr")], ErrorCode::UnknownAssignee);
    assert!(
        msg.starts_with("column \"Owner\": \"Fox Muldr\" is not a member"),
        "{msg}"
    );
    assert!(
        msg.contains("Dana Scully (501), Fox Mulder (502), Walter Skinner (503)"),
        "{msg}"
    );
    fails(&[("Owner", "999")], ErrorCode::UnknownAssignee);
}

#[test]
fn opted_out_values() {
    for (cell, want) in [
        ("yes", Some(true)),
        ("Y", Some(true)),
        ("TRUE", Some(true)),
        ("1", Some(true)),
        ("x", Some(true)),
        ("No", Some(false)),
        ("n", Some(false)),
        ("false", Some(false)),
        ("0", Some(false)),
        ("", None),
        ("  ", None),
        // The languages the mapper reads (issue 21 item 10).
        ("ja", Some(true)),
        ("Nein", Some(false)),
        ("oui", Some(true)),
        ("non", Some(false)),
        ("sí", Some(true)),
        ("não", Some(false)),
        ("nee", Some(false)),
        // Statuses mean the same under any header.
        ("unsubscribed", Some(true)),
        ("abgemeldet", Some(true)),
        ("Subscribed", Some(false)),
    ] {
        assert_eq!(ok(&[("Opted Out", cell)]).opted_out, want, "{cell:?}");
    }
    let msg = fails(&[("Opted Out", "maybe")], ErrorCode::OptedOutInvalid);
    assert!(msg.starts_with("column \"Opted Out\": \"maybe\""), "{msg}");
    assert!(
        msg.contains("yes or no (also true/false, 1/0, x, ja/nein, oui/non"),
        "{msg}"
    );
}

#[test]
fn uuid_shape() {
    let draft = ok(&[("uuid", " 3F2504E0-4F89-41D3-9A0C-0305E82C3301 ")]);
    assert_eq!(
        draft.uuid.as_deref(),
        Some("3f2504e0-4f89-41d3-9a0c-0305e82c3301")
    );
    let draft = ok(&[("uuid", "3f2504e04f8941d39a0c0305e82c3301")]);
    assert_eq!(
        draft.uuid.as_deref(),
        Some("3f2504e0-4f89-41d3-9a0c-0305e82c3301")
    );
    let msg = fails(&[("uuid", "3f2504e0-4f89")], ErrorCode::UuidInvalid);
    assert!(
        msg.starts_with("column \"uuid\": \"3f2504e0-4f89\""),
        "{msg}"
    );
    assert!(msg.contains("match the contact by phone"), "{msg}");
}

#[test]
fn errors_come_in_column_order_after_shape_and_phone() {
    let bad_everything = [
        ("Mobile", ""),
        ("E-mail", "nope"),
        ("Tags", "Nope"),
        ("Opted Out", "maybe"),
    ];
    fails(&bad_everything, ErrorCode::PhoneMissing);
    fails(&bad_everything[1..], ErrorCode::EmailInvalid);
    fails(&bad_everything[2..], ErrorCode::UnknownTag);
}

#[test]
fn blank_cells_keep_by_default() {
    let blank: Vec<(&str, &str)> = HEADERS
        .iter()
        .filter(|h| **h != "Mobile")
        .map(|h| (*h, " "))
        .collect();
    let draft = ok(&blank);
    assert_eq!(
        (
            draft.first,
            draft.last,
            draft.email,
            draft.tags,
            draft.assignee,
            draft.opted_out,
            draft.uuid
        ),
        (None, None, None, None, None, None, None)
    );
    assert!(draft.custom.is_empty());
}

#[test]
fn blank_cells_clear_when_asked() {
    let blank: Vec<(&str, &str)> = HEADERS
        .iter()
        .filter(|h| **h != "Mobile")
        .map(|h| (*h, ""))
        .collect();
    let v = validator_with(catalog(), BlankPolicy::Clear);
    let draft = v.validate(&record(&blank)).unwrap();
    assert_eq!(draft.first.as_deref(), Some(""));
    assert_eq!(draft.last.as_deref(), Some(""));
    assert_eq!(draft.email.as_deref(), Some(""));
    assert_eq!(draft.tags, Some(vec![]));
    assert_eq!(draft.assignee, Some(-1));
    assert_eq!(draft.opted_out, None, "opted-out is never cleared");
    assert_eq!(draft.uuid, None);
    assert_eq!(draft.custom.len(), 3);
    assert!(draft.custom.values().all(String::is_empty));
    let body = serde_json::to_value(WriteItem::from(&draft)).unwrap();
    assert_eq!(body["tags"], serde_json::json!([]));
}

#[test]
fn chunks_validate_in_order() {
    let v = validator();
    let records: Vec<Record> = (0..200u64)
        .map(|i| {
            let phone = if i % 7 == 0 {
                "nope".to_string()
            } else {
                format!("415555{:04}", i)
            };
            let mut r = record(&[("Mobile", &phone)]);
            r.row = i + 1;
            r
        })
        .collect();
    let chunk = v.validate_chunk(&records);
    let one_by_one: Vec<Result<Draft, RowError>> = records.iter().map(|r| v.validate(r)).collect();
    assert_eq!(chunk, one_by_one);
    assert_eq!(chunk[1].as_ref().unwrap().row, 2);
    assert_eq!(chunk[7].as_ref().unwrap_err().code, ErrorCode::PhoneInvalid);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_cell_makes_validation_panic(
        cells in prop::collection::vec(
            prop_oneof![any::<String>(), "[0-9+().xX# ;,@a-zA-Z-]{0,30}"],
            10..16
        ),
        clear in any::<bool>(),
        online in any::<bool>(),
    ) {
        let catalog = if online { catalog() } else { Catalog::offline() };
        let blank = if clear { BlankPolicy::Clear } else { BlankPolicy::Keep };
        let v = validator_with(catalog, blank);
        let record = Record::new(1, cells);
        if let Ok(draft) = v.validate(&record) {
            prop_assert_eq!(record.cells.len(), HEADERS.len());
            prop_assert!(draft.phone.bytes().all(|b| b.is_ascii_digit()));
            prop_assert!(draft.tags.as_ref().is_none_or(|t| t.len() <= 5));
        }
    }
}

#[test]
fn who_a_row_is_for_the_results_report() {
    let draft = ok(&[]);
    let (name, email) = draft.who();
    assert_eq!(
        name,
        format!(
            "{} {}",
            draft.first.clone().unwrap(),
            draft.last.clone().unwrap()
        )
    );
    assert_eq!(Some(email.as_str()), draft.email.as_deref());
    let only_last = Draft {
        first: None,
        last: Some(" Hopper ".into()),
        email: None,
        ..draft.clone()
    };
    assert_eq!(only_last.who(), ("Hopper".to_string(), String::new()));
    let display = Draft {
        display_name: Some("Amazing Grace".into()),
        ..draft
    };
    assert_eq!(display.who().0, "Amazing Grace", "the display name first");
}
