//! Where a file's numbers come from, so no number silently gets the wrong
//! country. Takes each valid phone (its E.164 digits, the region it was read
//! in when it had no country code, and whether that region was the default
//! one), and the count of numbers that failed under the default region but
//! are valid in the one country the file's other numbers carry; gives counts
//! per region and country code for `summary.json`, and the notes (stderr and
//! the summary's `notes`):
//! - wrong country: numbers read with the default region (never the ones
//!   a row's country cell decided) sit beside numbers of other country
//!   codes: one sentence, counts per country, advice that fits the file;
//! - region from the file: national numbers refused under the default region
//!   are valid in the one country every number with a country code in the
//!   file belongs to: the count and the exact `--default-region`.
//!
//! Neither suggests a region the file's numbers do not mostly point to (a US
//! shop with one UK customer is told no `--default-region GB`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{LIB, Region};

/// Counts of a file's valid phones by where their country came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CountryTally {
    /// Numbers written without a country code, by the region they were read
    /// in (the default region, or the row's country column).
    pub read_as_national: BTreeMap<String, u64>,
    /// Numbers written with a country code (`+91…`, `0091…`, `9170…`), by
    /// that code as `+91`.
    pub with_country_code: BTreeMap<String, u64>,
    /// Of `read_as_national`, the numbers read with the default region (no
    /// country cell decided).
    #[serde(skip)]
    pub by_default_region: u64,
    /// Numbers refused under the default region that are valid national
    /// numbers of this region (the one the sample's numbers with a country
    /// code carry), and how many.
    #[serde(skip)]
    pub valid_elsewhere: Option<(Region, u64)>,
}

impl CountryTally {
    /// Count a valid number read with the default region, or written with
    /// its own country code (`national_in` is `None`).
    pub fn add(&mut self, digits: &str, national_in: Option<Region>) {
        self.by_default_region += u64::from(national_in.is_some());
        self.add_from_row(digits, national_in);
    }

    /// Count a valid number read in its row's region (its country cell).
    pub fn add_from_row(&mut self, digits: &str, national_in: Option<Region>) {
        let key = match national_in {
            Some(region) => {
                *self
                    .read_as_national
                    .entry(region.as_str().to_string())
                    .or_default() += 1;
                return;
            }
            None => match country_code_of(digits) {
                Some(code) => format!("+{code}"),
                None => return,
            },
        };
        *self.with_country_code.entry(key).or_default() += 1;
    }

    /// The notes for stderr and `summary.json`: region from the file, then
    /// wrong country. `default` is `--default-region`; `country_column` the
    /// header of the file's country column, if it has one.
    pub fn notes(&self, default: Option<Region>, country_column: Option<&str>) -> Vec<String> {
        [
            self.region_from_file(default, country_column),
            self.wrong_country(default, country_column),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Numbers with a country code other than `default`'s, most first.
    fn others(&self, default: Option<Region>) -> Vec<(&str, u64)> {
        let own = default.map(|r| format!("+{}", r.country_code()));
        let mut others: Vec<(&str, u64)> = self
            .with_country_code
            .iter()
            .filter(|(code, _)| Some(code.as_str()) != own.as_deref())
            .map(|(code, &n)| (code.as_str(), n))
            .collect();
        others.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        others
    }

    /// The region every number of the file written with a country code
    /// belongs to, when those numbers (and the national ones valid there)
    /// are not outnumbered by the numbers read with the default region.
    fn file_region(&self, default: Option<Region>) -> Option<(Region, &str, u64)> {
        let [(code, n)] = self.with_country_code.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let region = main_region(code)?;
        if default.is_some_and(|d| d.country_code() == region.country_code()) {
            return None;
        }
        let elsewhere = match self.valid_elsewhere {
            Some((r, k)) if r == region => k,
            _ => 0,
        };
        (n + elsewhere > self.by_default_region).then_some((region, code.as_str(), *n))
    }

    /// Issue 16 (item 8): national numbers refused under the default region
    /// are valid in the one country of the file's numbers with a code.
    fn region_from_file(
        &self,
        default: Option<Region>,
        country_column: Option<&str>,
    ) -> Option<String> {
        let (region, k) = self.valid_elsewhere.filter(|(_, k)| *k > 0)?;
        let (file, code, n) = self.file_region(default)?;
        if file != region {
            return None;
        }
        let refused = match default {
            Some(d) => format!("{} not valid {d} numbers", are(k)),
            None => format!("{} refused without a default region", are(k)),
        };
        let or_cell = country_column
            .map(|c| format!(" (or write {region} in their \"{c}\" cell)"))
            .unwrap_or_default();
        Some(format!(
            "{k} {} without a country code {refused} but valid {region} ({}) numbers, and every \
             number in the file written with a country code is one ({code}: {n}): if the \
             file's national numbers are {region} numbers, pass --default-region {region}{or_cell}",
            numbers(k),
            region.name()
        ))
    }

    /// Issue 21 (item 7): numbers read with the default region beside
    /// numbers of other country codes.
    fn wrong_country(
        &self,
        default: Option<Region>,
        country_column: Option<&str>,
    ) -> Option<String> {
        let region = default?;
        let n = self.by_default_region;
        let others = self.others(default);
        if n == 0 || others.is_empty() {
            return None;
        }
        let total: u64 = others.iter().map(|(_, k)| k).sum();
        let mut listed: Vec<String> = others
            .iter()
            .take(5)
            .map(|(code, k)| match main_region(code) {
                Some(r) => format!("{code} {}: {k}", r.name()),
                None => format!("{code}: {k}"),
            })
            .collect();
        if others.len() > 5 {
            let more = others.len() - 5;
            listed.push(format!(
                "{more} more {}",
                if more == 1 { "code" } else { "codes" }
            ));
        }
        let advice = match (country_column, self.file_region(default)) {
            (Some(column), _) => format!(
                "if some of them are not {region} numbers, write their country in column \
                 \"{column}\" (a blank cell reads as {region}) or write them with their + and \
                 country code"
            ),
            (None, Some((file, _, _))) => format!(
                "if the file's national numbers are {file} numbers, pass --default-region \
                 {file}; otherwise add a country column, or write the numbers of other \
                 countries with their + and country code"
            ),
            (None, None) => format!(
                "if some of them are not {region} numbers, add a country column or write them \
                 with their + and country code (--default-region none makes every number \
                 without a country code a row error)"
            ),
        };
        Some(format!(
            "{n} {} without a country code {} read as {} (the default region), while \
             {total} {} in the file {} another country's code ({}): {advice}",
            numbers(n),
            if n == 1 { "was" } else { "were" },
            if n == 1 {
                format!("a {region} number")
            } else {
                format!("{region} numbers")
            },
            numbers(total),
            if total == 1 { "carries" } else { "carry" },
            listed.join(", ")
        ))
    }
}

fn numbers(n: u64) -> &'static str {
    if n == 1 { "number" } else { "numbers" }
}

fn are(n: u64) -> &'static str {
    if n == 1 { "is" } else { "are" }
}

/// Counts a run's valid phones as [`CountryTally`] does, without a string per
/// number: by region and by country code, turned into the tally at the end.
#[derive(Debug, Clone)]
pub struct CountryCounter {
    national: Vec<(Region, u64)>,
    by_default_region: u64,
    /// By country code (1 to 999).
    with_code: Box<[u64; 1000]>,
    valid_elsewhere: Option<(Region, u64)>,
}

impl Default for CountryCounter {
    fn default() -> Self {
        CountryCounter {
            national: Vec::new(),
            by_default_region: 0,
            with_code: Box::new([0; 1000]),
            valid_elsewhere: None,
        }
    }
}

impl CountryCounter {
    /// [`CountryTally::add`]: a number read with the default region or
    /// written with its code.
    pub fn add(&mut self, digits: &str, national_in: Option<Region>) {
        let code = national_in.is_none().then(|| country_code_of(digits));
        self.add_code(code.flatten(), national_in, true);
    }

    /// [`add`](Self::add) for a number whose country code (when it was
    /// written with one) is already known: `code` is [`country_code_of`] its
    /// digits; `by_default` is false when the row's country cell gave
    /// `national_in`.
    pub fn add_code(&mut self, code: Option<u16>, national_in: Option<Region>, by_default: bool) {
        match national_in {
            Some(region) => {
                self.by_default_region += u64::from(by_default);
                match self.national.iter_mut().find(|(r, _)| *r == region) {
                    Some((_, n)) => *n += 1,
                    None => self.national.push((region, 1)),
                }
            }
            None => {
                if let Some(code) = code {
                    self.with_code[usize::from(code)] += 1;
                }
            }
        }
    }

    /// Count a number refused under the default region that is a valid
    /// national number of `region` (the one country of the sample's numbers
    /// with a code).
    pub fn valid_elsewhere(&mut self, region: Region) {
        match &mut self.valid_elsewhere {
            Some((r, n)) if *r == region => *n += 1,
            Some(_) => {}
            None => self.valid_elsewhere = Some((region, 1)),
        }
    }

    pub fn into_tally(self) -> CountryTally {
        let mut tally = CountryTally {
            by_default_region: self.by_default_region,
            valid_elsewhere: self.valid_elsewhere,
            ..CountryTally::default()
        };
        for (region, n) in self.national {
            tally
                .read_as_national
                .insert(region.as_str().to_string(), n);
        }
        for (code, &n) in self.with_code.iter().enumerate().filter(|(_, n)| **n > 0) {
            tally.with_country_code.insert(format!("+{code}"), n);
        }
        tally
    }
}

/// The country calling code `digits` (E.164 without `+`) start with.
pub fn country_code_of(digits: &str) -> Option<u16> {
    // Which of 1 to 999 are country codes, asked of the metadata once.
    static CODES: std::sync::LazyLock<Vec<bool>> = std::sync::LazyLock::new(|| {
        (0..1000)
            .map(|code| code > 0 && LIB.get_region_for_country_code(code).is_some())
            .collect()
    });
    (1..=3).find_map(|n| {
        let code: u16 = digits.get(..n)?.parse().ok()?;
        CODES[usize::from(code)].then_some(code)
    })
}

/// `+91` -> `IN`: the main region of a country code.
fn main_region(code: &str) -> Option<Region> {
    let code: i32 = code.strip_prefix('+')?.parse().ok()?;
    let region = LIB.get_region_for_country_code(code)?;
    Region::parse(&region.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(default: &[&str], from_row: &[(&str, &str)], coded: &[&str]) -> CountryTally {
        let mut t = CountryTally::default();
        for digits in default {
            t.add(digits, Region::parse("US"));
        }
        for (digits, region) in from_row {
            t.add_from_row(digits, Region::parse(region));
        }
        for digits in coded {
            t.add(digits, None);
        }
        t
    }

    fn us() -> Option<Region> {
        Region::parse("US")
    }

    #[test]
    fn indian_numbers_read_as_us_are_flagged_in_one_sentence() {
        let t = tally(
            &["17025201234", "17025201235"],
            &[],
            &["919876543210", "919876543211", "919876543212"],
        );
        assert_eq!(t.read_as_national["US"], 2);
        assert_eq!(t.with_country_code["+91"], 3);
        let notes = t.notes(us(), None);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(
            notes[0],
            "2 numbers without a country code were read as US numbers (the default region), \
             while 3 numbers in the file carry another country's code (+91 India: 3): if the \
             file's national numbers are IN numbers, pass --default-region IN; otherwise add \
             a country column, or write the numbers of other countries with their + and \
             country code"
        );
    }

    #[test]
    fn a_us_shop_with_one_uk_customer_is_not_told_gb() {
        let t = tally(
            &["14155550100", "14155550101", "14155550102"],
            &[],
            &["447911123456"],
        );
        let notes = t.notes(us(), None).join("\n");
        assert!(notes.contains("+44 United Kingdom: 1"), "{notes}");
        assert!(!notes.contains("--default-region GB"), "{notes}");
        assert!(notes.contains("add a country column"), "{notes}");
        // Nor for national numbers refused as US but valid in GB.
        let mut t = t;
        t.valid_elsewhere = Some((Region::parse("GB").unwrap(), 1));
        let notes = t.notes(us(), None).join("\n");
        assert!(!notes.contains("--default-region GB"), "{notes}");
    }

    #[test]
    fn rows_whose_country_cell_decided_are_no_wrong_country() {
        // Every row has a country cell: nothing was read with the default.
        let t = tally(
            &[],
            &[("17025201234", "US"), ("447911123456", "GB")],
            &["919876543210"],
        );
        assert_eq!(t.notes(us(), Some("Country")), Vec::<String>::new());
        // Some rows have a blank one: the advice names the column.
        let t = tally(
            &["17025201234"],
            &[("447911123456", "GB")],
            &["919876543210"],
        );
        let notes = t.notes(us(), Some("Country"));
        assert_eq!(notes.len(), 1);
        assert!(notes[0].starts_with("1 number without a country code was read as a US number"));
        assert!(notes[0].contains("write their country in column \"Country\""));
        assert!(!notes[0].contains("add a country column"), "{}", notes[0]);
    }

    #[test]
    fn national_numbers_valid_in_the_files_one_country_are_counted() {
        let india = Region::parse("IN").unwrap();
        let mut t = tally(&[], &[], &["919876543210", "919876543211"]);
        t.valid_elsewhere = Some((india, 4));
        let notes = t.notes(us(), None);
        assert_eq!(
            notes,
            [
                "4 numbers without a country code are not valid US numbers but valid IN (India) \
              numbers, and every number in the file written with a country code is one (+91: \
              2): if the file's national numbers are IN numbers, pass --default-region IN"
            ]
        );
        // One number of another code: not every number is Indian.
        let mut mixed = t.clone();
        mixed.add("447911123456", None);
        assert!(
            !mixed
                .notes(us(), None)
                .join(" ")
                .contains("--default-region IN")
        );
        // Outnumbered by valid US numbers: a minority suggests nothing.
        let mut few = tally(
            &["14155550100", "14155550101", "14155550102", "14155550103"],
            &[],
            &["919876543210"],
        );
        few.valid_elsewhere = Some((india, 1));
        assert!(
            !few.notes(us(), None)
                .join(" ")
                .contains("--default-region IN")
        );
    }

    #[test]
    fn the_counter_counts_as_the_tally() {
        let (us, gb) = (Region::parse("US"), Region::parse("GB"));
        let mut tally = CountryTally::default();
        let mut counter = CountryCounter::default();
        for (digits, region) in [
            ("17025201234", us),
            ("919876543210", None),
            ("14155553434", None),
            ("17025201235", us),
        ] {
            tally.add(digits, region);
            counter.add(digits, region);
        }
        tally.add_from_row("447911123456", gb);
        counter.add_code(None, gb, false);
        assert_eq!(counter.into_tally(), tally);
    }

    #[test]
    fn past_five_codes_the_rest_are_counted() {
        let coded = [
            "447911123456",
            "919876543210",
            "33612345678",
            "4915123456789",
            "61412345678",
            "5215512345678",
            "81312345678",
        ];
        let notes = tally(&["14155550100"], &[], &coded).notes(us(), None);
        assert!(notes[0].contains(", 2 more codes):"), "{}", notes[0]);
        let notes = tally(&["14155550100"], &[], &coded[1..]).notes(us(), None);
        assert!(notes[0].contains(", 1 more code):"), "{}", notes[0]);
    }

    #[test]
    fn a_file_of_one_country_is_quiet() {
        let gb = Region::parse("GB");
        let mut t = CountryTally::default();
        t.add("447911123456", gb);
        t.add("447911123457", None);
        assert!(t.notes(gb, None).is_empty());
        let mut intl = CountryTally::default();
        intl.add("447911123457", None);
        intl.add("919876543210", None);
        assert!(intl.notes(us(), None).is_empty());
    }
}
