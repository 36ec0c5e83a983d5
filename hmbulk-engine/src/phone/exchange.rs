//! libphonenumber's verdict on a US area code and exchange, remembered.
//! Takes a ten-digit North American national number; gives whether
//! libphonenumber knows its type as a US number, when a number of the same
//! first six digits was asked before (`None` otherwise).
//!
//! Why this gives libphonenumber's answer: every US number pattern in the
//! metadata (general, fixed line, mobile, toll free, premium rate, personal;
//! the others are empty) is a choice on at most the first six digits of a
//! ten-digit number followed by `\d{4}` (`983[2-57-9]\d{6}`, `(?:2(?:0[1-35-9]|…)…)[2-9]\d{6}`,
//! `8(?:00|33|…)[2-9]\d{6}`, `52…\d{4}` …), so the last four digits never
//! change it. The differential test holds the whole path to libphonenumber,
//! and debug builds (every test) check each remembered verdict against
//! libphonenumber's own ([`super::is_valid_nanp`]).
//!
//! It saves checking the number against the US patterns (about a tenth of
//! a `validate` run's CPU time): a file holds many numbers per exchange.

use std::sync::atomic::{AtomicU8, Ordering};

/// Ten-digit numbers have 10^6 six-digit prefixes; a byte each, shared by
/// every thread (1 MB of address space, of which only the pages of the
/// area codes seen are ever touched).
const PREFIXES: usize = 1_000_000;
const UNKNOWN: u8 = 0;
const US: u8 = 1;
const NOT_US: u8 = 2;

static VERDICT: [AtomicU8; PREFIXES] = [const { AtomicU8::new(UNKNOWN) }; PREFIXES];

/// The prefix of a ten-digit national number (area code 2-9).
fn prefix(national: u64) -> Option<usize> {
    (2_000_000_000..10_000_000_000)
        .contains(&national)
        .then_some((national / 10_000) as usize)
}

/// Whether libphonenumber was found to know the type of a US number with the
/// same first six digits as `national` (`None`: not asked yet).
pub(super) fn known(national: u64) -> Option<bool> {
    match VERDICT[prefix(national)?].load(Ordering::Relaxed) {
        US => Some(true),
        NOT_US => Some(false),
        _ => None,
    }
}

/// Remember libphonenumber's verdict for `national`'s exchange: whether the
/// number's type is known as a US number.
pub(super) fn remember(national: u64, us: bool) {
    if let Some(p) = prefix(national) {
        VERDICT[p].store(if us { US } else { NOT_US }, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ten_digit_numbers_with_an_area_code_have_a_prefix() {
        assert_eq!(prefix(4_155_550_100), Some(415_555));
        assert_eq!(prefix(9_999_999_999), Some(999_999));
        assert_eq!(prefix(1_415_555_010), None);
        assert_eq!(prefix(10_000_000_000), None);
        assert_eq!(prefix(5_550_100), None);
    }

    /// Exchanges all over the plan (US, Canada, the Caribbean, toll free,
    /// premium, personal, unassigned) and their neighbours, each asked with
    /// several last four digits: the verdict the first one leaves is
    /// libphonenumber's for the others (debug builds also check each
    /// remembered verdict).
    #[test]
    fn a_remembered_exchange_gives_libphonenumbers_answer() {
        use rlibphonenumber::{PHONE_NUMBER_UTIL, PhoneNumber};
        let mut seen = [0; 2];
        let exchanges = (200_000..1_000_000).step_by(331);
        for exchange in exchanges.flat_map(|e| [e, e + 1, e + 2]) {
            for last in [0, 9_999, 5_123, 1] {
                let pn = PhoneNumber {
                    country_code: 1,
                    national_number: exchange * 10_000 + last,
                    ..PhoneNumber::default()
                };
                let valid = PHONE_NUMBER_UTIL.is_valid_number(&pn);
                assert_eq!(super::super::is_valid_nanp(&pn), valid, "{pn:?}");
                seen[usize::from(valid)] += 1;
            }
            assert!(known(exchange * 10_000).is_some());
        }
        assert!(seen[0] > 100 && seen[1] > 100, "{seen:?}");
    }
}
