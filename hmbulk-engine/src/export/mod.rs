//! Export: every contact exactly once, however the API pages.
//!
//! The list endpoints page newest-first with a `date` cursor on `updated`,
//! which has one-second resolution, so one bulk write leaves thousands of
//! contacts with the same `updated`. [`Pager`] walks the listing with the
//! cursor and, inside a second that fills whole pages (a tie group), with
//! `page` under a fixed cursor; ids already written are dropped, so overlaps
//! cost a little and never duplicate. It works whether the cursor is
//! exclusive or inclusive (it notices which), and stays complete while
//! contacts change: a tie group read with pages is read again until no new
//! id turns up (a contact leaving the group shifts the pages under us), and a
//! catch-up pass from the top collects contacts created or updated since the
//! export began. Rows stream out; the ids written are kept in a compressed
//! bitmap (roaring), about 1 bit per contact for dense ids, so memory stays
//! flat as the contact count grows.
//!
//! How the listing pages is found out, not guessed ([`paging`]): the
//! largest `limit` it honours (1000 asked; a refusal steps down, a short
//! page while more remain is a cap the run goes on at) and whether pages
//! count from 0 or 1 (the first page of each guess, compared).
//!
//! `--state` remembers where the next run begins: the newest `updated` the
//! listing showed when this run began (and the contacts written at that
//! second), never a later one — a contact changed while the export runs has
//! a newer `updated`, so the next run exports it, whether or not this run
//! wrote its old version.
//!
//! A server that does not page as documented stops the export with an error
//! instead of looping ([`page_log`]): a page number answered with the very
//! contacts of another page (checked twice, as a busy account can shift
//! pages), more distinct contacts than `/v1/contacts/count` says exist (the
//! count is asked again first: contacts created meanwhile are collected,
//! not an error), or far more rows read than paging that many contacts can
//! take.

pub mod paging;
pub use count_check::CountCheck;
mod page_log;

pub mod columns;
mod count_check;
pub mod extra;
pub mod out_file;
pub mod run;
pub mod state;

use std::collections::HashSet;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use roaring::RoaringTreemap;

use self::page_log::{PageLog, Volume};
use self::paging::{Paging, base_from};
use crate::api::{ApiError, ApiVersion, Client, Contact, ListQuery};
use crate::error::Result;
/// Passes over a tie group or the newest contacts before giving up on
/// catching every concurrent change.
const MAX_REPEATS: usize = 5;

/// How a contact is filtered for an incremental export.
#[derive(Debug, Clone, Default)]
pub struct Since {
    /// Keep contacts updated at or after this instant.
    pub updated_at_or_after: Option<DateTime<Utc>>,
    /// ...except these (id, rev) pairs at exactly that second: the previous
    /// run wrote them already and they have not changed since.
    pub already_exported: HashSet<(i64, i64)>,
}

impl Since {
    fn keeps(&self, updated: Option<DateTime<Utc>>, c: &Contact) -> bool {
        let Some(since) = self.updated_at_or_after else {
            return true;
        };
        match updated {
            Some(u) if u > since => true,
            Some(u) if u == since => !self.already_exported.contains(&(c.id, c.rev.unwrap_or(-1))),
            Some(_) => false,
            None => true,
        }
    }
}

/// What an export saw, for its summary.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PagerStats {
    pub exported: u64,
    pub pages: u64,
    /// Contacts seen again (page overlaps, re-reads) and dropped.
    pub duplicates_dropped: u64,
    pub cursor: &'static str,
    pub tie_group_rereads: u64,
    pub catch_up_passes: u64,
    /// The page size the listing answered, and its first page's number.
    pub page_size: u32,
    pub first_page: Option<u32>,
    /// The newest `updated` the listing showed when the export began, and
    /// the (id, rev) written at that second: where the next run begins.
    #[serde(skip)]
    pub high_water: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub at_high_water: Vec<(i64, i64)>,
}

pub struct Pager<'a> {
    client: &'a Client,
    version: ApiVersion,
    paging: Paging,
    /// Pages read while finding the first page's number, to be used once:
    /// (cursor, page from the first) -> contacts.
    early: Vec<(Option<DateTime<Utc>>, u32, Vec<Contact>)>,
    since: Since,
    /// Ids written (or filtered out) so far.
    seen: RoaringTreemap,
    inclusive: bool,
    /// The newest `updated` when the export began: the next run's start.
    mark: Option<DateTime<Utc>>,
    /// Proof of progress: pages seen under the current cursor, rows read.
    log: PageLog,
    pub stats: PagerStats,
}

impl<'a> Pager<'a> {
    pub fn new(client: &'a Client, version: ApiVersion, since: Since) -> Self {
        Pager {
            client,
            version,
            paging: Paging::default(),
            early: Vec::new(),
            since,
            seen: RoaringTreemap::new(),
            inclusive: false,
            mark: None,
            log: PageLog::default(),
            stats: PagerStats {
                cursor: "exclusive",
                ..PagerStats::default()
            },
        }
    }

    /// The number of contacts `/v1/contacts/count` gave before the export:
    /// the listing may not run far past it.
    pub fn expect_about(&mut self, count: u64) {
        self.log.expect_about(count);
    }

    /// Ids written so far.
    pub fn exported(&self) -> u64 {
        self.seen.len()
    }

    /// Walk every contact, newest first, handing each new one to `write`
    /// once. Then catch up with the contacts changed meanwhile.
    pub fn run(&mut self, write: &mut dyn FnMut(&Contact) -> Result<()>) -> Result<()> {
        let Some(newest) = self.sweep(write)? else {
            // No contact has an `updated`: nothing to catch up from.
            return Ok(());
        };
        self.stats.high_water = Some(newest);
        // Contacts created or updated since the export began sit at or above
        // `newest`. Read from the top until a pass turns up nothing new.
        for _ in 0..MAX_REPEATS {
            self.stats.catch_up_passes += 1;
            if self.catch_up(newest, write)? == 0 {
                break;
            }
        }
        Ok(())
    }

    /// Run one more full sweep (after a count check came up short).
    pub fn repair(&mut self, write: &mut dyn FnMut(&Contact) -> Result<()>) -> Result<()> {
        self.sweep(write).map(drop)
    }

    /// One pass over the whole listing with the cursor; gives the newest
    /// `updated` it saw first, where a catch-up pass must reach down to.
    fn sweep(
        &mut self,
        write: &mut dyn FnMut(&Contact) -> Result<()>,
    ) -> Result<Option<DateTime<Utc>>> {
        let mut newest: Option<DateTime<Utc>> = None;
        let mut cursor: Option<DateTime<Utc>> = None;
        let mut page = 0u32;
        // First page of the current tie group, when paging under one cursor.
        let mut tie_start: Option<u32> = None;
        loop {
            let items = self.fetch(cursor, page)?;
            if cursor.is_none() && page == 0 {
                newest = items.first().and_then(updated_of);
                if self.stats.high_water.is_none() {
                    self.mark = newest;
                }
            }
            let full = self.full(items.len(), cursor, page)?;
            let mut below_since = false;
            for c in &items {
                let u = updated_of(c);
                if let (Some(cur), Some(u)) = (cursor, u)
                    && u == cur
                {
                    self.inclusive = true;
                    self.stats.cursor = "inclusive";
                }
                if self
                    .since
                    .updated_at_or_after
                    .is_some_and(|s| u.is_some_and(|u| u < s))
                {
                    below_since = true;
                }
                self.offer(c, write)?;
            }
            if !full || below_since {
                if let Some(start) = tie_start {
                    self.reread_tie_group(cursor, start, page, write)?;
                }
                return Ok(newest);
            }
            let Some(last) = items.last().and_then(updated_of) else {
                // Contacts without `updated` cannot be cursored: page on.
                page += 1;
                continue;
            };
            let next = self.cursor_including(last);
            match cursor {
                Some(cur) if next >= cur => {
                    // The whole page is one second: page on under this cursor.
                    tie_start.get_or_insert(page);
                    page += 1;
                }
                _ => {
                    if let Some(start) = tie_start.take() {
                        self.reread_tie_group(cursor, start, page, write)?;
                    }
                    cursor = Some(next);
                    page = 0;
                }
            }
        }
    }

    /// Read pages `start..=end` under `cursor` again until no new id turns up:
    /// a contact that left the group during the pass shifted later pages.
    fn reread_tie_group(
        &mut self,
        cursor: Option<DateTime<Utc>>,
        start: u32,
        end: u32,
        write: &mut dyn FnMut(&Contact) -> Result<()>,
    ) -> Result<()> {
        for _ in 0..MAX_REPEATS {
            self.stats.tie_group_rereads += 1;
            let before = self.seen.len();
            for page in start..=end {
                for c in self.fetch(cursor, page)? {
                    self.offer(&c, write)?;
                }
            }
            if self.seen.len() == before {
                break;
            }
        }
        Ok(())
    }

    /// Pages from the top down to `newest`; returns how many were new.
    fn catch_up(
        &mut self,
        newest: DateTime<Utc>,
        write: &mut dyn FnMut(&Contact) -> Result<()>,
    ) -> Result<usize> {
        let before = self.seen.len();
        let mut page = 0;
        loop {
            let items = self.fetch(None, page)?;
            for c in &items {
                self.offer(c, write)?;
            }
            let reached_old = items
                .last()
                .and_then(updated_of)
                .is_some_and(|u| u < newest);
            if (items.len() as u32) < self.paging.size || reached_old {
                return Ok((self.seen.len() - before) as usize);
            }
            page += 1;
        }
    }

    /// The cursor value under which `updated == t` is still listed.
    fn cursor_including(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        if self.inclusive {
            t
        } else {
            t + Duration::seconds(1)
        }
    }

    fn offer(&mut self, c: &Contact, write: &mut dyn FnMut(&Contact) -> Result<()>) -> Result<()> {
        // Ids are positive; the bit pattern keeps even a negative one distinct.
        if !self.seen.insert(c.id as u64) {
            self.stats.duplicates_dropped += 1;
            return Ok(());
        }
        let updated = updated_of(c);
        if !self.since.keeps(updated, c) {
            return Ok(());
        }
        if updated.is_some() && updated == self.mark {
            self.stats.at_high_water.push((c.id, c.rev.unwrap_or(-1)));
        }
        self.stats.exported += 1;
        write(c)
    }

    /// Whether a page of `len` contacts is a full one, more following: as
    /// long as the page size, or shorter while more contacts remain (the
    /// count says so, or the next page has some): a cap, gone on at.
    fn full(&mut self, len: usize, cursor: Option<DateTime<Utc>>, page: u32) -> Result<bool> {
        let size = self.paging.size as usize;
        if len == 0 || len >= size || self.paging.size_known {
            return Ok(self.paging.judge(len, || false));
        }
        let more = match self.log.expected() {
            Some(count) => self.seen.len() + (len as u64) < count,
            None => !self.fetch_once(cursor, page + 1)?.is_empty(),
        };
        let full = self.paging.judge(len, || more);
        self.stats.page_size = self.paging.size;
        Ok(full)
    }

    /// One page. A page must show progress (see [`page_log`]).
    fn fetch(&mut self, cursor: Option<DateTime<Utc>>, page: u32) -> Result<Vec<Contact>> {
        let items = self.fetch_once(cursor, page)?;
        if let Some(earlier) = self.log.same_as_earlier(cursor, page, &items) {
            // A busy account can shift a whole page under us; a server that
            // ignores `page` answers the earlier page the same way again.
            let again = self.fetch_once(cursor, earlier)?;
            self.log
                .confirm_repeat(cursor, earlier, &again, page, &items, self.seen.len())?;
        }
        match self.log.check_volume(items.len(), self.seen.len())? {
            Volume::Fine => {}
            Volume::PastCount => {
                // Contacts created meanwhile, or a server that lists more
                // than it has: the count, asked again, tells.
                let before = self.log.expected().unwrap_or_default();
                let count = self.client.count()?;
                self.log.expect_about(count);
                let distinct = self.seen.len();
                self.log
                    .check_volume(0, distinct)?
                    .or_fail(before, count, distinct)?;
            }
        }
        Ok(items)
    }

    /// Page `page` (counted from the first) under `cursor`, at the size the
    /// API honours; the first call finds how pages are numbered.
    fn fetch_once(&mut self, cursor: Option<DateTime<Utc>>, page: u32) -> Result<Vec<Contact>> {
        if let Some(i) = self
            .early
            .iter()
            .position(|(c, p, _)| *c == cursor && *p == page)
        {
            return Ok(self.early.swap_remove(i).2);
        }
        let base = match self.paging.base {
            Some(base) => base,
            None => self.find_base(cursor)?,
        };
        self.list(cursor, base + page)
    }

    /// Whether pages count from 0 or 1: page 1 (which both readings
    /// answer; a refused limit steps down there), then page 0, compared.
    /// The pages read are kept for the sweep.
    fn find_base(&mut self, cursor: Option<DateTime<Utc>>) -> Result<u32> {
        let page1 = self.list(cursor, 1)?;
        let page0 = match self.list_once(cursor, 0) {
            Ok(items) => Some(items),
            Err(ApiError::Rejected { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let ids = |items: &[Contact]| items.iter().map(|c| c.id).collect::<Vec<_>>();
        let base = base_from(page0.as_deref().map(ids).as_deref(), &ids(&page1));
        self.paging.base = Some(base);
        self.stats.first_page = Some(base);
        match (base, page0) {
            (0, Some(page0)) => {
                self.early.push((cursor, 0, page0));
                self.early.push((cursor, 1, page1));
            }
            _ => self.early.push((cursor, 0, page1)),
        }
        Ok(base)
    }

    /// Page number `number` as the API counts, at the largest limit it
    /// takes (a refused one steps down to the next).
    fn list(&mut self, cursor: Option<DateTime<Utc>>, number: u32) -> Result<Vec<Contact>> {
        loop {
            match self.list_once(cursor, number) {
                Err(ApiError::Rejected { .. }) if self.paging.step_down() => {}
                other => return Ok(other?),
            }
        }
    }

    fn list_once(
        &mut self,
        cursor: Option<DateTime<Utc>>,
        number: u32,
    ) -> std::result::Result<Vec<Contact>, ApiError> {
        let query = ListQuery {
            limit: self.paging.limit,
            page: number,
            date: cursor.map(|c| c.to_rfc3339_opts(SecondsFormat::Secs, true)),
            ascending: false,
        };
        self.stats.pages += 1;
        self.stats.page_size = self.paging.size;
        self.client.list(self.version, &query)
    }
}

/// `updated` of a contact, parsed.
pub fn updated_of(c: &Contact) -> Option<DateTime<Utc>> {
    parse_time(c.updated.as_deref()?)
}

/// RFC 3339, or a bare date (midnight UTC), as a user may type it.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Some(t.with_timezone(&Utc));
    }
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc())
}
