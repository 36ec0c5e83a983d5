//! Fixed sets of named values — `--mode upsert`, `--api v2`, `--blank keep`,
//! `--on-duplicate skip`: each value's name (on the command line and in
//! reports) and its one line of help, with [`FromStr`](std::str::FromStr) and
//! [`Display`](std::fmt::Display) from the names. The engine knows nothing of
//! clap; the binary offers [`Choice::ALL`] to it.

/// An enum whose values are picked by name.
pub trait Choice: Copy + Send + Sync + 'static {
    /// Every value, in the order help lists them.
    const ALL: &'static [Self];
    /// What the values choose, for messages (`mode`).
    const WHAT: &'static str;
    /// The value's name on the command line and in reports.
    fn name(self) -> &'static str;
    /// One line of help.
    fn help(self) -> &'static str;
}

/// Implements [`Choice`], `Display` and `FromStr` for a fieldless enum:
/// `choice!(Mode, "mode", { Upsert => ("upsert", "help"), ... })`.
macro_rules! choice {
    ($ty:ident, $what:literal, { $($variant:ident => ($name:literal, $help:literal)),+ $(,)? }) => {
        impl $crate::choice::Choice for $ty {
            const ALL: &'static [Self] = &[$($ty::$variant),+];
            const WHAT: &'static str = $what;
            fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
            fn help(self) -> &'static str {
                match self {
                    $($ty::$variant => $help),+
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::choice::Choice::name(*self))
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::choice::UnknownChoice;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::choice::parse(s)
            }
        }
    };
}
pub(crate) use choice;

/// A name that is none of a [`Choice`]'s values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {given:?} is not one of {known}")]
pub struct UnknownChoice {
    pub what: &'static str,
    pub given: String,
    pub known: String,
}

/// The value named `s`.
pub fn parse<T: Choice>(s: &str) -> Result<T, UnknownChoice> {
    T::ALL
        .iter()
        .copied()
        .find(|v| v.name() == s)
        .ok_or_else(|| UnknownChoice {
            what: T::WHAT,
            given: s.to_string(),
            known: T::ALL
                .iter()
                .map(|v| v.name())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiVersion;
    use crate::batch::Mode;
    use crate::contact::BlankPolicy;
    use crate::pipeline::OnDuplicate;

    fn round_trips<T: Choice + std::fmt::Display + std::str::FromStr + PartialEq>() -> bool {
        T::ALL
            .iter()
            .all(|v| v.to_string().parse::<T>().ok() == Some(*v))
    }

    #[test]
    fn every_value_parses_from_its_name() {
        assert!(round_trips::<Mode>());
        assert!(round_trips::<ApiVersion>());
        assert!(round_trips::<BlankPolicy>());
        assert!(round_trips::<OnDuplicate>());
        assert_eq!("v1".parse::<ApiVersion>(), Ok(ApiVersion::V1));
        assert_eq!(Mode::default().to_string(), "upsert");
    }

    #[test]
    fn an_unknown_name_lists_the_known_ones() {
        let err = "merge".parse::<Mode>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "mode \"merge\" is not one of upsert, create, update"
        );
    }
}
