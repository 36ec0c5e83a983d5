//! The text of our own rules (docs/phones.md): small rewrites of a cell that
//! libphonenumber did not read as a valid number, each handed back to
//! libphonenumber. Takes one trimmed cell; gives it with odd spaces made plain,
//! rewritten with `+` for a `00` exit code, with `+CC` for a country code
//! followed by a `(0)` trunk, or with `+` before bare digits; and reads the
//! North American shapes of the fast path ([`nanp`]). Pure string work: no
//! metadata; whether a rewrite may be used is the caller's to decide.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Spaces libphonenumber does not take as punctuation (thin U+2009, narrow
/// no-break U+202F, the other U+2000 block spaces, tabs) become plain spaces,
/// which it does; a cell without them comes back borrowed. Word processors
/// and French typography put thin and narrow spaces between digit groups.
pub(super) fn spaces(cell: &str) -> Cow<'_, str> {
    let odd = if cell.is_ascii() {
        cell.bytes().any(|b| b.is_ascii_whitespace() && b != b' ')
    } else {
        cell.chars().any(odd_space)
    };
    if !odd {
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

/// `0044 20 7946 0958`, `００４４ …` -> `+44 20 7946 0958`: the `00` exit
/// code most of the world dials. `None` when the cell does not start with
/// `00` followed by a digit or `(` (after spaces, `-` or `.`). `011`, North
/// America's exit code, is never rewritten: where it is dialled
/// libphonenumber reads it, and elsewhere a slip reaches it (`0115152591681`
/// is a German number with a `1` doubled).
pub(super) fn exit_code(cell: &str) -> Option<String> {
    let folded = folded(cell);
    let rest = folded.strip_prefix("00")?;
    let after = rest.trim_start_matches([' ', '-', '.']);
    after
        .starts_with(|c: char| c.is_ascii_digit() || c == '(')
        .then(|| format!("+{rest}"))
}

/// Full-width digits, plus and brackets (`００４４`, `＋４４ （０）`) are the
/// same characters: NFKC, for a cell that is not ASCII.
fn folded(cell: &str) -> Cow<'_, str> {
    if cell.is_ascii() {
        Cow::Borrowed(cell)
    } else {
        Cow::Owned(cell.nfkc().collect())
    }
}

/// How a cell with a `(0)` trunk after its country code writes the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CodeWritten {
    Plus,
    /// After `00` or `011`: the caller decides whether the region dials it.
    ExitCode,
}

/// `+44 (0)121 755 0998`, `0044 (0)20 7946 0958` -> `+44 121 755 0998`: the
/// bracketed trunk zero of a number written for callers at home and abroad
/// at once, right after a country code of one to three digits written with
/// `+`, `00` or `011`. `None` for any other cell, wherever else its `(0)`
/// stands (`64(0)64123456`, `(0)3 0 -3 2 23 12 34`).
pub(super) fn trunk_after_code(cell: &str) -> Option<(String, CodeWritten)> {
    let folded = folded(cell);
    let (rest, written) = if let Some(rest) = folded.strip_prefix('+') {
        (rest, CodeWritten::Plus)
    } else {
        let rest = ["011", "00"]
            .into_iter()
            .find_map(|p| folded.strip_prefix(p))?;
        (rest, CodeWritten::ExitCode)
    };
    let rest = rest.trim_start_matches([' ', '-', '.']);
    let code_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=3).contains(&code_len) {
        return None;
    }
    let (code, after) = rest.split_at(code_len);
    let national = after.trim_start_matches(' ').strip_prefix("(0)")?;
    Some((format!("+{code} {national}"), written))
}

/// `442079460001` -> `+442079460001`: Heymarket writes E.164 digits without
/// the `+` (and so does `hmbulk export`). Only a cell of 8 to 15 ASCII digits
/// not starting with `0` qualifies; `None` otherwise.
pub(super) fn bare_international(cell: &str) -> Option<String> {
    let digits = (8..=15).contains(&cell.len())
        && cell.bytes().all(|b| b.is_ascii_digit())
        && !cell.starts_with('0');
    digits.then(|| format!("+{cell}"))
}

/// A North American number as [`nanp`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Nanp<'a> {
    /// The ten digits after the country code.
    pub national: u64,
    /// Written with `+1`.
    pub plus: bool,
    /// Written with a leading `1` (and no `+`).
    pub one: bool,
    /// The digits after `x` or `ext`.
    pub extension: Option<&'a str>,
}

/// Reads the shapes North American numbers fill files with, and nothing
/// else: `(415) 555-0100`, `415.555.0100`, `415 555 0100`, `4155550100`,
/// any of them after `+1` or `1` (with or without one `-`, `.` or space),
/// and an extension at the end: `x12`, `ext. 12`, `EXT 12` (1 to 6 digits,
/// spaces around the label). The area code starts with 2-9. ASCII only.
pub(super) fn nanp(cell: &str) -> Option<Nanp<'_>> {
    let b = cell.as_bytes();
    let mut i = 0;
    let plus = b.starts_with(b"+1");
    let one = !plus && b.first() == Some(&b'1');
    if plus || one {
        i = if plus { 2 } else { 1 };
        i += usize::from(matches!(b.get(i), Some(b' ' | b'-' | b'.')));
    }
    let mut national = 0u64;
    let mut digits = |i: &mut usize, n: usize| -> Option<()> {
        for _ in 0..n {
            let d = *b.get(*i).filter(|d| d.is_ascii_digit())?;
            national = national * 10 + u64::from(d - b'0');
            *i += 1;
        }
        Some(())
    };
    if !matches!(
        b.get(i + usize::from(b.get(i) == Some(&b'('))),
        Some(b'2'..=b'9')
    ) {
        return None;
    }
    if b.get(i) == Some(&b'(') {
        i += 1;
        digits(&mut i, 3)?;
        (b.get(i) == Some(&b')')).then_some(())?;
        i += 1;
        i += usize::from(matches!(b.get(i), Some(b' ' | b'-')));
    } else {
        digits(&mut i, 3)?;
        i += usize::from(matches!(b.get(i), Some(b' ' | b'-' | b'.')));
    }
    digits(&mut i, 3)?;
    i += usize::from(matches!(b.get(i), Some(b' ' | b'-' | b'.')));
    digits(&mut i, 4)?;
    let rest = &cell[i..];
    let extension = if rest.is_empty() {
        None
    } else {
        Some(extension(rest)?)
    };
    Some(Nanp {
        national,
        plus,
        one,
        extension,
    })
}

/// ` x12`, `ext. 12`, `EXT12`: the digits, when that is all there is.
fn extension(rest: &str) -> Option<&str> {
    let rest = rest.trim_start_matches(' ');
    let lower = |n: usize| rest.get(..n).map(str::to_ascii_lowercase);
    let label = if lower(4).as_deref() == Some("ext.") {
        4
    } else if lower(3).as_deref() == Some("ext") {
        3
    } else if lower(1).as_deref() == Some("x") {
        1
    } else {
        return None;
    };
    let digits = rest[label..].trim_start_matches(' ');
    let ok = (1..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(digits)
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
        assert_eq!(exit_code("００４４ 20").unwrap(), "+44 20");
        assert_eq!(exit_code("00 (44) 20").unwrap(), "+ (44) 20");
        for cell in [
            "020 7946 0958",
            "00+44 20",
            "00",
            "0 044",
            "+44 20",
            "011 44 20 7946 0958",
            "0115152591681",
        ] {
            assert_eq!(exit_code(cell), None, "{cell:?}");
        }
    }

    #[test]
    fn a_bracketed_zero_is_dropped_only_after_a_country_code() {
        let plus = |s: &str| Some((s.to_string(), CodeWritten::Plus));
        let exit = |s: &str| Some((s.to_string(), CodeWritten::ExitCode));
        assert_eq!(
            trunk_after_code("+44 (0)121 755 0998"),
            plus("+44 121 755 0998")
        );
        assert_eq!(trunk_after_code("+44(0)20 7946"), plus("+44 20 7946"));
        assert_eq!(trunk_after_code("＋４４ （０）２０"), plus("+44 20"));
        assert_eq!(
            trunk_after_code("0044 (0)20 7946 0958"),
            exit("+44 20 7946 0958")
        );
        assert_eq!(trunk_after_code("011 47 (0)21 23"), exit("+47 21 23"));
        for cell in [
            "64(0)64123456",
            "(0)3 0 -3 2 23 12 34",
            "+44 121 755 0998",
            "+4420 (0)7946",
            "+ (0)20 7946",
            "020 (0)7946 0958",
            "+44 20 (0)7946",
        ] {
            assert_eq!(trunk_after_code(cell), None, "{cell:?}");
        }
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

    #[test]
    fn north_american_shapes_are_read() {
        let read = |cell| nanp(cell).map(|n| (n.national, n.plus, n.one, n.extension));
        for cell in [
            "(415) 555-0100",
            "(415)555-0100",
            "415.555.0100",
            "415-555-0100",
            "415 555 0100",
            "4155550100",
        ] {
            assert_eq!(
                read(cell),
                Some((4_155_550_100, false, false, None)),
                "{cell:?}"
            );
        }
        for cell in [
            "+1 415 555 0100",
            "+14155550100",
            "+1 (415) 555-0100",
            "+1-415-555-0100",
        ] {
            assert_eq!(
                read(cell),
                Some((4_155_550_100, true, false, None)),
                "{cell:?}"
            );
        }
        for cell in [
            "1-415-555-0100",
            "14155550100",
            "1 (415) 555-0100",
            "1.415.555.0100",
        ] {
            assert_eq!(
                read(cell),
                Some((4_155_550_100, false, true, None)),
                "{cell:?}"
            );
        }
        for cell in [
            "415-555-0100 x12",
            "415-555-0100x12",
            "(415) 555-0100 ext. 12",
            "4155550100 EXT 12",
        ] {
            assert_eq!(
                read(cell),
                Some((4_155_550_100, false, false, Some("12"))),
                "{cell:?}"
            );
        }
    }

    #[test]
    fn other_cells_are_left_to_libphonenumber() {
        for cell in [
            "",
            "555-0100",
            "(115) 555-0100",
            "015-555-0100",
            "+1 115 555 0100",
            "+44 20 7946 0958",
            "11 415 555 0100",
            "415-555-01000",
            "415--555-0100",
            "(415 555-0100",
            "415-555-0100 x",
            "415-555-0100 x1234567",
            "415-555-0100 #12",
            "415-555-0100 ext 1a",
            "４１５-555-0100",
            "+1 415 555 0100 ",
            "tel:+1-415-555-0100",
        ] {
            assert_eq!(nanp(cell), None, "{cell:?}");
        }
    }
}
