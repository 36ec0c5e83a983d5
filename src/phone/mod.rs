//! Phone normalisation: any way a person or a spreadsheet writes a number ->
//! E.164 digits without `+` (`14155553434`), by libphonenumber rules with a
//! default region for national numbers. Extensions are split off; spreadsheet
//! damage (`1.4155553434E+10`, `14155553434.0`) is recovered when exact and
//! reported as `phone_spreadsheet_damaged` when digits were lost.
//!
//! Takes one cell; gives a [`Phone`] or a [`RowError`] whose message names the
//! value, the default region and what would be accepted.

mod clean;
mod damage;

use phonenumber::country::{Id, Source};
use phonenumber::metadata::Database;
use phonenumber::{Mode, ParseError, PhoneNumber};

use crate::error::{Error, Result};
use crate::outcome::{ErrorCode, RowError};
use damage::Damage;

/// libphonenumber metadata 9.0.33, copied from the `phonenumber` crate
/// (0.3.10+9.0.33, `assets/PhoneNumberMetadata.xml`, Apache-2.0, Copyright
/// The Libphonenumber Authors).
///
/// Vendored by hand because the crate's global `DATABASE` serialises every
/// thread on one regex-cache mutex (research/perf-baseline.md §2: two threads
/// validate slower than one), and the crate exposes no way to build a second
/// database other than parsing this XML, which is not reachable from our
/// build portably (it lives in the cargo registry, not in the crate's API).
/// When the crate is upgraded, copy the file again from its `assets/`.
const METADATA_XML: &str = include_str!("PhoneNumberMetadata.xml");

thread_local! {
    /// One database per thread (about 110 ms to build, once per thread), so
    /// rayon workers never wait on each other's regex cache.
    static DATABASE: Database = Database::parse(METADATA_XML)
        .expect("the vendored PhoneNumberMetadata.xml parses (a unit test checks it)");
}

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

/// A region the phone metadata knows, as an ISO 3166-1 alpha-2 code (`US`, `GB`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region([u8; 2]);

impl Region {
    /// `us`, ` GB ` -> a region, when the phone metadata has numbers for it.
    pub fn parse(code: &str) -> Option<Region> {
        let code = code.trim().to_ascii_uppercase();
        let bytes: [u8; 2] = code.as_bytes().try_into().ok()?;
        let id = code.parse::<Id>().ok()?;
        DATABASE
            .with(|db| db.by_id(id.as_ref()).is_some())
            .then_some(Region(bytes))
    }

    /// The ISO code, upper case.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    fn id(self) -> Id {
        self.as_str().parse().unwrap_or(Id::US)
    }
}

impl std::fmt::Display for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Normalises phones for one default region. Cheap to share across threads:
/// each thread uses its own metadata database (the crate's default one sits
/// behind one global mutex).
#[derive(Debug, Clone)]
pub struct PhoneNormaliser {
    region: Id,
    /// The default region's country code as written after `+` (`"1"`, `"44"`).
    own_code: String,
    /// "+1 415 555 3434, (415) 555-3434, or …": what an invalid-phone message offers.
    accepted: String,
}

impl PhoneNormaliser {
    /// `region` is an ISO 3166 code (`US`, `GB`); an unknown one is a usage error.
    pub fn new(region: &str) -> Result<Self> {
        let code = region.trim().to_ascii_uppercase();
        let region = code
            .parse::<Id>()
            .ok()
            .filter(|id| DATABASE.with(|db| db.by_id(id.as_ref()).is_some()))
            .ok_or_else(|| {
                Error::usage(format!(
                    "unknown region `{region}` for --default-region: write the two-letter \
                     ISO 3166 code of the country whose national numbers the file holds, \
                     such as US, CA, GB, AU, DE or FR"
                ))
            })?;
        let (own_code, accepted) = DATABASE.with(|db| {
            let code = db.by_id(region.as_ref()).map_or(0, |m| m.country_code());
            (code.to_string(), accepted_forms(db, region))
        });
        Ok(PhoneNormaliser {
            region,
            own_code,
            accepted,
        })
    }

    /// The default region, as an ISO 3166 code.
    pub fn region(&self) -> &str {
        self.region.as_ref()
    }

    /// Normalise one cell read in the default region. Errors: `phone_missing`
    /// (blank), `phone_invalid`, `phone_spreadsheet_damaged`; the message names
    /// what would be accepted.
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
        match region {
            Some(r) if r.id() != self.region => PhoneNormaliser::new(r.as_str())
                .map_err(|e| RowError::new(ErrorCode::PhoneInvalid, e.to_string()))?
                .normalise_default(raw),
            _ => self.normalise_default(raw),
        }
    }

    fn normalise_default(&self, raw: &str) -> std::result::Result<Phone, RowError> {
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
            return Err(self.invalid(&format!("{start}…"), reason, ""));
        }
        let folded = clean::fold(cell);
        let (number, extension) = clean::split_extension(clean::strip_tel(folded.trim()));
        let recovered;
        let number = match damage::recover(number) {
            None => number,
            Some(Ok(digits)) => {
                recovered = digits;
                recovered.as_str()
            }
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
                return Err(self.invalid(raw, "is a number with a fraction, not a phone", ""));
            }
        };
        DATABASE.with(|db| self.parse(db, raw, number, extension))
    }

    fn parse(
        &self,
        db: &Database,
        raw: &str,
        number: &str,
        extension: Option<String>,
    ) -> std::result::Result<Phone, RowError> {
        let valid = |text: &str| self.read(db, text).ok().filter(|pn| pn.is_valid_with(db));
        let first = self.read(db, number);
        let found = match &first {
            Ok(pn) if pn.is_valid_with(db) => Some(pn.clone()),
            _ => clean::without_trunk_zero(number, |cc| db.by_code(&cc).is_some())
                .and_then(|retry| valid(&retry)),
        };
        let Some(pn) = found else {
            let reason = match &first {
                Ok(pn) => not_valid_reason(pn),
                Err(e) => parse_failure(e).to_string(),
            };
            return Err(self.invalid(raw, &reason, &lost_plus_hint(number, valid)));
        };
        let digits = e164_digits(&pn);
        if !E164_DIGITS.contains(&digits.len()) {
            let reason = format!(
                "has {} digits with its country code, and E.164 allows at most 15",
                digits.len()
            );
            return Err(self.invalid(raw, &reason, ""));
        }
        let extension = extension.or_else(|| pn.extension().map(|e| e.to_string()));
        let national_in = (pn.code().source() == Source::Default)
            .then(|| Region::parse(self.region()))
            .flatten();
        Ok(Phone {
            digits,
            extension,
            national_in,
        })
    }

    /// `+CC…` with a foreign country code is read without a region: given
    /// one, the crate strips that region's national prefix from the foreign
    /// number (`+44 121…` with US loses the `1` of `121`). Anything else is
    /// read with the default region, which is also much faster for `+1…`
    /// (region-free, the crate tries every region that shares the code).
    fn read(&self, db: &Database, text: &str) -> std::result::Result<PhoneNumber, ParseError> {
        let foreign = text.strip_prefix('+').is_some_and(|rest| {
            let mut digits = rest.chars().filter(char::is_ascii_digit);
            !self.own_code.chars().all(|c| digits.next() == Some(c))
        });
        phonenumber::parse_with(db, (!foreign).then_some(self.region), text)
    }

    fn invalid(&self, raw: &str, reason: &str, hint: &str) -> RowError {
        RowError::new(
            ErrorCode::PhoneInvalid,
            format!(
                "\"{raw}\" {reason} (default region {region}){hint}; write it like {accepted}",
                region = self.region(),
                accepted = self.accepted,
            ),
        )
    }
}

fn not_valid_reason(pn: &PhoneNumber) -> String {
    match pn.code().source() {
        Source::Plus | Source::Idd | Source::Number => format!(
            "is not a valid number for country code +{}",
            pn.code().value()
        ),
        Source::Default => "is not a valid national phone number".to_string(),
    }
}

fn parse_failure(e: &ParseError) -> &'static str {
    match e {
        ParseError::NoNumber | ParseError::MalformedInteger(_) => "holds no phone number",
        ParseError::InvalidCountryCode => "starts with a country code that does not exist",
        ParseError::TooShortAfterIdd | ParseError::TooShortNsn => {
            "is too short to be a phone number"
        }
        ParseError::TooLong => "is too long to be a phone number",
    }
}

/// Spreadsheets drop the `+` of `+447911123456` when they take it for a
/// number. When the digits are a valid international number, say so (but do
/// not guess: the row still fails).
fn lost_plus_hint(number: &str, valid: impl Fn(&str) -> Option<PhoneNumber>) -> String {
    let bare = number.bytes().all(|b| b.is_ascii_digit()) && !number.starts_with('0');
    if !bare || !(8..=15).contains(&number.len()) {
        return String::new();
    }
    match valid(&format!("+{number}")) {
        Some(pn) => format!(
            "; with a + it would be the valid number +{} (a spreadsheet may have dropped \
             the +: format the column as Text)",
            e164_digits(&pn)
        ),
        None => String::new(),
    }
}

/// E.164 without the `+`: country code then national number (with any
/// leading zeros the number keeps, as in Italy). Never the extension.
fn e164_digits(pn: &PhoneNumber) -> String {
    format!("{}{}", pn.code().value(), pn.national())
}

/// What an invalid-phone message offers as good forms for `region`: the
/// region's own example number, nationally and internationally, and a number
/// of another country with its country code.
fn accepted_forms(db: &Database, region: Id) -> String {
    if region == Id::US {
        return "+1 415 555 3434, (415) 555-3434, or +44 20 7946 0958 with the country code"
            .to_string();
    }
    let example = db
        .by_id(region.as_ref())
        .and_then(|meta| {
            let kinds = meta.descriptors();
            kinds.mobile().or(kinds.fixed_line())
        })
        .and_then(|d| d.example())
        .and_then(|n| phonenumber::parse_with(db, Some(region), n).ok());
    match example {
        Some(pn) => format!(
            "{}, {}, or +1 415 555 3434 with the country code",
            phonenumber::format_with(db, &pn).mode(Mode::International),
            phonenumber::format_with(db, &pn).mode(Mode::National),
        ),
        None => "+44 20 7946 0958 or +1 415 555 3434, with the country code".to_string(),
    }
}

#[cfg(test)]
mod tests;
