//! Unit tests of the mapping module.
use super::*;

#[test]
fn lists_read_as_english() {
    assert_eq!(quoted_list(&["A"]), "\"A\"");
    assert_eq!(quoted_list(&["A", "B"]), "\"A\" and \"B\"");
    assert_eq!(quoted_list(&["A", "B", "C"]), "\"A\", \"B\" and \"C\"");
    assert_eq!(count(1, "column"), "1 column");
    assert_eq!(count(2, "column"), "2 columns");
    assert_eq!(count(2, "guess"), "2 guesses");
    assert_eq!(count(1, "guess"), "1 guess");
}

#[test]
fn fields_print_as_map_files_name_them() {
    assert_eq!(Field::DisplayName.to_string(), "display_name");
    assert_eq!(Field::OptedOut.to_string(), "opted_out");
    assert_eq!(Field::SmsConsent.to_string(), "sms_consent");
    assert_eq!(Field::Custom(101).to_string(), "custom:101");
    for (field, name, _) in BUILT_IN {
        assert_eq!(Field::built_in(name, false), Some(field));
    }
}

#[test]
fn channel_columns_name_a_channel_type() {
    let phone = Field::Channel(ChannelKind::Phone);
    assert_eq!(Field::channel(" Channel: Phone "), Some(Ok(phone)));
    assert_eq!(
        Field::channel("channel:EMAIL"),
        Some(Ok(Field::Channel(ChannelKind::Email)))
    );
    assert!(matches!(Field::channel("channel:fax"), Some(Err(_))));
    assert_eq!(Field::channel("channels"), None);
    assert_eq!(phone.to_string(), "channel:phone");
}

#[test]
fn a_lookup_mapping_ignores_and_names_what_it_does_not_use() {
    let headers: Vec<String> = ["Phone", "id", "status", "Notes", "First Name"]
        .map(String::from)
        .to_vec();
    let uses = |f: Field| f == Field::Phone;
    let lookup = Lookup {
        command: "status",
        claimed: &[2],
        uses: &uses,
    };
    let m = Mapping::for_lookup(&headers, &Sample::default(), None, &lookup).unwrap();
    assert_eq!(m.phones()[0].column, 0);
    let ignored = m.ignored_by_reason();
    assert_eq!(
        ignored,
        [("not used by `hmbulk status`", vec!["Notes", "First Name"])]
    );
    let uuid_only = [String::from("uuid")];
    let m = Mapping::for_lookup(&uuid_only, &Sample::default(), None, &lookup).unwrap();
    assert!(m.phones().is_empty(), "no phone column needed");
    assert!(Mapping::build(&uuid_only, &Catalog::offline(), None, true).is_err());
}

#[test]
fn mobile_comes_before_phone_before_home() {
    assert_eq!(rank("mobilephone"), 0);
    assert_eq!(rank("cell"), 0);
    assert_eq!(rank("phone"), 1);
    assert_eq!(rank("homephone"), 2);
    assert_eq!(rank("businessphone"), 2);
    assert_eq!(rank("email"), 1);
    assert_eq!(rank("workemail"), 2);
}

fn with_rows(headers: &[&str], rows: &[&[&str]]) -> Result<Mapping> {
    let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    let sample = Sample::new(
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
    );
    Mapping::build_with(&headers, &sample, &Catalog::offline(), None, false)
}

fn reasons(m: &Mapping) -> Vec<(&str, Vec<&str>)> {
    m.ignored_by_reason()
}

#[test]
fn content_refuses_a_header_reading() {
    let m = with_rows(
        &["Mobile", "First Name", "Home Country", "Country"],
        &[
            &["+1 415 555 0101", "2024-01-05", "Cook", "Frankreich"],
            &["+1 415 555 0102", "2023-11-30", "Kings", "Türkei"],
        ],
    )
    .unwrap();
    assert_eq!(m.column(Field::First), None, "dates are no first names");
    assert_eq!(m.countries(), [3], "counties are no countries");
    let refused = reasons(&m);
    assert!(
        refused
            .iter()
            .any(|(r, h)| r.contains("dates") && h == &["First Name"]),
        "{refused:?}"
    );
    assert!(
        refused
            .iter()
            .any(|(r, h)| r.contains("not countries") && h == &["Home Country"]),
        "{refused:?}"
    );
}

#[test]
fn content_finds_phones_and_emails_no_header_names_as_guesses() {
    let m = with_rows(
        &["Kontakt", "Adresse", "Notiz"],
        &[
            &["+49 151 23456789", "a@example.de", "x"],
            &["0151 2345678", "b@example.de", "y"],
            &["+49 30 1234567", "c@example.de", "z"],
        ],
    )
    .unwrap();
    assert_eq!(m.column(Field::Phone), Some(0));
    assert_eq!(m.column(Field::Email), Some(1));
    assert_eq!(m.guesses(), [0, 1]);
    assert!(matches!(m.why(0), Some(Why::Content(_))));
}

#[test]
fn priority_is_by_kind_and_fax_is_never_a_phone() {
    let m = with_rows(
        &[
            "Home Phone",
            "Fax",
            "Work Phone",
            "Mobile",
            "Phone",
            "Email 2",
            "Email",
        ],
        &[],
    )
    .unwrap();
    let phones: Vec<&str> = m.phones().iter().map(|s| m.header(s.column)).collect();
    assert_eq!(phones, ["Mobile", "Phone", "Home Phone", "Work Phone"]);
    let emails: Vec<&str> = m.emails().iter().map(|s| m.header(s.column)).collect();
    assert_eq!(emails, ["Email", "Email 2"]);
    assert!(m.guesses().is_empty());
}

#[test]
fn nom_and_nombre_are_read_beside_their_neighbours() {
    let m = with_rows(&["Prénom", "Nom", "Portable"], &[]).unwrap();
    assert_eq!(m.column(Field::Last), Some(1));
    let m = with_rows(&["Nom", "Portable"], &[]).unwrap();
    assert_eq!(m.column(Field::DisplayName), Some(0));
    let m = with_rows(&["Nombre", "Apellidos", "Móvil"], &[]).unwrap();
    assert_eq!(m.column(Field::First), Some(0));
    // A `Nom` holding the first and last names together is the whole name.
    let m = with_rows(
        &["Nom", "Prénom", "Nom (E)", "Portable"],
        &[
            &["Ada Lovelace", "Ada", "Lovelace", "+33 6 12 34 56 78"],
            &["Marie Curie", "Marie", "Curie", "+33 6 12 34 56 79"],
        ],
    )
    .unwrap();
    assert_eq!(m.column(Field::DisplayName), Some(0));
    assert_eq!(m.column(Field::Last), Some(2));
}

#[test]
fn consent_is_mapped_or_the_run_stops_naming_it() {
    let m = with_rows(
        &["Phone", "SMS subscriber status", "Email subscriber status"],
        &[&["+1 415 555 0101", "Unsubscribed", "Subscribed"]],
    )
    .unwrap();
    assert_eq!(m.column(Field::SmsConsent), Some(1));
    assert!(
        reasons(&m)
            .iter()
            .any(|(r, h)| r.contains("email") && h == &["Email subscriber status"])
    );
    let err = with_rows(
        &["Phone", "SMS Opt-in"],
        &[&["+1 415 555 0101", "maybe later"]],
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("\"SMS Opt-in\"") && err.contains("\"maybe later\""),
        "{err}"
    );
    // --ignore-unknown does not drop it.
    let headers: Vec<String> = ["Phone", "Unsubscribed"].map(String::from).to_vec();
    let m = Mapping::build(&headers, &Catalog::offline(), None, true).unwrap();
    assert_eq!(m.column(Field::OptedOut), Some(1));
}

#[test]
fn the_rendered_map_reads_back_to_the_same_plan() {
    let m = with_rows(
        &[
            "Telefon geschäftlich",
            "Mobiltelefon",
            "E-Mail-Adresse",
            "SMS ok",
            "Vorname",
        ],
        &[],
    )
    .unwrap();
    let text = render(&m, &Settings::default());
    assert!(
        text.contains("phone = [\"Mobiltelefon\", \"Telefon geschäftlich\"]"),
        "{text}"
    );
    assert!(text.contains("\"SMS ok\" = \"sms_consent\""), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("map.toml");
    std::fs::write(&path, &text).unwrap();
    let map = MapFile::load(&path).unwrap();
    let again = Mapping::build(m.headers(), &Catalog::offline(), Some(&map), false).unwrap();
    assert_eq!(again.phones(), m.phones());
    assert_eq!(again.column(Field::SmsConsent), Some(3));
    assert!(matches!(again.why(1), Some(Why::MapFile)));
}

#[test]
fn a_kind_alone_is_a_phone_when_its_content_is_phones_and_no_guess() {
    // Yahoo Mail: `Home`, `Work`, `Other` beside `Mobile`.
    let m = with_rows(
        &[
            "First", "Home", "Work", "Mobile", "Other", "Company", "Primary",
        ],
        &[
            &[
                "Ada",
                "(415) 555-0111",
                "(415) 555-0112",
                "",
                "",
                "Engines Ltd",
                "home",
            ],
            &[
                "Alan",
                "",
                "(415) 555-0122",
                "(415) 555-0123",
                "",
                "",
                "mobile",
            ],
        ],
    )
    .unwrap();
    let phones: Vec<&str> = m.phones().iter().map(|s| m.header(s.column)).collect();
    assert_eq!(
        phones,
        ["Mobile", "Home", "Work"],
        "by kind; `Other` is empty"
    );
    assert!(
        m.guesses().is_empty(),
        "a header word and the content agree"
    );
    assert!(matches!(m.why(1), Some(Why::Words(w)) if w.contains("content: phone numbers")));
    assert_eq!(m.target(5), Target::Ignore, "a company's name is no phone");
    assert_eq!(m.target(6), Target::Ignore, "labels are no phones");
}

#[test]
fn consent_is_read_in_a_known_layouts_file_too() {
    // Google's export has no consent column; one added to it is consent.
    let m = with_rows(
        &[
            "First Name",
            "Middle Name",
            "Last Name",
            "Phonetic First Name",
            "File As",
            "Labels",
            "Phone 1 - Label",
            "Phone 1 - Value",
            "SMS Opt-Out",
        ],
        &[&[
            "Ada",
            "",
            "Lovelace",
            "",
            "",
            "",
            "Mobile",
            "+1 415 555 0101",
            "yes",
        ]],
    )
    .unwrap();
    assert!(m.layout().is_some());
    assert_eq!(m.column(Field::OptedOut), Some(8));
}
