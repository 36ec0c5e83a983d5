//! A run's counters over time, for the run report's charts: sampled on a
//! thread of its own (once a second) while the run works. Takes a closure
//! that reads the counters and the work to watch; gives the work's result
//! and a [`Timeline`].

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// What the run has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Rows decided (succeeded or failed).
    pub rows_done: u64,
    pub rows_failed: u64,
    pub requests: u64,
    pub retries: u64,
    pub rate_limited: u64,
}

/// [`Counters`] at `t_s` seconds into the run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub t_s: f64,
    pub counters: Counters,
}

/// Samples in time order: the first at the start, the last at the end.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    pub samples: Vec<Sample>,
}

impl Timeline {
    /// Seconds from the first sample to the last.
    pub fn duration(&self) -> f64 {
        match (self.samples.first(), self.samples.last()) {
            (Some(a), Some(b)) => b.t_s - a.t_s,
            _ => 0.0,
        }
    }

    /// Per second of one counter between consecutive samples, as (time at
    /// the interval's end, rate), over at most `max_points` intervals (long
    /// runs are merged into wider intervals, so the average is kept).
    pub fn rates(&self, of: impl Fn(&Counters) -> u64, max_points: usize) -> Vec<(f64, f64)> {
        let n = self.samples.len().saturating_sub(1);
        if n == 0 {
            return Vec::new();
        }
        let step = n.div_ceil(max_points.max(1));
        let mut points = Vec::with_capacity(n / step + 1);
        let mut i = 0;
        while i < n {
            let j = (i + step).min(n);
            let (a, b) = (&self.samples[i], &self.samples[j]);
            let dt = b.t_s - a.t_s;
            let dv = of(&b.counters).saturating_sub(of(&a.counters));
            let rate = if dt > 0.0 { dv as f64 / dt } else { 0.0 };
            points.push((b.t_s, rate));
            i = j;
        }
        points
    }
}

/// Run `work`, reading `read` at its start, every `every` while it runs,
/// and at its end (a last sample within half a period of the one before
/// replaces it).
pub fn sample_while<T>(
    every: Duration,
    read: impl Fn() -> Counters + Sync,
    work: impl FnOnce() -> T,
) -> (T, Timeline) {
    let started = Instant::now();
    let sample = || Sample {
        t_s: started.elapsed().as_secs_f64(),
        counters: read(),
    };
    std::thread::scope(|scope| {
        // Dropped when `work` returns or panics: the sampler then stops.
        let (stop, stopped) = mpsc::channel::<()>();
        let sample = &sample;
        let sampler = scope.spawn(move || {
            let mut samples = vec![sample()];
            let mut next = started + every;
            loop {
                let wait = next.saturating_duration_since(Instant::now());
                match stopped.recv_timeout(wait) {
                    Err(RecvTimeoutError::Timeout) => samples.push(sample()),
                    _ => return samples,
                }
                next += every;
            }
        });
        let out = work();
        drop(stop);
        let mut samples = sampler.join().unwrap_or_default();
        push_last(&mut samples, sample(), every);
        (out, Timeline { samples })
    })
}

/// End `samples` with `last`. A last interval much shorter than the others
/// gives a noisy rate: it joins the one before.
fn push_last(samples: &mut Vec<Sample>, last: Sample, every: Duration) {
    if samples.len() >= 2
        && samples
            .last()
            .is_some_and(|s| last.t_s - s.t_s < every.as_secs_f64() / 2.0)
    {
        samples.pop();
    }
    samples.push(last);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t_s: f64, rows_done: u64) -> Sample {
        Sample {
            t_s,
            counters: Counters {
                rows_done,
                ..Counters::default()
            },
        }
    }

    #[test]
    fn rates_are_per_second_between_samples() {
        let t = Timeline {
            samples: vec![at(0.0, 0), at(1.0, 100), at(2.0, 300), at(2.5, 400)],
        };
        let rates = t.rates(|c| c.rows_done, 100);
        assert_eq!(rates, [(1.0, 100.0), (2.0, 200.0), (2.5, 200.0)]);
        assert_eq!(t.duration(), 2.5);
    }

    #[test]
    fn long_runs_are_merged_keeping_the_average() {
        let samples: Vec<Sample> = (0..=1000).map(|i| at(i as f64, i * 10)).collect();
        let t = Timeline { samples };
        let rates = t.rates(|c| c.rows_done, 100);
        assert_eq!(rates.len(), 100);
        assert!(rates.iter().all(|&(_, r)| r == 10.0), "{rates:?}");
        assert_eq!(rates.last().unwrap().0, 1000.0);
    }

    #[test]
    fn no_interval_no_rate() {
        assert!(Timeline::default().rates(|c| c.requests, 10).is_empty());
        let one = Timeline {
            samples: vec![at(0.0, 5)],
        };
        assert!(one.rates(|c| c.rows_done, 10).is_empty());
    }

    #[test]
    fn samples_begin_and_end_with_the_work() {
        let counter = std::sync::atomic::AtomicU64::new(0);
        let read = || Counters {
            rows_done: counter.load(std::sync::atomic::Ordering::SeqCst),
            ..Counters::default()
        };
        let (out, timeline) = sample_while(Duration::from_millis(5), read, || {
            counter.store(42, std::sync::atomic::Ordering::SeqCst);
            "done"
        });
        assert_eq!(out, "done");
        let first = timeline.samples.first().unwrap();
        let last = timeline.samples.last().unwrap();
        assert_eq!(last.counters.rows_done, 42);
        assert!(first.t_s <= last.t_s);
        assert!(timeline.samples.windows(2).all(|w| w[0].t_s <= w[1].t_s));
    }

    #[test]
    fn a_short_last_interval_joins_the_one_before() {
        let every = Duration::from_secs(1);
        let mut samples = vec![at(0.0, 0), at(1.0, 100), at(2.0, 200)];
        push_last(&mut samples, at(2.1, 230), every);
        assert_eq!(samples, [at(0.0, 0), at(1.0, 100), at(2.1, 230)]);
        push_last(&mut samples, at(2.7, 300), every);
        assert_eq!(samples.len(), 4, "half a period or more: kept");
        let mut start = vec![at(0.0, 0)];
        push_last(&mut start, at(0.1, 5), every);
        assert_eq!(start, [at(0.0, 0), at(0.1, 5)], "the first sample stays");
    }

    #[test]
    fn work_that_panics_stops_the_sampler() {
        let result = std::panic::catch_unwind(|| {
            sample_while(Duration::from_millis(5), Counters::default, || {
                panic!("the work failed")
            })
        });
        assert!(result.is_err(), "the panic goes on, and nothing hangs");
    }
}
