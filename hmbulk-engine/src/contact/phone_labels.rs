//! A phone cell of several labelled numbers, as QuickBooks Online's Customer
//! Contact List writes its `Phone numbers` column:
//! `Phone:(410) 415-7406 Mobile:(410) 555-0123`. Takes one value of a phone
//! cell ([`super::columns::values`]); gives its numbers, mobile first, then
//! the others in the cell's order, fax numbers left out (a fax takes no
//! texts) — or the value itself when it is not such a list.
//!
//! Only a value that starts with a label and has two or more of them is
//! split, and only at the labels below: `Phone: 415 555 3434` (one label)
//! is read whole, as libphonenumber reads it (it skips the text in front),
//! and a word libphonenumber reads as part of a number (`ext`) is no label.

/// What a label says about its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Mobile,
    Other,
    Fax,
}

/// The labels a cell is split at (lower case): QuickBooks Online's customer
/// record has Phone, Mobile, Fax and Other; the rest are the same words in
/// other products' rendered cells. Not `tel`: `tel:+1-415-555-3434` is an
/// RFC 3966 number, which libphonenumber reads.
const LABELS: &[(&str, Kind)] = &[
    ("mobile", Kind::Mobile),
    ("cell", Kind::Mobile),
    ("phone", Kind::Other),
    ("other", Kind::Other),
    ("work", Kind::Other),
    ("home", Kind::Other),
    ("main", Kind::Other),
    ("business", Kind::Other),
    ("telephone", Kind::Other),
    ("fax", Kind::Fax),
];

/// The numbers of one value: its labelled numbers, mobile first, when it is
/// a list of them; else the value.
pub(super) fn numbers(value: &str) -> impl Iterator<Item = &str> {
    let list = labelled(value);
    let whole = list.is_none().then_some(value);
    whole.into_iter().chain(list.into_iter().flatten())
}

/// The labelled numbers of `value`, mobile first, fax left out; `None`
/// when `value` does not start with a label, has fewer than two, or holds
/// nothing but fax numbers (then it is read whole, and its error names it).
fn labelled(value: &str) -> Option<Vec<&str>> {
    if !value.contains(':') {
        return None;
    }
    let value = value.trim();
    let labels = labels_in(value);
    if labels.len() < 2 || labels[0].0 != 0 {
        return None;
    }
    let mut numbers: Vec<(Kind, &str)> = labels
        .iter()
        .enumerate()
        .map(|(i, &(_, number_start, kind))| {
            let end = labels.get(i + 1).map_or(value.len(), |next| next.0);
            let number = value[number_start..end]
                .trim_matches(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '|');
            (kind, number)
        })
        .filter(|&(kind, number)| kind != Kind::Fax && !number.is_empty())
        .collect();
    // Stable: mobiles first, each group in the cell's order.
    numbers.sort_by_key(|&(kind, _)| kind != Kind::Mobile);
    let numbers: Vec<&str> = numbers.into_iter().map(|(_, n)| n).collect();
    (!numbers.is_empty()).then_some(numbers)
}

/// Each label of `value`: where it starts, where its number starts (after
/// the `:`), and its kind. A label is one of [`LABELS`], at the start or
/// after a space or separator, then optional spaces and a `:`.
fn labels_in(value: &str) -> Vec<(usize, usize, Kind)> {
    let bytes = value.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b',' | b';' | b'|');
        if !starts_word || !bytes[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let word_end = bytes[i..]
            .iter()
            .position(|b| !b.is_ascii_alphabetic())
            .map_or(bytes.len(), |n| i + n);
        let colon = bytes[word_end..]
            .iter()
            .position(|&b| b != b' ')
            .map(|n| word_end + n)
            .filter(|&c| bytes[c] == b':');
        let word = value[i..word_end].to_ascii_lowercase();
        let kind = LABELS.iter().find(|(l, _)| *l == word).map(|&(_, k)| k);
        if let (Some(colon), Some(kind)) = (colon, kind) {
            found.push((i, colon + 1, kind));
            i = colon + 1;
        } else {
            i = word_end;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(value: &str) -> Vec<&str> {
        numbers(value).collect()
    }

    /// The cell as QuickBooks Online writes it, as a public QuickBooks
    /// contact importer quotes it in its documentation and tests:
    /// `"Phone:(555) 010-1234 Mobile:(555) 010-1234"`.
    #[test]
    fn several_labelled_numbers_mobile_first() {
        assert_eq!(
            all("Phone:(410) 415-7406 Mobile:(410) 555-0123"),
            ["(410) 555-0123", "(410) 415-7406"]
        );
        assert_eq!(
            all("Phone:(410) 415-7406 Fax:(410) 415-7499 Other:+44 20 7946 0958"),
            ["(410) 415-7406", "+44 20 7946 0958"]
        );
        assert_eq!(
            all("Mobile: 905-555-0199, Phone: 905-555-0100"),
            ["905-555-0199", "905-555-0100"]
        );
        assert_eq!(
            all("phone:1 cell:2 MOBILE:3 Work :4"),
            ["2", "3", "1", "4"],
            "any case; mobiles in the cell's order"
        );
    }

    #[test]
    fn other_cells_are_read_whole() {
        for value in [
            "Phone:905-555-0100",
            "Phone: 415 555 3434",
            "Mobile:(410) 415-7406",
            "(410) 415-7406",
            "415 555 3434 Mobile:(410) 415-7406",
            "Phone:(410) 415-7406 ext:12",
            "Tel:1 Tel:2",
            "Fax:(410) 415-7499 Fax:(410) 415-7498",
            "Phone: Mobile:",
            "iPhone:1 Mobile:2",
        ] {
            assert_eq!(all(value), [value], "{value:?}");
        }
    }
}
