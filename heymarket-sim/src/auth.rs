//! Credentials: takes the `Authorization` header and the configured key and
//! secret, and gives the credential a request runs under (what the rate limit
//! counts against) or the reason for a 401.
//!
//! Accepted: `Bearer <API key>`, or `Bearer <JWT>` where the JWT is HS256,
//! its payload is `{"iss": SECRET_ID, "iat": unix seconds}`, it is signed with
//! the string `"SECRET_ID||SECRET_KEY"`, `now - iat <= jwt_ttl` and `iat` is at
//! most 60 s in the future (clock skew).

use axum::http::HeaderValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::SimConfig;

/// How far in the future a JWT's `iat` may be.
const MAX_CLOCK_SKEW_SECS: i64 = 60;

#[derive(Debug, Deserialize)]
struct Claims {
    iss: String,
    iat: i64,
}

#[derive(Debug, Deserialize)]
struct JoseHeader {
    alg: String,
}

/// The credential of a request: `"api-key"` or `"jwt:<iss>"`, or why it has none.
pub fn credential(
    config: &SimConfig,
    authorization: Option<&HeaderValue>,
    now: i64,
) -> Result<String, String> {
    let header = authorization
        .ok_or("missing Authorization header: send Authorization: Bearer <API key or JWT>")?
        .to_str()
        .map_err(|_| "the Authorization header is not text")?;
    let token = header
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .ok_or("the Authorization header must be Bearer <API key or JWT>")?;
    if config.api_key.as_deref() == Some(token) {
        return Ok("api-key".to_string());
    }
    if token.split('.').count() != 3 {
        return Err("invalid API key".to_string());
    }
    let (secret_id, secret_key) = config
        .secret
        .as_ref()
        .ok_or("JWTs are not accepted: no API secret is configured")?;
    let iss = check_jwt(token, secret_id, secret_key, config.jwt_ttl_secs, now)?;
    Ok(format!("jwt:{iss}"))
}

/// Checks signature, issuer and age of `token`; gives its issuer.
fn check_jwt(
    token: &str,
    secret_id: &str,
    secret_key: &str,
    ttl_secs: u64,
    now: i64,
) -> Result<String, String> {
    let invalid = |why: &str| format!("invalid JWT: {why}");
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid("not three dot-separated parts"));
    };
    let decode = |part: &str, what: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| invalid(&format!("the {what} is not base64url")))
    };
    let jose: JoseHeader = serde_json::from_slice(&decode(header, "header")?)
        .map_err(|e| invalid(&format!("header: {e}")))?;
    if jose.alg != "HS256" {
        return Err(invalid(&format!("alg is {:?}, not HS256", jose.alg)));
    }
    // HMAC takes a key of any length; `verify_slice` compares in constant time.
    let mut mac = Hmac::<Sha256>::new_from_slice(format!("{secret_id}||{secret_key}").as_bytes())
        .map_err(|e| invalid(&e.to_string()))?;
    mac.update(format!("{header}.{payload}").as_bytes());
    mac.verify_slice(&decode(signature, "signature")?)
        .map_err(|_| invalid("bad signature"))?;
    let claims: Claims = serde_json::from_slice(&decode(payload, "payload")?)
        .map_err(|e| invalid(&format!("payload: {e}")))?;
    if claims.iss != secret_id {
        return Err(invalid("wrong issuer"));
    }
    let age = now.saturating_sub(claims.iat);
    let ttl = i64::try_from(ttl_secs).unwrap_or(i64::MAX);
    if age > ttl {
        return Err(format!(
            "JWT expired: iat is {age} s old and tokens live {ttl} s; mint a fresh one"
        ));
    }
    if age < -MAX_CLOCK_SKEW_SECS {
        return Err(format!("JWT iat is {} s in the future", -age));
    }
    Ok(claims.iss)
}
