use std::cell::Cell;

use proptest::prelude::*;

use super::*;

thread_local! {
    /// Turns the North American fast path off, to compare it with the full path.
    pub(super) static FULL_PATH_ONLY: Cell<bool> = const { Cell::new(false) };
}

/// `read` by the full path only (libphonenumber's parser for every cell).
pub(super) fn read_full(
    n: &PhoneNormaliser,
    raw: &str,
    region: Option<Region>,
) -> std::result::Result<(Phone, Rule), RowError> {
    FULL_PATH_ONLY.with(|f| f.set(true));
    let answer = n.read(raw, region);
    FULL_PATH_ONLY.with(|f| f.set(false));
    answer
}

/// The fast path gives the full path's answer (number, extension, national
/// reading, rule, or the same error) for every area code and exchange
/// class, in every shape it takes, under US, another NANP region, a
/// non-NANP region and none.
#[test]
fn the_north_american_fast_path_answers_as_libphonenumber() {
    let regions = ["US", "CA", "GB", "none"].map(|r| PhoneNormaliser::new(r).unwrap());
    let (mut fast, mut cells, mut valid) = (0, 0, 0);
    for npa in 200..=999u32 {
        for (k, nxx) in [200u32, 311, 555, 100, 999, 458].into_iter().enumerate() {
            let line = (npa * 7 + k as u32 * 1231) % 10_000;
            let shapes = [
                format!("({npa}) {nxx}-{line:04}"),
                format!("{npa}.{nxx}.{line:04}"),
                format!("{npa}{nxx}{line:04}"),
                format!("+1 {npa} {nxx} {line:04}"),
                format!("+1({npa}){nxx}-{line:04}"),
                format!("1-{npa}-{nxx}-{line:04}"),
                format!("1{npa}{nxx}{line:04}"),
                format!("{npa}-{nxx}-{line:04} x{}", line % 999 + 1),
                format!("+1 {npa} {nxx} {line:04} ext. 7"),
            ];
            let shape = &shapes[(npa as usize + k) % shapes.len()];
            for (n, normaliser) in regions.iter().enumerate() {
                if (npa as usize + n) % 2 == 1 && n != 0 {
                    continue;
                }
                cells += 1;
                fast += usize::from(clean::nanp(shape).is_some());
                let answer = normaliser.read(shape, None);
                valid += usize::from(answer.is_ok());
                assert_eq!(
                    answer,
                    read_full(normaliser, shape, None),
                    "{shape:?} under {}",
                    normaliser.region()
                );
            }
        }
    }
    assert!(fast == cells, "{fast} of {cells} cells took the fast path");
    assert!(valid > cells / 3, "{valid} of {cells} cells valid");
}

fn us() -> PhoneNormaliser {
    PhoneNormaliser::new("US").unwrap()
}

fn digits(n: &PhoneNormaliser, raw: &str) -> String {
    match n.normalise(raw) {
        Ok(p) => p.digits,
        Err(e) => panic!("{raw:?}: {e}"),
    }
}

fn error(n: &PhoneNormaliser, raw: &str) -> RowError {
    match n.normalise(raw) {
        Ok(p) => panic!("{raw:?} normalised to {p:?}"),
        Err(e) => e,
    }
}

/// Our E.164 digits are the library's formatter's, for the example numbers
/// of every region and type (Italian-style leading zeros included).
#[test]
fn e164_digits_are_the_formatters() {
    let mut numbers = 0;
    for region in LIB.get_supported_regions() {
        for kind in [
            PhoneNumberType::FixedLine,
            PhoneNumberType::Mobile,
            PhoneNumberType::TollFree,
            PhoneNumberType::VoIP,
        ] {
            let Ok(pn) = LIB.get_example_number_for_type_and_region(region, kind) else {
                continue;
            };
            let formatted = LIB.format(&pn, PhoneNumberFormat::E164);
            assert_eq!(
                format!("+{}", e164_digits(&pn)),
                formatted,
                "{region:?} {kind:?}"
            );
            numbers += 1;
        }
    }
    assert!(numbers > 500, "{numbers}");
}

#[test]
fn the_metadata_has_the_region_answered_without_it() {
    assert_eq!(
        LIB.get_country_code_for_region(rlibphonenumber::Region::US),
        Some(1)
    );
    assert_eq!(Region::parse(" us ").unwrap().country_code(), 1);
}

#[test]
fn the_ways_people_write_a_us_number() {
    let n = us();
    for raw in [
        "(415) 555-3434",
        "415-555-3434",
        "415.555.3434",
        "415 555 3434",
        "4155553434",
        "14155553434",
        "1-415-555-3434",
        "+1 415 555 3434",
        "+1 (415) 555-3434",
        "+14155553434",
        "  (415) 555-3434  ",
        "011 1 415 555 3434",
        "tel:+1-415-555-3434",
        "tel:4155553434",
    ] {
        assert_eq!(digits(&n, raw), "14155553434", "{raw:?}");
    }
}

#[test]
fn international_numbers_need_no_region() {
    let n = us();
    assert_eq!(digits(&n, "+44 20 7946 0958"), "442079460958");
    assert_eq!(digits(&n, "011 44 20 7946 0958"), "442079460958");
    // With a default region the crate would strip that region's national
    // prefix (US: 1) from the foreign number; `+CC` is read region-free.
    assert_eq!(digits(&n, "+44 121 755 0998"), "441217550998");
    assert_eq!(digits(&n, "011 44 121 755 0998"), "441217550998");
    // Italy keeps its leading zero after the country code.
    assert_eq!(digits(&n, "+39 02 1234 5678"), "390212345678");
}

#[test]
fn own_and_foreign_country_codes_both_read_right() {
    // `+` with the default region's own code is read with the region (fast);
    // a foreign code region-free (correct): both give the same digits as
    // reading with the number's own region would.
    let gb = PhoneNormaliser::new("GB").unwrap();
    assert_eq!(digits(&gb, "+44 121 755 0998"), "441217550998");
    assert_eq!(digits(&gb, "+44 0121 755 0998"), "441217550998");
    assert_eq!(digits(&gb, "+1 212 555 0102"), "12125550102");
    let us = us();
    assert_eq!(digits(&us, "+1 212 555 0102"), "12125550102");
    assert_eq!(digits(&us, "+1 (416) 555-0199"), "14165550199");
    assert_eq!(digits(&us, "+44 121 755 0998"), "441217550998");
}

#[test]
fn default_region_reads_national_numbers() {
    let gb = PhoneNormaliser::new("gb").unwrap();
    assert_eq!(gb.region(), "GB");
    assert_eq!(digits(&gb, "07911 123456"), "447911123456");
    assert_eq!(digits(&gb, "020 7946 0958"), "442079460958");
    assert_eq!(digits(&gb, "+1 415 555 3434"), "14155553434");
    // The same national number is no US number.
    let e = error(&us(), "07911 123456");
    assert_eq!(e.code, ErrorCode::PhoneInvalid);
    assert!(e.message.contains("region US"), "{}", e.message);
}

/// libphonenumber calls a German number of 14 national digits valid (16
/// with the country code); E.164, and the API, allow 15. Found by the fuzz
/// harness's 30-minute run: "20100000x0x0x(0" under DE read as
/// 4920100000909090 (the letters dialled), through libphonenumber's own
/// path, which skipped the length check the other paths made.
#[test]
fn a_number_longer_than_e164_is_refused_whichever_path_reads_it() {
    let de = PhoneNormaliser::new("DE").unwrap();
    for raw in ["20100000x0x0x(0", "020100000909090", "+49 20100000909090"] {
        let e = error(&de, raw);
        assert_eq!(e.code, ErrorCode::PhoneInvalid, "{raw}");
        assert!(e.message.contains("has 16 digits"), "{}", e.message);
    }
    // 15 digits still read.
    assert_eq!(digits(&de, "02010000090909"), "492010000090909");
}

#[test]
fn unknown_region_is_a_usage_error() {
    for region in ["XX", "", "USA", "1"] {
        let err = PhoneNormaliser::new(region).unwrap_err();
        assert!(matches!(err, Error::Usage(_)), "{region:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("ISO 3166") && msg.contains("US, CA, GB"),
            "{msg}"
        );
    }
}

#[test]
fn trunk_zero_after_the_country_code_is_dropped() {
    let n = us();
    assert_eq!(digits(&n, "+44 (0)121 755 0998"), "441217550998");
    assert_eq!(digits(&n, "+44 0121 755 0998"), "441217550998");
    assert_eq!(digits(&n, "+44 (0)20 7946 0958"), "442079460958");
    assert_eq!(digits(&n, "0044 (0)20 7946 0958"), "442079460958");
    // `00` is the international prefix most of the world dials, even though
    // the US one is 011: a US-default file may still hold it.
    assert_eq!(digits(&n, "0044 20 7946 0958"), "442079460958");
}

#[test]
fn full_width_digits_and_plus() {
    let n = us();
    assert_eq!(digits(&n, "＋１ ４１５ ５５５ ３４３４"), "14155553434");
    assert_eq!(digits(&n, "（４１５）５５５－３４３４"), "14155553434");
    // `00` + 1 is how Europe dials the US.
    assert_eq!(digits(&n, "００１ 415 555 3434"), "14155553434");
    assert_eq!(digits(&n, "415\u{2013}555\u{2013}3434"), "14155553434");
}

#[test]
fn extensions_are_kept_apart() {
    let n = us();
    for (raw, ext) in [
        ("415-555-3434 x123", "123"),
        ("(415) 555-3434 ext. 45", "45"),
        ("+1 415 555 3434 #12", "12"),
        ("415.555.3434 extension 7", "7"),
        ("tel:+1-415-555-3434;ext=9", "9"),
    ] {
        let phone = n.normalise(raw).unwrap();
        assert_eq!(phone.digits, "14155553434", "{raw:?}");
        assert_eq!(phone.extension.as_deref(), Some(ext), "{raw:?}");
    }
    assert_eq!(n.normalise("4155553434").unwrap().extension, None);
}

#[test]
fn letters_of_a_vanity_number_are_dialled() {
    assert_eq!(digits(&us(), "1-800-FLOWERS"), "18003569377");
}

#[test]
fn exact_spreadsheet_numbers_are_recovered() {
    let n = us();
    assert_eq!(digits(&n, "1.4155553434E+10"), "14155553434");
    assert_eq!(digits(&n, "1.4155553434e+10"), "14155553434");
    assert_eq!(digits(&n, "4.155553434E+09"), "14155553434");
    assert_eq!(digits(&n, "14155553434.0"), "14155553434");
    assert_eq!(digits(&n, "4155553434.00"), "14155553434");
    // Excel kept 12 digits of a UK number written without its `+`: exact,
    // but still a number without a country code sign, read for region GB.
    let gb = PhoneNormaliser::new("GB").unwrap();
    assert_eq!(digits(&gb, "4.47911123456E+11"), "447911123456");
}

#[test]
fn rounded_spreadsheet_numbers_are_damage() {
    let n = us();
    for (raw, significant) in [
        ("4.15555E+09", 6),
        ("1.41555E+10", 6),
        ("1.415555343E+10", 10),
        ("4.47900E+11", 6),
    ] {
        let e = error(&n, raw);
        assert_eq!(e.code, ErrorCode::PhoneSpreadsheetDamaged, "{raw:?}");
        let msg = &e.message;
        assert!(msg.contains(raw), "{msg}");
        assert!(
            msg.contains(&format!("{significant} significant digits")),
            "{msg}"
        );
        assert!(
            msg.contains("digits of the phone number were lost"),
            "{msg}"
        );
        assert!(msg.contains("as Text") && msg.contains("export"), "{msg}");
    }
    assert_eq!(error(&n, "1.41555534345E+10").code, ErrorCode::PhoneInvalid);
}

#[test]
fn blank_is_missing() {
    for raw in ["", "   ", "\t"] {
        let e = error(&us(), raw);
        assert_eq!(e.code, ErrorCode::PhoneMissing);
        assert_eq!(
            e.message,
            "the phone column is empty; every contact needs a phone number"
        );
    }
}

#[test]
fn invalid_numbers_say_what_is_accepted() {
    let n = us();
    for raw in [
        "555-1234",
        "+1 415 555 34345",
        "abc",
        "+0 123",
        "12",
        "415-555-343",
        "000",
    ] {
        let e = error(&n, raw);
        assert_eq!(e.code, ErrorCode::PhoneInvalid, "{raw:?}");
        let msg = &e.message;
        assert!(msg.starts_with(&format!("\"{raw}\" ")), "{msg}");
        assert!(msg.contains("default region US"), "{msg}");
        assert!(
            msg.contains(
                "+1 415 555 3434, (415) 555-3434, or +44 20 7946 0958 with the country code"
            ),
            "{msg}"
        );
    }
    assert!(error(&n, "+0 123").message.contains("country code"));
    assert!(error(&n, "abc").message.contains("holds no phone number"));
    let long = "4".repeat(65);
    let msg = error(&n, &long).message;
    assert!(
        msg.starts_with(&format!("\"{}…\" is too long", &long[..24])),
        "{msg}"
    );
}

#[test]
fn other_regions_offer_their_own_example() {
    let gb = PhoneNormaliser::new("GB").unwrap();
    let msg = error(&gb, "12345").message;
    assert!(msg.contains("default region GB"), "{msg}");
    assert!(msg.contains("+44 7400 123456, 07400 123456"), "{msg}");
    assert!(
        msg.contains("+1 415 555 3434 with the country code"),
        "{msg}"
    );
}

#[test]
fn heymarkets_own_format_reads_back_where_the_file_says_so() {
    // Export writes E.164 digits without `+`; as a US national number
    // `442079460001` is invalid, with a `+` it is a valid UK number.
    let n = us().e164_digits(true);
    let (phone, rule) = n.read("442079460001", None).unwrap();
    assert_eq!(phone.digits, "442079460001");
    assert_eq!(phone.national_in, None);
    assert_eq!(rule, Rule::BareInternational);
    assert_eq!(digits(&n, "447911123456"), "447911123456");
    assert_eq!(digits(&n, "919876543210"), "919876543210");
    // GB: `7911123456` (no trunk 0) is a valid national mobile.
    let gb = PhoneNormaliser::new("GB").unwrap().e164_digits(true);
    assert_eq!(digits(&gb, "14155553434"), "14155553434");
    assert_eq!(digits(&gb, "7911123456"), "447911123456");
}

/// Issue 19: without the file's word, digits that only a `+` of ours would
/// make valid are refused, and the message says what they look like.
#[test]
fn bare_digits_need_evidence_to_be_international() {
    let n = us();
    for (raw, looks) in [
        ("20888630944", "+20 88 8630944 (Egypt)"),
        ("442079460001", "+44 20 7946 0001 (United Kingdom)"),
        ("49802404654807", "+49 8024 04654807 (Germany)"),
    ] {
        let e = error(&n, raw);
        assert_eq!(e.code, ErrorCode::PhoneInvalid, "{raw}");
        assert!(e.message.contains("; it looks like +"), "{}", e.message);
        assert!(e.message.contains(looks), "{}", e.message);
        assert!(
            e.message.contains(
                "written without its +: if the column holds international numbers, pass \
                 --phones e164"
            ),
            "{}",
            e.message
        );
    }
    // A valid national reading is libphonenumber's answer, evidence or not.
    assert_eq!(digits(&n, "4155553434"), "14155553434");
    assert_eq!(digits(&n, "14155553434"), "14155553434");
    // A GB file's own numbers with their code are libphonenumber's too.
    let gb = PhoneNormaliser::new("GB").unwrap();
    assert_eq!(digits(&gb, "447911123456"), "447911123456");
    assert_eq!(error(&gb, "14155553434").code, ErrorCode::PhoneInvalid);
    let angola = PhoneNormaliser::new("AO").unwrap();
    assert_eq!(error(&angola, "923123456159").code, ErrorCode::PhoneInvalid);
}

/// Issue 19: the cells the issue quotes, each a slip (or a float) that an
/// old rule of ours made a stranger's number.
#[test]
fn the_issues_slips_are_refused() {
    for (region, raw) in [
        ("DE", "0115152591681"),
        ("US", "64(0)64123456"),
        ("US", "(0)3 0 -3 2 23 12 34"),
        ("GB", "011 44 20 7946 0958"),
        ("BR", "0047 21 23 45 67"),
        ("US", "3211234567"),
    ] {
        let n = PhoneNormaliser::new(region).unwrap();
        assert!(n.read(raw, None).is_err(), "{raw:?} under {region}");
    }
    // A float is its whole number: valid in AE, but never 9718001234560.
    let ae = PhoneNormaliser::new("AE").unwrap();
    assert_eq!(digits(&ae, "800123456.0"), "971800123456");
    for (region, raw, whole) in [
        ("US", "501234567.0", "501234567"),
        ("US", "22345678.00", "22345678"),
        ("GB", "20794609580.0", "20794609580"),
    ] {
        let e = error(&PhoneNormaliser::new(region).unwrap(), raw);
        assert_eq!(e.code, ErrorCode::PhoneInvalid, "{raw}");
        assert!(
            e.message.contains(&format!(
                "is the whole number {whole} printed as a float (a spreadsheet's number \
                 format), and {whole} is not a valid"
            )),
            "{}",
            e.message
        );
    }
}

#[test]
fn a_trunk_zero_is_dropped_after_an_exit_code_the_region_dials() {
    let rule = |region: &str, raw: &str| {
        let n = PhoneNormaliser::new(region).unwrap();
        n.read(raw, None).map(|(p, rule)| (p.digits, rule))
    };
    let norway = Ok(("4721234567".to_string(), Rule::TrunkZero));
    assert_eq!(rule("US", "+47 (0)21 23 45 67"), norway);
    // Germany dials 00, the US 011: libphonenumber reads those.
    assert_eq!(rule("DE", "0047 (0)21 23 45 67"), norway);
    assert_eq!(rule("US", "011 47 (0)21 23 45 67"), norway);
    // And 00 in a North American file.
    let exit = Ok(("4721234567".to_string(), Rule::ExitCode));
    assert_eq!(rule("US", "0047 (0)21 23 45 67"), exit);
    // Not after an exit code the region does not dial.
    assert!(rule("DE", "011 47 (0)21 23 45 67").is_err());
    assert!(rule("GB", "011 47 (0)21 23 45 67").is_err());
}

#[test]
fn short_valid_numbers_are_left_to_the_api() {
    // Niue's 4-digit numbers are valid by libphonenumber; whether the API
    // takes 7 digits is not documented, so it decides (the simulator refuses).
    assert_eq!(digits(&us(), "+683 7012"), "6837012");
}

#[test]
fn normalisers_are_shared_across_threads() {
    let n = us();
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let n = n.clone();
            std::thread::spawn(move || digits(&n, "(415) 555-3434"))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), "14155553434");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text_never_panics(raw in any::<String>()) {
        let _ = us().normalise(&raw);
    }

    #[test]
    fn phone_like_text_never_panics(
        raw in "[0-9０-９+＋()（） .,;:#xXeEtT=*/\\-–a-z(0)]{0,40}"
    ) {
        if let Ok(phone) = us().normalise(&raw) {
            prop_assert!(E164_DIGITS.contains(&phone.digits.len()));
            prop_assert!(phone.digits.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn scientific_text_never_panics(
        m in "[0-9]{1,3}[.,]?[0-9]{0,16}", e in "[eE][+-]?[0-9]{1,3}"
    ) {
        let _ = us().normalise(&format!("{m}{e}"));
    }
}

#[test]
fn a_rows_own_region_overrides_the_default() {
    let n = us();
    let pk = Region::parse("pk").unwrap();
    let phone = n.normalise_in("0321 7654321", Some(pk)).unwrap();
    assert_eq!(phone.digits, "923217654321");
    assert_eq!(phone.national_in, Some(pk));
    let intl = n.normalise_in("+44 20 7946 0958", Some(pk)).unwrap();
    assert_eq!(intl.national_in, None);
    assert_eq!(
        n.normalise("(415) 555-3434").unwrap().national_in,
        Region::parse("US")
    );
    assert_eq!(Region::parse("XX"), None);
}

fn in_region(region: &str, raw: &str) -> std::result::Result<Phone, RowError> {
    PhoneNormaliser::new(region).unwrap().normalise(raw)
}

#[test]
fn what_the_old_crate_got_wrong_is_right() {
    // Found by the differential run of issue 7 against libphonenumber.
    for (region, raw, want) in [
        ("US", "011 49 1512 3456789", "4915123456789"),
        ("US", "'+4915123456789", "4915123456789"),
        ("US", "“+86 131 2345 6789”", "8613123456789"),
        ("RU", "8 800 555 35 35", "78005553535"),
        ("RU", "8 (800) 555-35-35", "78005553535"),
        ("SG", "6521 2345", "6565212345"),
        ("GB", "٠٧٩١١ ١٢٣٤٥٦", "447911123456"),
        ("GB", "०७९११ १२३४५६", "447911123456"),
        ("BR", "(11) 2234.0000", "551122340000"),
    ] {
        let phone = in_region(region, raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
        assert_eq!(phone.digits, want, "{raw:?} under {region}");
    }
    let ru = in_region("RU", "+7 495 123-45-67 доб. 123").unwrap();
    assert_eq!(ru.digits, "74951234567");
    assert_eq!(ru.extension.as_deref(), Some("123"));
    // The old crate's validity check matched a prefix only.
    assert_eq!(
        in_region("US", "+376 312345841").unwrap_err().code,
        ErrorCode::PhoneInvalid
    );
    // A real dotted number is no float: libphonenumber's answer stands.
    let e = in_region("BR", "2234.0000").unwrap_err();
    assert_eq!(e.code, ErrorCode::PhoneInvalid);
    assert!(e.message.contains("default region BR"), "{}", e.message);
}

#[test]
fn our_rules_apply_only_where_libphonenumber_finds_nothing() {
    let rule = |region: &str, raw: &str| {
        let (phone, rule) = PhoneNormaliser::new(region)
            .unwrap()
            .read(raw, None)
            .unwrap();
        (phone.digits, rule)
    };
    let us = |raw| rule("US", raw);
    assert_eq!(
        us("(415) 555-3434"),
        ("14155553434".into(), Rule::Libphonenumber)
    );
    assert_eq!(
        us("415\u{2009}555\u{2009}3434"),
        ("14155553434".into(), Rule::Spaces)
    );
    assert_eq!(
        us("415\u{202f}555\u{202f}3434"),
        ("14155553434".into(), Rule::Spaces)
    );
    assert_eq!(
        us("1.4155553434E+10"),
        ("14155553434".into(), Rule::SpreadsheetExact)
    );
    assert_eq!(
        us("14155553434.0"),
        ("14155553434".into(), Rule::ZeroFraction)
    );
    assert_eq!(
        us("+447911123456.00"),
        ("447911123456".into(), Rule::ZeroFraction)
    );
    assert_eq!(
        us("0044 20 7946 0958"),
        ("442079460958".into(), Rule::ExitCode)
    );
    assert_eq!(
        us("+44 (0)121 755 0998"),
        ("441217550998".into(), Rule::Libphonenumber)
    );
    assert_eq!(
        us("+47 (0)21 23 45 67"),
        ("4721234567".into(), Rule::TrunkZero)
    );
    assert_eq!(
        rule("CA", "0044 20 7946 0958"),
        ("442079460958".into(), Rule::ExitCode)
    );
}

#[test]
fn no_default_region_needs_a_country_code() {
    let none = PhoneNormaliser::new("none").unwrap();
    assert_eq!(none.region(), "none");
    for raw in ["(415) 555-3434", "020 7946 0958", "555-1234"] {
        let e = none.normalise(raw).unwrap_err();
        assert_eq!(e.code, ErrorCode::PhoneNeedsCountry, "{raw:?}");
        let msg = &e.message;
        assert!(
            msg.starts_with(&format!("\"{raw}\" has no country code")),
            "{msg}"
        );
        assert!(msg.contains("country column"), "{msg}");
        assert!(msg.contains("--default-region"), "{msg}");
        assert!(msg.contains("+1 415 555 3434"), "{msg}");
    }
    let phone = none.normalise("+44 20 7946 0958").unwrap();
    assert_eq!(phone.digits, "442079460958");
    assert_eq!(phone.national_in, None);
    // An exit code is one only in a region that dials it; bare digits are
    // E.164 only where the file says so.
    for raw in ["0044 20 7946 0958", "011 44 20 7946 0958", "442079460958"] {
        let e = none.normalise(raw).unwrap_err();
        assert_eq!(e.code, ErrorCode::PhoneNeedsCountry, "{raw:?}");
    }
    let hint = none.normalise("442079460958").unwrap_err().message;
    assert!(hint.contains("pass --phones e164"), "{hint}");
    let e164 = none.clone().e164_digits(true);
    assert_eq!(digits(&e164, "442079460958"), "442079460958");
    for raw in ["abc", "+0 123", "+44 20"] {
        let e = none.normalise(raw).unwrap_err();
        assert_eq!(e.code, ErrorCode::PhoneInvalid, "{raw:?}");
        assert!(e.message.contains("no default region"), "{}", e.message);
    }
    // A row's own country still reads national numbers.
    let gb = Region::parse("GB");
    let phone = none.normalise_in("020 7946 0958", gb).unwrap();
    assert_eq!(phone.digits, "442079460958");
    assert_eq!(phone.national_in, gb);
}

#[test]
fn a_rows_region_names_itself_in_messages() {
    let e = us().normalise_in("12345", Region::parse("DE")).unwrap_err();
    assert!(e.message.contains("(region DE)"), "{}", e.message);
    assert!(e.message.contains("+49"), "{}", e.message);
}

#[test]
fn an_exports_digits_are_international_first() {
    // Vanuatu's +678 59 12345 without its `+` is also a valid US number.
    let us = us();
    assert_eq!(digits(&us, "6785912345"), "16785912345");
    let export = us.clone().e164_digits(true);
    let (phone, rule) = export.read("6785912345", None).unwrap();
    assert_eq!(phone.digits, "6785912345");
    assert_eq!(rule, Rule::BareInternational);
    // Other cells of an export read as anywhere else.
    assert_eq!(digits(&export, "(415) 555-3434"), "14155553434");
    assert_eq!(digits(&export, "14155553434"), "14155553434");
    let other = us.e164_digits(false);
    assert_eq!(digits(&other, "6785912345"), "16785912345");
}

#[test]
fn every_extension_spelling_the_old_splitter_took_still_splits() {
    let n = us();
    for (raw, ext) in [
        ("415-555-3434 x123", "123"),
        ("415-555-3434x123", "123"),
        ("(415) 555-3434 ext. 45", "45"),
        ("(415) 555-3434 ext.45", "45"),
        ("(415) 555-3434 EXT 45", "45"),
        ("4155553434#12", "12"),
        ("415 555 3434 # 12", "12"),
        ("+1 415 555 3434 extension 7", "7"),
        ("+1-415-555-3434;ext=9", "9"),
        ("415-555-3434, x 2", "2"),
    ] {
        let phone = n.normalise(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
        assert_eq!(phone.digits, "14155553434", "{raw:?}");
        assert_eq!(phone.extension.as_deref(), Some(ext), "{raw:?}");
    }
    for raw in ["415 555 3434 ×12", "415 555 3434 ext 12345678901"] {
        // Not an extension libphonenumber knows: the number stands alone or
        // the cell is refused, but the digits are never glued on.
        if let Ok(phone) = n.normalise(raw) {
            assert_eq!(phone.digits, "14155553434", "{raw:?}");
        }
    }
}
