//! Phone normalisation: any way a person or a spreadsheet writes a number ->
//! E.164 digits without `+` (`14155553434`).
//!
//! The answer is libphonenumber's (the `rlibphonenumber` port, metadata
//! 9.0.42): parse with the row's region, keep the number only when it is
//! valid, take the extension it splits off. A few rules of our own apply only
//! where libphonenumber finds no valid number in the cell, each named in the
//! README ("Phones") and in [`Rule`]: exact spreadsheet damage, `00`/`011` exit
//! codes, odd Unicode spaces, the `(0)` trunk, and Heymarket's own format
//! (E.164 digits without `+`).
//!
//! Takes one cell and a region (or none); gives a [`Phone`] or a [`RowError`]
//! whose message names the value, the region and what would be accepted.

mod clean;
mod damage;
mod tally;

use rlibphonenumber::{
    CountryCodeSource, PHONE_NUMBER_UTIL as LIB, ParseError, PhoneNumber, PhoneNumberFormat,
    PhoneNumberType,
};

use crate::error::{Error, Result};
use crate::outcome::{ErrorCode, RowError};
use damage::Damage;
pub use tally::CountryTally;

/// A cell longer than this is not a phone number, whatever it holds; checked
/// before any parsing so hostile cells cost nothing.
const MAX_CELL_CHARS: usize = 64;

/// E.164 numbers have at most 15 digits. The API's lower bound is not
/// documented (the simulator's profile says 8), so a number libphonenumber
/// calls valid is sent, and the API has the last word on short ones.
const E164_DIGITS: std::ops::RangeInclusive<usize> = 1..=15;

/// A normalised phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// E.164 digits without `+`.
    pub digits: String,
    /// An extension found in the cell (`x123`, `ext. 45`), never part of `digits`.
    pub extension: Option<String>,
    /// The region whose national format the cell was read in, when the cell
    /// carried no country code of its own; `None` when it did (`+44…`,
    /// `0044…`, or bare international digits).
    pub national_in: Option<Region>,
}

/// Which rule gave a number: libphonenumber's reading of the cell, or one of
/// ours (tried only when libphonenumber found no valid number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// libphonenumber's answer for the cell as written.
    Libphonenumber,
    /// libphonenumber's answer once thin, narrow and other odd spaces were
    /// made plain (`415 555 3434` with U+2009 between the groups).
    Spaces,
    /// Exact scientific notation expanded (`1.4155553434E+10`).
    SpreadsheetExact,
    /// A whole number printed as a float (`14155553434.0`).
    ZeroFraction,
    /// `00`/`011` read as the exit code where the region dials another one.
    ExitCode,
    /// `(0)` dropped after the country code (`+44 (0)121 …`).
    TrunkZero,
    /// Digits without `+` that are no valid national number but a valid
    /// international one (Heymarket's own format, `442079460001`).
    BareInternational,
}

/// A region the phone metadata knows, as an ISO 3166-1 alpha-2 code (`US`, `GB`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region([u8; 2]);

impl Region {
    /// `us`, ` GB ` -> a region, when the phone metadata has numbers for it.
    pub fn parse(code: &str) -> Option<Region> {
        let code = code.trim().to_ascii_uppercase();
        let bytes: [u8; 2] = code.as_bytes().try_into().ok()?;
        let lib = rlibphonenumber::Region::from_code(&code).ok()?;
        LIB.get_country_code_for_region(lib)
            .is_some()
            .then_some(Region(bytes))
    }

    /// The ISO code, upper case.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The country calling code numbers of this region start with (`1`, `44`).
    pub fn country_code(self) -> u16 {
        LIB.get_country_code_for_region(self.lib())
            .and_then(|c| u16::try_from(c).ok())
            .unwrap_or(0)
    }

    fn lib(self) -> rlibphonenumber::Region {
        // Built from a code `parse` checked, so this cannot fail.
        rlibphonenumber::Region::from_code(self.as_str()).unwrap_or(rlibphonenumber::Region::US)
    }
}

impl std::fmt::Display for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Normalises phones for one default region (or none: `--default-region
/// none`). Cheap to clone and share across threads: the metadata is one
/// global, read-only table.
#[derive(Debug, Clone)]
pub struct PhoneNormaliser {
    region: Option<Region>,
    /// The file's layout says bare digits are E.164 (Heymarket's own format,
    /// `mapping::Layout::e164_digits`): read with `+` first, national only
    /// when that reading is invalid.
    heymarket_digits: bool,
    /// "+1 415 555 3434, (415) 555-3434, or …": what an invalid-phone message offers.
    accepted: String,
}

impl PhoneNormaliser {
    /// `region` is an ISO 3166 code (`US`, `GB`), or `none` to read no number
    /// as national; an unknown one is a usage error.
    pub fn new(region: &str) -> Result<Self> {
        if region.trim().eq_ignore_ascii_case("none") {
            return Ok(PhoneNormaliser {
                region: None,
                heymarket_digits: false,
                accepted: accepted_forms(None),
            });
        }
        let region = Region::parse(region).ok_or_else(|| {
            Error::usage(format!(
                "unknown region `{region}` for --default-region: write the two-letter \
                 ISO 3166 code of the country whose national numbers the file holds, \
                 such as US, CA, GB, AU, DE or FR, or `none` to accept only numbers \
                 written with their country code"
            ))
        })?;
        Ok(PhoneNormaliser {
            region: Some(region),
            heymarket_digits: false,
            accepted: accepted_forms(Some(region)),
        })
    }

    /// The same, reading a cell of bare digits with `+` first when
    /// `e164_digits` (the file's layout says so: `hmbulk export` writes
    /// Heymarket's E.164 digits without `+`). Otherwise a valid national
    /// reading wins: `6785912345` is a US number in a US file, but Vanuatu's
    /// `+678 59 12345` in an export.
    pub fn e164_digits(mut self, e164_digits: bool) -> Self {
        self.heymarket_digits = e164_digits;
        self
    }

    /// The default region, as an ISO 3166 code, or `none`.
    pub fn region(&self) -> &str {
        self.region.as_ref().map_or("none", Region::as_str)
    }

    /// Normalise one cell read in the default region. Errors: `phone_missing`
    /// (blank), `phone_invalid`, `phone_spreadsheet_damaged`,
    /// `phone_needs_country` (no country code, and no region to read it in);
    /// the message names what would be accepted.
    pub fn normalise(&self, raw: &str) -> std::result::Result<Phone, RowError> {
        self.normalise_in(raw, None)
    }

    /// Normalise one cell of a row whose own region (from a country column)
    /// is `region`; `None` reads it in the default region.
    pub fn normalise_in(
        &self,
        raw: &str,
        region: Option<Region>,
    ) -> std::result::Result<Phone, RowError> {
        self.read(raw, region).map(|(phone, _)| phone)
    }

    /// [`normalise_in`](Self::normalise_in), and which rule gave the number.
    pub fn read(
        &self,
        raw: &str,
        region: Option<Region>,
    ) -> std::result::Result<(Phone, Rule), RowError> {
        let region = region.or(self.region);
        let cell = raw.trim();
        if cell.is_empty() {
            return Err(RowError::new(
                ErrorCode::PhoneMissing,
                "the phone column is empty; every contact needs a phone number",
            ));
        }
        if cell.chars().count() > MAX_CELL_CHARS {
            let start: String = cell.chars().take(24).collect();
            let reason = "is too long to be a phone number";
            return Err(self.invalid(&format!("{start}…"), region, reason, ""));
        }
        let spaced = clean::spaces(cell);
        let text = spaced.as_ref();
        if self.heymarket_digits
            && let Some(pn) = clean::bare_international(text).and_then(|t| valid(&t, None))
        {
            return Ok((phone(&pn, region), Rule::BareInternational));
        }
        let found = match damage::recover(text) {
            None => {
                let first = parse(text, region);
                match first.as_ref().ok().filter(|pn| pn.is_valid()) {
                    Some(pn) => {
                        let rule = if text == cell {
                            Rule::Libphonenumber
                        } else {
                            Rule::Spaces
                        };
                        return Ok((phone(pn, region), rule));
                    }
                    None => our_rules(text, region).ok_or(first),
                }
            }
            Some(Ok(digits)) => match read_text(&digits, region) {
                Ok((pn, _)) => Ok((pn, Rule::SpreadsheetExact)),
                Err(first) => Err(first),
            },
            Some(Err(Damage::Rounded { significant })) => {
                return Err(RowError::new(
                    ErrorCode::PhoneSpreadsheetDamaged,
                    format!(
                        "\"{raw}\" was rounded by a spreadsheet to {significant} significant \
                         digits, so digits of the phone number were lost; format the phone \
                         column as Text, export the file again (or type the numbers in), \
                         and re-import"
                    ),
                ));
            }
            Some(Err(Damage::Fraction)) => {
                let reason = "is a number with a fraction, not a phone";
                return Err(self.invalid(raw, region, reason, ""));
            }
        };
        let (pn, rule) = match found {
            Ok(found) => found,
            Err(first) => return Err(self.rejected(raw, text, region, &first)),
        };
        let phone = phone(&pn, region);
        if !E164_DIGITS.contains(&phone.digits.len()) {
            let reason = format!(
                "has {} digits with its country code, and E.164 allows at most 15",
                phone.digits.len()
            );
            return Err(self.invalid(raw, region, &reason, ""));
        }
        Ok((phone, rule))
    }

    /// The error for a cell nothing read as a valid number; `first` is
    /// libphonenumber's reading of it.
    fn rejected(
        &self,
        raw: &str,
        text: &str,
        region: Option<Region>,
        first: &std::result::Result<PhoneNumber, ParseError>,
    ) -> RowError {
        if region.is_none() && matches!(first, Err(ParseError::InvalidCountryCode)) {
            let written_with_code = text.contains(['+', '＋']) || clean::exit_code(text).is_some();
            if !written_with_code {
                return needs_country(raw);
            }
        }
        let reason = match first {
            Ok(pn) if pn.country_code_source() == CountryCodeSource::FromDefaultCountry => {
                "is not a valid national phone number".to_string()
            }
            Ok(pn) => format!(
                "is not a valid number for country code +{}",
                pn.country_code
            ),
            Err(e) => parse_failure(e).to_string(),
        };
        self.invalid(raw, region, &reason, "")
    }

    fn invalid(&self, raw: &str, region: Option<Region>, reason: &str, hint: &str) -> RowError {
        let accepted = if region == self.region {
            self.accepted.clone()
        } else {
            accepted_forms(region)
        };
        let region = match region {
            Some(r) if Some(r) == self.region => format!("default region {r}"),
            Some(r) => format!("region {r}"),
            None => "no default region".to_string(),
        };
        RowError::new(
            ErrorCode::PhoneInvalid,
            format!("\"{raw}\" {reason} ({region}){hint}; write it like {accepted}"),
        )
    }
}

/// libphonenumber's reading, keeping where the country code came from.
fn parse(text: &str, region: Option<Region>) -> std::result::Result<PhoneNumber, ParseError> {
    LIB.parse_and_keep_raw_input(text, region.map(Region::lib))
}

fn valid(text: &str, region: Option<Region>) -> Option<PhoneNumber> {
    parse(text, region).ok().filter(|pn| pn.is_valid())
}

/// libphonenumber's valid reading of `text`, else our rules'; the error is
/// libphonenumber's first reading.
fn read_text(
    text: &str,
    region: Option<Region>,
) -> std::result::Result<(PhoneNumber, Rule), std::result::Result<PhoneNumber, ParseError>> {
    let first = parse(text, region);
    if let Some(pn) = first.as_ref().ok().filter(|pn| pn.is_valid()) {
        return Ok((pn.clone(), Rule::Libphonenumber));
    }
    our_rules(text, region).ok_or(first)
}

/// Our own rules, in order, for a cell libphonenumber found no valid number
/// in. Each rewrites the cell and hands it back to libphonenumber.
fn our_rules(text: &str, region: Option<Region>) -> Option<(PhoneNumber, Rule)> {
    if let Some(whole) = damage::zero_fraction(text)
        && let Ok((pn, _)) = read_text(whole, region)
    {
        return Some((pn, Rule::ZeroFraction));
    }
    if let Some(plus) = clean::exit_code(text) {
        if let Some(pn) = valid(&plus, None) {
            return Some((pn, Rule::ExitCode));
        }
        if let Some(pn) = clean::without_bracketed_zero(&plus).and_then(|t| valid(&t, None)) {
            return Some((pn, Rule::ExitCode));
        }
    }
    if let Some(pn) = clean::without_bracketed_zero(text).and_then(|t| valid(&t, region)) {
        return Some((pn, Rule::TrunkZero));
    }
    if let Some(pn) = clean::bare_international(text).and_then(|t| valid(&t, None)) {
        return Some((pn, Rule::BareInternational));
    }
    None
}

fn phone(pn: &PhoneNumber, region: Option<Region>) -> Phone {
    let e164 = pn.format_as(PhoneNumberFormat::E164);
    let national = pn.country_code_source() == CountryCodeSource::FromDefaultCountry;
    Phone {
        digits: e164.trim_start_matches('+').to_string(),
        extension: pn.extension.clone().filter(|e| !e.is_empty()),
        national_in: region.filter(|_| national),
    }
}

fn needs_country(raw: &str) -> RowError {
    RowError::new(
        ErrorCode::PhoneNeedsCountry,
        format!(
            "\"{raw}\" has no country code, and --default-region none reads no number as \
             national; add a country column, pass --default-region with the country whose \
             national numbers the file holds (such as US or GB), or write the number with \
             its country code (+1 415 555 3434, +44 20 7946 0958)"
        ),
    )
}

fn parse_failure(e: &ParseError) -> &'static str {
    match e {
        ParseError::NotANumber(_) => "holds no phone number",
        ParseError::InvalidCountryCode => "starts with a country code that does not exist",
        ParseError::TooShortAfterIdd | ParseError::TooShortNsn => {
            "is too short to be a phone number"
        }
        ParseError::TooLongNsn => "is too long to be a phone number",
    }
}

/// What an invalid-phone message offers as good forms for `region`: the
/// region's own example number, nationally and internationally, and a number
/// of another country with its country code.
fn accepted_forms(region: Option<Region>) -> String {
    let Some(region) = region else {
        return "+44 20 7946 0958 or +1 415 555 3434, with the country code".to_string();
    };
    if region.as_str() == "US" {
        return "+1 415 555 3434, (415) 555-3434, or +44 20 7946 0958 with the country code"
            .to_string();
    }
    let example = [PhoneNumberType::Mobile, PhoneNumberType::FixedLine]
        .into_iter()
        .find_map(|kind| {
            LIB.get_example_number_for_type_and_region(region.lib(), kind)
                .ok()
        });
    match example {
        Some(pn) => format!(
            "{}, {}, or +1 415 555 3434 with the country code",
            pn.format_as(PhoneNumberFormat::International),
            pn.format_as(PhoneNumberFormat::National),
        ),
        None => "+44 20 7946 0958 or +1 415 555 3434, with the country code".to_string(),
    }
}

#[cfg(test)]
mod differential;
#[cfg(test)]
mod tests;
