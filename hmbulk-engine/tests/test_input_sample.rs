//! samples/contacts.csv through the whole local front half of an import:
//! read, map (with the simulator's seed catalog), validate, dedupe. Every row
//! ends up either valid or with one error, and the bad rows are the ones the
//! sample means to be bad.

use hmbulk_engine::contact::{BlankPolicy, Draft, Validator};
use hmbulk_engine::dedupe::Dedupe;
use hmbulk_engine::input::Encoding;
use hmbulk_engine::input::config::Config;
use hmbulk_engine::mapping::Mapping;
use hmbulk_engine::outcome::{ErrorCode, RowError};
use hmbulk_engine::phone::PhoneNormaliser;

#[path = "input_common/mod.rs"]
mod seed;

fn sample() -> (Vec<Draft<'static>>, Vec<(u64, RowError)>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/contacts.csv");
    let mut reader = Config::new(path).reader().unwrap();
    assert_eq!(reader.delimiter(), b',');
    let mapping = Mapping::build(reader.headers(), &seed::catalog(), None, false).unwrap();
    let validator = Validator::new(
        mapping,
        seed::catalog(),
        PhoneNormaliser::new("US").unwrap(),
        BlankPolicy::Keep,
    );
    let records: Vec<_> = reader.by_ref().map(Result::unwrap).collect();
    assert_eq!(reader.encoding(), Encoding::Utf8);
    assert_eq!(reader.blank_lines(), 0);
    let mut dedupe = Dedupe::new();
    let (mut ok, mut failed) = (Vec::new(), Vec::new());
    for (record, result) in records.iter().zip(validator.validate_chunk(&records)) {
        let result = result.and_then(|draft| match dedupe.find(&draft) {
            Some(duplicate) => Err(duplicate.row_error(&draft)),
            None => Ok(draft),
        });
        match result {
            Ok(draft) => ok.push(draft),
            Err(e) => failed.push((record.row, e)),
        }
    }
    assert_eq!(records.len(), 50);
    assert_eq!(ok.len() + failed.len(), records.len());
    (ok, failed)
}

#[test]
fn the_sample_fails_where_it_means_to() {
    let (ok, failed) = sample();
    let codes: Vec<(u64, ErrorCode)> = failed.iter().map(|(row, e)| (*row, e.code)).collect();
    assert_eq!(
        codes,
        [
            (14, ErrorCode::PhoneInvalid),
            (15, ErrorCode::PhoneMissing),
            (16, ErrorCode::PhoneSpreadsheetDamaged),
            (17, ErrorCode::EmailInvalid),
            (18, ErrorCode::TooManyTags),
            (19, ErrorCode::DuplicateInFile),
            (20, ErrorCode::UnknownTag),
        ],
        "{failed:#?}"
    );
    assert_eq!(ok.len(), 43);
    assert!(
        failed[5].1.message.contains("row 1"),
        "{}",
        failed[5].1.message
    );
}

#[test]
fn the_sample_good_rows_read_right() {
    let (ok, _) = sample();
    let row = |n: u64| ok.iter().find(|d| d.row == n).unwrap();
    assert_eq!(row(1).phone, "14155550101");
    assert_eq!(row(1).tags, Some(vec![11, 12]));
    assert_eq!(row(1).assignee, Some(501));
    assert_eq!(row(5).first.as_deref(), Some("José"));
    assert_eq!(row(5).custom[&101], "Martínez, Ruiz & Co");
    assert_eq!(row(8).phone, "442079460108");
    assert_eq!(row(9).phone, "15035550109");
    assert_eq!(row(9).extension.as_deref(), Some("214"));
    assert_eq!(row(10).phone, "14155550110");
    assert_eq!(row(12).opted_out, Some(true));
    assert_eq!(row(22).opted_out, Some(true));
    assert_eq!(row(26).phone, "442079460126");
    assert_eq!(row(27).extension.as_deref(), Some("3"));
    assert_eq!(row(4).assignee, None);
}
