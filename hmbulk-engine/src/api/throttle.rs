//! Pacing of requests: one [`RateGate`] shared by every worker (governor's
//! GCRA at `--rate` requests per minute, burst 1, plus a shared pause that a
//! 429's `Retry-After` sets for everyone), and [`Backoff`], jittered
//! exponential delays for retries of 5xx, timeouts and connection resets.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{Quota, RateLimiter};

type Limiter = RateLimiter<
    governor::state::NotKeyed,
    governor::state::InMemoryState,
    DefaultClock,
    governor::middleware::NoOpMiddleware,
>;

/// The one gate every request passes, whichever worker sends it.
pub struct RateGate {
    limiter: Option<Limiter>,
    clock: DefaultClock,
    paused_until: Mutex<Option<Instant>>,
}

impl RateGate {
    /// `per_minute` requests per minute; 0 means no limit.
    pub fn new(per_minute: u32) -> Self {
        // Burst 1: the API counts a rolling minute, so a burst on top of the
        // steady rate would overrun it.
        let limiter = NonZeroU32::new(per_minute)
            .map(|n| RateLimiter::direct(Quota::per_minute(n).allow_burst(NonZeroU32::MIN)));
        RateGate {
            limiter,
            clock: DefaultClock::default(),
            paused_until: Mutex::new(None),
        }
    }

    /// Block until this request may go.
    pub fn wait(&self) {
        loop {
            let pause = *self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(until) = pause {
                let now = Instant::now();
                if until > now {
                    std::thread::sleep(until - now);
                    continue;
                }
            }
            let Some(limiter) = &self.limiter else { return };
            match limiter.check() {
                Ok(()) => return,
                Err(not_until) => std::thread::sleep(not_until.wait_time_from(self.clock.now())),
            }
        }
    }

    /// Hold every worker back for `delay` (a 429 said so).
    pub fn pause_for(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut pause = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        if pause.is_none_or(|p| p < until) {
            *pause = Some(until);
        }
    }
}

/// Jittered exponential backoff ("full jitter"): attempt n waits a random time
/// in [base·2ⁿ/2, base·2ⁿ], capped.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(200),
            cap: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    pub fn delay(&self, attempt: u32) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.cap);
        let half = exp / 2;
        half + half.mul_f64(rand::random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let b = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
        };
        for attempt in 0..20 {
            let d = b.delay(attempt);
            let exp = (Duration::from_millis(100) * (1 << attempt.min(16))).min(b.cap);
            assert!(d >= exp / 2 && d <= exp, "attempt {attempt}: {d:?}");
        }
    }

    #[test]
    fn pause_holds_the_gate() {
        let gate = RateGate::new(0);
        gate.pause_for(Duration::from_millis(150));
        let t = Instant::now();
        gate.wait();
        assert!(t.elapsed() >= Duration::from_millis(140));
    }
}
