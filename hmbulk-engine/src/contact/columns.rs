//! A row's phone and email from several columns, and its region from its
//! country column. Takes a row's cells and the [`Mapping`]'s priority lists;
//! gives the first valid phone and email (the rest are kept as secondary
//! channels) or the row's error.
//!
//! - Candidates are tried column by column in priority order; a column whose
//!   label cell says mobile or cell (Google's `Phone 1 - Type`) comes first.
//!   A cell may hold several values separated by ` ::: ` (Google); a phone
//!   value may be several labelled numbers, mobile first (QuickBooks'
//!   `Phone:(410) 415-7406 Mobile:(410) 555-0123`, [`super::phone_labels`]).
//! - A leading `'` (Shopify and Excel write it to keep a number as text) is
//!   not part of a phone.
//! - The region: the first country column with a value. A value nobody can
//!   read is no problem for a number with its own `+CC`; any other number of
//!   that row fails as `country_unknown`, naming the column and the value
//!   (guessing the default region there could text a stranger).
//! - A sample of the file's first rows ([`sample_phones`]) shows how its
//!   phone columns write numbers (digits without `+` with their country
//!   code?) before any row is validated.

use crate::country;
use crate::mapping::{Mapping, Sample, Slot, content, quoted_list};
use crate::outcome::{ErrorCode, RowError};
use crate::phone::{ColumnSample, Phone, PhoneNormaliser, Region};

/// Where a row's national numbers are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowRegion {
    /// No country column, or it is blank: `--default-region`.
    Default,
    /// A country column named a region.
    From { region: Region, column: usize },
    /// A country column holds a value no one can read.
    Unreadable { column: usize, value: String },
}

/// The row's region from its country columns.
pub fn row_region(mapping: &Mapping, cells: &[&str]) -> RowRegion {
    for &column in mapping.countries() {
        let value = cells[column].trim();
        if value.is_empty() {
            continue;
        }
        return match country::region(value) {
            Some(region) => RowRegion::From { region, column },
            None => RowRegion::Unreadable {
                column,
                value: value.to_string(),
            },
        };
    }
    RowRegion::Default
}

/// The values of one cell: ` ::: `-separated parts, trimmed, non-empty.
pub fn values(cell: &str) -> impl Iterator<Item = &str> {
    // Most cells hold one value: no search for the separator then.
    let several = cell.as_bytes().contains(&b':');
    let (one, many) = if several {
        (None, Some(cell.split(":::")))
    } else {
        (Some(cell), None)
    };
    one.into_iter()
        .chain(many.into_iter().flatten())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The values of an email cell: also split at `, `, `;`, ` / ` and line
/// breaks when every part is an address ([`content::split`]).
pub fn email_values(cell: &str) -> impl Iterator<Item = &str> {
    values(cell).flat_map(|v| several(v, content::is_email))
}

/// The numbers of one phone cell: its values (also split at `, `, `;`,
/// ` / ` and line breaks when every part is a phone number, as Pipedrive
/// writes them), each split into its labelled numbers, mobile first, when
/// it is a list of them.
pub fn phone_values(cell: &str) -> impl Iterator<Item = &str> {
    values(cell)
        .flat_map(|v| several(v, content::is_phone))
        .flat_map(super::phone_labels::numbers)
}

/// `value` split into its parts when it holds a separator and every part
/// is `one`; else `value`. Cheap when no separator is present.
fn several(value: &str, one: fn(&str) -> bool) -> impl Iterator<Item = &str> {
    let maybe = value
        .bytes()
        .any(|b| matches!(b, b',' | b';' | b'/' | b'\n' | b'\r'));
    let parts = maybe.then(|| content::split(value, one)).flatten();
    let whole = parts.is_none().then_some(value);
    whole.into_iter().chain(parts.into_iter().flatten())
}

/// Phone slots in the order this row tries them: slots labelled mobile or
/// cell first, then the mapping's order.
pub fn phone_order<'s>(slots: &'s [Slot], cells: &[&str]) -> std::borrow::Cow<'s, [Slot]> {
    if slots.iter().all(|s| s.label.is_none()) {
        return std::borrow::Cow::Borrowed(slots);
    }
    let mut ordered = slots.to_vec();
    ordered.sort_by_key(|slot| {
        let mobile = slot.label.is_some_and(|l| {
            let label = cells[l].to_ascii_lowercase();
            label.contains("mobile") || label.contains("cell")
        });
        !mobile
    });
    std::borrow::Cow::Owned(ordered)
}

/// The first valid phone and the other valid ones.
pub struct Phones<'a> {
    pub primary: Phone,
    /// The whole cell the primary came from, as written.
    pub raw: &'a str,
    pub column: usize,
    pub secondary: Vec<String>,
}

/// Read every phone candidate of a row. Errors: the first candidate's error
/// when none is valid; `phone_missing` naming the columns when all are blank.
pub fn phones<'a>(
    normaliser: &PhoneNormaliser,
    mapping: &Mapping,
    cells: &[&'a str],
    region: &RowRegion,
) -> Result<Phones<'a>, RowError> {
    let mut found: Option<Phones> = None;
    let mut first_error: Option<RowError> = None;
    for slot in phone_order(mapping.phones(), cells).iter() {
        let cell = cells[slot.column];
        for value in phone_values(cell) {
            let value = value.strip_prefix('\'').unwrap_or(value);
            match read(normaliser, mapping, value, region) {
                Ok(phone) => match &mut found {
                    None => {
                        found = Some(Phones {
                            primary: phone,
                            raw: cell,
                            column: slot.column,
                            secondary: Vec::new(),
                        })
                    }
                    Some(f) => {
                        if f.primary.digits != phone.digits && !f.secondary.contains(&phone.digits)
                        {
                            f.secondary.push(phone.digits);
                        }
                    }
                },
                Err(e) if first_error.is_none() => {
                    first_error = Some(RowError::new(
                        e.code,
                        format!("column \"{}\": {}", mapping.header(slot.column), e.message),
                    ));
                }
                Err(_) => {}
            }
        }
    }
    if let Some(found) = found {
        return Ok(found);
    }
    let columns: Vec<&str> = mapping
        .phones()
        .iter()
        .map(|s| mapping.header(s.column))
        .collect();
    Err(match first_error {
        Some(mut e) if columns.len() > 1 => {
            e.message += &format!(
                " (no phone column of this row holds a valid number: {})",
                quoted_list(&columns)
            );
            e
        }
        Some(e) => e,
        None if columns.len() > 1 => RowError::new(
            ErrorCode::PhoneMissing,
            format!(
                "the phone columns {} are all empty; every contact needs a phone number",
                quoted_list(&columns)
            ),
        ),
        None => RowError::new(
            ErrorCode::PhoneMissing,
            format!(
                "column \"{}\": the phone column is empty; every contact needs a phone number",
                columns.first().copied().unwrap_or("phone")
            ),
        ),
    })
}

/// One candidate in the row's region.
pub(crate) fn read(
    normaliser: &PhoneNormaliser,
    mapping: &Mapping,
    value: &str,
    region: &RowRegion,
) -> Result<Phone, RowError> {
    match region {
        RowRegion::Default => normaliser.normalise(value),
        RowRegion::From { region, column } => normaliser
            .normalise_in(value, Some(*region))
            .map_err(|mut e| {
                e.message += &format!(
                    "; the region {region} came from column \"{}\"",
                    mapping.header(*column)
                );
                e
            }),
        RowRegion::Unreadable {
            column,
            value: country,
        } => {
            // A number with its own country code needs no country column.
            let own_code = ["+", "00"]
                .iter()
                .any(|p| value.trim_start().starts_with(p));
            match normaliser.normalise(value) {
                Ok(phone) if phone.national_in.is_none() => return Ok(phone),
                Err(e) if own_code => return Err(e),
                _ => {}
            }
            Err(RowError::new(
                ErrorCode::CountryUnknown,
                format!(
                    "\"{value}\" has no country code, and column \"{}\" holds \"{country}\", \
                     which is not a country hmbulk knows; write an ISO code (PK, GB, US), an \
                     English country name, or the number with its + and country code",
                    mapping.header(*column)
                ),
            ))
        }
    }
}

/// What the phone cells of the file's first rows `rows` show
/// ([`ColumnSample`]), each value read in its row's region. Rows of the
/// wrong width, or whose country nobody can read, are passed over.
pub fn sample_phones(
    normaliser: &PhoneNormaliser,
    mapping: &Mapping,
    rows: &Sample,
) -> ColumnSample {
    let mut sample = ColumnSample::default();
    let mut cells: Vec<&str> = Vec::new();
    for row in rows.rows() {
        cells.clear();
        cells.extend(row.iter().map(String::as_str));
        if cells.len() != mapping.len() {
            continue;
        }
        let region = match row_region(mapping, &cells) {
            RowRegion::Default => None,
            RowRegion::From { region, .. } => Some(region),
            RowRegion::Unreadable { .. } => continue,
        };
        for slot in mapping.phones() {
            for value in phone_values(cells[slot.column]) {
                sample.add(normaliser, value, region);
            }
        }
    }
    sample
}

/// Whether a row read with the default region (no country cell), whose
/// phone was refused, holds a phone that is a valid national number of
/// `region`: the one country the file's numbers with a code carry.
pub fn valid_in(
    normaliser: &PhoneNormaliser,
    mapping: &Mapping,
    cells: &[&str],
    region: Region,
) -> bool {
    if cells.len() != mapping.len() || row_region(mapping, cells) != RowRegion::Default {
        return false;
    }
    mapping.phones().iter().any(|slot| {
        phone_values(cells[slot.column]).any(|value| {
            let value = value.strip_prefix('\'').unwrap_or(value);
            normaliser
                .normalise_in(value, Some(region))
                .is_ok_and(|p| p.national_in == Some(region))
        })
    })
}

/// The first valid email and the other valid ones.
pub struct Emails<'a> {
    pub primary: Option<&'a str>,
    pub column: Option<usize>,
    pub secondary: Vec<&'a str>,
    /// True when every email cell of the row is blank.
    pub blank: bool,
}

/// Read every email candidate of a row. Error: the first invalid value's,
/// when no value is valid.
pub fn emails<'a>(
    mapping: &Mapping,
    cells: &[&'a str],
    invalid: impl Fn(&str, &str) -> RowError,
) -> Result<Emails<'a>, RowError> {
    let mut out = Emails {
        primary: None,
        column: None,
        secondary: Vec::new(),
        blank: true,
    };
    let mut first_error = None;
    for slot in mapping.emails() {
        for value in email_values(cells[slot.column]) {
            out.blank = false;
            if !is_email(value) {
                if first_error.is_none() {
                    first_error = Some(invalid(mapping.header(slot.column), value));
                }
                continue;
            }
            match &out.primary {
                None => {
                    out.primary = Some(value);
                    out.column = Some(slot.column);
                }
                Some(p) if p.eq_ignore_ascii_case(value) => {}
                Some(_) => {
                    if !out.secondary.iter().any(|s| s.eq_ignore_ascii_case(value)) {
                        out.secondary.push(value);
                    }
                }
            }
        }
    }
    match (out.primary.is_none(), first_error) {
        (true, Some(e)) => Err(e),
        _ => Ok(out),
    }
}

/// `something@domain.tld`: one `@`, no spaces, a dotted domain of non-empty
/// labels ending in a top-level domain of two or more letters.
pub fn is_email(s: &str) -> bool {
    if s.is_ascii() {
        return is_ascii_email(s.as_bytes());
    }
    is_any_email(s)
}

/// [`is_email`] of any text.
fn is_any_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let (mut labels, mut empty, mut tld) = (0, false, "");
    for label in domain.split('.') {
        labels += 1;
        empty |= label.is_empty();
        tld = label;
    }
    !local.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
        && !domain.contains('@')
        && labels >= 2
        && !empty
        && tld.chars().count() >= 2
        && tld.chars().all(char::is_alphabetic)
}

/// [`is_email`] of ASCII text, in one pass, each byte classed by a table
/// (a dry run checks a million of them).
fn is_ascii_email(s: &[u8]) -> bool {
    let mut bytes = s.iter();
    // The local part: up to the first `@`, not empty, no space.
    let mut local = 0;
    loop {
        match bytes.next().map(|&b| EMAIL_CLASS[usize::from(b)]) {
            None => return false,
            Some(AT) => break,
            Some(SPACE) => return false,
            Some(_) => local += 1,
        }
    }
    // The domain: dotted, non-empty labels; the last of two or more letters.
    let (mut dots, mut label_len, mut tld_alpha) = (0, 0, true);
    for &b in bytes {
        match EMAIL_CLASS[usize::from(b)] {
            DOT if label_len == 0 => return false,
            DOT => {
                dots += 1;
                label_len = 0;
                tld_alpha = true;
            }
            AT | SPACE => return false,
            class => {
                label_len += 1;
                tld_alpha &= class == LETTER;
            }
        }
    }
    local > 0 && dots >= 1 && label_len >= 2 && tld_alpha
}

/// Classes of ASCII bytes in an email address ([`EMAIL_CLASS`]).
const OTHER: u8 = 0;
const LETTER: u8 = 1;
const DOT: u8 = 2;
const AT: u8 = 3;
/// What `char::is_whitespace` says of ASCII, and the list separators.
const SPACE: u8 = 4;

const EMAIL_CLASS: [u8; 256] = {
    let mut class = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        class[b] = match b as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => LETTER,
            b'.' => DOT,
            b'@' => AT,
            b'\t'..=b'\r' | b' ' | b',' | b';' => SPACE,
            _ => OTHER,
        };
        b += 1;
    }
    class
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass check of ASCII text answers as the general one, on
    /// every string of up to 6 characters from the characters that matter.
    #[test]
    fn the_ascii_email_check_is_the_general_one() {
        let alphabet = [b'a', b'1', b'@', b'.', b' ', b',', b';', b'\x0b', b'-'];
        let mut text = Vec::new();
        for len in 0..=6u32 {
            for mut n in 0..alphabet.len().pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(alphabet[n % alphabet.len()]);
                    n /= alphabet.len();
                }
                let s = std::str::from_utf8(&text).unwrap();
                assert_eq!(is_ascii_email(&text), is_any_email(s), "{s:?}");
            }
        }
        assert!(is_email("ada@example.com") && is_email("a.b@c.de"));
        assert!(!is_email("broken@") && !is_email("a@b.c") && !is_email("a@@b.com"));
    }

    #[test]
    fn cells_of_several_values_split_when_each_is_one() {
        let phones: Vec<&str> = phone_values("+49 151 23456789, +49 30 1234567").collect();
        assert_eq!(phones, ["+49 151 23456789", "+49 30 1234567"]);
        let phones: Vec<&str> = phone_values("0171/1234567").collect();
        assert_eq!(phones, ["0171/1234567"], "one number with a slash");
        let phones: Vec<&str> = phone_values("(415) 555-0101 / (415) 555-0102").collect();
        assert_eq!(phones.len(), 2);
        let phones: Vec<&str> = phone_values("+1 415 555 0101\n+1 415 555 0102").collect();
        assert_eq!(phones.len(), 2);
        let emails: Vec<&str> = email_values("a@x.com; b@y.org").collect();
        assert_eq!(emails, ["a@x.com", "b@y.org"]);
        let emails: Vec<&str> = email_values("Ada, a@x.com").collect();
        assert_eq!(
            emails,
            ["Ada, a@x.com"],
            "not every part an address: left whole"
        );
    }
}
