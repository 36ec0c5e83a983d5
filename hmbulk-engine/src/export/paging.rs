//! How a listing pages, found out instead of guessed. The reference
//! documents `limit` (default 30) and `page` but neither the largest limit
//! nor whether pages count from 0 or 1. Takes the answers to the first few
//! pages; gives [`Paging`]: the page size the API honours and the number of
//! its first page.
//!
//! - **Size**: ask for [`FIRST_LIMIT`]. A refused limit (400) steps down
//!   [`LIMITS`] to the documented default; a page shorter than asked while
//!   more contacts remain (the count says so, or the next page is not
//!   empty) means the API caps the limit silently: the run goes on at the
//!   size it was given, so no page is taken for the last.
//! - **Base**: the first page of each guess, compared. Page 0 refused, or
//!   empty while page 1 is not, or the same contacts as page 1: pages count
//!   from 1; else from 0.

/// The page size asked for first: the largest batch size any Heymarket
/// call is known to take.
pub const FIRST_LIMIT: u32 = 1000;

/// The sizes tried, largest first, after a refused one: common maxima, and
/// the documented default last (which every reading takes).
pub const LIMITS: [u32; 7] = [1000, 500, 250, 200, 100, 50, 30];

/// What is known of how the listing pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// The `limit` sent.
    pub limit: u32,
    /// The page size answered: `limit`, or the cap found.
    pub size: u32,
    /// The first page's number, once found.
    pub base: Option<u32>,
    /// Whether a short page has been judged (a cap is looked for once).
    pub size_known: bool,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            limit: FIRST_LIMIT,
            size: FIRST_LIMIT,
            base: None,
            size_known: false,
        }
    }
}

impl Paging {
    /// The next smaller limit after a refusal, if there is one.
    pub fn step_down(&mut self) -> bool {
        match LIMITS.iter().find(|&&l| l < self.limit) {
            Some(&l) => {
                self.limit = l;
                self.size = l;
                true
            }
            None => false,
        }
    }

    /// A page of `len` contacts came back for a full page's `limit`. When
    /// `more` says contacts remain beyond it, the API caps the limit at
    /// `len`: later pages are that size. Gives whether the page counts as
    /// full (more pages follow).
    pub fn judge(&mut self, len: usize, more: impl FnOnce() -> bool) -> bool {
        let len = u32::try_from(len).unwrap_or(u32::MAX);
        if len >= self.size {
            return true;
        }
        if len == 0 || self.size_known {
            return false;
        }
        self.size_known = true;
        if more() {
            self.size = len;
            return true;
        }
        false
    }
}

/// The first page's number, from the answers to page 0 (`None`: refused)
/// and page 1, as sets of contact ids.
pub fn base_from(page0: Option<&[i64]>, page1: &[i64]) -> u32 {
    let sorted = |ids: &[i64]| {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids
    };
    match page0 {
        None => 1,
        Some([]) if !page1.is_empty() => 1,
        Some(p0) if !p0.is_empty() && sorted(p0) == sorted(page1) => 1,
        Some(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_limit_steps_down_to_the_documented_default() {
        let mut p = Paging::default();
        let mut tried = vec![p.limit];
        while p.step_down() {
            tried.push(p.limit);
        }
        assert_eq!(tried, LIMITS);
        assert_eq!((p.limit, p.size), (30, 30));
    }

    #[test]
    fn a_short_page_is_a_cap_only_while_more_remain() {
        let mut p = Paging::default();
        assert!(p.judge(1000, || unreachable!()), "a full page");
        assert!(p.judge(30, || true), "capped at 30: more follow");
        assert_eq!((p.limit, p.size), (1000, 30));
        assert!(p.judge(30, || unreachable!()));
        assert!(!p.judge(12, || unreachable!()), "the last page");
        let mut p = Paging::default();
        assert!(!p.judge(40, || false), "40 contacts in all");
        assert_eq!(p.size, 1000);
        assert!(!p.judge(0, || unreachable!()));
    }

    #[test]
    fn the_base_is_found_by_comparing_the_first_page_of_each_guess() {
        assert_eq!(base_from(Some(&[3, 2, 1]), &[6, 5, 4]), 0);
        assert_eq!(base_from(Some(&[3, 2, 1]), &[]), 0, "one page in all");
        assert_eq!(base_from(Some(&[]), &[]), 0, "no contacts");
        assert_eq!(base_from(None, &[3, 2, 1]), 1, "page 0 refused");
        assert_eq!(base_from(Some(&[]), &[3, 2, 1]), 1, "page 0 empty");
        assert_eq!(
            base_from(Some(&[1, 2, 3]), &[3, 2, 1]),
            1,
            "page 0 is page 1"
        );
    }
}
