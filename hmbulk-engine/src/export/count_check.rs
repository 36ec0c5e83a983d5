//! Whether an export wrote every contact the account holds: the contacts
//! written compared with `/v1/contacts/count` after the listing. A short
//! export is a failed one (exit 1); an incremental one is not checked (it
//! writes only what changed).

use std::fmt;

use serde::{Serialize, Serializer};

/// The count check of an export, as the summary's `count_check` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountCheck {
    /// At least as many contacts written as the count says.
    Complete,
    /// This many contacts fewer written than the count says.
    Short(u64),
    /// An incremental export (`--state`, `--since`): not compared.
    NotChecked,
}

impl CountCheck {
    /// The check of `written` contacts against the account's `count`.
    pub fn of(count: u64, written: u64) -> CountCheck {
        match count.checked_sub(written) {
            None | Some(0) => CountCheck::Complete,
            Some(n) => CountCheck::Short(n),
        }
    }

    /// Whether contacts are missing from the export.
    pub fn is_short(self) -> bool {
        matches!(self, CountCheck::Short(_))
    }
}

impl fmt::Display for CountCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CountCheck::Complete => f.write_str("complete"),
            CountCheck::Short(n) => write!(f, "short by {n}"),
            CountCheck::NotChecked => f.write_str("not checked (incremental export)"),
        }
    }
}

/// As the words it prints: `"complete"`, `"short by 3"`, `"not checked …"`.
impl Serialize for CountCheck {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_against_the_count() {
        assert_eq!(CountCheck::of(10, 10), CountCheck::Complete);
        assert_eq!(CountCheck::of(10, 12), CountCheck::Complete);
        assert_eq!(CountCheck::of(10, 7), CountCheck::Short(3));
        assert!(CountCheck::of(10, 7).is_short());
        assert_eq!(CountCheck::Short(3).to_string(), "short by 3");
        assert_eq!(
            serde_json::to_string(&CountCheck::Complete).unwrap(),
            "\"complete\""
        );
    }
}
