//! Whether a file's digits without `+` (`442079460001`) are E.164 numbers,
//! and what a sample of its phone cells shows. Takes the user's word
//! (`--phones`, the map file's `phones`), the layout's, and the phone cells
//! of the file's first rows; gives a [`DigitsReading`] (and so
//! [`super::PhoneNormaliser::e164_digits`]) and the one country the sample's
//! numbers with a country code carry.
//!
//! The rule (issue 19): reading bare digits with a `+` of ours turns a slip
//! of the hand into a stranger's number (`20888630944`, a US number with a
//! digit too many, is Egypt's `+20 88 863 0944`), so it needs evidence:
//! - the layout says so (hmbulk's own export: `Layout::e164_digits`);
//! - the user says so (`--phones e164`, `phones = "e164"` in the map file);
//! - the column shows it: most of the sampled numbers are digits that carry
//!   their country code without `+`, and among them numbers of the row's
//!   own region written with its code (`14155550123`, not `4155550123`, in a
//!   US file). People write their own country's numbers without its code;
//!   a tool writing E.164 writes every number with one. A slip cannot make a
//!   column of such numbers, nor a number of the file's own country with its
//!   code in front.
//!
//! `--phones national` refuses every such reading, the layout's too.

use crate::choice::choice;

use super::{CountryCodeSource, PhoneNormaliser, Region, clean, valid};

/// How the user says the file writes digits without `+` (`--phones`, the
/// map file's `phones`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PhonesSetting {
    #[default]
    Auto,
    E164,
    National,
}

choice!(PhonesSetting, "--phones", {
    Auto => ("auto", "Digits without + are E.164 when the file's layout (hmbulk's export) or its phone column shows it (default)"),
    E164 => ("e164", "Digits without + are E.164 numbers: 442079460001 is +44 20 7946 0001"),
    National => ("national", "Digits without + are read with the region, as libphonenumber reads them; never given a + of ours"),
});

/// How a run reads digits without `+`, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigitsReading {
    /// As libphonenumber reads them with the region (no evidence).
    National,
    /// As libphonenumber reads them: the user said so (`--phones national`).
    NationalSaid,
    /// E.164: the user said so (`--phones e164` or the map file).
    E164Said,
    /// E.164: the file's layout writes them (its name).
    E164Layout(&'static str),
    /// E.164: the sampled phone cells show it.
    E164Column { with_code: u32, numbers: u32 },
}

impl DigitsReading {
    /// Decide from the user's `setting`, the layout (its name, when it
    /// writes E.164 digits) and, when neither decides, the `sample`.
    pub fn decide(
        setting: PhonesSetting,
        layout: Option<&'static str>,
        sample: impl FnOnce() -> ColumnSample,
    ) -> DigitsReading {
        match (setting, layout) {
            (PhonesSetting::E164, _) => DigitsReading::E164Said,
            (PhonesSetting::National, _) => DigitsReading::NationalSaid,
            (PhonesSetting::Auto, Some(name)) => DigitsReading::E164Layout(name),
            (PhonesSetting::Auto, None) => {
                let sample = sample();
                if sample.shows_e164() {
                    DigitsReading::E164Column {
                        with_code: sample.bare_with_code,
                        numbers: sample.numbers,
                    }
                } else {
                    DigitsReading::National
                }
            }
        }
    }

    /// Whether bare digits are read as E.164 first.
    pub fn e164(&self) -> bool {
        matches!(
            self,
            DigitsReading::E164Said
                | DigitsReading::E164Layout(_)
                | DigitsReading::E164Column { .. }
        )
    }

    /// The map file's `phones` setting that reads the file the same way
    /// again (an error report fed back holds fewer rows to show it).
    pub fn setting(&self) -> Option<PhonesSetting> {
        match self {
            DigitsReading::NationalSaid => Some(PhonesSetting::National),
            DigitsReading::National => None,
            _ => Some(PhonesSetting::E164),
        }
    }

    /// What a run says about it (stderr and the summary's notes): only when
    /// the column's own numbers decided, which nobody asked for.
    pub fn note(&self) -> Option<String> {
        let DigitsReading::E164Column { with_code, numbers } = self else {
            return None;
        };
        Some(format!(
            "phone digits without + were read as international (E.164) numbers, as {with_code} \
             of the first {numbers} numbers in the phone columns are written (country code \
             first, 14155550123); pass --phones national if they are national numbers"
        ))
    }
}

/// What a sample of a file's phone cells shows ([`ColumnSample::add`] each).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnSample {
    /// Phone values seen (not blank).
    numbers: u32,
    /// Values of bare digits that carry their country code without `+`:
    /// libphonenumber finds the row's own code in them, or they are no
    /// national number but a valid one with `+`.
    bare_with_code: u32,
    /// Of those, the ones with the row region's own code.
    own_code: u32,
    /// Valid numbers read with a country code of their own (`+91…`,
    /// `0091…` where `00` is dialled, `14155550123` in a US file), by code.
    codes: Vec<(u16, u32)>,
}

impl ColumnSample {
    /// Count one phone value of a sampled row read in `region` (the row's
    /// country column's, else `None`: the default region).
    pub fn add(&mut self, phones: &PhoneNormaliser, value: &str, region: Option<Region>) {
        let value = value.trim();
        let value = value.strip_prefix('\'').unwrap_or(value);
        if value.is_empty() {
            return;
        }
        self.numbers += 1;
        let region = region.or(phones.region);
        if let Some(plus) = clean::bare_international(value) {
            let national = valid(value, region);
            let foreign = || valid(&plus, None);
            match national.or_else(foreign) {
                Some(pn) if pn.country_code_source() != CountryCodeSource::FromDefaultCountry => {
                    self.bare_with_code += 1;
                    let own =
                        pn.country_code_source() == CountryCodeSource::FromNumberWithoutPlusSign;
                    self.own_code += u32::from(own);
                    if own {
                        self.code(pn.country_code);
                    }
                }
                _ => {}
            }
            return;
        }
        if let Some(code) = written_code(value, region) {
            self.code(i32::from(code));
        }
    }

    fn code(&mut self, code: i32) {
        let Ok(code) = u16::try_from(code) else {
            return;
        };
        match self.codes.iter_mut().find(|(c, _)| *c == code) {
            Some((_, n)) => *n += 1,
            None => self.codes.push((code, 1)),
        }
    }

    /// Most sampled numbers are digits with their country code, and some
    /// carry the row's own region's.
    pub fn shows_e164(&self) -> bool {
        self.bare_with_code * 2 > self.numbers && self.own_code > 0
    }

    /// The one country every sampled number written with a country code
    /// belongs to (its main region), when that is not `default`'s: the
    /// region a file of national numbers that fail under `default` may be
    /// of. `None` when the sample's numbers carry no code, or several.
    pub fn file_region(&self, default: Option<Region>) -> Option<Region> {
        let [(code, _)] = self.codes[..] else {
            return None;
        };
        if default.is_some_and(|d| d.country_code() == code) {
            return None;
        }
        let region = super::LIB.get_region_for_country_code(i32::from(code))?;
        Region::parse(&region.to_string())
    }
}

/// The country code `value` is written with: after `+`, after `00` (the
/// exit code most of the world dials, and ours in a North American file),
/// or after `011` in a North American file. Only a pointer to the file's
/// country (the numbers themselves are validated row by row), so read from
/// the text alone, without libphonenumber's patterns: the sample runs on
/// the thread that starts the run, and a pattern first used there keeps its
/// fastest cache there, away from the threads that validate the rows.
fn written_code(value: &str, region: Option<Region>) -> Option<u16> {
    let nanp = region.is_some_and(|r| r.country_code() == 1);
    let rest = match value.strip_prefix(['+', '＋']) {
        Some(rest) => rest,
        None if nanp => ["011", "00"].iter().find_map(|p| value.strip_prefix(p))?,
        None => value.strip_prefix("00")?,
    };
    let digits: String = rest
        .chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| char::from(b'0' + d as u8))
        .collect();
    (digits.len() >= 7)
        .then(|| super::country_code_of(&digits))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(region: &str, cells: &[&str]) -> ColumnSample {
        let phones = PhoneNormaliser::new(region).unwrap();
        let mut s = ColumnSample::default();
        cells.iter().for_each(|c| s.add(&phones, c, None));
        s
    }

    #[test]
    fn a_column_of_e164_digits_shows_it() {
        let s = sample(
            "US",
            &[
                "14155550123",
                "442079460001",
                "919876543210",
                "3212345678",
                "",
            ],
        );
        assert_eq!((s.numbers, s.bare_with_code, s.own_code), (4, 3, 1));
        assert!(s.shows_e164());
        // A UK file of the same.
        assert!(sample("GB", &["447911123456", "14155550123"]).shows_e164());
    }

    #[test]
    fn national_numbers_and_slips_do_not() {
        // People's own numbers, and a slip that is Egypt with a +.
        let typed = [
            "(415) 555-0123",
            "4155550124",
            "415.555.0125",
            "20888630944",
        ];
        let s = sample("US", &typed);
        assert_eq!(s.bare_with_code, 1);
        assert!(!s.shows_e164());
        // Foreign digits only: no number of the file's own country written
        // with its code, so nothing shows the column is E.164.
        let foreign = sample("US", &["442079460001", "20888630944"]);
        assert_eq!((foreign.bare_with_code, foreign.own_code), (2, 0));
        assert!(!foreign.shows_e164());
        assert!(!sample("US", &[]).shows_e164());
    }

    #[test]
    fn the_one_country_of_the_numbers_with_a_code_is_the_files() {
        let us = Region::parse("US");
        let india = sample(
            "US",
            &["+91 98765 43210", "0091 98765 43211", "98765 43212", ""],
        );
        // `00` is read as the exit code in a North American file.
        assert_eq!(india.codes, [(91, 2)]);
        assert_eq!(india.file_region(us), Region::parse("IN"));
        // Germany dials 00.
        let de = sample("DE", &["0091 98765 43210", "+91 98765 43211"]);
        assert_eq!(de.file_region(Region::parse("DE")), Region::parse("IN"));
        let mixed = sample("US", &["+91 98765 43210", "+44 20 7946 0958"]);
        assert_eq!(mixed.file_region(us), None);
        let own = sample("US", &["+1 415 555 0123", "4155550123"]);
        assert_eq!(own.file_region(us), None);
        assert_eq!(sample("US", &["(415) 555-0123"]).file_region(us), None);
    }

    #[test]
    fn the_users_word_and_the_layouts_come_before_the_sample() {
        fn never() -> ColumnSample {
            panic!("no sample needed")
        }
        let shows = || sample("US", &["14155550123", "442079460001"]);
        let decide = |setting, layout, sample: &dyn Fn() -> ColumnSample| {
            DigitsReading::decide(setting, layout, sample)
        };
        assert_eq!(
            decide(PhonesSetting::E164, None, &never),
            DigitsReading::E164Said
        );
        assert_eq!(
            decide(PhonesSetting::National, Some("hmbulk export"), &never),
            DigitsReading::NationalSaid
        );
        assert_eq!(
            decide(PhonesSetting::Auto, Some("hmbulk export"), &never),
            DigitsReading::E164Layout("hmbulk export")
        );
        let column = decide(PhonesSetting::Auto, None, &shows);
        assert_eq!(
            column,
            DigitsReading::E164Column {
                with_code: 2,
                numbers: 2
            }
        );
        assert!(column.e164() && column.note().is_some());
        assert_eq!(column.setting(), Some(PhonesSetting::E164));
        let none = decide(PhonesSetting::Auto, None, &|| sample("US", &["4155550123"]));
        assert_eq!(none, DigitsReading::National);
        assert!(!none.e164() && none.note().is_none() && none.setting().is_none());
    }
}
