//! Unit tests of the mapping module.
use super::*;

#[test]
fn lists_read_as_english() {
    assert_eq!(quoted_list(&["A"]), "\"A\"");
    assert_eq!(quoted_list(&["A", "B"]), "\"A\" and \"B\"");
    assert_eq!(quoted_list(&["A", "B", "C"]), "\"A\", \"B\" and \"C\"");
    assert_eq!(count(1, "column"), "1 column");
    assert_eq!(count(2, "column"), "2 columns");
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
    let m = Mapping::for_lookup(&headers, None, &lookup).unwrap();
    assert_eq!(m.phones()[0].column, 0);
    let ignored = m.ignored_by_reason();
    assert_eq!(
        ignored,
        [("not used by `hmbulk status`", vec!["Notes", "First Name"])]
    );
    let uuid_only = [String::from("uuid")];
    let m = Mapping::for_lookup(&uuid_only, None, &lookup).unwrap();
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
