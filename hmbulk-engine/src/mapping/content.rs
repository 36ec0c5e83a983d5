//! What a column holds, from a sample of the file's first rows (the way a
//! delimiter is sniffed): phone numbers, email addresses, countries (codes
//! and names in the mapper's languages), dates, numbers, consent values or
//! names. Takes the sample ([`Sample`], read once per file by
//! [`crate::input::RowReader::peek`]); gives a [`Profile`] per column, which
//! confirms or refuses what the header says ([`Profile::refuses`]) and finds
//! the phone and email columns no header names ([`Profile::finds`]).
//!
//! Cheap checks, not validation: rows are still validated one by one. A
//! cell of several values (`+1 415 555 0101, +1 415 555 0102`) counts as
//! phones when each of its values looks like one ([`split`]).

use crate::consent::{self, Said};
use crate::country;

/// Rows the mapper reads before deciding.
pub const SAMPLE_ROWS: usize = 1000;

/// The first rows of a file, as cells.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    rows: Vec<Vec<String>>,
}

impl Sample {
    pub fn new(rows: Vec<Vec<String>>) -> Sample {
        Sample { rows }
    }

    /// The cells of column `i` (rows too short to have one are skipped).
    pub fn column(&self, i: usize) -> impl Iterator<Item = &str> {
        self.rows
            .iter()
            .filter_map(move |r| r.get(i).map(String::as_str))
    }

    /// The rows, as cells.
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }
}

/// What the sampled cells of one column are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// Cells that are not blank.
    pub values: usize,
    pub phones: usize,
    pub emails: usize,
    pub countries: usize,
    pub dates: usize,
    pub numbers: usize,
    /// Consent or yes/no values, blank-like words (`unknown`) not counted.
    pub consent: usize,
    /// Of those, statuses (`subscribed`, `unsubscribed` …).
    pub statuses: usize,
    /// Values that name a kind of phone (`Mobile`, `Work`, `Fax`).
    pub kinds: usize,
    /// Values no consent reading knows (the first few, each once).
    pub unread_consent: Vec<String>,
    /// The first few values, each once, for messages.
    pub examples: Vec<String>,
}

/// What a column's content may be asked to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    Phones,
    Emails,
    Names,
    Countries,
    Tags,
}

impl Profile {
    /// The profile of `cells`.
    pub fn of<'a>(cells: impl Iterator<Item = &'a str>) -> Profile {
        let mut p = Profile::default();
        for cell in cells.map(str::trim).filter(|c| !c.is_empty()) {
            p.values += 1;
            if p.examples.len() < 3 && !p.examples.iter().any(|e| e == cell) {
                p.examples.push(cell.chars().take(40).collect());
            }
            if super::words::names_a_kind(cell) {
                p.kinds += 1;
            }
            let date = is_date(cell);
            if date {
                p.dates += 1;
            } else if split(cell, is_phone).is_some() {
                p.phones += 1;
            } else if is_number(cell) {
                p.numbers += 1;
            }
            if split(cell, is_email).is_some() {
                p.emails += 1;
            }
            if country::region(cell).is_some() {
                p.countries += 1;
            }
            match consent::read(cell) {
                Some(Said::Nothing) => {}
                Some(Said::Subscribed | Said::Unsubscribed) => {
                    p.consent += 1;
                    p.statuses += 1;
                }
                Some(_) => p.consent += 1,
                None => {
                    if p.unread_consent.len() < 3 && !p.unread_consent.iter().any(|v| v == cell) {
                        p.unread_consent.push(cell.to_string());
                    }
                }
            }
        }
        p
    }

    /// At least half the values are `n`.
    fn half(&self, n: usize) -> bool {
        n * 2 >= self.values
    }

    /// More than half the values are `n`.
    fn most(&self, n: usize) -> bool {
        n * 2 > self.values
    }

    /// Why the content refuses what the header says it `holds`, if it does
    /// (a column with no values in the sample refuses nothing).
    pub fn refuses(&self, holds: Holds) -> Option<String> {
        if self.values == 0 {
            return None;
        }
        let like = |what: &str| {
            let examples: Vec<String> = self.examples.iter().map(|e| format!("\"{e}\"")).collect();
            format!("its values are {what} ({})", examples.join(", "))
        };
        // Refused only for something else the values clearly are: bad
        // phone numbers are still phone numbers (their rows fail, named).
        let not_names = self.dates + self.numbers + self.emails + self.phones;
        let not_phones = self.emails + self.dates + self.kinds + self.consent;
        match holds {
            Holds::Phones if self.most(not_phones) => Some(like("not phone numbers")),
            // Not one address in the sample: list names (Constant
            // Contact's `Email Lists`), statuses, numbers.
            Holds::Emails if self.emails == 0 => Some(like("not email addresses")),
            Holds::Countries if !self.half(self.countries) => Some(like("not countries")),
            Holds::Names | Holds::Tags if self.most(self.dates) => Some(like("dates")),
            Holds::Names | Holds::Tags if self.most(not_names) => {
                Some(like("numbers, phones or email addresses, not names"))
            }
            _ => None,
        }
    }

    /// What the content alone shows: phones or emails in at least nine
    /// of ten values, three values at least.
    pub fn finds(&self) -> Option<Holds> {
        self.holds().filter(|_| self.values >= 3)
    }

    /// What the values are when a header word already says "a phone or an
    /// email of some kind": phones or emails in at least nine of ten
    /// values (one value is enough).
    pub fn holds(&self) -> Option<Holds> {
        let most = |n: usize| self.values > 0 && n * 10 >= self.values * 9;
        if most(self.emails) {
            Some(Holds::Emails)
        } else if most(self.phones) {
            Some(Holds::Phones)
        } else {
            None
        }
    }

    /// Every value is a consent status (`subscribed`, `unsubscribed`,
    /// `abgemeldet` …), three values at least.
    pub fn all_statuses(&self) -> bool {
        self.values >= 3 && self.statuses == self.values
    }
}

/// The parts of a cell of several values — split at ` ::: `, newlines,
/// `;`, `, ` and ` / ` — when every part is `one`; `None` when some part
/// is not (or the cell is blank). A cell of one value is one part.
pub fn split(cell: &str, one: fn(&str) -> bool) -> Option<Vec<&str>> {
    let cell = cell.trim();
    if cell.is_empty() {
        return None;
    }
    if one(cell) {
        return Some(vec![cell]);
    }
    for sep in [":::", "\n", ";", ", ", " / "] {
        if !cell.contains(sep) {
            continue;
        }
        let parts: Vec<&str> = cell
            .split(sep)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() > 1 && parts.iter().all(|p| one(p)) {
            return Some(parts);
        }
    }
    None
}

/// Looks like one phone number: 7 to 15 digits among the characters
/// numbers are written with, an extension allowed at the end.
pub fn is_phone(value: &str) -> bool {
    let value = value.trim().trim_start_matches('\'');
    let lower = value.to_ascii_lowercase();
    let number = ["ext", "x", "#"]
        .iter()
        .filter_map(|e| lower.find(e))
        .min()
        .map_or(value, |at| &value[..at]);
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let label = number
        .find(':')
        .filter(|&at| number[..at].chars().all(char::is_alphabetic));
    let number = label.map_or(number, |at| &number[at + 1..]);
    (7..=15).contains(&digits)
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().\u{a0}/".contains(c))
}

/// One `@`, something before it, a dotted domain after it, no spaces.
pub fn is_email(value: &str) -> bool {
    let value = value.trim();
    match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.ends_with('.')
                && !value.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// A whole number of up to six digits, or a decimal or money amount.
fn is_number(value: &str) -> bool {
    let v = value.trim_start_matches(['-', '+', '$', '€', '£']);
    let digits = v.chars().filter(char::is_ascii_digit).count();
    digits > 0
        && v.chars().all(|c| c.is_ascii_digit() || ".,".contains(c))
        && (digits <= 6 || v.contains(['.', ',']))
}

/// A date, or a date and time: `2024-01-31`, `31/01/2024`, `1.2.24`,
/// `2024-01-31T10:00:00Z`, `Jan 5, 2024`, `5 janvier 2024`.
pub fn is_date(value: &str) -> bool {
    let value = value.trim();
    let head = value.split([' ', 'T']).next().unwrap_or("");
    if numeric_date(head) {
        return true;
    }
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "janv",
        "fev", "mars", "avr", "mai", "juin", "juil", "aout", "sept", "dez", "okt", "marz", "ene",
        "abr", "ago", "dic", "fev", "out", "set", "mag", "giu", "lug", "ott", "mei", "okt",
    ];
    let words: Vec<String> = super::words::words(value);
    let has_month = words
        .iter()
        .any(|w| MONTHS.iter().any(|m| w.starts_with(m) && w.len() <= 9));
    let has_year = words
        .iter()
        .any(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()));
    has_month && has_year && words.len() <= 6
}

/// Three groups of digits with one separator (`-`, `/`, `.`) that read as
/// a day, a month and a year in some order.
fn numeric_date(text: &str) -> bool {
    let Some(sep) = ['-', '/', '.'].into_iter().find(|s| text.contains(*s)) else {
        return false;
    };
    let parts: Vec<&str> = text.split(sep).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let n: Vec<u32> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
    let year =
        |i: usize| parts[i].len() == 4 && (1000..3000).contains(&n[i]) || parts[i].len() == 2;
    let day_month = |a: u32, b: u32| {
        (1..=31).contains(&a) && (1..=12).contains(&b)
            || (1..=12).contains(&a) && (1..=31).contains(&b)
    };
    (parts[0].len() == 4 && year(0) && day_month(n[1], n[2]))
        || (parts[0].len() <= 2 && parts[1].len() <= 2 && year(2) && day_month(n[0], n[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(cells: &[&str]) -> Profile {
        Profile::of(cells.iter().copied())
    }

    #[test]
    fn phones_emails_dates_and_numbers_are_told_apart() {
        for phone in [
            "(415) 555-0101",
            "+49 151 23456789",
            "0171/1234567",
            "'+4915123456789",
            "415.555.0101 x12",
            "+91 98765 43210",
        ] {
            assert!(is_phone(phone), "{phone}");
            assert!(!is_date(phone), "{phone}");
        }
        for date in [
            "2024-01-31",
            "31/01/2024",
            "1.2.24",
            "2024-01-31T10:00:00Z",
            "Jan 5, 2024",
            "5 janvier 2024",
        ] {
            assert!(is_date(date), "{date}");
        }
        for not_phone in ["Mobile", "2024-01-31", "12", "ada@example.com"] {
            assert!(!is_phone(not_phone) || is_date(not_phone), "{not_phone}");
        }
        assert!(is_email("ada@example.com") && !is_email("ada at example"));
        assert!(is_number("12") && is_number("1,234.50") && !is_number("4155550101"));
    }

    #[test]
    fn several_values_split_only_when_each_is_one() {
        assert_eq!(
            split("+1 415 555 0101, +1 415 555 0102", is_phone),
            Some(vec!["+1 415 555 0101", "+1 415 555 0102"])
        );
        assert_eq!(
            split("a@x.com; b@y.org", is_email).map(|v| v.len()),
            Some(2)
        );
        assert_eq!(
            split("(415) 555-0101 / (415) 555-0102", is_phone).map(|v| v.len()),
            Some(2)
        );
        assert_eq!(
            split("030 1234567\n0171 1234567", is_phone).map(|v| v.len()),
            Some(2)
        );
        assert_eq!(split("Ada, Lovelace", is_phone), None);
    }

    #[test]
    fn content_refuses_what_it_is_not() {
        let dates = profile(&["2024-01-05", "2023-12-24", ""]);
        assert!(dates.refuses(Holds::Names).unwrap().contains("dates"));
        let counties = profile(&["Cook", "Kings", "Orange"]);
        assert!(counties.refuses(Holds::Countries).is_some());
        let countries = profile(&["Frankreich", "Türkei", "Allemagne", "Alemania", "US"]);
        assert_eq!(countries.refuses(Holds::Countries), None);
        let types = profile(&["Mobile", "Work"]);
        assert!(types.refuses(Holds::Phones).is_some());
        let lists = profile(&["General Interest", "Newsletter, Events"]);
        assert!(lists.refuses(Holds::Emails).is_some(), "Email Lists");
        let typo = profile(&["ada@example.com", "grace at example"]);
        assert_eq!(
            typo.refuses(Holds::Emails),
            None,
            "bad addresses fail their rows"
        );
        let names = profile(&["Ada", "Grace", "José María"]);
        assert_eq!(names.refuses(Holds::Names), None);
        assert_eq!(
            profile(&["", ""]).refuses(Holds::Phones),
            None,
            "no values: no refusal"
        );
    }

    #[test]
    fn content_finds_phones_and_emails_no_header_names() {
        assert_eq!(
            profile(&["+1 415 555 0101", "(415) 555-0102", "415.555.0103"]).finds(),
            Some(Holds::Phones)
        );
        assert_eq!(
            profile(&["a@x.com", "b@y.org", "c@z.net"]).finds(),
            Some(Holds::Emails)
        );
        assert_eq!(
            profile(&["+1 415 555 0101", "Ada"]).finds(),
            None,
            "too few"
        );
        assert!(profile(&["Subscribed", "Unsubscribed", "abgemeldet"]).all_statuses());
    }
}
