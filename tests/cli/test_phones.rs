//! Phones end to end: Heymarket's own format (E.164 digits without `+`)
//! reads back, so `hmbulk export` -> `hmbulk import` round-trips numbers of
//! every region; `--default-region none`; the wrong-country warning.

use std::collections::{BTreeMap, BTreeSet};

use rlibphonenumber::{PHONE_NUMBER_UTIL, PhoneNumberFormat, PhoneNumberType};
use serde_json::{Value, json};

use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

/// One example number (mobile, else fixed line) of every region the phone
/// metadata knows, as E.164 digits without `+` (the API's form), by region.
fn example_numbers() -> BTreeMap<String, String> {
    let mut seen = BTreeSet::new();
    let mut by_region = BTreeMap::new();
    for region in PHONE_NUMBER_UTIL.get_supported_regions() {
        let example = [PhoneNumberType::Mobile, PhoneNumberType::FixedLine]
            .into_iter()
            .find_map(|t| {
                PHONE_NUMBER_UTIL
                    .get_example_number_for_type_and_region(region, t)
                    .ok()
            });
        let Some(number) = example else { continue };
        let digits = number
            .format_as(PhoneNumberFormat::E164)
            .trim_start_matches('+')
            .to_string();
        // The API takes 8 to 15 digits; one contact per number.
        if (8..=15).contains(&digits.len()) && seen.insert(digits.clone()) {
            by_region.insert(region.to_string(), digits);
        }
    }
    by_region
}

fn stored_phones(wd: &Workdir) -> BTreeMap<i64, String> {
    wd.sim()
        .contacts()
        .iter()
        .map(|c| {
            (
                c["id"].as_i64().unwrap(),
                c["phone"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn export_then_import_matches_every_regions_numbers_to_their_own_contacts() {
    let numbers = example_numbers();
    assert!(numbers.len() >= 200, "{} regions", numbers.len());
    let wd = Workdir::with_sim(Workdir::sim_config());
    let seed: Vec<Value> = numbers
        .iter()
        .map(|(region, phone)| json!({ "phone": phone, "first": region }))
        .collect();
    wd.sim().seed(&seed, false);
    let before = stored_phones(&wd);
    assert_eq!(before.len(), numbers.len());

    let out = wd.run(&["export", "--out", "all.csv", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let exported = wd.read_csv("all.csv");
    let phones = column(&exported, "phone");
    assert_eq!(phones.len(), numbers.len());
    assert!(phones.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())));

    // As exported (matched by uuid), then as a v1 export writes it, with the
    // uuid cells empty (matched by phone).
    let uuid = exported[0].iter().position(|h| h == "uuid").unwrap();
    let without_uuids: Vec<Vec<String>> = exported
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            if i > 0 {
                r[uuid].clear();
            }
            r
        })
        .collect();
    let rows: Vec<Vec<&str>> = without_uuids
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    wd.create("by_phone.csv", &rows);
    for stem in ["all", "by_phone"] {
        let out = wd.run(&["import", &format!("{stem}.csv"), "--rate", "0"]);
        assert_eq!(code(&out), 0, "{stem}: {}", stderr(&out));
        assert_each_row_once(&wd, stem, numbers.len());
        let errors = wd.read_csv(&format!("{stem}.errors.csv"));
        assert_eq!(errors.len(), 1, "{stem}: no row failed: {:?}", &errors[1..]);
        let results = wd.read_csv(&format!("{stem}.results.csv"));
        let actions: BTreeSet<String> = column(&results, "action").into_iter().collect();
        assert!(!actions.contains("created"), "{stem}: {actions:?}");
        // Each row normalised to the very number it was exported with.
        assert_eq!(column(&results, "phone"), column(&results, "phone_raw"));
        assert_eq!(
            stored_phones(&wd),
            before,
            "{stem}: stored phones unchanged"
        );
    }
    // Read with no default region, or another one, they read back too.
    for region in ["none", "GB", "DE"] {
        let out = wd.run(&["validate", "by_phone.csv", "--default-region", region]);
        assert_eq!(code(&out), 0, "{region}: {}", stderr(&out));
        let results = wd.read_csv("by_phone.results.csv");
        assert_eq!(
            column(&results, "phone"),
            column(&results, "phone_raw"),
            "{region}"
        );
    }
}

#[test]
fn default_region_none_makes_national_numbers_row_errors() {
    let wd = Workdir::new();
    wd.create(
        "people.csv",
        &[
            vec!["Mobile", "First Name"],
            vec!["(415) 555-3434", "Ann"],
            vec!["+44 20 7946 0958", "Bob"],
            vec!["0044 20 7946 0959", "Cy"],
            vec!["442079460960", "Di"],
        ],
    );
    let out = wd.run(&["validate", "people.csv", "--default-region", "none"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_each_row_once(&wd, "people", 4);
    let errors = wd.read_csv("people.errors.csv");
    assert_eq!(errors.len(), 2);
    assert_eq!(column(&errors, "_error_code"), ["phone_needs_country"]);
    let message = &column(&errors, "_error")[0];
    assert!(
        message.starts_with("column \"Mobile\": \"(415) 555-3434\" has no country code"),
        "{message}"
    );
    for fix in ["country column", "--default-region", "+1 415 555 3434"] {
        assert!(message.contains(fix), "{message}");
    }
    let results = wd.read_csv("people.results.csv");
    assert_eq!(
        column(&results, "phone"),
        ["442079460958", "442079460959", "442079460960"]
    );
    let summary = wd.read_json("people.summary.json");
    assert_eq!(summary["errors_by_code"]["phone_needs_country"], 1);
}

#[test]
fn national_numbers_beside_other_countries_codes_are_flagged() {
    // A file of Indian numbers: some with +91, some national. Read with the
    // default region US, the national ones are valid US numbers.
    let wd = Workdir::new();
    wd.create(
        "india.csv",
        &[
            vec!["Mobile"],
            vec!["+91 98765 43210"],
            vec!["+91 98765 43211"],
            vec!["0091 98765 43212"],
            vec!["70252 01234"],
            vec!["70252 01235"],
        ],
    );
    let out = wd.run(&["validate", "india.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("2 numbers without a country code were read as US numbers"),
        "{err}"
    );
    assert!(err.contains("+91 (IN): 3"), "{err}");
    assert!(err.contains("--default-region IN"), "{err}");
    assert!(err.contains("country column"), "{err}");
    let summary = wd.read_json("india.summary.json");
    assert_eq!(
        summary["phone_countries"],
        json!({ "read_as_national": { "US": 2 }, "with_country_code": { "+91": 3 } })
    );
    assert!(
        summary["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("read as US numbers"))
    );

    // With the right region the national numbers are Indian, and all is quiet.
    let out = wd.run(&["validate", "india.csv", "--default-region", "IN"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains("without a country code"));
    let results = wd.read_csv("india.results.csv");
    assert_eq!(column(&results, "phone")[3], "917025201234");
    let summary = wd.read_json("india.summary.json");
    assert_eq!(
        summary["phone_countries"],
        json!({ "read_as_national": { "IN": 2 }, "with_country_code": { "+91": 3 } })
    );
}
