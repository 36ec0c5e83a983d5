//! What one cell may hold, and the row errors that say what it does not:
//! the row's shape, an email, SMS consent, opted-out, a contact UUID. Each
//! message names the column and what would be accepted.

use crate::consent::{self, Said};
use crate::outcome::{ErrorCode, RowError};

pub(crate) fn row_shape(cells: usize, width: usize) -> RowError {
    let check = if cells > width {
        "check for an unquoted delimiter in this row (a cell that holds the delimiter \
         must be in double quotes)"
    } else {
        "check for missing cells, or a line break inside a cell that is not in double quotes"
    };
    RowError::new(
        ErrorCode::RowShape,
        format!("row has {cells} cells but the header has {width}; {check}"),
    )
}

/// A record the reader cut short ([`crate::input::Record::problem`]: a
/// double quote that never closes), whatever its cells hold.
pub(crate) fn cut_row(problem: &str) -> RowError {
    RowError::new(ErrorCode::RowShape, problem.to_string())
}

pub(super) fn in_column(header: &str, message: &str) -> String {
    format!("column \"{header}\": {message}")
}

/// `email_invalid` for a value of column `header`.
pub(super) fn email_invalid(header: &str, value: &str) -> RowError {
    let why = if value.matches('@').count() > 1 {
        "holds more than one address; keep one address per cell"
    } else {
        "is not an email address; write one address like name@example.com \
         (no spaces, one @, a domain with a dot)"
    };
    RowError::new(
        ErrorCode::EmailInvalid,
        in_column(header, &format!("\"{value}\" {why}")),
    )
}

/// SMS marketing consent: yes (consents, so not opted out), no, or blank.
pub(super) fn sms_consent(header: &str, cell: &str) -> Result<Option<bool>, RowError> {
    said(header, cell, "an SMS consent value").map(Said::consents)
}

/// Marketing consent of no named channel: yes, no, or blank.
pub(super) fn marketing_consent(header: &str, cell: &str) -> Result<Option<bool>, RowError> {
    said(header, cell, "a marketing consent value").map(Said::consents)
}

/// Opted out: yes (x = opted out), no, or blank.
pub(super) fn opted_out(header: &str, cell: &str) -> Result<Option<bool>, RowError> {
    said(header, cell, "an opted-out value").map(Said::opted_out)
}

/// What a consent cell says ([`consent::read`]), or `opted_out_invalid`.
fn said(header: &str, cell: &str, what: &str) -> Result<Said, RowError> {
    consent::read(cell).ok_or_else(|| {
        RowError::new(
            ErrorCode::OptedOutInvalid,
            in_column(
                header,
                &format!(
                    "\"{}\" is not {what}; write {}, or leave it blank to keep the \
                     contact's setting",
                    cell.trim(),
                    consent::ACCEPTED
                ),
            ),
        )
    })
}

/// A contact UUID in any of its usual spellings, given back hyphenated and
/// lower-case.
pub(crate) fn uuid(header: &str, cell: &str) -> Result<Option<String>, RowError> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    match uuid::Uuid::try_parse(cell) {
        Ok(id) => Ok(Some(id.hyphenated().to_string())),
        Err(_) => Err(RowError::new(
            ErrorCode::UuidInvalid,
            in_column(
                header,
                &format!(
                    "\"{cell}\" is not a contact UUID; write it as an export gives it, like \
                     3f2504e0-4f89-41d3-9a0c-0305e82c3301, or leave it blank to match the \
                     contact by phone"
                ),
            ),
        )),
    }
}
