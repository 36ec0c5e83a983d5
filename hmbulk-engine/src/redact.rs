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

use std::borrow::Cow;
use std::sync::RwLock;

/// What stands in for a secret.
pub const REDACTED: &str = "<redacted>";

/// Shorter values are not registered: replacing every `ab` in a message
/// would make it unreadable, and such a value is no secret worth hiding.
const MIN_SECRET_LEN: usize = 4;

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

/// Remember a JWT just minted (and its signature, the part a truncated
/// message might still show).
pub fn register_token(token: &str) {
    let mut s = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    let mut add = |t: &str| {
        if t.len() >= MIN_SECRET_LEN && !s.tokens.iter().any(|x| x == t) {
            s.tokens.push(t.to_string());
        }
    };
    add(token);
    if let Some((_, signature)) = token.rsplit_once('.') {
        add(signature);
    }
    let excess = s.tokens.len().saturating_sub(MAX_TOKENS);
    s.tokens.drain(..excess);
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
    // Tokens first: they are the longest, and contain no fixed secret in clear.
    for secret in s.tokens.iter().rev().chain(&s.fixed) {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
        }
    }
    out
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

    #[test]
    fn json_escaped_forms_are_known_too() {
        register("q\"uote\\d-Redact-Test-2");
        let echoed = serde_json::to_string("q\"uote\\d-Redact-Test-2").unwrap();
        assert_eq!(clean(&echoed), format!("\"{REDACTED}\""));
    }
}
