//! Credentials and the `Authorization` header. Takes the environment or a
//! `--credentials FILE`; gives a bearer token for each request: the legacy team
//! API key as it is, or an HS256 JWT (`iss` = secret id, `iat`, signing key
//! `"<SECRET_ID>||<SECRET_KEY>"`) minted afresh well before its 5 minutes run
//! out, so a three-hour import keeps working. A credential that cannot go
//! in an HTTP header (a control character, a space) is refused when it is
//! loaded. Secrets never reach `Debug`, logs or reports: each one, and each
//! JWT minted, is registered with [`crate::redact`].

use std::fmt;
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};

pub const ENV_API_KEY: &str = "HEYMARKET_API_KEY";
pub const ENV_SECRET_ID: &str = "HEYMARKET_SECRET_ID";
pub const ENV_SECRET_KEY: &str = "HEYMARKET_SECRET_KEY";

/// A token is re-minted once it is this old; the API lets it live 300 s.
const JWT_REFRESH_AFTER_SECS: u64 = 240;

#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// Legacy team API key, sent as it is.
    ApiKey(String),
    /// API secret: JWTs are minted from it.
    Secret { id: String, key: String },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ApiKey(_) => f.write_str("Credentials::ApiKey(<redacted>)"),
            Credentials::Secret { .. } => f.write_str("Credentials::Secret(<redacted>)"),
        }
    }
}

impl Credentials {
    /// From `--credentials FILE` when given, else from the environment. The
    /// secret pair wins over the legacy key when both are set.
    /// Credentials that are set but unusable (a control character, say) are
    /// a usage error at once, never a request that fails and is retried.
    pub fn load(file: Option<&Path>) -> Result<Credentials> {
        let credentials = Self::read(file)?;
        credentials.register_for_redaction();
        credentials.check()?;
        Ok(credentials)
    }

    /// [`load`](Self::load), but `None` when no credentials are set at all
    /// (a dry run then works offline). A `--credentials FILE` must hold some.
    pub fn load_if_set(file: Option<&Path>) -> Result<Option<Credentials>> {
        if file.is_none() && Self::from_vars(|name| std::env::var(name).ok()).is_none() {
            return Ok(None);
        }
        Self::load(file).map(Some)
    }

    fn read(file: Option<&Path>) -> Result<Credentials> {
        match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    Error::usage(format!(
                        "cannot read credentials file {}: {e}",
                        path.display()
                    ))
                })?;
                let vars = parse_env_file(&text);
                let get = |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
                Self::from_vars(get).ok_or_else(|| {
                    Error::usage(format!(
                        "{} holds no credentials: write {ENV_SECRET_ID}=... and {ENV_SECRET_KEY}=... \
                         (or {ENV_API_KEY}=...), one per line",
                        path.display()
                    ))
                })
            }
            None => Self::from_vars(|name| std::env::var(name).ok()).ok_or_else(|| {
                Error::usage(format!(
                    "no credentials: set {ENV_SECRET_ID} and {ENV_SECRET_KEY} (or the legacy \
                     {ENV_API_KEY}), or pass --credentials FILE; try --sandbox to run against a \
                     local simulator, or `hmbulk validate` to check the file without sending"
                ))
            }),
        }
    }

    fn from_vars(get: impl Fn(&str) -> Option<String>) -> Option<Credentials> {
        let nonempty = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        match (nonempty(ENV_SECRET_ID), nonempty(ENV_SECRET_KEY)) {
            (Some(id), Some(key)) => Some(Credentials::Secret { id, key }),
            _ => nonempty(ENV_API_KEY).map(Credentials::ApiKey),
        }
    }

    /// Refuse a credential that cannot be sent: the API key goes in an
    /// `Authorization` header as it is, so it must be visible ASCII; the
    /// secret's id and key go through a JWT, so only control characters are
    /// refused there. The message names the variable, never the value.
    pub fn check(&self) -> Result<()> {
        let problem = |name: &str, value: &str, header: bool| -> Result<()> {
            let bad = value
                .char_indices()
                .find(|&(_, c)| c.is_control() || (header && !c.is_ascii_graphic()));
            let Some((at, c)) = bad else { return Ok(()) };
            let what = if c.is_control() {
                format!("a control character (U+{:04X})", c as u32)
            } else if c.is_whitespace() {
                "a space".to_string()
            } else {
                "a character outside visible ASCII".to_string()
            };
            Err(Error::usage(format!(
                "{name} holds {what} at byte {at}, so it cannot be sent in an HTTP header; \
                 copy the credential again from Heymarket's settings (the value is not shown)"
            )))
        };
        match self {
            Credentials::ApiKey(key) => problem(ENV_API_KEY, key, true),
            Credentials::Secret { id, key } => {
                problem(ENV_SECRET_ID, id, false)?;
                problem(ENV_SECRET_KEY, key, false)
            }
        }
    }

    /// Tell the redactor about every secret in these credentials.
    pub fn register_for_redaction(&self) {
        match self {
            Credentials::ApiKey(key) => crate::redact::register(key),
            Credentials::Secret { id, key } => {
                crate::redact::register(id);
                crate::redact::register(key);
            }
        }
    }

    /// A short description safe to print: which kind, never the secret.
    pub fn describe(&self) -> &'static str {
        match self {
            Credentials::ApiKey(_) => "legacy API key",
            Credentials::Secret { .. } => "API secret (JWT)",
        }
    }
}

/// `KEY=VALUE` lines; `#` comments, blank lines, `export ` prefixes and quotes allowed.
fn parse_env_file(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let l = l.strip_prefix("export ").unwrap_or(l);
            let (k, v) = l.split_once('=')?;
            let v = v.trim().trim_matches(|c| c == '"' || c == '\'');
            Some((k.trim().to_string(), v.to_string()))
        })
        .collect()
}

/// Hands out bearer tokens, minting JWTs as they age.
#[derive(Debug)]
pub struct Authenticator {
    credentials: Credentials,
    /// (token, iat) of the current JWT.
    current: Mutex<Option<(String, u64)>>,
}

impl Authenticator {
    pub fn new(credentials: Credentials) -> Self {
        credentials.register_for_redaction();
        Authenticator {
            credentials,
            current: Mutex::new(None),
        }
    }

    /// The token to send now.
    pub fn bearer(&self) -> Result<String> {
        match &self.credentials {
            Credentials::ApiKey(key) => Ok(key.clone()),
            Credentials::Secret { id, key } => {
                let now = unix_now();
                let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
                if let Some((token, iat)) = current.as_ref()
                    && now.saturating_sub(*iat) < JWT_REFRESH_AFTER_SECS
                {
                    return Ok(token.clone());
                }
                let token = mint_jwt(id, key, now)?;
                *current = Some((token.clone(), now));
                Ok(token)
            }
        }
    }

    /// Forget the current JWT (after a 401): the next [`bearer`](Self::bearer)
    /// mints a new one. Returns false for an API key, where a retry is pointless.
    pub fn renew(&self) -> bool {
        match self.credentials {
            Credentials::ApiKey(_) => false,
            Credentials::Secret { .. } => {
                *self.current.lock().unwrap_or_else(|e| e.into_inner()) = None;
                true
            }
        }
    }

    pub fn describe(&self) -> &'static str {
        self.credentials.describe()
    }
}

#[derive(serde::Serialize)]
struct Claims<'a> {
    iss: &'a str,
    iat: u64,
}

/// The JOSE header Heymarket documents, byte for byte.
const JWT_HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// An HS256 JWT as Heymarket documents it: base64url(header) "."
/// base64url(payload) "." base64url(HMAC-SHA256 of the two with the key
/// `"<SECRET_ID>||<SECRET_KEY>"`). Signed with `hmac` + `sha2` rather than a
/// JWT crate: one algorithm needs a dozen lines, and `jsonwebtoken`'s
/// backend pulled some 68 crates (RSA among them) into the binary.
/// Registered with the redactor before it is handed out.
pub fn mint_jwt(secret_id: &str, secret_key: &str, iat: u64) -> Result<String> {
    let payload = serde_json::to_vec(&Claims {
        iss: secret_id,
        iat,
    })
    .map_err(|e| Error::usage(format!("cannot build a JWT for the API secret: {e}")))?;
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(JWT_HEADER),
        URL_SAFE_NO_PAD.encode(payload)
    );
    // HMAC takes a key of any length; this cannot fail.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(format!("{secret_id}||{secret_key}").as_bytes())
            .map_err(|e| Error::usage(format!("cannot sign a JWT with the API secret: {e}")))?;
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    let token = format!("{signing_input}.{signature}");
    crate::redact::register_token(&token);
    Ok(token)
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_parsing() {
        let vars = parse_env_file(
            "# c\nexport HEYMARKET_SECRET_ID=\"abc\"\n\nHEYMARKET_SECRET_KEY = k'\n",
        );
        assert_eq!(vars[0], ("HEYMARKET_SECRET_ID".into(), "abc".into()));
        assert_eq!(vars[1], ("HEYMARKET_SECRET_KEY".into(), "k".into()));
    }

    #[test]
    fn secret_wins_over_key_and_debug_redacts() {
        let c = Credentials::from_vars(|n| match n {
            ENV_SECRET_ID => Some("id".into()),
            ENV_SECRET_KEY => Some("sk".into()),
            ENV_API_KEY => Some("legacy".into()),
            _ => None,
        })
        .unwrap();
        assert!(matches!(c, Credentials::Secret { .. }));
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("sk") && !dbg.contains("id\""), "{dbg}");
    }

    #[test]
    fn jwt_matches_an_independent_signer() {
        // Computed with Python's hmac + hashlib + base64 from the documented recipe.
        assert_eq!(
            mint_jwt("secret-id-1", "secret-key-1", 1_700_000_000).unwrap(),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
             eyJpc3MiOiJzZWNyZXQtaWQtMSIsImlhdCI6MTcwMDAwMDAwMH0.\
             XOCsBThhzI9Ffax3_1Kp2azGS91ZBlRW6joJpH2oEAQ"
        );
    }

    #[test]
    fn credentials_unusable_in_a_header_are_refused_without_echo() {
        let bad = [
            Credentials::ApiKey("abc\u{1}defgh".into()),
            Credentials::ApiKey("abc defgh".into()),
            Credentials::ApiKey("abcdéfgh".into()),
            Credentials::Secret {
                id: "id".into(),
                key: "sec\rret".into(),
            },
        ];
        for c in bad {
            let e = c.check().unwrap_err().to_string();
            assert!(matches!(c.check(), Err(Error::Usage(_))));
            assert!(!e.contains("abc") && !e.contains("sec"), "{e}");
            assert!(e.contains("HEYMARKET_"), "{e}");
        }
        assert!(Credentials::ApiKey("good-key_1.2~".into()).check().is_ok());
        assert!(
            Credentials::Secret {
                id: "Zoë team".into(),
                key: "k ey".into()
            }
            .check()
            .is_ok()
        );
    }

    #[test]
    fn jwt_is_reused_then_renewed() {
        let auth = Authenticator::new(Credentials::Secret {
            id: "i".into(),
            key: "k".into(),
        });
        let a = auth.bearer().unwrap();
        assert_eq!(a, auth.bearer().unwrap());
        assert_eq!(a.split('.').count(), 3);
        assert!(auth.renew());
        assert!(auth.bearer().is_ok());
    }
}
