//! The redactor every message passes before hmbulk prints or writes it.
//! Takes the secrets of the run — the legacy API key, the API secret's id and
//! key, and every JWT minted from them — as they become known
//! ([`register`]); gives any text back with each of them replaced by
//! `<redacted>` ([`clean`]).
//!
//! A server, a proxy's HTML error page or a file read by mistake may echo a
//! credential in a message; this is the one place that stops it reaching a
//! terminal, a log or a report. It is process-wide because secrets are
//! learnt deep in the API layer and messages are printed at the edges.
//!
//! Rules:
//! - A JWT goes whole first, then its parts a cut message may still show
//!   (`header.payload`, the payload — the secret id in base64 — and the
//!   signature): replacing a part first would leave the rest of the token.
//! - A secret of [`SHORT_SECRET_LEN`] characters or more is replaced
//!   wherever it appears. A shorter one (a secret id of a few characters)
//!   could be any word of a message (`row 1234`), so it is replaced only
//!   where it stands as a credential's value: right after `=`, `:`, a
//!   quote, `Bearer ` or `||`, and ending there (a space, a quote, `,;&|)]}`
//!   or the end).

use std::borrow::Cow;
use std::sync::RwLock;

/// What stands in for a secret.
pub const REDACTED: &str = "<redacted>";

/// Shorter values are not registered: replacing every `ab` in a message
/// would make it unreadable, and such a value is no secret worth hiding.
const MIN_SECRET_LEN: usize = 4;

/// Secrets shorter than this are replaced only where they stand as a
/// credential's value (see the module's rules), not inside other words.
const SHORT_SECRET_LEN: usize = 16;

/// JWTs kept for redaction: one is minted every few minutes, and a message
/// can only quote a token recently sent.
const MAX_TOKENS: usize = 32;

static SECRETS: RwLock<Secrets> = RwLock::new(Secrets {
    fixed: Vec::new(),
    tokens: Vec::new(),
});

struct Secrets {
    /// Key, secret id, secret key (and their JSON-escaped forms).
    fixed: Vec<String>,
    /// JWTs minted, oldest first.
    tokens: Vec<String>,
}

/// Remember a configured credential (an API key, a secret id or key).
pub fn register(secret: &str) {
    let mut s = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    for form in forms(secret) {
        if !s.fixed.contains(&form) {
            s.fixed.push(form);
            // Longest first, so a secret that contains another goes whole.
            s.fixed.sort_by_key(|f| std::cmp::Reverse(f.len()));
        }
    }
}

/// Remember a JWT just minted; [`clean`] replaces it whole, then the parts
/// a message cut short might still show.
pub fn register_token(token: &str) {
    let mut s = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    if token.len() >= MIN_SECRET_LEN && !s.tokens.iter().any(|x| x == token) {
        s.tokens.push(token.to_string());
    }
    let excess = s.tokens.len().saturating_sub(MAX_TOKENS);
    s.tokens.drain(..excess);
}

/// A JWT and the parts of it that reveal something, longest first: the
/// token, `header.payload`, the payload (the claims: the secret id), the
/// signature. The header alone is the same for every token: not a secret.
fn token_parts(token: &str) -> Vec<&str> {
    let mut parts = vec![token];
    if let Some((signed, signature)) = token.rsplit_once('.') {
        parts.push(signed);
        if let Some((_, payload)) = signed.split_once('.') {
            parts.push(payload);
        }
        parts.push(signature);
    }
    parts.retain(|p| p.len() >= MIN_SECRET_LEN);
    parts
}

/// The secret and, when JSON would escape it differently, its escaped form
/// (a server echoing a request body quotes it that way).
fn forms(secret: &str) -> Vec<String> {
    if secret.len() < MIN_SECRET_LEN {
        return Vec::new();
    }
    let mut forms = vec![secret.to_string()];
    if let Ok(quoted) = serde_json::to_string(secret) {
        let inner = &quoted[1..quoted.len() - 1];
        if inner != secret {
            forms.push(inner.to_string());
        }
    }
    forms
}

/// `text` with every registered secret replaced by [`REDACTED`].
pub fn clean(text: &str) -> Cow<'_, str> {
    let s = SECRETS.read().unwrap_or_else(|e| e.into_inner());
    let mut out = Cow::Borrowed(text);
    // Tokens first, each whole before its parts: they are the longest, and
    // contain no fixed secret in clear.
    let tokens = s.tokens.iter().rev().flat_map(|t| token_parts(t));
    for secret in tokens.chain(s.fixed.iter().map(String::as_str)) {
        if !out.contains(secret) {
            continue;
        }
        if secret.chars().count() >= SHORT_SECRET_LEN {
            out = Cow::Owned(out.replace(secret, REDACTED));
        } else if let Some(replaced) = replace_as_value(&out, secret) {
            out = Cow::Owned(replaced);
        }
    }
    out
}

/// `text` with `secret` replaced where it stands as a credential's value:
/// right after `=`, `:`, a quote, `Bearer ` or `||` (spaces allowed after
/// `=` and `:`), and ending there (the end of the text, a space, a quote,
/// or one of `,;&|)]}`). `None` when it stands nowhere so.
fn replace_as_value(text: &str, secret: &str) -> Option<String> {
    let ends = |c: char| c.is_whitespace() || "\"',;&|)]}".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in text.match_indices(secret) {
        let before = &text[..at];
        let after = &text[at + secret.len()..];
        let spaced = before.trim_end_matches(' ');
        let as_value = before.ends_with(['"', '\''])
            || spaced.ends_with(['=', ':'])
            || before.ends_with("Bearer ")
            || before.ends_with("||");
        let whole = after.chars().next().is_none_or(ends);
        if as_value && whole && at >= last {
            out.push_str(&text[last..at]);
            out.push_str(REDACTED);
            last = at + secret.len();
        }
    }
    (last > 0).then(|| {
        out.push_str(&text[last..]);
        out
    })
}

/// The name a `NAME=value` line sets (`HEYMARKET_API_KEY=…`, `key = "…"`,
/// `export KEY=…`): the setting of an environment or credentials file,
/// which may hold a credential. A message about such a line shows this
/// name (at most 64 characters), never the line.
pub fn setting_name(line: &str) -> Option<&str> {
    let (name, _) = line.split_once('=')?;
    let name = name.trim();
    let name = name.strip_prefix("export ").unwrap_or(name).trim();
    let name = name.trim_matches(['"', '\'']);
    (!name.is_empty() && name.len() <= 64).then_some(name)
}

/// Does `cell` look like a line of an environment or credentials file:
/// `NAME=value`, the name a word (letters, digits, `_`, `.`, `-`), the
/// value not empty? Such a cell is never echoed ([`setting_name`]).
pub fn is_setting_line(cell: &str) -> bool {
    let word = |n: &str| {
        n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    };
    let value = cell
        .split_once('=')
        .map(|(_, v)| v.trim_matches([' ', '"', '\'']));
    setting_name(cell).is_some_and(word) && value.is_some_and(|v| !v.is_empty())
}

/// [`clean`] into an owned string, for `map_err` and the like.
pub fn cleaned(text: impl AsRef<str>) -> String {
    clean(text.as_ref()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_secrets_are_replaced_wherever_they_appear() {
        register("k3y-Redact-Test-1");
        register("ab"); // too short to register
        register_token("eyJh.eyJp.c2lnbmF0dXJlLXRlc3Q");
        let text = "Bearer k3y-Redact-Test-1 and \"k3y-Redact-Test-1\"; ab; \
                    token eyJh.eyJp.c2lnbmF0dXJlLXRlc3Q, cut: …c2lnbmF0dXJlLXRlc3Q";
        let got = clean(text);
        assert!(!got.contains("k3y-Redact-Test-1"), "{got}");
        assert!(!got.contains("c2lnbmF0dXJlLXRlc3Q"), "{got}");
        assert!(got.contains("; ab;"), "short values stay: {got}");
        assert_eq!(clean("nothing secret here"), "nothing secret here");
    }

    /// A JWT goes whole, not signature first (which left `header.payload`,
    /// the secret id in base64, in the message); a message cut after the
    /// payload loses it too (issue 22).
    #[test]
    fn a_token_goes_whole_and_its_payload_with_it() {
        let header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
        let payload = "eyJpc3MiOiJyZWRhY3QtdGVzdC0zIiwiaWF0IjoxNzAwMDAwMDAwfQ";
        let token = format!("{header}.{payload}.c2lnbmF0dXJlLXRlc3QtMw");
        register_token(&token);
        let got = cleaned(format!("401: bad token {token}; expected …"));
        assert_eq!(got, "401: bad token <redacted>; expected …");
        let got = cleaned(format!("echo: Authorization: Bearer {header}.{payload}"));
        assert_eq!(got, "echo: Authorization: Bearer <redacted>");
        let got = cleaned(format!("claims {payload}"));
        assert_eq!(got, "claims <redacted>");
    }

    /// A secret id of 4 characters is replaced where it is a credential's
    /// value, and nowhere else (issue 22).
    #[test]
    fn a_short_secret_goes_only_where_it_is_a_value() {
        register("Zq7w");
        for (text, want) in [
            (
                "row 12: Zq7wx is not a phone",
                "row 12: Zq7wx is not a phone",
            ),
            ("the Zq7w column", "the Zq7w column"),
            ("aZq7w", "aZq7w"),
            (
                "column \"email\": \"Zq7w@example\" is not",
                "column \"email\": \"Zq7w@example\" is not",
            ),
            ("file Zq7w.csv: row 3", "file Zq7w.csv: row 3"),
            ("{\"iss\":\"Zq7w\"}", "{\"iss\":\"<redacted>\"}"),
            ("HEYMARKET_SECRET_ID=Zq7w", "HEYMARKET_SECRET_ID=<redacted>"),
            (
                "secret id: Zq7w, and Zq7w",
                "secret id: <redacted>, and Zq7w",
            ),
            ("Bearer Zq7w", "Bearer <redacted>"),
            ("Zq7w||key", "Zq7w||key"),
            ("id||Zq7w", "id||<redacted>"),
        ] {
            assert_eq!(clean(text), want, "{text}");
        }
    }

    #[test]
    fn json_escaped_forms_are_known_too() {
        register("q\"uote\\d-Redact-Test-2");
        let echoed = serde_json::to_string("q\"uote\\d-Redact-Test-2").unwrap();
        assert_eq!(clean(&echoed), format!("\"{REDACTED}\""));
    }
}
