//! What a consent or yes/no cell says, in the languages the column mapper
//! reads (English, German, French, Spanish, Portuguese, Italian, Dutch).
//! Takes one cell; gives a [`Said`] or `None` for a value nobody can read
//! (blank cells and "unknown" are [`Said::Nothing`]: the contact's setting is
//! left as it is).
//!
//! Two kinds of words: answers (`yes`, `ja`, `oui`, `sí`, `sim`, `no`,
//! `nein`, `non`, `não`, `nee`, `true`, `1`, `x` …) answer the question
//! the column's header asks, so they mean opted out under an opt-out
//! header and consent under a consent header; statuses (`subscribed`,
//! `unsubscribed`, `opted out`, `never subscribed`, `abgemeldet`,
//! `désabonné`, `dado de baja` …) say the same thing under any header.
//! Case, accents, spaces, `-` and `_` do not count (`Opted-Out` =
//! `opted out` = `OPTEDOUT`, `Désabonné` = `desabonne`).
//!
//! Used by the mapper to read a sample of a consent column (a column whose
//! values cannot be read stops the run, naming it) and by row validation.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What one cell says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Said {
    /// Blank, or a word for "not known": leave the contact's setting.
    Nothing,
    /// Yes to the header's question.
    Yes,
    /// No to the header's question.
    No,
    /// Subscribed, opted in, consents: under any header.
    Subscribed,
    /// Unsubscribed, opted out, never subscribed: under any header.
    Unsubscribed,
}

impl Said {
    /// Under a header that asks "opted out?": whether the contact is.
    pub fn opted_out(self) -> Option<bool> {
        match self {
            Said::Nothing => None,
            Said::Yes | Said::Unsubscribed => Some(true),
            Said::No | Said::Subscribed => Some(false),
        }
    }

    /// Under a header that asks "consents?": whether the contact does.
    pub fn consents(self) -> Option<bool> {
        match self {
            Said::Nothing => None,
            Said::Yes | Said::Subscribed => Some(true),
            Said::No | Said::Unsubscribed => Some(false),
        }
    }
}

/// Answers: yes to the header's question.
const YES: &[&str] = &[
    "yes",
    "y",
    "true",
    "t",
    "1",
    "x",
    "on",
    "checked",
    "ja",
    "j",
    "wahr",
    "oui",
    "o",
    "vrai",
    "si",
    "verdadero",
    "sim",
    "s",
    "verdadeiro",
    "vero",
    "waar",
    "ok",
];

/// Answers: no to the header's question.
const NO: &[&str] = &[
    "no",
    "n",
    "false",
    "f",
    "0",
    "off",
    "unchecked",
    "nein",
    "falsch",
    "non",
    "faux",
    "falso",
    "nao",
    "nee",
    "onwaar",
];

/// Statuses that consent, in any language.
const SUBSCRIBED: &[&str] = &[
    "subscribed",
    "optedin",
    "optin",
    "granted",
    "confirmed",
    "consented",
    "consent given",
    "angemeldet",
    "abonniert",
    "eingewilligt",
    "zugestimmt",
    "einverstanden",
    "abonne",
    "inscrit",
    "consentement donne",
    "suscrito",
    "dado de alta",
    "alta",
    "inscrito",
    "assinante",
    "consentido",
    "iscritto",
    "abbonato",
    "consenso dato",
    "aangemeld",
    "ingeschreven",
    "toestemming gegeven",
];

/// Statuses that do not consent (opted out), in any language.
const UNSUBSCRIBED: &[&str] = &[
    "unsubscribed",
    "optedout",
    "optout",
    "not subscribed",
    "never subscribed",
    "nonsubscribed",
    "non subscribed",
    "not opted in",
    "denied",
    "revoked",
    "declined",
    "withdrawn",
    "no consent",
    "not consented",
    "pending",
    "suppressed",
    "blocked",
    "blacklisted",
    "stop",
    "stopped",
    "cleaned",
    "abgemeldet",
    "ausgetragen",
    "nicht angemeldet",
    "nicht abonniert",
    "abbestellt",
    "widerrufen",
    "widersprochen",
    "keine einwilligung",
    "desabonne",
    "desinscrit",
    "non abonne",
    "non inscrit",
    "refuse",
    "dado de baja",
    "de baja",
    "baja",
    "desuscrito",
    "no suscrito",
    "cancelado",
    "cancelada",
    "descadastrado",
    "nao inscrito",
    "cancelou",
    "disiscritto",
    "non iscritto",
    "cancellato",
    "afgemeld",
    "uitgeschreven",
    "niet aangemeld",
    "geen toestemming",
];

/// Words for "not known": the same as blank.
const NOTHING: &[&str] = &[
    "unknown",
    "not set",
    "notset",
    "none",
    "na",
    "n a",
    "unbekannt",
    "inconnu",
    "desconocido",
    "desconhecido",
    "sconosciuto",
    "onbekend",
];

/// What `cell` says, or `None` when it is no consent or yes/no value.
pub fn read(cell: &str) -> Option<Said> {
    if matches!(cell.trim(), "✓" | "✔" | "☑") {
        return Some(Said::Yes);
    }
    // Most cells are short ASCII words (`yes`, `false`): read them on the
    // stack, without a copy (a dry run reads a million).
    let mut buf = [0u8; 24];
    let key: std::borrow::Cow<str> = match ascii_key(cell, &mut buf) {
        Some(k) => std::borrow::Cow::Borrowed(k),
        None => std::borrow::Cow::Owned(key(cell)),
    };
    let key = key.as_ref();
    if key.is_empty() {
        return Some(Said::Nothing);
    }
    if let Some(said) = short(key) {
        return Some(said);
    }
    let bare: String = key.chars().filter(|c| *c != ' ').collect();
    let is = |words: &[&str]| {
        words
            .iter()
            .any(|w| *w == key || w.chars().filter(|c| *c != ' ').eq(bare.chars()))
    };
    if is(YES) {
        Some(Said::Yes)
    } else if is(NO) {
        Some(Said::No)
    } else if is(UNSUBSCRIBED) {
        Some(Said::Unsubscribed)
    } else if is(SUBSCRIBED) {
        Some(Said::Subscribed)
    } else if is(NOTHING) {
        Some(Said::Nothing)
    } else {
        None
    }
}

/// The common one-word answers, without the lists' search.
fn short(key: &str) -> Option<Said> {
    match key {
        "yes" | "y" | "true" | "1" | "x" | "ja" | "oui" | "si" | "sim" => Some(Said::Yes),
        "no" | "n" | "false" | "0" | "nein" | "non" | "nao" | "nee" => Some(Said::No),
        _ => None,
    }
}

/// [`key`] of a short ASCII cell, written into `buf`; `None` for any
/// other cell.
fn ascii_key<'b>(cell: &str, buf: &'b mut [u8; 24]) -> Option<&'b str> {
    let cell = cell.trim();
    if !cell.is_ascii() || cell.len() > buf.len() {
        return None;
    }
    let mut n = 0;
    for b in cell.bytes() {
        if b.is_ascii_alphanumeric() {
            buf[n] = b.to_ascii_lowercase();
            n += 1;
        } else if n > 0 && buf[n - 1] != b' ' {
            buf[n] = b' ';
            n += 1;
        }
    }
    while n > 0 && buf[n - 1] == b' ' {
        n -= 1;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// Lower case, accents removed, `-`, `_`, `.`, `/` as spaces, spaces
/// collapsed: `Opted-Out` → `opted out`, `Não` → `nao`.
fn key(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    for c in cell.trim().nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// The values a consent column takes, for messages.
pub const ACCEPTED: &str = "yes or no (also true/false, 1/0, x, ja/nein, oui/non, sí/no, \
     sim/não, sì/no, ja/nee), or a status such as subscribed, unsubscribed, opted out, \
     never subscribed, abgemeldet, désabonné, dado de baja";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_in_every_language() {
        for yes in [
            "yes", "Y", "TRUE", "1", "x", "ja", "Oui", "sí", "si", "Sim", "sì", "✓",
        ] {
            assert_eq!(read(yes), Some(Said::Yes), "{yes}");
        }
        for no in [
            "no", "N", "false", "0", "Nein", "non", "não", "nao", "nee", "NO",
        ] {
            assert_eq!(read(no), Some(Said::No), "{no}");
        }
    }

    #[test]
    fn statuses_in_every_language() {
        for out in [
            "unsubscribed",
            "Opted Out",
            "opted-out",
            "OPT_OUT",
            "Never subscribed",
            "abgemeldet",
            "Désabonné",
            "dado de baja",
            "descadastrado",
            "disiscritto",
            "afgemeld",
            "No consent",
        ] {
            assert_eq!(read(out), Some(Said::Unsubscribed), "{out}");
            assert_eq!(read(out).unwrap().consents(), Some(false));
            assert_eq!(read(out).unwrap().opted_out(), Some(true));
        }
        for sub in [
            "Subscribed",
            "opted in",
            "angemeldet",
            "abonné",
            "suscrito",
            "inscrito",
        ] {
            assert_eq!(read(sub), Some(Said::Subscribed), "{sub}");
            assert_eq!(read(sub).unwrap().opted_out(), Some(false));
        }
    }

    #[test]
    fn blanks_and_unknowns_leave_the_setting_and_the_rest_is_unread() {
        for nothing in ["", "  ", "Unknown", "not set"] {
            assert_eq!(read(nothing), Some(Said::Nothing), "{nothing:?}");
        }
        for unread in ["maybe", "2024-01-01", "sometimes", "yes please"] {
            assert_eq!(read(unread), None, "{unread}");
        }
    }
}
