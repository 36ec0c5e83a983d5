//! Column mapping: synonyms, ignored columns, custom fields by title and
//! `custom:<id>`, `--map` files, and the usage errors for unknown columns,
//! duplicate targets and a missing phone column.

use std::io::Write;

use hmbulk_engine::catalog::Catalog;
use hmbulk_engine::error::Error;
use hmbulk_engine::mapping::{Field, MapFile, Mapping, Target, normalise_header};

#[path = "input_common/mod.rs"]
mod seed;
use seed::catalog;

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn build(names: &[&str]) -> Mapping {
    Mapping::build(&headers(names), &catalog(), None, false).unwrap()
}

fn usage(names: &[&str], catalog: &Catalog, map: Option<&MapFile>) -> String {
    match Mapping::build(&headers(names), catalog, map, false) {
        Err(Error::Usage(msg)) => msg,
        other => panic!("not a usage error: {other:?}"),
    }
}

fn map_file(
    toml: &str,
) -> (
    tempfile::NamedTempFile,
    hmbulk_engine::error::Result<MapFile>,
) {
    let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    file.write_all(toml.as_bytes()).unwrap();
    let map = MapFile::load(file.path());
    (file, map)
}

#[test]
fn headers_normalise_to_letters_and_digits() {
    assert_eq!(normalise_header("E-mail"), "email");
    assert_eq!(normalise_header("Last Name"), "lastname");
    assert_eq!(normalise_header(" Phone #1 "), "phone1");
    assert_eq!(normalise_header("Téléphone"), "téléphone");
}

#[test]
fn every_synonym_finds_its_field() {
    let cases: &[(Field, &[&str])] = &[
        (
            Field::Phone,
            &[
                "phone",
                "Mobile",
                "CELL",
                "Cell Phone",
                "mobile_phone",
                "Phone Number",
                "Telephone",
                "Tel.",
                "Mobile Number",
                "phone-number",
            ],
        ),
        (
            Field::First,
            &[
                "First",
                "First Name",
                "firstname",
                "Given Name",
                "first_name",
            ],
        ),
        (
            Field::Last,
            &["Last", "Last Name", "Surname", "Family Name", "last_name"],
        ),
        (
            Field::DisplayName,
            &[
                "Name",
                "Full Name",
                "Display Name",
                "display_name",
                "Contact Name",
            ],
        ),
        (
            Field::Email,
            &["email", "E-mail", "Email Address", "Mail", "E-Mail Address"],
        ),
        (Field::Tags, &["Tags", "tag", "Labels"]),
        (
            Field::OptedOut,
            &[
                "Opted Out",
                "is_opted_out",
                "Opt-Out",
                "Unsubscribed",
                "Is Opted Out",
            ],
        ),
        (
            Field::Assignee,
            &[
                "Assignee",
                "Assigned User",
                "Assigned To",
                "Owner",
                "Assigned User ID",
                "assignee_id",
            ],
        ),
        (Field::Uuid, &["uuid", "UUID", "Contact UUID"]),
    ];
    for (field, names) in cases {
        for name in *names {
            let mapping = if *field == Field::Phone {
                build(&[name])
            } else {
                build(&["phone", name])
            };
            assert_eq!(mapping.column(*field), Some(mapping.len() - 1), "{name:?}");
        }
    }
}

#[test]
fn read_only_and_report_columns_are_ignored() {
    let names = [
        "phone",
        "id",
        "ID",
        "created",
        "Updated",
        "blocked",
        "_row",
        "_error_code",
        "_error",
    ];
    let mapping = build(&names);
    for (i, name) in names.iter().enumerate().skip(1) {
        assert_eq!(mapping.target(i), Target::Ignore, "{name}");
    }
    // Report columns match only as written: others are unknown columns,
    // ignored and named.
    for name in ["Row", "error", "Error Code"] {
        let mapping = build(&["phone", name]);
        assert_eq!(mapping.target(1), Target::Ignore);
        assert_eq!(mapping.ignored_unknown()[0].header, name);
    }
}

#[test]
fn custom_fields_by_title_and_id() {
    let mapping = build(&[
        "phone",
        "Loyalty Tier",
        "company",
        "custom:102",
        "Custom: 104",
    ]);
    assert_eq!(mapping.target(1), Target::Field(Field::Custom(103)));
    assert_eq!(mapping.target(2), Target::Field(Field::Custom(101)));
    assert_eq!(mapping.target(3), Target::Field(Field::Custom(102)));
    assert_eq!(mapping.target(4), Target::Field(Field::Custom(104)));
    let custom: Vec<(usize, i64)> = mapping.custom_columns().collect();
    assert_eq!(custom, [(1, 103), (2, 101), (3, 102), (4, 104)]);
}

#[test]
fn custom_ids_are_checked_only_online() {
    let msg = usage(&["phone", "custom:999"], &catalog(), None);
    assert!(msg.contains("\"custom:999\""), "{msg}");
    assert!(msg.contains("\"Company\" (custom:101)"), "{msg}");
    let offline = Catalog::offline();
    let mapping =
        Mapping::build(&headers(&["phone", "custom:999"]), &offline, None, false).unwrap();
    assert_eq!(mapping.target(1), Target::Field(Field::Custom(999)));
    // Offline, a title cannot be checked: not an error, but named as unchecked.
    let mapping = Mapping::build(&headers(&["phone", "Company"]), &offline, None, false).unwrap();
    assert_eq!(mapping.target(1), Target::Ignore);
    assert_eq!(mapping.unchecked(), ["Company"]);
}

#[test]
fn accessors_describe_the_columns() {
    let mapping = build(&["First Name", "Mobile", "E-mail"]);
    assert_eq!(mapping.len(), 3);
    assert!(!mapping.is_empty());
    assert_eq!(mapping.headers(), ["First Name", "Mobile", "E-mail"]);
    assert_eq!(mapping.header(1), "Mobile");
    assert_eq!(mapping.header(9), "");
    assert_eq!(mapping.column(Field::Phone), Some(1));
    assert_eq!(mapping.column(Field::Tags), None);
    assert_eq!(mapping.target(0), Target::Field(Field::First));
    assert_eq!(mapping.target(9), Target::Ignore);
}

#[test]
fn unknown_columns_are_ignored_and_a_misspelt_custom_title_stops() {
    let names = ["Phone", "Fav Color", "Emial", "Work Email", "First"];
    let mapping = build(&names);
    let ignored: Vec<&str> = (mapping.ignored_unknown().iter())
        .map(|u| u.header.as_str())
        .collect();
    assert_eq!(ignored, ["Fav Color", "Emial"]);
    assert_eq!(mapping.ignored_unknown()[1].suggestions, ["email"]);
    assert_eq!(mapping.column(Field::Email), Some(3));
    assert_eq!(mapping.column(Field::First), Some(4));
    let msg = usage(&["Phone", "Loyalty Teir"], &catalog(), None);
    assert!(
        msg.contains("\"Loyalty Teir\" is probably the custom field \"Loyalty Tier\" misspelt"),
        "{msg}"
    );
    assert!(
        msg.contains("`\"Loyalty Teir\" = \"Loyalty Tier\"`"),
        "{msg}"
    );
    // --ignore-unknown ignores it instead.
    let m = Mapping::build(&headers(&["Phone", "Loyalty Teir"]), &catalog(), None, true).unwrap();
    assert_eq!(m.target(1), Target::Ignore);
}

#[test]
fn ignore_unknown_lets_them_through() {
    let names = headers(&["Phone", "Fav Color", "Emial"]);
    let mapping = Mapping::build(&names, &catalog(), None, true).unwrap();
    assert_eq!(mapping.target(1), Target::Ignore);
    assert_eq!(mapping.target(2), Target::Ignore);
    let ignored: Vec<&str> = mapping
        .ignored_unknown()
        .iter()
        .map(|u| u.header.as_str())
        .collect();
    assert_eq!(ignored, ["Fav Color", "Emial"]);
    assert_eq!(mapping.ignored_unknown()[1].suggestions, ["email"]);
}

#[test]
fn of_two_columns_for_one_field_the_first_is_used_unless_a_map_names_both() {
    // Phone and email may come from several columns (priority order); the
    // other fields take the first, and the rest are named.
    let mapping = build(&["Phone", "First", "Given Name"]);
    assert_eq!(mapping.column(Field::First), Some(1));
    assert_eq!(mapping.target(2), Target::Ignore);
    assert_eq!(
        mapping.ignored_by_reason(),
        [("\"First\" gives first", vec!["Given Name"])]
    );
    let mapping = build(&["Phone", "Company", "custom:101"]);
    assert_eq!(mapping.target(1), Target::Field(Field::Custom(101)));
    assert_eq!(mapping.target(2), Target::Ignore);
    let (_file, map) = map_file("[columns]\n\"A\" = \"first\"\n\"B\" = \"first\"\n");
    let map = map.unwrap();
    let msg = usage(&["Phone", "A", "B"], &catalog(), Some(&map));
    assert!(
        msg.contains("columns \"A\" and \"B\" both fill first"),
        "{msg}"
    );
    assert!(msg.contains("`\"B\" = \"ignore\"`"), "{msg}");
}

#[test]
fn no_phone_column_is_an_error() {
    let msg = usage(&["First", "Last", "Email"], &catalog(), None);
    assert!(msg.contains("no column holds the phone number"), "{msg}");
    assert!(msg.contains("\"First\", \"Last\" and \"Email\""), "{msg}");
}

#[test]
fn every_problem_is_told_at_once() {
    let msg = usage(&["First", "Loyalty Teir", "Shoe Size"], &catalog(), None);
    assert!(msg.contains("\"Loyalty Teir\""), "{msg}");
    assert!(!msg.contains("\"Shoe Size\" is"), "{msg}");
    assert!(msg.contains("no column holds the phone number"), "{msg}");
}

#[test]
fn a_map_file_places_what_matching_cannot_and_wins() {
    let (_file, map) = map_file(
        r#"
        [columns]
        "Mobile #" = "phone"
        "Fav Color" = "ignore"
        "Shop" = "Store"
        "Level" = "custom:103"
        "name" = "first"
        "Not In This File" = "Display Name"
        "#,
    );
    let map = map.unwrap();
    let names = headers(&["Mobile #", "Fav Color", "SHOP", "Level", "Name", "Email"]);
    let mapping = Mapping::build(&names, &catalog(), Some(&map), false).unwrap();
    assert_eq!(mapping.target(0), Target::Field(Field::Phone));
    assert_eq!(mapping.target(1), Target::Ignore);
    assert_eq!(mapping.target(2), Target::Field(Field::Custom(104)));
    assert_eq!(mapping.target(3), Target::Field(Field::Custom(103)));
    assert_eq!(mapping.target(4), Target::Field(Field::First));
    assert_eq!(mapping.target(5), Target::Field(Field::Email));
}

#[test]
fn a_bad_map_target_is_a_usage_error() {
    let (_file, map) = map_file("[columns]\n\"Mobile\" = \"phnoe\"\n\"Level\" = \"custom:999\"\n");
    let map = map.unwrap();
    let msg = usage(&["Phone"], &catalog(), Some(&map));
    assert!(msg.contains("has 2 targets no field can take"), "{msg}");
    assert!(
        msg.contains("\"phnoe\" is neither a field name nor a custom field"),
        "{msg}"
    );
    assert!(msg.contains("custom:999 is not a custom field"), "{msg}");
    // Offline, a title cannot be checked: the column is named as unchecked.
    let (_file, map) = map_file("[columns]\n\"Shop\" = \"Store\"\n");
    let map = map.unwrap();
    let names = headers(&["Phone", "Shop"]);
    let mapping = Mapping::build(&names, &Catalog::offline(), Some(&map), false).unwrap();
    assert_eq!(mapping.unchecked(), ["Shop"]);
}

#[test]
fn a_malformed_map_file_is_a_usage_error() {
    for (toml, expect) in [
        ("[columns]\n\"Level\" = \"custom:abc\"\n", "not \"abc\""),
        ("[columns]\n\"Level\" = \"\"\n", "the target is empty"),
        ("[columns]\n\"Level\" = 3\n", "not a valid map"),
        ("columns = 1\n", "not a valid map"),
        ("[colums]\n\"A\" = \"phone\"\n", "not a valid map"),
        ("not toml at all", "not a valid map"),
    ] {
        let (file, map) = map_file(toml);
        let msg = match map {
            Err(Error::Usage(msg)) => msg,
            other => panic!("{toml:?}: {other:?}"),
        };
        assert!(msg.contains(expect), "{toml:?}: {msg}");
        let name = file.path().file_name().unwrap().to_str().unwrap();
        assert!(msg.contains(name), "{msg}");
    }
    let missing = MapFile::load(std::path::Path::new("/nonexistent/map.toml"));
    assert!(matches!(missing, Err(Error::Usage(m)) if m.contains("/nonexistent/map.toml")));
}

fn headers_of(mapping: &Mapping, slots: &[hmbulk_engine::mapping::Slot]) -> Vec<String> {
    slots
        .iter()
        .map(|s| mapping.header(s.column).to_string())
        .collect()
}

#[test]
fn several_phone_and_email_columns_keep_a_priority_order() {
    let mapping = build(&["Home Phone", "Email", "Mobile", "Phone", "Work Email"]);
    assert_eq!(
        headers_of(&mapping, mapping.phones()),
        ["Mobile", "Phone", "Home Phone"]
    );
    assert_eq!(
        headers_of(&mapping, mapping.emails()),
        ["Email", "Work Email"]
    );
    assert_eq!(mapping.column(Field::Phone), Some(2));
    assert!(mapping.layout().is_none());
}

#[test]
fn a_map_files_order_is_the_priority_and_its_settings_are_read() {
    let (_file, map) = map_file(
        "[settings]\ndefault_region = \"DE\"\n[columns]\n\"Festnetz\" = \"phone\"\n\"Handy\" = \"phone\"\n\"Land\" = \"country\"\n",
    );
    let map = map.unwrap();
    assert_eq!(map.settings.default_region.as_deref(), Some("DE"));
    let names = headers(&["Handy", "Festnetz", "Land"]);
    let mapping = Mapping::build(&names, &catalog(), Some(&map), false).unwrap();
    assert_eq!(
        headers_of(&mapping, mapping.phones()),
        ["Festnetz", "Handy"]
    );
    assert_eq!(mapping.countries(), [2]);
}

#[test]
fn a_layout_places_its_columns_and_names_the_rest_as_ignored() {
    let names: Vec<String> = "First Name,Last Name,Display Name,Nickname,Primary Email,\
Secondary Email,Screen Name,Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number,Home Country,\
Job Title,Loyalty Tier"
        .split(',')
        .map(str::to_string)
        .collect();
    let mapping = Mapping::build(&names, &catalog(), None, false).unwrap();
    assert_eq!(mapping.layout().map(|l| l.id), Some("thunderbird"));
    assert_eq!(
        headers_of(&mapping, mapping.phones()),
        ["Mobile Number", "Work Phone", "Home Phone"]
    );
    assert_eq!(
        headers_of(&mapping, mapping.emails()),
        ["Primary Email", "Secondary Email"]
    );
    assert_eq!(mapping.target(2), Target::Field(Field::DisplayName));
    // A custom field title still maps in a layout file.
    assert_eq!(mapping.target(14), Target::Field(Field::Custom(103)));
    let ignored: Vec<&str> = mapping
        .ignored()
        .iter()
        .map(|i| i.header.as_str())
        .collect();
    assert_eq!(
        ignored,
        [
            "Nickname",
            "Screen Name",
            "Fax Number",
            "Pager Number",
            "Job Title"
        ]
    );
    assert!(mapping.ignored()[0].reason.contains("Thunderbird"));
}

#[test]
fn the_mapping_file_a_run_writes_reads_back_to_the_same_mapping() {
    let names = headers(&[
        "Home Phone",
        "Name",
        "Mobile",
        "Company",
        "Fav Color",
        "_row",
    ]);
    let (_f, map) = map_file("[columns]\n\"Fav Color\" = \"ignore\"\n");
    let first = Mapping::build(&names, &catalog(), Some(&map.unwrap()), false).unwrap();
    let settings = hmbulk_engine::mapping::Settings {
        default_region: Some("GB".into()),
        ..Default::default()
    };
    let text = hmbulk_engine::mapping::render(&first, &settings);
    let (_g, again) = map_file(&text);
    let again = again.unwrap();
    assert_eq!(again.settings.default_region.as_deref(), Some("GB"));
    let second = Mapping::build(&names, &catalog(), Some(&again), false).unwrap();
    for (i, name) in names.iter().enumerate() {
        assert_eq!(first.target(i), second.target(i), "{name}");
    }
    assert_eq!(
        headers_of(&second, second.phones()),
        headers_of(&first, first.phones())
    );
    assert_eq!(second.source_row_column(), Some(5));
}
