//! A row's phone and email from several columns, and its region from its
//! country column. Takes a row's cells and the [`Mapping`]'s priority lists;
//! gives the first valid phone and email (the rest are kept as secondary
//! channels) or the row's error.
//!
//! - Candidates are tried column by column in priority order; a column whose
//!   label cell says mobile or cell (Google's `Phone 1 - Type`) comes first.
//!   A cell may hold several values separated by ` ::: ` (Google).
//! - A leading `'` (Shopify and Excel write it to keep a number as text) is
//!   not part of a phone.
//! - The region: the first country column with a value. A value nobody can
//!   read is no problem for a number with its own `+CC`; any other number of
//!   that row fails as `country_unknown`, naming the column and the value
//!   (guessing the default region there could text a stranger).

use crate::country;
use crate::mapping::{Mapping, Slot, quoted_list};
use crate::outcome::{ErrorCode, RowError};
use crate::phone::{Phone, PhoneNormaliser, Region};

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
pub fn row_region(mapping: &Mapping, cells: &[String]) -> RowRegion {
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
    cell.split(":::").map(str::trim).filter(|v| !v.is_empty())
}

/// Phone slots in the order this row tries them: slots labelled mobile or
/// cell first, then the mapping's order.
pub fn phone_order(slots: &[Slot], cells: &[String]) -> Vec<Slot> {
    let mut ordered = slots.to_vec();
    ordered.sort_by_key(|slot| {
        let mobile = slot.label.is_some_and(|l| {
            let label = cells[l].to_ascii_lowercase();
            label.contains("mobile") || label.contains("cell")
        });
        !mobile
    });
    ordered
}

/// The first valid phone and the other valid ones.
pub struct Phones {
    pub primary: Phone,
    /// The whole cell the primary came from, as written.
    pub raw: String,
    pub column: usize,
    pub secondary: Vec<String>,
}

/// Read every phone candidate of a row. Errors: the first candidate's error
/// when none is valid; `phone_missing` naming the columns when all are blank.
pub fn phones(
    normaliser: &PhoneNormaliser,
    mapping: &Mapping,
    cells: &[String],
    region: &RowRegion,
) -> Result<Phones, RowError> {
    let mut found: Option<Phones> = None;
    let mut first_error: Option<RowError> = None;
    for slot in phone_order(mapping.phones(), cells) {
        let cell = &cells[slot.column];
        for value in values(cell) {
            let value = value.strip_prefix('\'').unwrap_or(value);
            match read(normaliser, mapping, value, region) {
                Ok(phone) => match &mut found {
                    None => {
                        found = Some(Phones {
                            primary: phone,
                            raw: cell.clone(),
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

/// The first valid email and the other valid ones.
pub struct Emails {
    pub primary: Option<String>,
    pub column: Option<usize>,
    pub secondary: Vec<String>,
    /// True when every email cell of the row is blank.
    pub blank: bool,
}

/// Read every email candidate of a row. Error: the first invalid value's,
/// when no value is valid.
pub fn emails(
    mapping: &Mapping,
    cells: &[String],
    invalid: impl Fn(&str, &str) -> RowError,
) -> Result<Emails, RowError> {
    let mut out = Emails {
        primary: None,
        column: None,
        secondary: Vec::new(),
        blank: true,
    };
    let mut first_error = None;
    for slot in mapping.emails() {
        for value in values(&cells[slot.column]) {
            out.blank = false;
            if !is_email(value) {
                if first_error.is_none() {
                    first_error = Some(invalid(mapping.header(slot.column), value));
                }
                continue;
            }
            match &out.primary {
                None => {
                    out.primary = Some(value.to_string());
                    out.column = Some(slot.column);
                }
                Some(p) if p.eq_ignore_ascii_case(value) => {}
                Some(_) => {
                    if !out.secondary.iter().any(|s| s.eq_ignore_ascii_case(value)) {
                        out.secondary.push(value.to_string());
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
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    let tld = labels.last().copied().unwrap_or("");
    !local.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
        && !domain.contains('@')
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty())
        && tld.chars().count() >= 2
        && tld.chars().all(char::is_alphabetic)
}
