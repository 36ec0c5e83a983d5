//! The text of our own rules (README, "Phones"): small rewrites of a cell that
//! libphonenumber did not read as a valid number, each handed back to
//! libphonenumber. Takes one trimmed cell; gives it with odd spaces made plain,
//! or rewritten with `+` for a `00`/`011` exit code, without a `(0)` trunk,
//! or with `+` before bare digits. Pure string work: no metadata.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Spaces libphonenumber does not take as punctuation (thin U+2009, narrow
/// no-break U+202F, the other U+2000 block spaces, tabs) become plain spaces,
/// which it does; a cell without them comes back borrowed. Word processors
/// and French typography put thin and narrow spaces between digit groups.
pub fn spaces(cell: &str) -> Cow<'_, str> {
    if !cell.chars().any(odd_space) {
        return Cow::Borrowed(cell);
    }
    Cow::Owned(
        cell.chars()
            .map(|c| if odd_space(c) { ' ' } else { c })
            .collect(),
    )
}

fn odd_space(c: char) -> bool {
    // NBSP (U+00A0) and the ideographic space (U+3000) are libphonenumber's own.
    c.is_whitespace() && !matches!(c, ' ' | '\u{a0}' | '\u{3000}')
}

/// `0044 20 7946 0958`, `011 44 20 7946 0958`, `００４４ …` -> `+44 20 7946 0958`:
/// the exit codes most of the world (`00`) and North America (`011`) dial,
/// written in a file whose default region dials another one (so libphonenumber
/// reads the digits as a national number). `None` when the cell does not
/// start with one, or a `+` follows it.
pub fn exit_code(cell: &str) -> Option<String> {
    let folded: Cow<str> = if cell.is_ascii() {
        Cow::Borrowed(cell)
    } else {
        // Full-width digits (`００４４`) are the same digits.
        Cow::Owned(cell.nfkc().collect())
    };
    let rest = ["011", "00"]
        .into_iter()
        .find_map(|p| folded.strip_prefix(p))?;
    let after = rest.trim_start_matches([' ', '-', '.']);
    after
        .starts_with(|c: char| c.is_ascii_digit() || c == '(')
        .then(|| format!("+{rest}"))
}

/// `+44 (0)121 755 0998` -> `+44 121 755 0998`: the bracketed trunk zero of a
/// number written for callers at home and abroad at once. `None` when the
/// cell has none.
pub fn without_bracketed_zero(cell: &str) -> Option<String> {
    let replaced = cell.replace("(0)", " ").replace("（０）", " ");
    (replaced.len() != cell.len() || replaced != cell).then_some(replaced)
}

/// `442079460001` -> `+442079460001`: Heymarket writes E.164 digits without
/// the `+` (and so does `hmbulk export`). Only a cell of 8 to 15 ASCII digits
/// not starting with `0` qualifies; `None` otherwise.
pub fn bare_international(cell: &str) -> Option<String> {
    let digits = (8..=15).contains(&cell.len())
        && cell.bytes().all(|b| b.is_ascii_digit())
        && !cell.starts_with('0');
    digits.then(|| format!("+{cell}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_spaces_become_plain() {
        assert_eq!(spaces("415\u{2009}555\u{2009}3434"), "415 555 3434");
        assert_eq!(spaces("415\u{202f}555\u{202f}3434"), "415 555 3434");
        assert_eq!(spaces("415\t555 3434"), "415 555 3434");
        assert!(matches!(spaces("415\u{a0}555 3434"), Cow::Borrowed(_)));
        assert!(matches!(spaces("(415) 555-3434"), Cow::Borrowed(_)));
    }

    #[test]
    fn exit_codes_become_plus() {
        assert_eq!(exit_code("0044 20 7946 0958").unwrap(), "+44 20 7946 0958");
        assert_eq!(
            exit_code("011 44 20 7946 0958").unwrap(),
            "+ 44 20 7946 0958"
        );
        assert_eq!(exit_code("００４４ 20").unwrap(), "+44 20");
        assert_eq!(exit_code("00 (44) 20").unwrap(), "+ (44) 20");
        for cell in ["020 7946 0958", "00+44 20", "00", "0 044", "+44 20"] {
            assert_eq!(exit_code(cell), None, "{cell:?}");
        }
    }

    #[test]
    fn bracketed_zero_is_dropped() {
        assert_eq!(
            without_bracketed_zero("+44 (0)121 755 0998").unwrap(),
            "+44  121 755 0998"
        );
        assert_eq!(without_bracketed_zero("+44 121 755 0998"), None);
    }

    #[test]
    fn only_bare_digits_get_a_plus() {
        assert_eq!(bare_international("442079460001").unwrap(), "+442079460001");
        for cell in [
            "0442079460001",
            "44 20 7946 0001",
            "4420794",
            "+442079460001",
        ] {
            assert_eq!(bare_international(cell), None, "{cell:?}");
        }
    }
}
