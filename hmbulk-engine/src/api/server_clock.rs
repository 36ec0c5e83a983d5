//! The API's clock, as its answers' `Date` headers give it: the time on
//! the server's clock now, to compare with the `created` times it writes on
//! contacts (whether a contact was created after an import began must not
//! depend on how far our clock is from the server's). Takes every answer's
//! headers ([`ServerClock::note`]); gives the server's time now, to the
//! second, counted on from the last `Date` seen by our monotonic clock
//! ([`ServerClock::now`]), or `None` before any answer carried one.
//!
//! `Date` has one-second resolution and is written when the answer is
//! made, so the time given is never later than the server's: a contact this
//! run creates after asking is never judged older than the run.

use std::sync::Mutex;
use std::time::Instant;

use reqwest::header::{DATE, HeaderMap};

/// The server's time at the last answer with a `Date` header.
#[derive(Debug, Default)]
pub struct ServerClock {
    /// (server Unix seconds, when our clock saw them)
    last: Mutex<Option<(i64, Instant)>>,
}

impl ServerClock {
    /// Remember the time an answer's `Date` header says (an unreadable one
    /// is ignored).
    pub fn note(&self, headers: &HeaderMap) {
        let Some(t) = headers
            .get(DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
        else {
            return;
        };
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((t.timestamp(), Instant::now()));
    }

    /// The server's time now, in Unix seconds.
    pub fn now(&self) -> Option<i64> {
        let (at, seen) = (*self.last.lock().unwrap_or_else(|e| e.into_inner()))?;
        Some(at + seen.elapsed().as_secs() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn the_date_header_sets_the_clock_and_a_bad_one_is_ignored() {
        let clock = ServerClock::default();
        assert_eq!(clock.now(), None);
        let mut h = HeaderMap::new();
        h.insert(
            DATE,
            HeaderValue::from_static("Sat, 05 Dec 2026 08:00:00 GMT"),
        );
        clock.note(&h);
        let t = clock.now().unwrap();
        assert!((1_796_457_600..=1_796_457_601).contains(&t), "{t}");
        h.insert(DATE, HeaderValue::from_static("yesterday"));
        clock.note(&h);
        assert!(clock.now().unwrap() >= 1_796_457_600);
    }
}
