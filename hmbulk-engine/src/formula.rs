//! The spreadsheet formula guard (OWASP "CSV injection"): a cell that would run
//! as a formula in Excel or Sheets — it starts with `=`, `+`, `-`, `@`, a tab or
//! a carriage return, and is not a plain number — is written with a leading `'`.
//! Every report and export writes through [`guard`]; every reader undoes it with
//! [`unguard`], so a report or an export can be imported again as it is.

use std::borrow::Cow;

fn is_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A plain number: optional sign, digits, at most one `.`, optional exponent.
/// `-42`, `+15105553344`, `3.5`, `1e5` are numbers; `+1-1`, `-`, `=1` are not.
fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mut dots = 0;
    let mut digits = 0;
    for c in mantissa.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' => dots += 1,
            _ => return false,
        }
    }
    if digits == 0 || dots > 1 {
        return false;
    }
    match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// True when a spreadsheet would evaluate `cell` as a formula.
pub fn is_formula_like(cell: &str) -> bool {
    cell.starts_with(is_trigger) && !is_plain_number(cell)
}

/// The cell as it must be written to a CSV a person may open in a spreadsheet.
pub fn guard(cell: &str) -> Cow<'_, str> {
    if is_formula_like(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undo [`guard`]: `'=SUM(A1)` reads back as `=SUM(A1)`. A `'` in front of
/// anything that `guard` would not have guarded is the user's own and stays.
pub fn unguard(cell: &str) -> Cow<'_, str> {
    match cell.strip_prefix('\'') {
        Some(rest) if is_formula_like(rest) => Cow::Borrowed(rest),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_guarded() {
        for cell in [
            "=SUM(A1)", "+1-1", "-2+3", "@cmd", "\tx", "\rx", "=1", "-", "+",
        ] {
            assert_eq!(guard(cell), format!("'{cell}"), "{cell:?}");
            assert_eq!(unguard(&guard(cell)), cell);
        }
    }

    #[test]
    fn numbers_and_text_are_left_alone() {
        for cell in [
            "-42",
            "+15105553344",
            "15105553344",
            "3.5",
            "-1.5e3",
            "Ada",
            "",
            "'quoted",
        ] {
            assert_eq!(guard(cell), cell, "{cell:?}");
            assert_eq!(unguard(cell), cell, "{cell:?}");
        }
    }
}
