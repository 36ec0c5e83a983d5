//! Country cells: what a spreadsheet writes in a country column (`PK`, `PAK`,
//! `Pakistan`, `United Kingdom`, `UK`, `USA`, `Deutschland`…) → the phone
//! [`Region`] whose national numbers that row holds. Takes one cell; gives a
//! region, or `None` for a value nobody can read (the caller decides what that
//! means for the row).
//!
//! ISO 3166-1 codes and English names come from the `celes` crate (alpha-2,
//! alpha-3, official names and its English aliases); names in German, French,
//! Spanish, Portuguese, Italian and Dutch (`Frankreich`, `Türkei`,
//! `Allemagne`, `Alemania`) from [`names`], generated from iso-codes'
//! translations. Accents and case do not count. A short table of our own
//! adds spellings that exports write and `celes` does not know (`UK`,
//! `South Korea` written as `Korea, Republic of`, a few names in their own
//! language); each entry is listed below. Numbers are never read as ISO
//! numeric codes: a `Country Code` cell of `44` or `+92` is far more often a
//! dialling code than ISO 3166 `044` (The Bahamas).

use std::str::FromStr;

use crate::phone::Region;

mod names;

/// Spellings exports use that `celes` does not read, as normalised keys (lower
/// case, letters only) → ISO alpha-2. Sources: the ISO 3166-1 short names
/// ("Korea, Republic of", "Iran, Islamic Republic of", …) as exports write
/// them, and the everyday English and own-language names seen in CRM exports.
const EXTRA: &[(&str, &str)] = &[
    ("uk", "GB"),
    ("britain", "GB"),
    ("unitedkingdomofgreatbritain", "GB"),
    ("scotland", "GB"),
    ("wales", "GB"),
    ("korea", "KR"),
    ("korearepublicof", "KR"),
    ("republicofkorea", "KR"),
    ("koreasouth", "KR"),
    ("northkorea", "KP"),
    ("koreanorth", "KP"),
    ("iran", "IR"),
    ("iranislamicrepublicof", "IR"),
    ("taiwan", "TW"),
    ("taiwanprovinceofchina", "TW"),
    ("czechia", "CZ"),
    ("czechrepublic", "CZ"),
    ("bolivia", "BO"),
    ("syria", "SY"),
    ("ivorycoast", "CI"),
    ("cotedivoire", "CI"),
    ("uae", "AE"),
    ("macedonia", "MK"),
    ("northmacedonia", "MK"),
    ("palestine", "PS"),
    ("turkey", "TR"),
    ("turkiye", "TR"),
    ("vietnam", "VN"),
    ("vietnamsocialistrepublicof", "VN"),
    ("russia", "RU"),
    ("russianfederation", "RU"),
    ("unitedstates", "US"),
    ("unitedstatesofamerica", "US"),
    ("us", "US"),
    ("usa", "US"),
    ("america", "US"),
    ("hongkong", "HK"),
    ("macau", "MO"),
    ("macao", "MO"),
    ("deutschland", "DE"),
    ("espana", "ES"),
    ("italia", "IT"),
    ("brasil", "BR"),
    ("mexico", "MX"),
    ("osterreich", "AT"),
    ("belgie", "BE"),
    ("schweiz", "CH"),
    ("suisse", "CH"),
    ("nederland", "NL"),
    ("netherlands", "NL"),
    ("holland", "NL"),
    ("belgique", "BE"),
];

/// The region a country cell names, if it names one the phone metadata knows.
/// Blank cells are `None` too: callers check for blank first.
pub fn region(cell: &str) -> Option<Region> {
    let key = key(cell);
    if key.is_empty() || key.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if let Some((_, code)) = EXTRA.iter().find(|(k, _)| *k == key) {
        return Region::parse(code);
    }
    if let Ok(i) = names::NAMES.binary_search_by(|(k, _)| (*k).cmp(key.as_str())) {
        return Region::parse(names::NAMES[i].1);
    }
    let bare = key.strip_prefix("the").filter(|rest| rest.len() > 2);
    let found = celes::Country::from_str(&key)
        .or_else(|_| celes::Country::from_name(&key))
        .or_else(|_| celes::Country::from_alias(&key))
        .or_else(|e| bare.map_or(Err(e), celes::Country::from_str))
        .or_else(|_| celes::Country::from_name(format!("the{key}")))
        .ok()?;
    Region::parse(found.alpha2)
}

/// Lower-case letters only, accents removed, with the ISO "Name, Qualifier"
/// order kept as written (`Korea, Republic of` → `korearepublicof`,
/// `Türkei` → `turkei`).
fn key(cell: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    cell.trim()
        .nfkd()
        .filter(|c| c.is_alphanumeric() && !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(cell: &str) -> Option<String> {
        region(cell).map(|r| r.as_str().to_string())
    }

    #[test]
    fn codes_and_names_read() {
        for (cell, want) in [
            ("PK", "PK"),
            ("pk", "PK"),
            (" PAK ", "PK"),
            ("Pakistan", "PK"),
            ("US", "US"),
            ("USA", "US"),
            ("U.S.A.", "US"),
            ("United States", "US"),
            ("United States of America", "US"),
            ("UK", "GB"),
            ("GB", "GB"),
            ("United Kingdom", "GB"),
            ("Great Britain", "GB"),
            ("England", "GB"),
            ("Germany", "DE"),
            ("Deutschland", "DE"),
            ("India", "IN"),
            ("IND", "IN"),
            ("France", "FR"),
            ("Korea, Republic of", "KR"),
            ("South Korea", "KR"),
            ("Russia", "RU"),
            ("Viet Nam", "VN"),
            ("Vietnam", "VN"),
            ("Iran", "IR"),
            ("Czech Republic", "CZ"),
            ("The Netherlands", "NL"),
            ("Netherlands", "NL"),
            ("Colombia", "CO"),
            ("Brazil", "BR"),
            ("Canada", "CA"),
            ("Australia", "AU"),
            ("Mexico", "MX"),
            ("Switzerland", "CH"),
            ("Ireland", "IE"),
            ("Hong Kong", "HK"),
            ("United Arab Emirates", "AE"),
            ("UAE", "AE"),
            ("Turkey", "TR"),
            ("Frankreich", "FR"),
            ("Türkei", "TR"),
            ("TÜRKEI", "TR"),
            ("Allemagne", "DE"),
            ("Alemania", "DE"),
            ("España", "ES"),
            ("Österreich", "AT"),
            ("Brasil", "BR"),
            ("Países Bajos", "NL"),
            ("Stati Uniti d'America", "US"),
            ("Verenigd Koninkrijk", "GB"),
            ("Royaume-Uni", "GB"),
        ] {
            assert_eq!(code(cell).as_deref(), Some(want), "{cell:?}");
        }
    }

    #[test]
    fn unreadable_values_are_none() {
        for cell in ["", "  ", "44", "+92", "044", "Narnia", "X", "Earth", "--"] {
            assert_eq!(code(cell), None, "{cell:?}");
        }
    }
}
