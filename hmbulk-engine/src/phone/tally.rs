//! Where a file's numbers come from, so no number silently gets the wrong
//! country. Takes each valid phone (its E.164 digits, and the region it was
//! read in when it had no country code); gives counts per region and country
//! code for `summary.json`, and a warning when numbers without a country code
//! were read in one region while other numbers of the same file carry
//! another country's code (a file of Indian numbers read with `US`).

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
}

impl CountryTally {
    pub fn add(&mut self, digits: &str, national_in: Option<Region>) {
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

    /// The warning for `summary.json`'s notes and stderr, when numbers read
    /// as national in a region sit beside numbers of other country codes.
    pub fn warning(&self) -> Option<String> {
        let mut parts = Vec::new();
        let mut suggestion = None;
        for (region, &national) in &self.read_as_national {
            let own = Region::parse(region).map(Region::country_code).unwrap_or(0);
            let others: Vec<(&String, u64)> = self
                .with_country_code
                .iter()
                .filter(|(code, _)| code.as_str() != format!("+{own}"))
                .map(|(code, &n)| (code, n))
                .collect();
            if others.is_empty() {
                continue;
            }
            let mut by_count = others.clone();
            by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            suggestion = suggestion.or_else(|| main_region(by_count[0].0));
            let listed: Vec<String> = by_count
                .iter()
                .take(5)
                .map(|(code, n)| match main_region(code) {
                    Some(r) => format!("{code} ({r}): {n}"),
                    None => format!("{code}: {n}"),
                })
                .collect();
            parts.push(format!(
                "{national} {} without a country code {} read as {region} numbers, but other \
                 numbers in the file carry another country code ({})",
                if national == 1 { "number" } else { "numbers" },
                if national == 1 { "was" } else { "were" },
                listed.join(", ")
            ));
        }
        if parts.is_empty() {
            return None;
        }
        let example = suggestion.unwrap_or_else(|| "GB".to_string());
        Some(format!(
            "{}; if some of them belong to another country they were given the wrong one: \
             add a country column, pass --default-region with the file's country (such as \
             --default-region {example}), or --default-region none to make every number \
             without a country code a row error",
            parts.join("; ")
        ))
    }
}

/// Counts a run's valid phones as [`CountryTally`] does, without a string per
/// number: by region and by country code, turned into the tally at the end.
#[derive(Debug, Clone)]
pub struct CountryCounter {
    national: Vec<(Region, u64)>,
    /// By country code (1 to 999).
    with_code: Box<[u64; 1000]>,
}

impl Default for CountryCounter {
    fn default() -> Self {
        CountryCounter {
            national: Vec::new(),
            with_code: Box::new([0; 1000]),
        }
    }
}

impl CountryCounter {
    pub fn add(&mut self, digits: &str, national_in: Option<Region>) {
        let code = national_in.is_none().then(|| country_code_of(digits));
        self.add_code(code.flatten(), national_in);
    }

    /// [`add`](Self::add) for a number whose country code (when it was
    /// written with one) is already known: `code` is [`country_code_of`] its digits.
    pub fn add_code(&mut self, code: Option<u16>, national_in: Option<Region>) {
        match national_in {
            Some(region) => match self.national.iter_mut().find(|(r, _)| *r == region) {
                Some((_, n)) => *n += 1,
                None => self.national.push((region, 1)),
            },
            None => {
                if let Some(code) = code {
                    self.with_code[usize::from(code)] += 1;
                }
            }
        }
    }

    pub fn into_tally(self) -> CountryTally {
        let mut tally = CountryTally::default();
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
fn main_region(code: &str) -> Option<String> {
    let code: i32 = code.strip_prefix('+')?.parse().ok()?;
    let region = LIB.get_region_for_country_code(code)?;
    Region::parse(&region.to_string()).map(|r| r.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indian_numbers_read_as_us_are_flagged() {
        let us = Region::parse("US");
        let mut t = CountryTally::default();
        t.add("17025201234", us);
        t.add("17025201235", us);
        t.add("919876543210", None);
        t.add("14155553434", None);
        assert_eq!(t.read_as_national["US"], 2);
        assert_eq!(t.with_country_code["+91"], 1);
        assert_eq!(t.with_country_code["+1"], 1);
        let w = t.warning().unwrap();
        assert!(
            w.starts_with("2 numbers without a country code were read as US numbers"),
            "{w}"
        );
        assert!(w.contains("+91 (IN): 1") && !w.contains("+1 ("), "{w}");
        assert!(w.contains("--default-region IN"), "{w}");
        assert!(w.contains("country column"), "{w}");
    }

    #[test]
    fn the_counter_counts_as_the_tally() {
        let (us, gb) = (Region::parse("US"), Region::parse("GB"));
        let numbers = [
            ("17025201234", us),
            ("447911123456", gb),
            ("919876543210", None),
            ("14155553434", None),
            ("17025201235", us),
        ];
        let mut tally = CountryTally::default();
        let mut counter = CountryCounter::default();
        for (digits, region) in numbers {
            tally.add(digits, region);
            counter.add(digits, region);
        }
        assert_eq!(counter.into_tally(), tally);
    }

    #[test]
    fn a_file_of_one_country_is_quiet() {
        let gb = Region::parse("GB");
        let mut t = CountryTally::default();
        t.add("447911123456", gb);
        t.add("447911123457", None);
        assert_eq!(t.warning(), None);
        let mut intl = CountryTally::default();
        intl.add("447911123457", None);
        intl.add("919876543210", None);
        assert_eq!(intl.warning(), None);
    }
}
