//! Proof that an export's paging gets somewhere. Takes each page the
//! [`Pager`](super::Pager) reads (its cursor, its number, its contacts) and
//! the count the API gave; gives an error, instead of an endless loop, when
//! the server does not page as documented:
//!
//! - a page number answers the same set of contacts as another page under
//!   the same cursor, and asking the other page again gives that set again
//!   (a server that ignores `page`; a busy account may shift a whole page
//!   once, which the second ask tells apart);
//! - more distinct contacts are listed than `/v1/contacts/count` says exist
//!   (asked again once past it: contacts created meanwhile are collected),
//!   beyond what could have been created meanwhile;
//! - far more rows are read than paging that many contacts can take (a
//!   server that shuffles the same contacts forever).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{DateTime, SecondsFormat, Utc};

use crate::api::Contact;
use crate::error::{Error, Result};

/// Contacts that may be created during an export, beyond the count taken
/// before it: this many, or a tenth of the count if more.
const CREATED_MEANWHILE: u64 = 1000;
/// Rows an export may read per contact counted. An honest listing needs at
/// most about 17 (a tie group re-read five times, five catch-up passes, a
/// repair sweep), when every contact shares one `updated` second.
const ROWS_PER_CONTACT: u64 = 50;
/// Rows read that are always allowed, for small accounts.
const ROWS_ALWAYS: u64 = 100_000;

#[derive(Debug, Default)]
pub(super) struct PageLog {
    /// The cursor the pages below were read under.
    cursor: Option<Option<DateTime<Utc>>>,
    /// Fingerprint of a page's set of ids -> the page number that gave it.
    pages: HashMap<u64, u32>,
    rows_read: u64,
    expected: Option<u64>,
}

/// What the volume read so far says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Volume {
    Fine,
    /// More distinct contacts than the count allows: ask the count again.
    PastCount,
}

impl Volume {
    /// After the count was asked again (`before`, then `now`), with
    /// `distinct` contacts listed: still past it is an error.
    pub(super) fn or_fail(self, before: u64, now: u64, distinct: u64) -> Result<()> {
        match self {
            Volume::Fine => Ok(()),
            Volume::PastCount => Err(Error::fatal(format!(
                "the API listed {distinct} different contacts, but /v1/contacts/count said \
                 {before} before the export began and {now} when asked again: it does not \
                 page as documented; stopped"
            ))),
        }
    }
}

impl PageLog {
    pub(super) fn expect_about(&mut self, count: u64) {
        self.expected = Some(count);
    }

    /// The count the listing is held to, if the API gave one.
    pub(super) fn expected(&self) -> Option<u64> {
        self.expected
    }

    /// The number of an earlier page under the same cursor that gave the
    /// same set of contacts as this one, if any; else remember this one.
    pub(super) fn same_as_earlier(
        &mut self,
        cursor: Option<DateTime<Utc>>,
        page: u32,
        items: &[Contact],
    ) -> Option<u32> {
        if self.cursor != Some(cursor) {
            self.pages.clear();
            self.cursor = Some(cursor);
        }
        if items.is_empty() {
            return None;
        }
        let print = fingerprint(items);
        match self.pages.get(&print) {
            Some(&earlier) if earlier != page => Some(earlier),
            _ => {
                self.pages.insert(print, page);
                None
            }
        }
    }

    /// `page` gave the contacts of page `earlier`, which gave `again` when
    /// asked once more: the same set means the server ignores `page`.
    pub(super) fn confirm_repeat(
        &mut self,
        cursor: Option<DateTime<Utc>>,
        earlier: u32,
        again: &[Contact],
        page: u32,
        items: &[Contact],
        distinct: u64,
    ) -> Result<()> {
        let print = fingerprint(items);
        if fingerprint(again) == print {
            let under = match cursor {
                Some(c) => format!(
                    " under the date cursor {}",
                    c.to_rfc3339_opts(SecondsFormat::Secs, true)
                ),
                None => String::new(),
            };
            return Err(Error::fatal(format!(
                "the API answered page {page}{under} with the same {} contacts as page \
                 {earlier}, twice: it does not page as documented, so the export cannot make \
                 progress; stopped after listing {distinct} contacts",
                items.len()
            )));
        }
        // The listing shifted under us (contacts written meanwhile).
        self.pages.retain(|_, p| *p != earlier);
        self.pages.insert(fingerprint(again), earlier);
        self.pages.insert(print, page);
        Ok(())
    }

    /// Count `rows` more read, `distinct` contacts listed so far. More
    /// distinct contacts than the count allows is [`Volume::PastCount`]:
    /// the caller asks the count again (contacts created meanwhile).
    pub(super) fn check_volume(&mut self, rows: usize, distinct: u64) -> Result<Volume> {
        self.rows_read += rows as u64;
        let Some(count) = self.expected else {
            return Ok(Volume::Fine);
        };
        let ceiling = count + CREATED_MEANWHILE.max(count / 10);
        if distinct > ceiling {
            return Ok(Volume::PastCount);
        }
        let budget = ROWS_PER_CONTACT * count + ROWS_ALWAYS;
        if self.rows_read > budget {
            return Err(Error::fatal(format!(
                "the API has answered {} rows for {count} contacts ({distinct} different) \
                 without the listing coming to an end: it does not page as documented; stopped",
                self.rows_read
            )));
        }
        Ok(Volume::Fine)
    }
}

/// The set of ids of a page, order aside.
fn fingerprint(items: &[Contact]) -> u64 {
    let mut ids: Vec<i64> = items.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    let mut h = DefaultHasher::new();
    ids.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ids: std::ops::Range<i64>) -> Vec<Contact> {
        ids.map(|id| Contact {
            id,
            ..Contact::default()
        })
        .collect()
    }

    #[test]
    fn a_page_repeated_twice_stops_but_a_shift_does_not() {
        let mut log = PageLog::default();
        assert_eq!(log.same_as_earlier(None, 0, &page(0..100)), None);
        // Asked again, the same page number may give the same set: a re-read.
        assert_eq!(log.same_as_earlier(None, 0, &page(0..100)), None);
        assert_eq!(log.same_as_earlier(None, 1, &page(0..100)), Some(0));
        // Page 0 now gives new contacts: the listing shifted; go on.
        log.confirm_repeat(None, 0, &page(200..300), 1, &page(0..100), 200)
            .unwrap();
        assert_eq!(log.same_as_earlier(None, 2, &page(300..400)), None);
        // Page 0 gives the same again: `page` is ignored.
        let mut log = PageLog::default();
        log.same_as_earlier(None, 0, &page(0..100));
        let earlier = log.same_as_earlier(None, 1, &page(0..100)).unwrap();
        let e = log
            .confirm_repeat(None, earlier, &page(0..100), 1, &page(0..100), 100)
            .unwrap_err();
        assert!(e.to_string().contains("same 100 contacts as page 0"), "{e}");
        // Another cursor starts afresh.
        let t = Some(Utc::now());
        assert_eq!(log.same_as_earlier(t, 1, &page(0..100)), None);
    }

    #[test]
    fn more_contacts_or_rows_than_the_count_allows_stop() {
        let mut log = PageLog::default();
        log.check_volume(10_000_000, 5).unwrap(); // no count: no limit
        let mut log = PageLog::default();
        log.expect_about(50);
        assert_eq!(log.check_volume(100, 1050).unwrap(), Volume::Fine);
        let past = log.check_volume(100, 1051).unwrap();
        assert_eq!(past, Volume::PastCount, "the count is asked again");
        let e = past.or_fail(50, 50, 1051).unwrap_err();
        assert!(e.to_string().contains("1051 different contacts"), "{e}");
        assert!(e.to_string().contains("count said 50"), "{e}");
        log.expect_about(2000);
        assert_eq!(log.check_volume(0, 1051).unwrap(), Volume::Fine);
        let mut log = PageLog::default();
        log.expect_about(50);
        let e = log.check_volume(102_501, 60).unwrap_err();
        assert!(e.to_string().contains("102501 rows for 50 contacts"), "{e}");
    }
}
