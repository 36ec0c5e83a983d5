//! The front door of every `/v1` and `/v2` route ([`gate`]): takes a request
//! and gives it to its handler, or answers for it. In order:
//!
//! 1. counts it (`/_sim/stats`);
//! 2. sleeps `latency_ms`;
//! 3. checks the credential (401, see [`super::auth`]);
//! 4. rate limit per credential, rolling 60 s window counting the requests it
//!    let through: past the limit 429 `rate_limited` with
//!    `Retry-After: <whole seconds until a slot frees, at least 1>` (unless
//!    `retry_after` is off);
//! 5. rolls the seeded dice: an injected 500 `server_error` is answered
//!    before the handler runs, so it never writes anything; an injected reset
//!    lets the handler run (its writes are applied) and then closes the
//!    connection without sending the answer — the hardest case for a client,
//!    which cannot know whether its write happened.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State as StateOf},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use rand::{RngExt, SeedableRng, rngs::StdRng};

use super::auth;
use super::conn::ConnHandle;
use super::state::State;
use super::wire::{ApiError, now_secs};

/// Requests per rolling window per credential.
pub struct RateLimiter {
    /// 0 = unlimited.
    limit: u32,
    window: Duration,
    /// When each credential's admitted requests arrived, oldest first.
    admitted: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        RateLimiter {
            limit,
            window,
            admitted: Mutex::new(HashMap::new()),
        }
    }

    /// Admits a request of `credential` arriving at `now`, or gives the whole
    /// seconds (at least 1) until the oldest admitted one leaves the window.
    pub fn admit(&self, credential: &str, now: Instant) -> Result<(), u64> {
        if self.limit == 0 {
            return Ok(());
        }
        let mut admitted = self.admitted.lock().unwrap_or_else(PoisonError::into_inner);
        let times = admitted.entry(credential.to_string()).or_default();
        while times
            .front()
            .is_some_and(|&t| now.duration_since(t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() < self.limit as usize {
            times.push_back(now);
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        let wait = self.window.saturating_sub(now.duration_since(oldest));
        Err(wait.as_secs_f64().ceil().max(1.0) as u64)
    }
}

/// What the dice decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Answer 500 without running the handler.
    Fail,
    /// Run the handler, then close the connection without answering.
    Reset,
}

/// The seeded generator behind fail and reset decisions. Each request draws
/// two numbers, so the sequence of decisions depends only on the seed and the
/// order requests arrive in.
pub struct Dice {
    rng: Mutex<StdRng>,
    /// (fail_rate, reset_rate); `/_sim/faults` changes them at run time.
    rates: Mutex<(f64, f64)>,
}

impl Dice {
    pub fn new(seed: u64, fail_rate: f64, reset_rate: f64) -> Self {
        Dice {
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            rates: Mutex::new((fail_rate, reset_rate)),
        }
    }

    /// The current (fail_rate, reset_rate).
    pub fn rates(&self) -> (f64, f64) {
        *self.rates.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Change the rates from now on (an API that goes down mid-run).
    pub fn set_rates(&self, fail_rate: f64, reset_rate: f64) {
        *self.rates.lock().unwrap_or_else(PoisonError::into_inner) = (fail_rate, reset_rate);
    }

    pub fn roll(&self) -> Fault {
        let mut rng = self.rng.lock().unwrap_or_else(PoisonError::into_inner);
        let (fail, reset): (f64, f64) = (rng.random(), rng.random());
        let (fail_rate, reset_rate) = self.rates();
        if fail < fail_rate {
            Fault::Fail
        } else if reset < reset_rate {
            Fault::Reset
        } else {
            Fault::None
        }
    }
}

/// The middleware in front of every `/v1` and `/v2` route (see the module doc).
pub async fn gate(StateOf(state): StateOf<Arc<State>>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || request.uri().path().to_string(),
        |p| p.as_str().to_string(),
    );
    {
        let mut stats = state.stats();
        stats.requests_total += 1;
        *stats
            .requests
            .entry(format!("{} {route}", request.method()))
            .or_default() += 1;
    }
    if state.config.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(state.config.latency_ms)).await;
    }

    let authorization = request.headers().get(header::AUTHORIZATION);
    let credential = match auth::credential(&state.config, authorization, now_secs()) {
        Ok(credential) => credential,
        Err(reason) => return ApiError::unauthorized(reason).into_response(),
    };
    if let Err(wait_secs) = state.limiter.admit(&credential, Instant::now()) {
        state.stats().rate_limited += 1;
        return rate_limited(&state, wait_secs);
    }

    match state.dice.roll() {
        Fault::None => next.run(request).await,
        Fault::Fail => {
            state.stats().failures_injected += 1;
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "internal error (injected by --fail-rate); nothing was written",
            )
            .into_response()
        }
        Fault::Reset => {
            let connection = request
                .extensions()
                .get::<ConnectInfo<ConnHandle>>()
                .map(|info| info.0.clone());
            let answer = next.run(request).await;
            state.stats().resets_injected += 1;
            if let Some(connection) = connection {
                connection.reset();
            }
            answer
        }
    }
}

fn rate_limited(state: &State, wait_secs: u64) -> Response {
    let message = format!(
        "rate limit exceeded: at most {} requests per 60 s per credential; a slot frees in {wait_secs} s",
        state.config.rate_limit
    );
    let mut answer =
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message).into_response();
    if state.config.retry_after {
        answer
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait_secs));
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_counts_a_rolling_window_per_credential() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert_eq!(limiter.admit("a", t0), Ok(()));
        assert_eq!(limiter.admit("a", t0 + Duration::from_secs(10)), Ok(()));
        assert_eq!(limiter.admit("b", t0 + Duration::from_secs(10)), Ok(()));
        // The first slot frees at t0 + 60 s: 40 s later.
        assert_eq!(limiter.admit("a", t0 + Duration::from_secs(20)), Err(40));
        assert_eq!(
            limiter.admit("a", t0 + Duration::from_millis(59_500)),
            Err(1)
        );
        assert_eq!(limiter.admit("a", t0 + Duration::from_secs(60)), Ok(()));
    }

    #[test]
    fn unlimited_when_zero() {
        let limiter = RateLimiter::new(0, Duration::from_secs(60));
        let now = Instant::now();
        assert!((0..1000).all(|_| limiter.admit("a", now).is_ok()));
    }

    #[test]
    fn dice_follow_the_seed() {
        let rolls = |seed| {
            let dice = Dice::new(seed, 0.5, 0.0);
            (0..32).map(|_| dice.roll()).collect::<Vec<_>>()
        };
        assert_eq!(rolls(7), rolls(7));
        assert!(rolls(7).contains(&Fault::Fail));
        assert!(rolls(7).contains(&Fault::None));
    }
}
