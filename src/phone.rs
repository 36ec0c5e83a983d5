//! Phone normalisation: any way a person or a spreadsheet writes a number ->
//! E.164 digits without `+` (`14155553434`), by libphonenumber rules with a
//! default region for national numbers. Extensions are split off; spreadsheet
//! damage (`1.4155553434E+10`, `14155553434.0`) is recovered when exact and
//! reported as `phone_spreadsheet_damaged` when digits were lost.

use crate::error::Result;
use crate::outcome::RowError;

/// A normalised phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// E.164 digits without `+`.
    pub digits: String,
    /// An extension found in the cell (`x123`, `ext. 45`), never part of `digits`.
    pub extension: Option<String>,
}

/// Normalises phones for one default region. Cheap to share across threads:
/// each thread uses its own metadata database (the crate's default one sits
/// behind one global mutex).
#[derive(Debug, Clone)]
pub struct PhoneNormaliser {
    _todo: (),
}

impl PhoneNormaliser {
    /// `region` is an ISO 3166 code (`US`, `GB`); an unknown one is a usage error.
    pub fn new(_region: &str) -> Result<Self> {
        todo!()
    }

    /// Normalise one cell. Errors: `phone_missing` (blank), `phone_invalid`,
    /// `phone_spreadsheet_damaged`; the message names what would be accepted.
    pub fn normalise(&self, _raw: &str) -> std::result::Result<Phone, RowError> {
        todo!()
    }
}
