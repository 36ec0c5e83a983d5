//! A call the API refuses as a whole, sent again in halves. A call of many
//! items may be refused for its size, or for one item in it: its items are
//! split in halves (the first half `len / 2`, the smaller when odd) and each
//! half is sent again, the first half first, down to a single item, whose
//! refusal is then its own. When both halves of a refused call go through
//! whole, the size was the problem: the most items a call carries is cut to
//! the half's size for the calls that follow.
//!
//! Takes the items ([`Halve`]: a `Vec` the call takes, or a slice it reads),
//! the call, what to do with an item refused alone, and the size to cut;
//! gives whether the items went through whole, or the stop that ended the
//! sending with the parts never sent. The call itself judges its answer:
//! it tells a refusal of the whole call ([`Failed::Refused`]) from a stop
//! ([`Failed::Stop`]) and deals with everything else (its items' outcomes,
//! an answer it cannot read). The writes (`batch::write`), the searches
//! (`lookup::Finder`), the deletes (`delete`) and the bulk opt-out writes
//! (`status::step::bulk`) send their calls through it.
//!
//! A leaf: generic over the items, the call, its refusal and its stop; it
//! names nothing else of the crate.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Items a call carries, which can be cut in halves.
pub(crate) trait Halve: Sized {
    /// How many items.
    fn count(&self) -> usize;
    /// The first `count / 2` items, and the rest.
    fn halve(self) -> (Self, Self);
}

impl<T> Halve for Vec<T> {
    fn count(&self) -> usize {
        self.len()
    }

    fn halve(mut self) -> (Self, Self) {
        let second = self.split_off(self.len() / 2);
        (self, second)
    }
}

impl<T> Halve for &[T] {
    fn count(&self) -> usize {
        self.len()
    }

    fn halve(self) -> (Self, Self) {
        self.split_at(self.len() / 2)
    }
}

/// Why a call did not go through whole.
#[derive(Debug)]
pub(crate) enum Failed<P, R, S> {
    /// The API refused the call as a whole (for its size, it may be): its
    /// items come back, with the refusal.
    Refused(P, R),
    /// The sending stops: `S` says why, and carries whatever the call
    /// leaves undecided.
    Stop(S),
}

/// The sending stopped: why, and the parts never sent, in their order.
#[derive(Debug)]
pub(crate) struct Stopped<P, S> {
    pub stop: S,
    pub unsent: Vec<P>,
}

/// Send `items` with `call`; a call refused as a whole is sent again in
/// halves, down to a single item, which goes to `alone` with its refusal.
/// `cx` is what both write to (the outcomes). `size` is cut to the half's
/// size when both halves of a refused call go through whole. Gives whether
/// `items` went through in one call, or the stop, after which nothing more
/// is sent.
pub(crate) fn send_in_halves<X, P, R, S>(
    cx: &mut X,
    items: P,
    size: &AtomicUsize,
    call: &mut impl FnMut(&mut X, P) -> Result<(), Failed<P, R, S>>,
    alone: &mut impl FnMut(&mut X, P, R),
) -> Result<bool, Stopped<P, S>>
where
    P: Halve,
{
    match call(cx, items) {
        Ok(()) => Ok(true),
        Err(Failed::Stop(stop)) => Err(Stopped {
            stop,
            unsent: Vec::new(),
        }),
        Err(Failed::Refused(one, refusal)) if one.count() <= 1 => {
            alone(cx, one, refusal);
            Ok(false)
        }
        Err(Failed::Refused(items, _)) => {
            let (first, second) = items.halve();
            let half = first.count();
            let first_whole = match send_in_halves(cx, first, size, call, alone) {
                Ok(whole) => whole,
                Err(mut stopped) => {
                    stopped.unsent.push(second);
                    return Err(stopped);
                }
            };
            if send_in_halves(cx, second, size, call, alone)? && first_whole {
                size.fetch_min(half, Ordering::Relaxed);
            }
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The calls made, each with its items.
    type Calls = Vec<Vec<u32>>;

    /// What sending `items` to an API that refuses calls of more than `max`
    /// items, and any call holding `bad`, gives: whether they went through
    /// whole, the calls made, the items refused alone (with the refusal),
    /// and the size after (from 100).
    fn send(
        items: Vec<u32>,
        max: usize,
        bad: Option<u32>,
    ) -> (bool, Calls, Vec<(u32, String)>, usize) {
        let size = AtomicUsize::new(100);
        let mut calls = Vec::new();
        let mut refused = Vec::new();
        let mut call = |calls: &mut Calls, items: Vec<u32>| {
            calls.push(items.clone());
            if items.len() > max || bad.is_some_and(|b| items.contains(&b)) {
                let why = format!("refused {}", items.len());
                return Err(Failed::<_, _, ()>::Refused(items, why));
            }
            Ok(())
        };
        let mut alone = |_: &mut Calls, one: Vec<u32>, why: String| {
            refused.extend(one.into_iter().map(|i| (i, why.clone())));
        };
        let whole = send_in_halves(&mut calls, items, &size, &mut call, &mut alone);
        let whole = whole.unwrap_or_else(|_| panic!("this call never stops"));
        (whole, calls, refused, size.into_inner())
    }

    #[test]
    fn a_call_that_goes_through_is_sent_once_and_whole() {
        let (whole, calls, refused, size) = send(vec![1, 2, 3], 5, None);
        assert!(whole);
        assert_eq!(calls, vec![vec![1, 2, 3]]);
        assert!(refused.is_empty());
        assert_eq!(size, 100);
    }

    #[test]
    fn a_call_too_big_is_split_first_half_first_and_the_size_cut() {
        let (whole, calls, refused, size) = send((1..=5).collect(), 2, None);
        assert!(!whole);
        // 5 → [1,2] (goes) + [3,4,5] (refused) → [3] + [4,5].
        let expected: Calls = vec![
            vec![1, 2, 3, 4, 5],
            vec![1, 2],
            vec![3, 4, 5],
            vec![3],
            vec![4, 5],
        ];
        assert_eq!(calls, expected);
        assert!(refused.is_empty());
        // [3,4,5]'s halves went through: cut to 1; the outer level's second
        // half did not go through whole, so it cuts nothing more.
        assert_eq!(size, 1);
    }

    #[test]
    fn halves_that_both_go_through_cut_the_size_to_the_half() {
        let (whole, calls, _, size) = send((1..=8).collect(), 4, None);
        assert!(!whole);
        assert_eq!(
            calls,
            vec![(1..=8).collect(), vec![1, 2, 3, 4], vec![5, 6, 7, 8]]
        );
        assert_eq!(size, 4);
    }

    #[test]
    fn an_item_refused_alone_goes_to_alone_in_order_and_the_rest_is_sent() {
        let (whole, calls, refused, size) = send((1..=4).collect(), 10, Some(3));
        assert!(!whole);
        // Depth: 4 → 2 → 1, no deeper.
        let expected: Calls = vec![vec![1, 2, 3, 4], vec![1, 2], vec![3, 4], vec![3], vec![4]];
        assert_eq!(calls, expected);
        assert_eq!(refused, vec![(3, "refused 1".to_string())]);
        // A refusal for an item, not for the size: nothing is cut.
        assert_eq!(size, 100);
    }

    #[test]
    fn a_single_item_refused_is_not_split() {
        let (whole, calls, refused, _) = send(vec![7], 0, None);
        assert!(!whole);
        assert_eq!(calls, vec![vec![7]]);
        assert_eq!(refused, vec![(7, "refused 1".to_string())]);
    }

    #[test]
    fn a_stop_ends_the_sending_and_gives_back_the_halves_never_sent() {
        let size = AtomicUsize::new(100);
        let mut calls: Calls = Vec::new();
        let mut alone = |_: &mut Calls, _: Vec<u32>, _: ()| panic!("none alone");
        // Refuses more than 2 items; stops on any call holding 2.
        let mut call = |calls: &mut Calls, items: Vec<u32>| {
            calls.push(items.clone());
            if items.len() > 2 {
                return Err(Failed::Refused(items, ()));
            }
            match items.contains(&2) {
                true => Err(Failed::Stop(items)),
                false => Ok(()),
            }
        };
        let items: Vec<u32> = (1..=8).collect();
        let stopped = send_in_halves(&mut calls, items, &size, &mut call, &mut alone);
        let Err(Stopped { stop, unsent }) = stopped else {
            panic!("expected a stop");
        };
        // 8 → 4 → [1,2] stops: [3,4] then [5..8] were never sent.
        assert_eq!(calls, vec![(1..=8).collect(), vec![1, 2, 3, 4], vec![1, 2]]);
        assert_eq!(stop, vec![1, 2]);
        assert_eq!(unsent, vec![vec![3, 4], vec![5, 6, 7, 8]]);
        assert_eq!(size.load(Ordering::Relaxed), 100);
    }

    #[test]
    fn slices_are_halved_as_vecs_are() {
        let ids = ["a", "b", "c"];
        let (a, b) = ids.as_slice().halve();
        assert_eq!((a, b), (&ids[..1], &ids[1..]));
        let (a, b) = vec![1, 2, 3].halve();
        assert_eq!((a, b), (vec![1], vec![2, 3]));
    }
}
