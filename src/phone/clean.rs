//! Text clean-up before libphonenumber sees a cell. Takes one trimmed cell;
//! gives it with full-width characters folded, a `tel:` prefix dropped, an
//! extension split off, and (as a second try) the `+44 (0)` trunk zero removed.
//! Pure string work: no metadata, no allocation on the common ASCII path.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Fold what the `phonenumber` crate does not: full-width digits and plus
/// (`＋１ ４１５`) and other compatibility forms through NFKC, and Unicode
/// dashes and minus signs to `-`. ASCII cells come back borrowed.
pub fn fold(cell: &str) -> Cow<'_, str> {
    if cell.is_ascii() {
        return Cow::Borrowed(cell);
    }
    Cow::Owned(
        cell.nfkc()
            .map(|c| match c {
                '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
                c if c.is_whitespace() => ' ',
                c => c,
            })
            .collect(),
    )
}

/// `tel:+1-415-555-3434` -> `+1-415-555-3434` (RFC 3966 URIs, as some CRMs export).
pub fn strip_tel(cell: &str) -> &str {
    match cell.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("tel:") => cell[4..].trim_start(),
        _ => cell,
    }
}

/// Longest extension kept; anything longer is not an extension.
const MAX_EXTENSION_DIGITS: usize = 10;

/// Extension markers, longest first so `ext` is not read as `x`.
const EXTENSION_MARKERS: [&str; 4] = ["extension", "ext", "x", "#"];

/// Split a trailing extension off: `415-555-3434 x123`, `(415) 555-3434 ext. 45`,
/// `4155553434#12`, `+1 415 555 3434 extension 7`, `…;ext=9`. The marker must
/// not be glued to a word (`1-800-FLOWERS` keeps its letters) and a number must
/// stand in front of it.
pub fn split_extension(cell: &str) -> (&str, Option<String>) {
    let bytes = cell.as_bytes();
    let mut start = cell.len();
    while start > 0 && bytes[start - 1].is_ascii_digit() {
        start -= 1;
    }
    let extension = &cell[start..];
    if extension.is_empty() || extension.len() > MAX_EXTENSION_DIGITS {
        return (cell, None);
    }
    let head = cell[..start].trim_end_matches([' ', '\t', '.', ':', '=']);
    for marker in EXTENSION_MARKERS {
        let Some(at) = head.len().checked_sub(marker.len()) else {
            continue;
        };
        if !head.is_char_boundary(at) || !head[at..].eq_ignore_ascii_case(marker) {
            continue;
        }
        let number = &head[..at];
        if marker != "#" && number.chars().next_back().is_some_and(char::is_alphabetic) {
            continue;
        }
        let number = number.trim_end_matches(|c: char| c.is_whitespace() || ",;-.(".contains(c));
        if number.bytes().any(|b| b.is_ascii_digit()) {
            return (number, Some(extension.to_string()));
        }
    }
    (cell, None)
}

/// The second try for a number written with an international prefix
/// (`+`, `00` or `011`) and a national trunk zero kept after the country code:
/// `+44 (0)121 755 0998`, `+44 0121 755 0998`, `0044 (0)20 7946 0958` become
/// `+441217550998` … `None` when the cell has no such zero. `is_country_code`
/// says which digit prefixes are country codes (they are prefix-free).
pub fn without_trunk_zero(cell: &str, is_country_code: impl Fn(u16) -> bool) -> Option<String> {
    let unbracketed = cell.replace("(0)", "");
    let text = unbracketed.trim_start();
    let (rest, plus_written) = match text.strip_prefix('+') {
        Some(rest) => (rest, true),
        None => {
            let prefix = ["011", "00"].into_iter().find(|p| text.starts_with(p))?;
            (&text[prefix.len()..], false)
        }
    };
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let code_len = (1..=3).find(|&n| {
        digits
            .get(..n)
            .and_then(|cc| cc.parse().ok())
            .is_some_and(&is_country_code)
    })?;
    let (code, national) = digits.split_at(code_len);
    let trimmed = national.strip_prefix('0');
    let changed = !plus_written || trimmed.is_some() || unbracketed.len() != cell.len();
    changed.then(|| format!("+{code}{}", trimmed.unwrap_or(national)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_dashes_fold_to_ascii() {
        assert_eq!(fold("＋１ ４１５ ５５５ ３４３４"), "+1 415 555 3434");
        assert_eq!(fold("００１ 415"), "001 415");
        assert_eq!(fold("415\u{2013}555\u{2212}3434"), "415-555-3434");
        assert_eq!(fold("415\u{a0}555\u{a0}3434"), "415 555 3434");
        assert!(matches!(fold("(415) 555-3434"), Cow::Borrowed(_)));
    }

    #[test]
    fn tel_prefix_is_dropped() {
        assert_eq!(strip_tel("tel:+1-415-555-3434"), "+1-415-555-3434");
        assert_eq!(strip_tel("TEL: 4155553434"), "4155553434");
        assert_eq!(strip_tel("telephone"), "telephone");
        assert_eq!(strip_tel("te"), "te");
    }

    #[test]
    fn extensions_are_split_off() {
        let cases = [
            ("415-555-3434 x123", "415-555-3434", "123"),
            ("415-555-3434x123", "415-555-3434", "123"),
            ("(415) 555-3434 ext. 45", "(415) 555-3434", "45"),
            ("(415) 555-3434 ext.45", "(415) 555-3434", "45"),
            ("(415) 555-3434 EXT 45", "(415) 555-3434", "45"),
            ("4155553434#12", "4155553434", "12"),
            ("415 555 3434 # 12", "415 555 3434", "12"),
            ("+1 415 555 3434 extension 7", "+1 415 555 3434", "7"),
            ("+1-415-555-3434;ext=9", "+1-415-555-3434", "9"),
            ("415-555-3434, x 2", "415-555-3434", "2"),
        ];
        for (cell, number, ext) in cases {
            assert_eq!(
                split_extension(cell),
                (number, Some(ext.to_string())),
                "{cell:?}"
            );
        }
    }

    #[test]
    fn no_extension_is_invented() {
        for cell in [
            "4155553434",
            "+1 415 555 3434",
            "1-800-FLOWERS",
            "1.4155553434E+10",
            "x123",
            "box 12",
            "ext 12345678901",
            "415 555 3434 ×12",
        ] {
            assert_eq!(split_extension(cell), (cell, None), "{cell:?}");
        }
    }

    #[test]
    fn trunk_zero_after_country_code_is_dropped() {
        let cc = |c: u16| matches!(c, 1 | 44 | 39);
        let cases = [
            ("+44 (0)121 755 0998", "+441217550998"),
            ("+44 0121 755 0998", "+441217550998"),
            ("+44(0)20 7946 0958", "+442079460958"),
            ("0044 (0)20 7946 0958", "+442079460958"),
            ("0044 20 7946 0958", "+442079460958"),
            ("011 44 (0)20 7946 0958", "+442079460958"),
        ];
        for (cell, want) in cases {
            assert_eq!(
                without_trunk_zero(cell, cc).as_deref(),
                Some(want),
                "{cell:?}"
            );
        }
        // Nothing to change, or not international.
        assert_eq!(without_trunk_zero("+44 20 7946 0958", cc), None);
        assert_eq!(without_trunk_zero("020 7946 0958", cc), None);
        assert_eq!(without_trunk_zero("+999 0123", cc), None);
    }
}
