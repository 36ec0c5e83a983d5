//! Phones end to end: Heymarket's own format (E.164 digits without `+`)
//! reads back, so `hmbulk export` -> `hmbulk import` round-trips numbers of
//! every region (the export's layout is the evidence); digits without `+`
//! from another tool import by the column's evidence or `--phones e164`,
//! and a typed slip is refused, not sent (issue 19); `--default-region
//! none`; the notes on where numbers' countries came from (issues 16 and 21).

use std::collections::{BTreeMap, BTreeSet};

use rlibphonenumber::{PHONE_NUMBER_UTIL, PhoneNumberFormat, PhoneNumberType};
use serde_json::{Value, json};

use crate::test_conventions::with_stdin;
use crate::test_import::store_phones;
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
    // `00` is an exit code only in a region that dials it, and bare digits
    // are E.164 only where the file says so: no region, no number.
    assert_eq!(column(&errors, "_error_code"), ["phone_needs_country"; 3]);
    assert!(column(&errors, "_error")[2].contains("pass --phones e164"));
    let message = &column(&errors, "_error")[0];
    assert!(
        message.starts_with("column \"Mobile\": \"(415) 555-3434\" has no country code"),
        "{message}"
    );
    for fix in ["country column", "--default-region", "+1 415 555 3434"] {
        assert!(message.contains(fix), "{message}");
    }
    let results = wd.read_csv("people.results.csv");
    assert_eq!(column(&results, "phone"), ["442079460958"]);
    let summary = wd.read_json("people.summary.json");
    assert_eq!(summary["errors_by_code"]["phone_needs_country"], 3);
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
            vec!["+91 98765 43212"],
            vec!["70252 01234"],
            vec!["70252 01235"],
        ],
    );
    let out = wd.run(&["validate", "india.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let note = "2 numbers without a country code were read as US numbers (the default region), \
                while 3 numbers in the file carry another country's code (+91 India: 3): if \
                the file's national numbers are IN numbers, pass --default-region IN; \
                otherwise add a country column, or write the numbers of other countries with \
                their + and country code";
    assert!(
        stderr(&out).contains(&format!("note: {note}")),
        "{}",
        stderr(&out)
    );
    let summary = wd.read_json("india.summary.json");
    assert_eq!(
        summary["phone_countries"],
        json!({ "read_as_national": { "US": 2 }, "with_country_code": { "+91": 3 } })
    );
    assert_eq!(notes(&summary), [note]);

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
    assert!(notes(&summary).is_empty());
}

fn notes(summary: &Value) -> Vec<String> {
    summary["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

/// Issue 21 (item 7): the wrong-country note counts only the numbers read
/// with the default region, never rows whose country cell decided, and
/// never tells a file with a country column to add one.
#[test]
fn the_wrong_country_note_fits_a_file_with_a_country_column() {
    let wd = Workdir::new();
    let every_row = [
        vec!["Mobile", "Country"],
        vec!["(415) 555-0100", "US"],
        vec!["07911 123456", "United Kingdom"],
        vec!["0321 7654321", "PK"],
        vec!["+91 98765 43210", "India"],
    ];
    wd.create("every.csv", &every_row);
    let out = wd.run(&["validate", "every.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains("note:"), "{}", stderr(&out));
    assert!(notes(&wd.read_json("every.summary.json")).is_empty());

    // Two rows leave the country blank: they alone were read as US.
    let mut some = every_row.to_vec();
    some.push(vec!["70252 01234", ""]);
    some.push(vec!["(212) 555-0101", " "]);
    wd.create("some.csv", &some);
    let out = wd.run(&["validate", "some.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let note = "2 numbers without a country code were read as US numbers (the default region), \
                while 1 number in the file carries another country's code (+91 India: 1): if \
                some of them are not US numbers, write their country in column \"Country\" (a \
                blank cell reads as US) or write them with their + and country code";
    assert!(
        stderr(&out).contains(&format!("note: {note}")),
        "{}",
        stderr(&out)
    );
    let summary = wd.read_json("some.summary.json");
    assert_eq!(notes(&summary), [note]);
    assert_eq!(
        summary["phone_countries"]["read_as_national"],
        json!({ "GB": 1, "PK": 1, "US": 3 })
    );
}

/// Issue 16 (item 8): national numbers refused under the default region but
/// valid in the one country every number with a code in the file carries:
/// the count and the exact flag; never a region from a minority of rows.
#[test]
fn the_region_of_the_file_is_suggested_only_when_its_numbers_say_so() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "eventbrite.csv",
        &[
            vec!["Mobile", "First Name"],
            vec!["+91 98765 43210", "Asha"],
            vec!["+91 98765 43211", "Ravi"],
            vec!["98765 43212", "Meera"],
            vec!["098765 43213", "Vikram"],
            vec!["+91 98765 43214", "Anil"],
        ],
    );
    let out = wd.run(&["import", "eventbrite.csv", "--rate", "0"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let note = "2 numbers without a country code are not valid US numbers but valid IN (India) \
                numbers, and every number in the file written with a country code is one \
                (+91: 3): if the file's national numbers are IN numbers, pass \
                --default-region IN";
    assert!(
        stderr(&out).contains(&format!("note: {note}")),
        "{}",
        stderr(&out)
    );
    assert_eq!(notes(&wd.read_json("eventbrite.summary.json")), [note]);
    assert_eq!(store_phones(&wd).len(), 3);
    // Following it imports every row, the national ones as Indian numbers.
    let out = wd.run(&[
        "import",
        "eventbrite.csv",
        "--rate",
        "0",
        "--default-region",
        "IN",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(notes(&wd.read_json("eventbrite.summary.json")).is_empty());
    assert_eq!(
        store_phones(&wd),
        [
            "919876543210",
            "919876543211",
            "919876543212",
            "919876543213",
            "919876543214"
        ]
    );

    // A US shop with one UK customer, whose national number fails as US
    // but is a valid UK one: no GB suggestion, anywhere.
    let wd = Workdir::new();
    wd.create(
        "shop.csv",
        &[
            vec!["Mobile", "First Name"],
            vec!["(415) 555-0100", "Ann"],
            vec!["(415) 555-0101", "Bob"],
            vec!["(415) 555-0102", "Cy"],
            vec!["+44 7911 123456", "Di"],
            vec!["07911 123457", "Ed"],
        ],
    );
    let out = wd.run(&["validate", "shop.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let summary = wd.read_json("shop.summary.json");
    let said = format!("{}\n{}", stderr(&out), notes(&summary).join("\n"));
    assert!(!said.contains("--default-region GB"), "{said}");
    assert!(said.contains("(+44 United Kingdom: 1)"), "{said}");
}

/// Issue 19: a file of E.164 digits without `+` from another tool (a
/// Twilio-style export: country code first, US numbers with their `1`)
/// imports by the column's own evidence, each number as written, including
/// the ones that are also valid US numbers (`3212345678`, Belgium); the run
/// says why, and its mapping file keeps the reading for the error report.
#[test]
fn digits_without_plus_from_another_tool_import_by_the_columns_evidence() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let numbers = [
        "14155550100",
        "442079460001",
        "3212345678",
        "919876543210",
        "61412345678",
        "33612345678",
    ];
    let mut rows = vec![vec!["Phone Number", "Name", "Email"]];
    rows.extend(
        numbers
            .iter()
            .map(|n| vec![*n, "Someone", "someone@example.com"]),
    );
    rows.push(vec!["4915123456789", "Jo", "not-an-email"]);
    wd.create("twilio.csv", &rows);
    let out = wd.run(&["import", "twilio.csv", "--rate", "0"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_each_row_once(&wd, "twilio", 7);
    let err = stderr(&out);
    assert!(
        err.contains(
            "note: phone digits without + were read as international (E.164) numbers, \
                      as 6 of the first 7 numbers in the phone columns are written"
        ),
        "{err}"
    );
    let mut want: Vec<String> = numbers.iter().map(|n| n.to_string()).collect();
    want.sort();
    assert_eq!(store_phones(&wd), want);
    assert!(wd.read("twilio.mapping.toml").contains("phones = \"e164\""));

    // The error report's one row shows nothing (no number of the file's own
    // country): the mapping file beside it carries the reading.
    let errors = wd.read_csv("twilio.errors.csv");
    let mut fixed: Vec<Vec<String>> = errors.clone();
    fixed[1][2] = "jo@example.com".to_string();
    let fixed: Vec<Vec<&str>> = fixed
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    wd.create("twilio.errors.csv", &fixed);
    let out = wd.run(&["import", "twilio.errors.csv", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(store_phones(&wd).contains(&"4915123456789".to_string()));
    assert_eq!(store_phones(&wd).len(), 7);
}

/// Issue 19: digits that only a `+` would make valid, with nothing in the
/// file to say they are E.164, are refused with a message naming what they
/// look like and the flag; `--phones e164` (or the map file's `phones`)
/// imports them as written.
#[test]
fn foreign_digits_without_plus_import_with_the_users_word() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "partners.csv",
        &[
            vec!["Mobile", "Name"],
            vec!["442079460001", "London"],
            vec!["919876543210", "Pune"],
            vec!["3212345678", "Brussels"],
        ],
    );
    let out = wd.run(&["validate", "partners.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let errors = wd.read_csv("partners.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["phone_invalid"; 2]);
    let message = &column(&errors, "_error")[0];
    assert!(
        message.contains(
            "it looks like +44 20 7946 0001 (United Kingdom) written without its +: if the \
             column holds international numbers, pass --phones e164"
        ),
        "{message}"
    );
    // libphonenumber's answer for a valid US number stands without the word.
    let results = wd.read_csv("partners.results.csv");
    assert_eq!(column(&results, "phone"), ["13212345678"]);

    let out = wd.run(&["import", "partners.csv", "--rate", "0", "--phones", "e164"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        store_phones(&wd),
        ["3212345678", "442079460001", "919876543210"]
    );
    // The same word in a map file.
    wd.create_bytes(
        "partners.toml",
        b"[settings]\nphones = \"e164\"\n\n[columns]\n\"Mobile\" = \"phone\"\n\"Name\" = \"first\"\n",
    );
    let out = wd.run(&["validate", "partners.csv", "--map", "partners.toml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let results = wd.read_csv("partners.results.csv");
    assert_eq!(
        column(&results, "phone"),
        ["442079460001", "919876543210", "3212345678"]
    );
    wd.create_bytes("bad.toml", b"[settings]\nphones = \"intl\"\n\n[columns]\n");
    let out = wd.run(&["validate", "partners.csv", "--map", "bad.toml"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("phones = \"intl\""),
        "{}",
        stderr(&out)
    );
}

/// Issue 19: typed slips and spreadsheet floats are refused, never sent as
/// a stranger's number.
#[test]
fn slips_of_typed_numbers_are_refused_not_sent() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "typed.csv",
        &[
            vec!["Mobile", "Name"],
            vec!["(415) 555-0100", "Ann"],
            vec!["20888630944", "Bob"],
            vec!["501234567.0", "Cy"],
            vec!["64(0)64123456", "Di"],
            vec!["4155550101.0", "Ed"],
        ],
    );
    let out = wd.run(&["import", "typed.csv", "--rate", "0"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_each_row_once(&wd, "typed", 5);
    assert_eq!(store_phones(&wd), ["14155550100", "14155550101"]);
    let errors = wd.read_csv("typed.errors.csv");
    assert_eq!(column(&errors, "_row"), ["2", "3", "4"]);
    let messages = column(&errors, "_error");
    assert!(messages[0].contains("+20 88 8630944 (Egypt) written without its +"));
    assert!(messages[1].contains("is the whole number 501234567 printed as a float"));
}

/// Issue 19: `status` and `delete` name contacts by bare E.164 digits when
/// told (`--phones e164`); without the word they delete nothing that only a
/// `+` of ours would name.
#[test]
fn status_and_delete_read_digits_without_plus_as_told() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.sim().seed(
        &[
            json!({"phone": "442079460001", "first": "London"}),
            json!({"phone": "919876543210", "first": "Pune"}),
            json!({"phone": "14155550100", "first": "Ann"}),
        ],
        false,
    );
    wd.create(
        "leavers.csv",
        &[vec!["phone"], vec!["442079460001"], vec!["919876543210"]],
    );
    let out = wd.run(&["delete", "leavers.csv", "--yes"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(store_phones(&wd).len(), 3);
    let errors = wd.read_csv("leavers.delete.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["phone_invalid"; 2]);

    let out = wd.run(&[
        "status",
        "leavers.csv",
        "--set",
        "unsubscribed",
        "--phones",
        "e164",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let opted_out: Vec<String> = wd
        .sim()
        .contacts()
        .iter()
        .filter(|c| c["is_opted_out"] == true)
        .map(|c| c["phone"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(opted_out.len(), 2, "{opted_out:?}");
    assert!(!opted_out.contains(&"14155550100".to_string()));

    let out = wd.run(&["delete", "leavers.csv", "--yes", "--phones", "e164"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(store_phones(&wd), ["14155550100"]);
}

/// The sample read ahead to look at the phone column costs standard input
/// nothing: every row of a piped file past the sample and the first chunk
/// is imported, each once, by the column's evidence (which reads the
/// Belgian numbers as Belgian, not as the US numbers their digits also are).
#[test]
fn digits_without_plus_on_standard_input_import_by_the_columns_evidence() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let n = 5_000;
    let mut csv = String::from("Phone,Name\n");
    let mut want = Vec::new();
    for i in 0..n {
        // US numbers with their 1, UK mobiles, and Belgian numbers that are
        // also valid US numbers without their + (`32123…`).
        let digits = match i % 3 {
            0 => format!("1415{:03}{:04}", 200 + i / 10_000, i % 10_000),
            1 => format!("4479111{i:05}"),
            _ => format!("32123{i:05}"),
        };
        csv += &format!("{digits},P{i}\n");
        want.push(digits);
    }
    want.sort();
    let out = with_stdin(
        wd.command(&["import", "-", "--rate", "0", "--report-dir", "out"]),
        csv.as_bytes(),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "out/stdin", n);
    assert_eq!(store_phones(&wd), want);
}
