//! The transport rules every request keeps. Takes the configured base URL
//! and the raw HTTP answers; gives a checked base URL, and answer bodies read
//! with a size limit and a deadline.
//!
//! - https for every host but loopback (`localhost`, 127.0.0.0/8, `::1`):
//!   the key is never sent in clear. Checked before anything is sent.
//! - No redirect is followed (the client is built with `Policy::none()`); a
//!   3xx is an error naming the status and `Location`, so contacts and the
//!   key never go to another origin.
//! - An answer body is read up to [`MAX_BODY`] bytes (an error body up to
//!   [`MAX_ERROR_BODY`]) and within a deadline; the connection is dropped as
//!   soon as either is passed, so a huge, endless or stalled answer costs
//!   neither memory nor a hang.

use std::io::Read;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use reqwest::Url;
use reqwest::blocking::Response;
use serde_json::Value;

/// Largest answer body hmbulk reads. The largest legitimate answer is a
/// 1000-contact search or a 100-contact page: about 0.5 MB for ordinary
/// contacts, so 16 MiB leaves room for 16 KB of custom fields per contact.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// Largest error body read for its message (an HTML error page included).
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// [`MAX_BODY`] as people read it.
pub fn max_body_shown() -> String {
    format!("{} MiB", MAX_BODY / (1024 * 1024))
}

/// Check a base URL: absolute http(s) with a host, no user name or password,
/// no query or fragment, and https unless the host is loopback. The message
/// says what would be accepted.
pub fn check_base_url(raw: &str) -> Result<Url, String> {
    let shown = crate::redact::cleaned(raw);
    let example = "write it like https://api.heymarket.com";
    let url = Url::parse(raw.trim())
        .map_err(|e| format!("--base-url {shown:?} is not a URL ({e}); {example}"))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(format!(
            "--base-url {shown:?} must start with https:// (not {}:); {example}",
            url.scheme()
        ));
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(format!("--base-url {shown:?} names no host; {example}"));
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "--base-url must not carry a user name or password; credentials go in \
             HEYMARKET_API_KEY or HEYMARKET_SECRET_ID/KEY; {example}"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "--base-url {shown:?} must not have a ?query or #fragment; {example}"
        ));
    }
    if url.scheme() == "http" && !is_loopback(host) {
        return Err(format!(
            "--base-url {shown:?} uses plain http: the key and the contacts would cross the \
             network unencrypted. Use https:// (http is accepted only for loopback: \
             localhost, 127.0.0.1, [::1])"
        ));
    }
    Ok(url)
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Why a body could not be read whole.
#[derive(Debug)]
pub enum BodyError {
    TooLarge(usize),
    TimedOut(Duration),
    Broken(String),
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::TooLarge(limit) => write!(
                f,
                "the answer is larger than {} MiB, the most hmbulk reads (a full page of \
                 contacts is well under 1 MiB); is --base-url the Heymarket API?",
                limit / (1024 * 1024)
            ),
            BodyError::TimedOut(d) => write!(
                f,
                "the answer did not arrive whole within {} s (--timeout)",
                d.as_secs_f64()
            ),
            BodyError::Broken(why) => write!(f, "the answer was cut off: {why}"),
        }
    }
}

/// Read `response`'s body: at most `limit` bytes, all of it by `deadline`.
/// Each read is itself bounded by the client's timeout, so a stalled server
/// is noticed between two reads at the latest.
pub fn read_body(
    response: Response,
    limit: usize,
    deadline: Instant,
    timeout: Duration,
) -> Result<Vec<u8>, BodyError> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge(limit));
    }
    let mut body = Vec::new();
    read_into(response, &mut body, limit, deadline, timeout)?;
    Ok(body)
}

/// The first `limit` bytes of `response`'s body, or as much as arrived by
/// `deadline`: enough for an error answer's message.
pub fn read_prefix(
    response: Response,
    limit: usize,
    deadline: Instant,
    timeout: Duration,
) -> Vec<u8> {
    let mut body = Vec::new();
    let _ = read_into(response, &mut body, limit, deadline, timeout);
    body
}

/// Read into `body` until the end, or stop with an error at `limit` bytes
/// or at `deadline`; `body` keeps what was read.
fn read_into(
    mut response: Response,
    body: &mut Vec<u8>,
    limit: usize,
    deadline: Instant,
    timeout: Duration,
) -> Result<(), BodyError> {
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        if Instant::now() > deadline {
            return Err(BodyError::TimedOut(timeout));
        }
        let n = match response.read(&mut chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if is_timeout(&e) => return Err(BodyError::TimedOut(timeout)),
            Err(e) => return Err(BodyError::Broken(e.to_string())),
        };
        if body.len() + n > limit {
            body.extend_from_slice(&chunk[..limit - body.len()]);
            return Err(BodyError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk[..n]);
    }
}

/// reqwest reports a read that timed out as an io error wrapping its own.
fn is_timeout(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::TimedOut
        || e.get_ref()
            .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
            .is_some_and(reqwest::Error::is_timeout)
}

/// What an answer's body says, in one short line: the API's `message` (or
/// `error`) from a JSON body, the title of an HTML page, or the text cut
/// short. For error answers and for 2xx bodies that are not what was asked.
/// Secrets are taken out before the text is cut, so no part of one shows.
pub fn describe_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = crate::redact::clean(&text);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return "(no message)".into();
    }
    if let Ok(v) = serde_json::from_str::<Value>(trimmed) {
        if let Some(m) = v
            .get("message")
            .or_else(|| v.get("error"))
            .and_then(Value::as_str)
        {
            return truncate(m, 300);
        }
        return truncate(trimmed, 300);
    }
    if looks_like_html(trimmed) {
        return match html_title(trimmed) {
            Some(title) => format!("an HTML page titled {:?}", truncate(&title, 120)),
            None => "an HTML page".into(),
        };
    }
    truncate(trimmed, 300)
}

pub fn looks_like_html(text: &str) -> bool {
    let head: String = text.chars().take(200).collect::<String>().to_lowercase();
    head.starts_with('<')
        && (head.contains("<html")
            || head.contains("<!doctype")
            || head.contains("<head")
            || head.contains("<body")
            || head.contains("<title"))
}

fn html_title(html: &str) -> Option<String> {
    let lower = html.to_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    let title = html.get(open_end..close)?;
    let title: String = title.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

/// At most `max` bytes of `s` (on a character boundary), with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        for ok in [
            "https://api.heymarket.com",
            "https://api.heymarket.com/",
            "https://proxy.example/heymarket",
            "http://127.0.0.1:8080",
            "http://127.3.2.1",
            "http://localhost:9",
            "http://[::1]:8080/",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("http://api.example.com", "plain http"),
            ("http://192.168.1.10:8080", "plain http"),
            ("http://0.0.0.0:8080", "plain http"),
            ("api.heymarket.com", "not a URL"),
            ("https://", "not a URL"),
            ("htp:/x y", "must start with https://"),
            ("ftp://api.heymarket.com", "must start with https://"),
            ("https://user:pw@api.heymarket.com", "user name or password"),
            ("https://api.heymarket.com/?x=1", "?query"),
        ] {
            let e = check_base_url(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn bodies_are_described_in_one_short_line() {
        assert_eq!(
            describe_body(br#"{"error":"bad_data","message":"phone is required"}"#),
            "phone is required"
        );
        assert_eq!(
            describe_body(b"<!DOCTYPE html><html><head><title>502 Bad\n Gateway</title></head><body>lots</body></html>"),
            "an HTML page titled \"502 Bad Gateway\""
        );
        assert_eq!(describe_body(b"  "), "(no message)");
        assert_eq!(describe_body(&[b'x'; 1000]).len(), 300 + '…'.len_utf8());
    }
}
