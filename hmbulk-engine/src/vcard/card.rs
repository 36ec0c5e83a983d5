//! One vCard → one row. Takes a card's text (`BEGIN:VCARD` … `END:VCARD`);
//! gives the cells of [`super::COLUMNS`]:
//!
//! - Name: `FN`, spaces collapsed; First Name, Last Name: `N`'s given and
//!   family names.
//! - Phones (`TEL`): a number typed `CELL`, `IPHONE` or `MOBILE`, or labelled
//!   mobile by Apple's `itemN.X-ABLabel` (`_$!<Mobile>!$_`, `Handy`, …) goes
//!   to Mobile Phone; a fax number (type or label) to Fax, which is not
//!   used; every other number to Phone. In each column the preferred
//!   numbers (`type=pref`, 2.1's `PREF`, 4.0's `PREF=1`) come first, then
//!   file order; several values are joined by ` ::: `, so the row takes the
//!   first valid one and adds the rest as channels. A `tel:` URI (4.0) loses
//!   its scheme, and `;ext=` becomes ` ext. `.
//! - Email: every `EMAIL`, preferred first.
//! - Country: of the preferred address (`ADR`) first: Apple's ISO code
//!   beside it (`itemN.X-ABADR:us`) when it is one, else its country name.
//! - Categories: `CATEGORIES` as a quoted tag list (`"VIP","Work, Play"`),
//!   without Google's own groups (`myContacts`, `starred`).
//!
//! Everything else (ORG, NOTE, BDAY, URL, IMPP, X-…) is not read.

use calcard::vcard::{
    VCard, VCardEntry, VCardParameterName as Param, VCardParameterValue as Value, VCardProperty,
    VCardType, VCardValue,
};
use calcard::{Entry, Parser};

/// Google's system groups, which Android also writes: not tags.
const GOOGLE_GROUPS: [&str; 4] = ["mycontacts", "starred", "my contacts", "starred in android"];

/// Labels (types or Apple labels, lower case) of a mobile number.
const MOBILE: [&str; 10] = [
    "cell", "mobile", "iphone", "handy", "móvil", "movil", "celular", "portable", "mobil", "手机",
];

/// The cells of one card, in the order of [`super::COLUMNS`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Row {
    pub name: String,
    pub first: String,
    pub last: String,
    pub mobile: Vec<String>,
    pub phone: Vec<String>,
    pub fax: Vec<String>,
    pub email: Vec<String>,
    pub country: String,
    pub categories: Vec<String>,
}

impl Row {
    /// The cells, in the order of [`super::COLUMNS`].
    pub(super) fn cells(&self) -> Vec<String> {
        let join = |values: &[String]| values.join(" ::: ");
        let tags: Vec<String> = self
            .categories
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "")))
            .collect();
        vec![
            self.name.clone(),
            self.first.clone(),
            self.last.clone(),
            join(&self.mobile),
            join(&self.phone),
            join(&self.fax),
            join(&self.email),
            self.country.clone(),
            tags.join(","),
        ]
    }
}

/// The row of a card's text; an empty row when calcard finds no card in it
/// (the row then fails as having no phone, naming its line).
pub(super) fn card(text: &str) -> Row {
    let mut parser = Parser::new(text);
    loop {
        match parser.entry() {
            Entry::VCard(card) => return row(&card),
            Entry::Eof => return Row::default(),
            _ => {}
        }
    }
}

/// What one `TEL`, `EMAIL` or `ADR` says about itself.
struct Typed<'a> {
    entry: &'a VCardEntry,
    /// Types and parameters without a value, lower case (`cell`, `pref`).
    types: Vec<String>,
    /// Apple's label of its group, lower case, `_$!<…>!$_` removed.
    label: String,
    /// Lower is preferred; 100 when not preferred.
    pref: u32,
}

impl Typed<'_> {
    fn is(&self, words: &[&str]) -> bool {
        words
            .iter()
            .any(|w| self.types.iter().any(|t| t == w) || self.label.contains(w))
    }
}

fn row(card: &VCard) -> Row {
    let mut row = Row::default();
    let typed = |name: VCardProperty| -> Vec<Typed> {
        let mut found: Vec<Typed> = card
            .entries
            .iter()
            .filter(|e| e.name == name)
            .map(|entry| typed(card, entry))
            .collect();
        found.sort_by_key(|t| t.pref); // stable: file order among equals
        found
    };
    for entry in &card.entries {
        match entry.name {
            VCardProperty::Fn if row.name.is_empty() => row.name = collapse(&text(entry, 0)),
            VCardProperty::N if row.first.is_empty() && row.last.is_empty() => {
                row.last = collapse(&text(entry, 0));
                row.first = collapse(&text(entry, 1));
            }
            VCardProperty::Categories => {
                for i in 0..entry.values.len() {
                    for name in text(entry, i).split('\n') {
                        let name = name.trim();
                        let system = GOOGLE_GROUPS.contains(&name.to_lowercase().as_str());
                        if !name.is_empty() && !system && !row.categories.iter().any(|c| c == name)
                        {
                            row.categories.push(name.to_string());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for tel in typed(VCardProperty::Tel) {
        let number = phone_value(&text(tel.entry, 0));
        if number.is_empty() {
            continue;
        }
        let column = if tel.is(&["fax"]) {
            &mut row.fax
        } else if tel.is(&MOBILE) {
            &mut row.mobile
        } else {
            &mut row.phone
        };
        if !column.contains(&number) {
            column.push(number);
        }
    }
    for email in typed(VCardProperty::Email) {
        let address = collapse(&text(email.entry, 0));
        if !address.is_empty() && !row.email.contains(&address) {
            row.email.push(address);
        }
    }
    row.country = typed(VCardProperty::Adr)
        .iter()
        .find_map(|adr| {
            let code = group_value(card, adr.entry, "X-ABADR")
                .filter(|c| c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()))
                .map(|c| c.to_ascii_uppercase());
            code.or_else(|| Some(collapse(&text(adr.entry, 6))).filter(|c| !c.is_empty()))
        })
        .unwrap_or_default();
    row
}

fn typed<'a>(card: &'a VCard, entry: &'a VCardEntry) -> Typed<'a> {
    let mut types = Vec::new();
    let mut pref = 100;
    for p in &entry.params {
        match (&p.name, &p.value) {
            (Param::Pref, Value::Integer(n)) => pref = pref.min(*n),
            (Param::Pref, _) => pref = pref.min(1),
            (Param::Type, Value::Type(t)) => types.push(type_name(t).to_string()),
            (Param::Type, Value::Text(t)) => types.extend(
                t.split(',')
                    .map(|t| t.trim().trim_matches('"').to_lowercase()),
            ),
            // vCard 2.1's bare parameters calcard does not know (`INTERNET`).
            (Param::Other(name), Value::Null) => types.push(name.to_lowercase()),
            _ => {}
        }
    }
    if types.iter().any(|t| t == "pref") {
        pref = pref.min(1);
    }
    let label = group_value(card, entry, "X-ABLabel")
        .map(|l| {
            l.trim_start_matches("_$!<")
                .trim_end_matches(">!$_")
                .to_lowercase()
        })
        .unwrap_or_default();
    Typed {
        entry,
        types,
        label,
        pref,
    }
}

/// The value of property `name` (`X-ABLabel`) in the same group
/// (`item1.`) as `entry`.
fn group_value(card: &VCard, entry: &VCardEntry, name: &str) -> Option<String> {
    let group = entry.group.as_deref()?;
    card.entries
        .iter()
        .filter(|e| {
            e.group
                .as_deref()
                .is_some_and(|g| g.eq_ignore_ascii_case(group))
        })
        .find(|e| matches!(&e.name, VCardProperty::Other(n) if n.eq_ignore_ascii_case(name)))
        .map(|e| text(e, 0).trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The types hmbulk tells apart, as the names vCard writes.
fn type_name(t: &VCardType) -> &'static str {
    match t {
        VCardType::Cell => "cell",
        VCardType::Fax => "fax",
        VCardType::Pager => "pager",
        VCardType::Home => "home",
        VCardType::Work => "work",
        VCardType::Voice => "voice",
        VCardType::Text => "text",
        VCardType::MainNumber => "main-number",
        _ => "other",
    }
}

/// Component `i` of a property's value as text (a list component's items
/// on lines of their own); empty when it has none.
fn text(entry: &VCardEntry, i: usize) -> String {
    match entry.values.get(i) {
        Some(VCardValue::Text(t)) => t.clone(),
        Some(VCardValue::Component(items)) => items.join("\n"),
        _ => String::new(),
    }
}

/// Spaces and line breaks collapsed to one space, ends trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A `TEL` value as a phone cell: a `tel:` URI's number, its `;ext=` as
/// ` ext. `.
fn phone_value(value: &str) -> String {
    let value = value.trim();
    let number = match value.get(..4) {
        Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => &value[4..],
        _ => value,
    };
    collapse(&number.replace(";ext=", " ext. ").replace(";EXT=", " ext. "))
}
