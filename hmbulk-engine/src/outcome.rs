//! What happened to one input row: the single record every stage hands to the
//! report writer. Every data row read ends in exactly one [`RowOutcome`]; the
//! report module writes `Done` outcomes to the results report and `Failed` ones
//! to the errors report, which is how `rows_read == rows_ok + rows_failed` holds.

use std::fmt;

/// What the API did (or, in a dry run, would do) with a row that succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Created,
    Updated,
    /// Dry run: the row is valid and would be sent.
    Valid,
    /// Nothing to do: `--mode create` and the phone exists, `--mode update` and it
    /// does not, or `--on-duplicate skip`.
    Skipped,
    /// The contact already held what the row asks (`status`: the status
    /// holds); nothing was written.
    Unchanged,
    /// `delete`: the contact was deleted.
    Deleted,
    /// `status --check`: the contact's status was read; nothing was written.
    Checked,
}

impl Action {
    /// The action named `name` (as [`Action::as_str`] writes it).
    pub fn from_name(name: &str) -> Option<Action> {
        [
            Action::Created,
            Action::Updated,
            Action::Unchanged,
            Action::Valid,
            Action::Skipped,
        ]
        .into_iter()
        .find(|a| a.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Valid => "valid",
            Action::Skipped => "skipped",
            Action::Unchanged => "unchanged",
            Action::Deleted => "deleted",
            Action::Checked => "checked",
        }
    }
}

/// Stable reason codes of the error report's `_error_code` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorCode {
    /// The row has fewer or more cells than the header.
    RowShape,
    PhoneMissing,
    PhoneInvalid,
    PhoneSpreadsheetDamaged,
    /// A country column holds a value no one can read, and the row's phone
    /// has no country code of its own.
    CountryUnknown,
    /// `--default-region none` and the number carries no country code.
    PhoneNeedsCountry,
    EmailInvalid,
    TooManyTags,
    UnknownTag,
    UnknownAssignee,
    OptedOutInvalid,
    UuidInvalid,
    DuplicateInFile,
    /// The API refused this row (per-item failure or a 400 that splitting
    /// narrowed down to this row).
    ApiRejected,
    /// The row was valid but the run stopped before it could be sent.
    NotSent,
    /// The row was sent but the API's answer did not confirm it (an answer
    /// that names other contacts or none, cannot be read, or was lost): the
    /// contact may or may not be stored. Importing again settles it.
    Unconfirmed,
    /// `status`, `delete`: no contact has the phone, id or uuid the row names.
    NotFound,
    /// `status`: a status cell no one can read.
    StatusInvalid,
    /// `status`, `delete`: an `id` cell that is not a contact id (a whole number).
    IdInvalid,
    /// `import`: the contact was written, but adding one of its extra
    /// channels (a second phone or email) failed.
    ChannelFailed,
    /// `import --tags add|remove`: the API shows the contact's tags in a
    /// form hmbulk does not read, so they cannot be kept as they are.
    TagsUnreadable,
}

impl ErrorCode {
    /// Every code, in the order of the enum (`code as usize` indexes it).
    pub const ALL: [ErrorCode; 21] = [
        ErrorCode::RowShape,
        ErrorCode::PhoneMissing,
        ErrorCode::PhoneInvalid,
        ErrorCode::PhoneSpreadsheetDamaged,
        ErrorCode::CountryUnknown,
        ErrorCode::PhoneNeedsCountry,
        ErrorCode::EmailInvalid,
        ErrorCode::TooManyTags,
        ErrorCode::UnknownTag,
        ErrorCode::UnknownAssignee,
        ErrorCode::OptedOutInvalid,
        ErrorCode::UuidInvalid,
        ErrorCode::DuplicateInFile,
        ErrorCode::ApiRejected,
        ErrorCode::NotSent,
        ErrorCode::Unconfirmed,
        ErrorCode::NotFound,
        ErrorCode::StatusInvalid,
        ErrorCode::IdInvalid,
        ErrorCode::ChannelFailed,
        ErrorCode::TagsUnreadable,
    ];

    /// The code named `name` (as [`ErrorCode::as_str`] writes it).
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::RowShape => "row_shape",
            ErrorCode::PhoneMissing => "phone_missing",
            ErrorCode::PhoneInvalid => "phone_invalid",
            ErrorCode::PhoneSpreadsheetDamaged => "phone_spreadsheet_damaged",
            ErrorCode::CountryUnknown => "country_unknown",
            ErrorCode::PhoneNeedsCountry => "phone_needs_country",
            ErrorCode::EmailInvalid => "email_invalid",
            ErrorCode::TooManyTags => "too_many_tags",
            ErrorCode::UnknownTag => "unknown_tag",
            ErrorCode::UnknownAssignee => "unknown_assignee",
            ErrorCode::OptedOutInvalid => "opted_out_invalid",
            ErrorCode::UuidInvalid => "uuid_invalid",
            ErrorCode::DuplicateInFile => "duplicate_in_file",
            ErrorCode::ApiRejected => "api_rejected",
            ErrorCode::NotSent => "not_sent",
            ErrorCode::Unconfirmed => "unconfirmed",
            ErrorCode::NotFound => "not_found",
            ErrorCode::StatusInvalid => "status_invalid",
            ErrorCode::IdInvalid => "id_invalid",
            ErrorCode::ChannelFailed => "channel_failed",
            ErrorCode::TagsUnreadable => "tags_unreadable",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a row failed: a stable code and a message for a person (what is wrong,
/// which column, what would be accepted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub code: ErrorCode,
    pub message: String,
}

impl RowError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        RowError {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// The final word on one input row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowOutcome {
    /// 1-based data row of the input (header not counted, blank lines skipped).
    pub row: u64,
    /// The phone cell as it stood in the file.
    pub phone_raw: String,
    pub result: RowResult,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowResult {
    Done {
        action: Action,
        /// Normalised phone (E.164 digits, no `+`).
        phone: String,
        /// The row's name and email (empty when it has none), so that a
        /// person can match the results to the input without reading phones.
        name: String,
        email: String,
        /// Contact id and uuid, when the API told us.
        id: Option<i64>,
        uuid: Option<String>,
    },
    Failed {
        error: RowError,
        /// The row's original cells, written back unchanged to the errors report.
        cells: Vec<String>,
    },
}

impl RowOutcome {
    pub fn is_ok(&self) -> bool {
        matches!(self.result, RowResult::Done { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_at_its_index_and_read_back_by_name() {
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(*code as usize, i, "{code}");
            assert_eq!(ErrorCode::from_name(code.as_str()), Some(*code));
        }
        for a in [
            Action::Created,
            Action::Updated,
            Action::Valid,
            Action::Skipped,
        ] {
            assert_eq!(Action::from_name(a.as_str()), Some(a));
        }
        assert_eq!(ErrorCode::from_name("created"), None);
    }
}
