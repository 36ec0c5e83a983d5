//! Guesses for columns nothing placed: the targets a header is close to, for
//! the summary's list of unknown columns.
//! Takes a header (and the account's custom field titles); gives targets.
//!
//! A guess is made only where it is close: a misspelling of a field's name
//! (one edit for short names, two for long ones), or a header whose words
//! contain the name (`Work Email` → email). Headers that describe a value
//! rather than hold it (`Phone 1 - Type`, `Job Title`, `Email Opt-in Date`)
//! are never guessed: following such a guess would fail every row.

use super::{BUILT_IN, normalise_header};
use crate::catalog::Catalog;

/// Words that make a header describe a value instead of holding one.
const DESCRIBING: &[&str] = &[
    "type",
    "label",
    "kind",
    "status",
    "date",
    "time",
    "id",
    "code",
    "country",
    "ext",
    "extension",
    "verified",
    "valid",
    "consent",
    "optin",
    "opt",
    "marketing",
    "subscribed",
    "source",
    "count",
    "title",
    "company",
    "address",
    "street",
    "city",
    "zip",
    "fax",
    "pager",
    "url",
    "web",
    "notes",
    "note",
];

/// Up to three targets close to `header`, best first.
pub(super) fn suggestions(header: &str, catalog: &Catalog) -> Vec<String> {
    let words = words(header);
    if words.iter().any(|w| DESCRIBING.contains(&w.as_str())) {
        return Vec::new();
    }
    let key = normalise_header(header);
    let key_len = key.chars().count();
    let allowed = match key_len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    let built_in = BUILT_IN.iter().flat_map(|(field, _, synonyms)| {
        synonyms
            .iter()
            .map(move |w| (w.to_string(), field.to_string()))
    });
    let titles = catalog
        .fields
        .iter()
        .map(|f| (normalise_header(&f.title), f.title.clone()));
    let mut scored: Vec<(usize, String)> = built_in
        .chain(titles)
        .filter_map(|(word, target)| {
            if word.chars().count() >= 4 && words.contains(&word) {
                return Some((1, target));
            }
            // The distance is at least the difference in length: most
            // words are too far without computing it (a wide header asks
            // this for every column).
            if key_len.abs_diff(word.chars().count()) > allowed {
                return None;
            }
            let distance = edit_distance(&key, &word);
            (distance <= allowed).then_some((distance, target))
        })
        .collect();
    scored.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, target) in scored {
        if !out.contains(&target) && out.len() < 3 {
            out.push(target);
        }
    }
    out
}

/// The words of a header, lower case: `Phone 1 - Type` → phone, 1, type;
/// `mobilePhone` → mobile, phone.
fn words(header: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in header.chars() {
        let split = !c.is_alphanumeric() || (c.is_uppercase() && prev_lower);
        if split && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        }
        prev_lower = c.is_lowercase();
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Optimal string alignment distance: insertions, deletions, substitutions
/// and swaps of neighbours each cost 1 ("moblie" -> "mobile" is 1).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

/// A TOML basic string: `"Mobile \"#\""`.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_swaps_once() {
        assert_eq!(edit_distance("mobile", "mobile"), 0);
        assert_eq!(edit_distance("moblie", "mobile"), 1);
        assert_eq!(edit_distance("emial", "email"), 1);
        assert_eq!(edit_distance("fone", "phone"), 2);
        assert_eq!(edit_distance("", "tag"), 3);
        assert_eq!(edit_distance("téléphone", "telephone"), 2);
    }

    #[test]
    fn words_split_on_punctuation_and_case() {
        assert_eq!(words("Phone 1 - Type"), ["phone", "1", "type"]);
        assert_eq!(words("mobilePhone"), ["mobile", "phone"]);
        assert_eq!(words("E-mail"), ["e", "mail"]);
    }

    #[test]
    fn describing_headers_are_never_guessed() {
        let catalog = Catalog::offline();
        for header in [
            "Phone 1 - Type",
            "Phone 1 - Label",
            "Job Title",
            "Email Opt-in Date",
            "Phone Country Code",
        ] {
            assert!(suggestions(header, &catalog).is_empty(), "{header}");
        }
        assert_eq!(suggestions("Emial", &catalog), ["email"]);
        assert_eq!(suggestions("Moblie", &catalog), ["phone"]);
        assert!(suggestions("Fav Color", &catalog).is_empty());
    }
}
