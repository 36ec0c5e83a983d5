//! The one shared state every route reaches through `Arc<State>`: takes a
//! [`SimConfig`] and gives the contact store (behind a read-write lock), the
//! counters `/_sim/stats` reports, the rate limiter and the fault dice.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use super::SimConfig;
use super::faults::{Dice, RateLimiter};
use super::store::Store;
use super::wire::now_secs;

/// Counters for `/_sim/stats`.
#[derive(Debug, Default)]
pub struct Stats {
    /// Requests to `/v1` and `/v2` routes by `"METHOD /route"`, whatever their answer.
    pub requests: BTreeMap<String, u64>,
    pub requests_total: u64,
    pub rate_limited: u64,
    pub failures_injected: u64,
    pub resets_injected: u64,
    /// Contacts created or updated through the API (status changes included).
    pub writes: u64,
    /// Contacts deleted through the API.
    pub deleted: u64,
}

pub struct State {
    pub config: SimConfig,
    store: RwLock<Store>,
    stats: Mutex<Stats>,
    pub limiter: RateLimiter,
    pub dice: Dice,
}

impl State {
    pub fn new(config: SimConfig) -> Self {
        State {
            store: RwLock::new(Store::new(&config, now_secs())),
            stats: Mutex::new(Stats::default()),
            limiter: RateLimiter::new(
                config.rate_limit,
                Duration::from_secs(config.rate_window_secs),
            ),
            dice: Dice::new(config.seed, config.fail_rate, config.reset_rate),
            config,
        }
    }

    /// The store, for reading. A lock poisoned by a panic elsewhere is still used:
    /// every store operation leaves it consistent before it could panic.
    pub fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The store, for writing.
    pub fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn stats(&self) -> MutexGuard<'_, Stats> {
        self.stats.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts `n` contact writes.
    pub fn count_writes(&self, n: usize) {
        self.stats().writes += n as u64;
    }
}
