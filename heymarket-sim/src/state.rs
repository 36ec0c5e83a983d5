//! The one shared state every route reaches through `Arc<State>`: takes a
//! [`SimConfig`] and gives the contact store (behind a read-write lock), the
//! counters `/_sim/stats` reports, the rate limiter, the fault dice, and —
//! with a state file — the saving of each change ([`State::persist`]).

use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::SimConfig;
use super::conn::Connections;
use super::faults::{Dice, RateLimiter};
use super::persist::StateFile;
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
    /// Bodies over the size limit (413) and bodies that did not arrive in time (408).
    pub bodies_too_large: u64,
    pub bodies_timed_out: u64,
    /// Idle connections closed to make room at the connection limit, and
    /// connections refused with 503 because none could be.
    pub connections_evicted: u64,
    pub connections_refused: u64,
}

pub struct State {
    pub config: SimConfig,
    store: RwLock<Store>,
    /// How many times the store was opened for writing; bumped under the lock.
    changes: AtomicU64,
    /// The state file and the `changes` count it holds.
    saved: Option<(StateFile, Mutex<u64>)>,
    stats: Mutex<Stats>,
    pub limiter: RateLimiter,
    pub dice: Dice,
    /// The memory budget of request bodies in flight ([`super::body`]).
    pub body_budget: Arc<Semaphore>,
    /// The open connections and their limit ([`super::conn`]).
    pub connections: Arc<Connections>,
}

impl State {
    /// The state of a simulator with `config`: the store saved in
    /// `config.state_file` when there is one (locked for this process), else
    /// a fresh store seeded from the config.
    pub fn open(config: SimConfig) -> io::Result<State> {
        let fresh = || Store::new(&config, now_secs());
        let (store, saved) = match &config.state_file {
            None => (fresh(), None),
            Some(path) => {
                let file = StateFile::open(path)?;
                let store = match file.load()? {
                    Some(store) => store,
                    None => {
                        let store = fresh();
                        file.save(&store)?;
                        store
                    }
                };
                (store, Some((file, Mutex::new(0))))
            }
        };
        Ok(State {
            store: RwLock::new(store),
            changes: AtomicU64::new(0),
            saved,
            stats: Mutex::new(Stats::default()),
            limiter: RateLimiter::new(
                config.rate_limit,
                Duration::from_secs(config.rate_window_secs),
            ),
            dice: Dice::new(config.seed, config.fail_rate, config.reset_rate),
            body_budget: super::body::budget(config.max_body_bytes),
            connections: Arc::new(Connections::new(config.max_connections)),
            config,
        })
    }

    /// A state in memory only (no state file to open, so it cannot fail).
    pub fn new(config: SimConfig) -> Self {
        let config = SimConfig {
            state_file: None,
            ..config
        };
        State::open(config).expect("a state without a file opens")
    }

    /// The store, for reading. A lock poisoned by a panic elsewhere is still used:
    /// every store operation leaves it consistent before it could panic.
    pub fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The store, for writing; counts as a change to save.
    pub fn write(&self) -> RwLockWriteGuard<'_, Store> {
        let guard = self.store.write().unwrap_or_else(PoisonError::into_inner);
        // Under the lock: a saver holding the read lock sees only finished changes.
        self.changes.fetch_add(1, Ordering::SeqCst);
        guard
    }

    pub fn stats(&self) -> MutexGuard<'_, Stats> {
        self.stats.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Bytes of request bodies held in memory now (at most twice `max_body_bytes`).
    pub fn body_bytes_held(&self) -> usize {
        super::body::budget_bytes(self.config.max_body_bytes) - self.body_budget.available_permits()
    }

    /// Counts `n` contact writes.
    pub fn count_writes(&self, n: usize) {
        self.stats().writes += n as u64;
    }

    /// Whether changes are saved to a file.
    pub fn persists(&self) -> bool {
        self.saved.is_some()
    }

    /// Saves the store when it changed since the last save (blocking file
    /// I/O: call it off the async workers). Once this returns `Ok`, every
    /// change made before the call is on disk.
    pub fn persist(&self) -> io::Result<()> {
        let Some((file, saved)) = &self.saved else {
            return Ok(());
        };
        let mut saved = saved.lock().unwrap_or_else(PoisonError::into_inner);
        let store = self.read();
        let changes = self.changes.load(Ordering::SeqCst);
        if changes == *saved {
            return Ok(());
        }
        file.save(&store)?;
        *saved = changes;
        Ok(())
    }
}
