//! In-file duplicates: two rows with the same normalised phone (or the same
//! uuid). Takes drafts in row order; tells whether a row repeats an earlier one
//! and which. Memory: one small entry per distinct phone (a `u64` of digits
//! and a `u64` row) and per distinct uuid.

use std::collections::HashMap;

use crate::contact::Draft;
use crate::outcome::{ErrorCode, RowError};

#[derive(Debug, Default)]
pub struct Dedupe {
    /// E.164 digits (at most 15, never a leading zero) as a number -> first row.
    phones: HashMap<u64, u64>,
    /// Any phone that is not such a number (not made by the validator, but
    /// nothing is lost if one comes).
    odd_phones: HashMap<String, u64>,
    uuids: HashMap<u128, u64>,
}

/// An earlier row that a row repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duplicate {
    pub first_row: u64,
    pub key: DuplicateKey,
}

/// What the two rows share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateKey {
    Phone,
    Uuid,
}

impl Dedupe {
    pub fn new() -> Self {
        Dedupe::default()
    }

    /// `Some(first_row)` when `draft` repeats the phone (or uuid) of an earlier
    /// row; otherwise remembers it and gives `None`.
    pub fn check(&mut self, draft: &Draft) -> Option<u64> {
        self.find(draft).map(|d| d.first_row)
    }

    /// As [`Dedupe::check`], saying what the rows share. A duplicate is not
    /// remembered: a third row with the same phone points at the first.
    pub fn find(&mut self, draft: &Draft) -> Option<Duplicate> {
        let phone = (!draft.phone.is_empty()).then(|| phone_key(&draft.phone));
        let uuid = draft
            .uuid
            .as_deref()
            .and_then(|u| uuid::Uuid::try_parse(u).ok())
            .map(|u| u.as_u128());
        let seen_phone = match &phone {
            Some(Ok(digits)) => self.phones.get(digits),
            Some(Err(text)) => self.odd_phones.get(*text),
            None => None,
        };
        if let Some(&first_row) = seen_phone {
            return Some(Duplicate {
                first_row,
                key: DuplicateKey::Phone,
            });
        }
        if let Some(&first_row) = uuid.and_then(|u| self.uuids.get(&u)) {
            return Some(Duplicate {
                first_row,
                key: DuplicateKey::Uuid,
            });
        }
        match phone {
            Some(Ok(digits)) => {
                self.phones.insert(digits, draft.row);
            }
            Some(Err(text)) => {
                self.odd_phones.insert(text.to_string(), draft.row);
            }
            None => {}
        }
        if let Some(u) = uuid {
            self.uuids.insert(u, draft.row);
        }
        None
    }
}

impl Duplicate {
    /// The `duplicate_in_file` error for the later row, `draft`.
    pub fn row_error(&self, draft: &Draft) -> RowError {
        let first = self.first_row;
        let shared = match self.key {
            DuplicateKey::Phone => format!(
                "the phone \"{}\" is the same number as row {first}'s (+{} once normalised)",
                draft.phone_raw.trim(),
                draft.phone
            ),
            DuplicateKey::Uuid => format!(
                "the uuid {} is the same contact as row {first}'s",
                draft.uuid.as_deref().unwrap_or_default()
            ),
        };
        RowError::new(
            ErrorCode::DuplicateInFile,
            format!(
                "{shared}; a file may hold each contact once, so merge this row into row \
                 {first} or delete it (row {first} is imported)"
            ),
        )
    }
}

/// Digits as a number when that is exact (no leading zero, at most 19
/// digits), else the text itself.
fn phone_key(phone: &str) -> Result<u64, &str> {
    let exact =
        phone.len() <= 19 && !phone.starts_with('0') && phone.bytes().all(|b| b.is_ascii_digit());
    exact.then(|| phone.parse().ok()).flatten().ok_or(phone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::PhoneNormaliser;

    fn draft(row: u64, phone_raw: &str, uuid: Option<&str>) -> Draft {
        let phones = PhoneNormaliser::new("US").unwrap();
        Draft {
            row,
            phone_raw: phone_raw.to_string(),
            phone: phones.normalise(phone_raw).unwrap().digits,
            uuid: uuid.map(str::to_string),
            ..Draft::default()
        }
    }

    #[test]
    fn the_same_number_in_another_format_is_a_duplicate() {
        let mut d = Dedupe::new();
        assert_eq!(d.check(&draft(1, "(415) 555-0123", None)), None);
        assert_eq!(d.check(&draft(2, "+1 415 555 0124", None)), None);
        assert_eq!(d.check(&draft(3, "1-415-555-0123", None)), Some(1));
        assert_eq!(d.check(&draft(4, "1.4155550124E+10", None)), Some(2));
        // A third copy still points at the first row.
        assert_eq!(d.check(&draft(5, "415.555.0123 x9", None)), Some(1));
    }

    #[test]
    fn the_same_uuid_with_another_phone_is_a_duplicate() {
        let id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
        let mut d = Dedupe::new();
        assert_eq!(d.find(&draft(1, "4155550123", Some(id))), None);
        let dup = d.find(&draft(2, "4155550199", Some(id))).unwrap();
        assert_eq!(
            dup,
            Duplicate {
                first_row: 1,
                key: DuplicateKey::Uuid
            }
        );
        // Row 2 was not remembered: its phone is still new.
        assert_eq!(d.check(&draft(3, "4155550199", None)), None);
    }

    #[test]
    fn the_phone_is_checked_before_the_uuid() {
        let mut d = Dedupe::new();
        d.check(&draft(1, "4155550123", None));
        d.check(&draft(
            2,
            "4155550150",
            Some("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
        ));
        let dup = d
            .find(&draft(
                3,
                "4155550123",
                Some("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
            ))
            .unwrap();
        assert_eq!(
            dup,
            Duplicate {
                first_row: 1,
                key: DuplicateKey::Phone
            }
        );
    }

    #[test]
    fn odd_phones_are_compared_as_text() {
        let mut d = Dedupe::new();
        let odd = |row, phone: &str| Draft {
            row,
            phone: phone.to_string(),
            ..Draft::default()
        };
        assert_eq!(d.check(&odd(1, "0123")), None);
        assert_eq!(d.check(&odd(2, "123")), None);
        assert_eq!(d.check(&odd(3, "0123")), Some(1));
        assert_eq!(d.check(&odd(4, "99999999999999999999999")), None);
        assert_eq!(d.check(&odd(5, "99999999999999999999999")), Some(4));
        // No phone at all is nobody's duplicate.
        assert_eq!(d.check(&odd(6, "")), None);
        assert_eq!(d.check(&odd(7, "")), None);
    }

    #[test]
    fn the_error_names_the_first_row_and_the_shared_key() {
        let mut d = Dedupe::new();
        d.check(&draft(4, "(415) 555-0123", None));
        let later = draft(9, "415.555.0123", None);
        let error = d.find(&later).unwrap().row_error(&later);
        assert_eq!(error.code, ErrorCode::DuplicateInFile);
        assert!(
            error.message.contains("\"415.555.0123\""),
            "{}",
            error.message
        );
        assert!(
            error.message.contains("row 4's (+14155550123"),
            "{}",
            error.message
        );
        assert!(
            error.message.contains("merge this row into row 4"),
            "{}",
            error.message
        );
        let uuid = Duplicate {
            first_row: 2,
            key: DuplicateKey::Uuid,
        };
        let message = uuid.row_error(&draft(3, "4155550100", Some("x"))).message;
        assert!(
            message.starts_with("the uuid x is the same contact as row 2's"),
            "{message}"
        );
    }
}
