//! Phone normalisation: any way a person or a spreadsheet writes a number ->
//! E.164 digits without `+` (`14155553434`).
//!
//! The answer is libphonenumber's (the `rlibphonenumber` port, metadata
//! 9.0.42): parse with the row's region, keep the number only when it is
//! valid, take the extension it splits off. A rule of our own may only turn
//! libphonenumber's refusal into a number where no slip of the hand (a digit
//! dropped, doubled, inserted or swapped) can reach it, each named in the
//! docs/phones.md and in [`Rule`]: exact spreadsheet damage, odd Unicode
//! spaces, `00` in a North American file, the `(0)` trunk right after a
//! country code. Two more need evidence or are certain by construction:
//! - a spreadsheet float (`N.0`, `N.00`) is the whole number `N` and nothing
//!   else, even where libphonenumber would read the zeros as digits;
//! - digits without `+` are E.164 (Heymarket's own format) only when the file
//!   says so ([`PhoneNormaliser::e164_digits`]: its layout, `--phones e164`,
//!   or its phone column's own numbers, [`evidence`]); otherwise such a cell
//!   that only a `+` would make valid is refused, and the message says what
//!   it looks like and how to say so.
//!
//! Takes one cell and a region (or none); gives a [`Phone`] or a [`RowError`]
//! whose message names the value, the region and what would be accepted.
//!
//! Speed, without changing an answer:
//! - The shapes North American numbers fill files with (`(415) 555-0100`,
//!   `+1 415 555 0100`, `1-415-555-0100`, `4155550100 x12` …) are read by
//!   [`clean::nanp`] instead of libphonenumber's parser, which for exactly
//!   these shapes gives country code 1, the ten digits, where the country code
//!   came from and the extension (the reasoning is on [`nanp_valid`]); whether
//!   the number is valid is still libphonenumber's own check. Any other cell,
//!   and any number that check refuses, takes the full path. The differential
//!   test holds both paths to libphonenumber's answers.
//! - One libphonenumber instance serves every thread ([`lib`]).

mod clean;
mod damage;
pub mod evidence;
mod exchange;
mod tally;

use rlibphonenumber::{
    CountryCodeSource, PHONE_NUMBER_UTIL as LIB, ParseError, PhoneNumber, PhoneNumberFormat,
    PhoneNumberType, PhoneNumberUtil,
};

use crate::error::{Error, Result};
use crate::outcome::{ErrorCode, RowError};
use damage::Damage;
pub use evidence::{ColumnSample, DigitsReading, PhonesSetting};
pub use tally::{CountryCounter, CountryTally, country_code_of};

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
    /// `00` read as the exit code in a North American file (whose exit code
    /// is `011`; no North American number starts with `0`).
    ExitCode,
    /// `(0)` dropped right after the country code (`+47 (0)21 …`).
    TrunkZero,
    /// Digits without `+` read as E.164 (Heymarket's own format,
    /// `442079460001`), in a file that says its digits are E.164.
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
        if &bytes == b"US" {
            // The default region, answered without waiting for the metadata
            // to load (a test checks that it has US).
            return Some(Region(bytes));
        }
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

    /// The country's name in English, for messages (`Egypt`, `United Kingdom`).
    pub fn name(self) -> String {
        const SHORT: &[(&str, &str)] = &[
            ("GB", "United Kingdom"),
            ("US", "United States"),
            ("KR", "South Korea"),
            ("KP", "North Korea"),
            ("RU", "Russia"),
            ("IR", "Iran"),
            ("VE", "Venezuela"),
            ("TW", "Taiwan"),
            ("MK", "North Macedonia"),
            ("TZ", "Tanzania"),
            ("MD", "Moldova"),
            ("LA", "Laos"),
            ("CD", "DR Congo"),
            ("FM", "Micronesia"),
            ("AE", "United Arab Emirates"),
        ];
        let code = self.as_str();
        if let Some((_, name)) = SHORT.iter().find(|(c, _)| *c == code) {
            return (*name).to_string();
        }
        celes::Country::from_alpha2(code).map_or_else(
            |_| code.to_string(),
            |c| c.long_name.trim_start_matches("The ").to_string(),
        )
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

/// Load libphonenumber's metadata and compile the patterns a North American
/// number is checked with, on a thread of their own, once per process: a
/// run sets up its reports meanwhile (about 10 ms that a small file would
/// otherwise wait for).
fn warm_up() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let _ = std::thread::Builder::new()
            .name("phone-metadata".into())
            .spawn(|| {
                let mut pn = PhoneNumber {
                    country_code: 1,
                    national_number: 2_015_550_123,
                    ..PhoneNumber::default()
                };
                pn.set_country_code_source(CountryCodeSource::FromDefaultCountry);
                LIB.is_valid_number(&pn);
            });
    });
}

/// The libphonenumber instance every thread reads numbers with: one per
/// process. Its compiled patterns serve each thread from a cache of that
/// thread's own (the `regex` crate keeps them in eight stacks picked by
/// thread, so two to eight validating threads do not wait on each other);
/// an instance per thread, as before, cost 7 MB and 10 ms to build each and
/// compiled every pattern again, for no CPU gained on a 1M-row run.
fn lib() -> &'static PhoneNumberUtil {
    &LIB
}

/// Normalises phones for one default region (or none: `--default-region
/// none`). Cheap to clone and share across threads: the metadata is one
/// global, read-only table.
#[derive(Debug, Clone)]
pub struct PhoneNormaliser {
    region: Option<Region>,
    /// The file says its digits without `+` are E.164 (Heymarket's own
    /// format; [`evidence`]): read with `+` first, national only when that
    /// reading is invalid. Otherwise they are read as libphonenumber reads
    /// them with the region, and never with a `+` of ours.
    e164_digits: bool,
    /// "+1 415 555 3434, (415) 555-3434, or …": what an invalid-phone message offers.
    accepted: String,
}

impl PhoneNormaliser {
    /// `region` is an ISO 3166 code (`US`, `GB`), or `none` to read no number
    /// as national; an unknown one is a usage error.
    pub fn new(region: &str) -> Result<Self> {
        warm_up();
        if region.trim().eq_ignore_ascii_case("none") {
            return Ok(PhoneNormaliser {
                region: None,
                e164_digits: false,
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
            e164_digits: false,
            accepted: accepted_forms(Some(region)),
        })
    }

    /// The same, reading a cell of bare digits with `+` first when
    /// `e164_digits` (the file says its digits are E.164: its layout, the
    /// user, or its phone column, [`DigitsReading`]). Otherwise a bare cell
    /// is read as libphonenumber reads it with the region: `6785912345` is a
    /// US number in a US file, but Vanuatu's `+678 59 12345` in an export,
    /// and `20888630944` (a US number with a digit too many) is refused in a
    /// US file, not read as Egypt's `+20 88 863 0944`.
    pub fn e164_digits(mut self, e164_digits: bool) -> Self {
        self.e164_digits = e164_digits;
        self
    }

    /// Whether bare digits are read as E.164 first.
    pub fn reads_e164_digits(&self) -> bool {
        self.e164_digits
    }

    /// The default region, as an ISO 3166 code, or `none`.
    pub fn region(&self) -> &str {
        self.region.as_ref().map_or("none", Region::as_str)
    }

    /// The default region, if any.
    pub fn default_region(&self) -> Option<Region> {
        self.region
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
    /// Whatever path found it, a number longer than E.164 allows is refused:
    /// libphonenumber calls some (German numbers of 14 national digits)
    /// valid, and the API takes at most 15 digits.
    pub fn read(
        &self,
        raw: &str,
        region: Option<Region>,
    ) -> std::result::Result<(Phone, Rule), RowError> {
        let region = region.or(self.region);
        let (phone, rule) = self.find(raw, region)?;
        if !E164_DIGITS.contains(&phone.digits.len()) {
            let reason = format!(
                "has {} digits with its country code, and E.164 allows at most 15",
                phone.digits.len()
            );
            return Err(self.invalid(raw, region, &reason, ""));
        }
        Ok((phone, rule))
    }

    /// The number in `raw` and the rule that read it, by the first path that
    /// finds one; its length is [`read`](Self::read)'s to check.
    fn find(
        &self,
        raw: &str,
        region: Option<Region>,
    ) -> std::result::Result<(Phone, Rule), RowError> {
        let cell = raw.trim();
        if cell.is_empty() {
            return Err(RowError::new(
                ErrorCode::PhoneMissing,
                "the phone column is empty; every contact needs a phone number",
            ));
        }
        if cell.len() > MAX_CELL_CHARS && cell.chars().count() > MAX_CELL_CHARS {
            let start: String = cell.chars().take(24).collect();
            let reason = "is too long to be a phone number";
            return Err(self.invalid(&format!("{start}…"), region, reason, ""));
        }
        let spaced = clean::spaces(cell);
        let text = spaced.as_ref();
        // A float is its whole number and nothing else: `501234567.0` is
        // never `5012345670`, even where libphonenumber would read it so.
        if let Some(whole) = damage::zero_fraction(text) {
            return match self.read_text(whole, region) {
                Ok((pn, _)) => Ok((phone(&pn, region), Rule::ZeroFraction)),
                Err(first) => {
                    let why = format!(
                        "is the whole number {whole} printed as a float (a spreadsheet's \
                         number format), and {whole}"
                    );
                    Err(self.rejected(raw, whole, region, &first, &why))
                }
            };
        }
        let (pn, rule) = match damage::recover(text) {
            // Most cells: a North American number, read on the fast path.
            None if !self.e164_digits
                && let Some(pn) = nanp_valid(text, region) =>
            {
                let rule = if text == cell {
                    Rule::Libphonenumber
                } else {
                    Rule::Spaces
                };
                return Ok((phone(&pn, region), rule));
            }
            None => match self.read_text(text, region) {
                Ok((pn, Rule::Libphonenumber)) if text != cell => (pn, Rule::Spaces),
                Ok(found) => found,
                Err(first) => return Err(self.rejected(raw, text, region, &first, "")),
            },
            Some(Ok(digits)) => match self.read_text(&digits, region) {
                Ok((pn, Rule::BareInternational)) => (pn, Rule::BareInternational),
                Ok((pn, _)) => (pn, Rule::SpreadsheetExact),
                Err(first) => return Err(self.rejected(raw, &digits, region, &first, "")),
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
        Ok((phone(&pn, region), rule))
    }

    /// libphonenumber's valid reading of `text`, else our rules'; the error
    /// is libphonenumber's first reading. In a file whose digits are E.164,
    /// a cell of bare digits is read with `+` first.
    fn read_text(
        &self,
        text: &str,
        region: Option<Region>,
    ) -> std::result::Result<(PhoneNumber, Rule), std::result::Result<PhoneNumber, ParseError>>
    {
        if self.e164_digits
            && let Some(pn) = clean::bare_international(text).and_then(|t| valid(&t, None))
        {
            return Ok((pn, Rule::BareInternational));
        }
        if let Some(pn) = nanp_valid(text, region) {
            return Ok((pn, Rule::Libphonenumber));
        }
        match parse(text, region) {
            Ok(pn) if is_valid(&pn) => Ok((pn, Rule::Libphonenumber)),
            first => our_rules(text, region, &first).ok_or(first),
        }
    }

    /// The error for a cell nothing read as a valid number; `text` is what
    /// was read of it (the cell, or its whole number or expanded digits),
    /// `first` libphonenumber's reading of that, and `what` says what `text`
    /// is when it is not the cell.
    fn rejected(
        &self,
        raw: &str,
        text: &str,
        region: Option<Region>,
        first: &std::result::Result<PhoneNumber, ParseError>,
        what: &str,
    ) -> RowError {
        let hint = looks_like(text);
        if region.is_none()
            && matches!(first, Err(ParseError::InvalidCountryCode))
            && !text.contains(['+', '＋'])
        {
            let mut e = needs_country(raw);
            e.message += &hint;
            return e;
        }
        let reason = match first {
            Ok(pn) if pn.country_code_source() == CountryCodeSource::FromDefaultCountry => {
                "is not a valid national phone number"
            }
            Ok(pn) if pn.country_code_source() == CountryCodeSource::FromNumberWithoutPlusSign => {
                "is not a valid national phone number, nor one with the region's country code"
            }
            Ok(pn) => {
                let reason = format!(
                    "is not a valid number for country code +{}",
                    pn.country_code
                );
                let reason = if what.is_empty() {
                    reason
                } else {
                    format!("{what} {reason}")
                };
                return self.invalid(raw, region, &reason, &hint);
            }
            Err(e) => parse_failure(e),
        };
        let reason = if what.is_empty() {
            reason.to_string()
        } else {
            format!("{what} {reason}")
        };
        self.invalid(raw, region, &reason, &hint)
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

/// What a refused cell of bare digits would be read as in a file whose
/// digits are E.164, when that is a valid number; empty otherwise.
fn looks_like(text: &str) -> String {
    let Some(pn) = clean::bare_international(text).and_then(|t| valid(&t, None)) else {
        return String::new();
    };
    let country = lib()
        .get_region_for_number(&pn)
        .and_then(|r| Region::parse(&r.to_string()))
        .map(|r| format!(" ({})", r.name()))
        .unwrap_or_default();
    format!(
        "; it looks like {}{country} written without its +: if the column holds \
         international numbers, pass --phones e164",
        lib().format(&pn, PhoneNumberFormat::International)
    )
}

/// libphonenumber's reading, keeping where the country code came from.
fn parse(text: &str, region: Option<Region>) -> std::result::Result<PhoneNumber, ParseError> {
    lib().parse_and_keep_raw_input(text, region.map(Region::lib))
}

fn is_valid(pn: &PhoneNumber) -> bool {
    lib().is_valid_number(pn)
}

/// [`is_valid`] for a number with country code 1, computing its type once
/// instead of twice. libphonenumber's validity is "the number's type, in
/// the region the number belongs to, is known"; the region is the first of
/// the country code's regions (US first, the main one) whose leading digits
/// match or in which the type is known. A main region has no leading digits
/// in the metadata, so when the region found is US its type is known: the
/// number is valid. Another region may have been chosen by its leading
/// digits alone, so its type is still checked. Whether the type is known in
/// US depends on the area code and exchange only, and is remembered
/// ([`exchange`]).
fn is_valid_nanp(pn: &PhoneNumber) -> bool {
    let known = exchange::known(pn.national_number);
    if known == Some(true) && !cfg!(debug_assertions) {
        return true;
    }
    let lib = lib();
    let region = lib.get_region_for_number(pn);
    let us = region == Some(rlibphonenumber::Region::US);
    debug_assert!(
        known.is_none_or(|k| k == us),
        "the remembered verdict on {}'s exchange is not libphonenumber's",
        pn.national_number
    );
    exchange::remember(pn.national_number, us);
    match region {
        Some(rlibphonenumber::Region::US) => true,
        Some(region) => lib.is_valid_number_for_region(pn, region),
        None => false,
    }
}

fn valid(text: &str, region: Option<Region>) -> Option<PhoneNumber> {
    nanp_valid(text, region).or_else(|| parse(text, region).ok().filter(is_valid))
}

/// libphonenumber's reading of `text` when it has one of the North American
/// shapes of [`clean::nanp`] and libphonenumber calls the number valid;
/// `None` otherwise (the caller then parses as usual).
///
/// What libphonenumber's parser does with these shapes (ASCII digits, the
/// punctuation `( ) - . space`, an area code starting 2-9, an extension
/// after `x` or `ext` of at most 6 digits):
/// - it drops the characters before the first digit or `+` and reads the
///   extension off the end (its extension pattern finds exactly the `x`/`ext`
///   part: nothing else in these shapes is a letter or `#`);
/// - `+1…`: the country code comes from the `+` (`FromNumberWithPlusSign`),
///   whatever the default region, and the national number is the ten digits
///   (US metadata strips a national prefix `1` only, and an area code never
///   starts with 1);
/// - in region US, `1` and ten digits: eleven digits are too long for a US
///   number, so the leading `1` is taken as the country code
///   (`FromNumberWithoutPlusSign`); ten digits alone are a national number
///   (`FromDefaultCountry`; `011`, the US exit code, cannot start them).
///
/// Validity is then libphonenumber's own check of that number.
fn nanp_valid(text: &str, region: Option<Region>) -> Option<PhoneNumber> {
    #[cfg(test)]
    if tests::FULL_PATH_ONLY.with(std::cell::Cell::get) {
        return None;
    }
    let shape = clean::nanp(text)?;
    let source = match (shape.plus, shape.one) {
        (true, _) => CountryCodeSource::FromNumberWithPlusSign,
        _ if region.is_none_or(|r| r.as_str() != "US") => return None,
        (false, true) => CountryCodeSource::FromNumberWithoutPlusSign,
        (false, false) => CountryCodeSource::FromDefaultCountry,
    };
    let mut pn = PhoneNumber {
        country_code: 1,
        national_number: shape.national,
        extension: shape.extension.map(str::to_string),
        ..PhoneNumber::default()
    };
    pn.set_country_code_source(source);
    is_valid_nanp(&pn).then_some(pn)
}

/// Our own rules, in order, for a cell libphonenumber found no valid number
/// in (`first` is its reading). Each rewrites the cell and hands it back to
/// libphonenumber, and each is out of reach of a slip of the hand:
/// - `00` as the exit code in a North American file: NANP numbers never
///   start with `0`, so no slip makes `00…` of one; elsewhere `00` is
///   libphonenumber's to read (it knows where it is dialled), and `011` is
///   read by libphonenumber where it is dialled and never by us.
/// - `(0)` right after a country code written with `+`, or with an exit code
///   the region dials (`0044 (0)20 …` in Germany): brackets are no slip.
fn our_rules(
    text: &str,
    region: Option<Region>,
    first: &std::result::Result<PhoneNumber, ParseError>,
) -> Option<(PhoneNumber, Rule)> {
    let nanp = region.is_some_and(|r| r.country_code() == 1);
    if nanp && let Some(plus) = clean::exit_code(text) {
        if let Some(pn) = valid(&plus, None) {
            return Some((pn, Rule::ExitCode));
        }
        if let Some((t, _)) = clean::trunk_after_code(&plus)
            && let Some(pn) = valid(&t, None)
        {
            return Some((pn, Rule::ExitCode));
        }
    }
    let (rewritten, written) = clean::trunk_after_code(text)?;
    let dialled = matches!(first, Ok(pn) if pn.country_code_source() == CountryCodeSource::FromNumberWithIdd)
        || (nanp && clean::exit_code(text).is_some());
    if written == clean::CodeWritten::ExitCode && !dialled {
        return None;
    }
    valid(&rewritten, None).map(|pn| (pn, Rule::TrunkZero))
}

fn phone(pn: &PhoneNumber, region: Option<Region>) -> Phone {
    let national = pn.country_code_source() == CountryCodeSource::FromDefaultCountry;
    Phone {
        digits: e164_digits(pn),
        extension: pn.extension.clone().filter(|e| !e.is_empty()),
        national_in: region.filter(|_| national),
    }
}

/// libphonenumber's E.164 form of a valid number without its `+`: the
/// country code, then the national significant number (the national number
/// after the leading zeros Italian-style numbers keep). Written here because
/// the library's formatter builds the string in pieces, slower than the rest
/// of the read; the differential test holds it to the library's answer.
/// Numbers through `itoa`: `write!` costs more than the rest of this.
fn e164_digits(pn: &PhoneNumber) -> String {
    let mut digits = String::with_capacity(16);
    digits.push_str(itoa::Buffer::new().format(pn.country_code));
    if pn.italian_leading_zero() {
        // As the library counts them: its default is one, at most ten.
        let zeros = usize::try_from(pn.number_of_leading_zeros()).unwrap_or(0);
        digits.extend(std::iter::repeat_n('0', zeros.min(10)));
    }
    digits.push_str(itoa::Buffer::new().format(pn.national_number));
    digits
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
            lib()
                .get_example_number_for_type_and_region(region.lib(), kind)
                .ok()
        });
    match example {
        Some(pn) => format!(
            "{}, {}, or +1 415 555 3434 with the country code",
            lib().format(&pn, PhoneNumberFormat::International),
            lib().format(&pn, PhoneNumberFormat::National),
        ),
        None => "+44 20 7946 0958 or +1 415 555 3434, with the country code".to_string(),
    }
}

#[cfg(test)]
mod differential;
#[cfg(test)]
mod tests;
