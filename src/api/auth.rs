//! Credentials and the `Authorization` header. Takes the environment or a
//! `--credentials FILE`; gives a bearer token for each request: the legacy team
//! API key as it is, or an HS256 JWT (`iss` = secret id, `iat`, signing key
//! `"<SECRET_ID>||<SECRET_KEY>"`) minted afresh well before its 5 minutes run
//! out, so a three-hour import keeps working. Secrets never reach `Debug`,
//! logs or reports.

use std::fmt;
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};

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
    pub fn load(file: Option<&Path>) -> Result<Credentials> {
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

/// An HS256 JWT as Heymarket documents it.
pub fn mint_jwt(secret_id: &str, secret_key: &str, iat: u64) -> Result<String> {
    let signing_key = format!("{secret_id}||{secret_key}");
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &Claims {
            iss: secret_id,
            iat,
        },
        &EncodingKey::from_secret(signing_key.as_bytes()),
    )
    .map_err(|e| Error::usage(format!("cannot sign a JWT with the API secret: {e}")))
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
