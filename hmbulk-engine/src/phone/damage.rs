//! Spreadsheet damage: what Excel (or a CSV library) does to a phone number it
//! mistook for a number. Takes one cell (extension already split off); gives
//! the digits back when nothing was lost, or says how much was lost.
//!
//! The rule (docs/phones.md): `1.4155553434E+10` is exact when
//! its mantissa carries at least exponent + 1 significant digits as written
//! (every integer digit is there), and is then expanded; `4.15555E+09` had
//! digits rounded away and cannot be recovered. `14155553434.0` (a float
//! printed with a zero fraction) is the whole number and nothing else (see
//! [`zero_fraction`]).

/// Why a spreadsheet number could not be turned back into a phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Damage {
    /// Scientific notation with fewer significant digits than the number has:
    /// the spreadsheet rounded it to `significant` digits.
    Rounded { significant: usize },
    /// Scientific notation whose value is not a whole number.
    Fraction,
}

/// `None` when `cell` is not in scientific notation (so it is an ordinary
/// phone cell); `Some(Ok(digits))` when it is and nothing was lost (a leading
/// `+` is kept); `Some(Err(_))` when digits were lost.
pub(super) fn recover(cell: &str) -> Option<Result<String, Damage>> {
    if !cell.bytes().any(|b| b | 0x20 == b'e') {
        return None;
    }
    let (sign, body) = match cell.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", cell),
    };
    let (mantissa, exponent) = body.split_once(['e', 'E'])?;
    let (int_part, frac) = mantissa.split_once(['.', ',']).unwrap_or((mantissa, ""));
    if int_part.is_empty() || !all_digits(int_part) || !all_digits(frac) {
        return None;
    }
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    // Phones have at most 15 digits; a larger exponent is no phone (the
    // parser will say so) and must not make us write a huge string.
    if exponent.is_empty() || exponent.len() > 2 || !all_digits(exponent) {
        return None;
    }
    let exponent: usize = exponent.parse().ok()?;
    let mantissa_digits = int_part.bytes().chain(frac.bytes());
    let leading_zeros = mantissa_digits.clone().take_while(|&b| b == b'0').count();
    let significant = (int_part.len() + frac.len() - leading_zeros).max(1);
    if frac.len() < exponent {
        return Some(Err(Damage::Rounded { significant }));
    }
    let (whole, rest) = frac.split_at(exponent);
    if rest.bytes().any(|b| b != b'0') {
        return Some(Err(Damage::Fraction));
    }
    // sign, then int_part and whole without their leading zeros
    let mut digits = String::with_capacity(sign.len() + int_part.len() + whole.len());
    digits.push_str(sign);
    let zeros = leading_zeros.min(int_part.len() + whole.len());
    for (i, part) in [int_part, whole].into_iter().enumerate() {
        let skip = if i == 0 {
            zeros.min(int_part.len())
        } else {
            zeros.saturating_sub(int_part.len())
        };
        digits.push_str(&part[skip..]);
    }
    Some(Ok(digits))
}

/// `14155553434.0`, `+447911123456.00` -> the digits before the point: a
/// whole number printed as a float (`.0`, as Python, pandas and JavaScript
/// print one) or with two decimals (`.00`, a spreadsheet's number format).
/// `None` for anything else, including real dotted numbers with more zeros
/// (`2234.0000`) or other digits after the point.
///
/// The caller reads such a cell as the whole number only, before
/// libphonenumber sees it: libphonenumber would read the zeros as digits
/// (`501234567.0` as the valid US number `5012345670`), a number nobody
/// wrote. Only one or two zeros after a point, in a cell of nothing but
/// digits, are taken: exactly what printing a whole number as a float adds.
/// A real dotted number has other digits after its point, or more of them
/// (`2234.0000`, `(11) 2234.0000`), and is left to libphonenumber.
pub(super) fn zero_fraction(cell: &str) -> Option<&str> {
    // Every phone cell passes here: bytes from the end, no char search.
    let b = cell.as_bytes();
    let point = match b {
        [.., b'.' | b',', b'0'] => b.len() - 2,
        [.., b'.' | b',', b'0', b'0'] => b.len() - 3,
        _ => return None,
    };
    let whole = &cell[..point];
    let digits = whole.strip_prefix('+').unwrap_or(whole);
    (!digits.is_empty() && all_digits(digits)).then_some(whole)
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Option<Result<String, Damage>> {
        Some(Ok(s.to_string()))
    }

    #[test]
    fn exact_scientific_is_expanded() {
        assert_eq!(recover("1.4155553434E+10"), ok("14155553434"));
        assert_eq!(recover("1.4155553434e10"), ok("14155553434"));
        assert_eq!(recover("4.47900900123E+11"), ok("447900900123"));
        assert_eq!(recover("+4.47900900123E+11"), ok("+447900900123"));
        // European Excel writes a decimal comma.
        assert_eq!(recover("1,4155553434E+10"), ok("14155553434"));
        // A trailing zero written out is a significant digit as written.
        assert_eq!(recover("1.4155553430E+10"), ok("14155553430"));
        // More fraction digits than the exponent, all zero: still whole.
        assert_eq!(recover("1.41555534340E+10"), ok("14155553434"));
        // A mantissa not in normal form.
        assert_eq!(recover("41.55553434E+8"), ok("4155553434"));
        // Leading zeros are no digits of the number, wherever they end.
        assert_eq!(recover("0.4155553434E+10"), ok("4155553434"));
        assert_eq!(recover("+00.04155553434E+11"), ok("+4155553434"));
        assert_eq!(recover("0.00E+1"), ok(""));
        assert_eq!(
            recover("0.0041555E+9"),
            Some(Err(Damage::Rounded { significant: 5 }))
        );
    }

    #[test]
    fn rounded_scientific_is_damage() {
        assert_eq!(
            recover("4.15555E+09"),
            Some(Err(Damage::Rounded { significant: 6 }))
        );
        assert_eq!(
            recover("1.41555E+10"),
            Some(Err(Damage::Rounded { significant: 6 }))
        );
        assert_eq!(
            recover("1.415555343E+10"),
            Some(Err(Damage::Rounded { significant: 10 }))
        );
        assert_eq!(
            recover("4E+11"),
            Some(Err(Damage::Rounded { significant: 1 }))
        );
    }

    #[test]
    fn fraction_is_not_a_phone() {
        assert_eq!(recover("1.41555534345E+10"), Some(Err(Damage::Fraction)));
    }

    #[test]
    fn float_with_zero_fraction_gives_its_whole_part() {
        assert_eq!(zero_fraction("14155553434.0"), Some("14155553434"));
        assert_eq!(zero_fraction("14155553434.00"), Some("14155553434"));
        assert_eq!(zero_fraction("14155553434,0"), Some("14155553434"));
        assert_eq!(zero_fraction("+447911123456.0"), Some("+447911123456"));
        for cell in [
            "2234.0000",
            "2234.000",
            "14155553434.5",
            "14155553434.01",
            "415.555.3434",
            "415 555 3434.0",
            ".0",
            "+.0",
            "14155553434",
        ] {
            assert_eq!(zero_fraction(cell), None, "{cell:?}");
        }
    }

    #[test]
    fn ordinary_cells_are_left_to_the_parser() {
        for cell in [
            "4155553434",
            "415.555.3434",
            "(415) 555-3434",
            "+1 415 555 3434",
            "14155553434.5",
            "14155553434.0",
            "2234.0000",
            "1.4155553434E-10",
            "1.4E+999",
            "E+10",
            ".0",
            "abc",
            "",
        ] {
            assert_eq!(recover(cell), None, "{cell:?}");
        }
    }
}
