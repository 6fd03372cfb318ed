//! Exercise 28 · pitfalls · a std lock guard held across `.await`
//!
//! Lesson: `cargo run -p lesson-pitfalls -- --section 3` ("A std::sync::MutexGuard held across
//! .await")
//!
//! A `Tracker` counts page visits in a `std::sync::Mutex<HashMap>` and saves every new count to a
//! slow `Store`. `record` takes the lock, bumps the count, and awaits the save *while still holding
//! the lock's guard*. Two things go wrong:
//!
//! - The future of `record` is not `Send` (a `MutexGuard` must be released on the thread that took
//!   it, and after an `.await` the task may resume on another thread), so `tokio::spawn` refuses it.
//!   This crate compiles only because nothing in it spawns `record`.
//! - On one thread, a second `record` that wants the lock blocks the thread, and the first one can
//!   never finish its save to release it: a deadlock. On many threads, every visit waits for
//!   every other visit's save.
//!
//! Make `record` spawnable and its saves overlap: take the lock only for the counting, in a scope
//! (or a `drop`) that ends *before* the `.await`. The checks ask the compiler whether `record`'s
//! future is `Send` (what `tokio::spawn` demands; any fix the compiler accepts passes, whatever its
//! shape), count visits from many threads, and time ten concurrent visits on tokio's paused clock:
//! ten saves of 100 ms take 100 ms when nothing holds the lock during a save.
//!
//! A `tokio::sync::Mutex` would also make the future `Send`, but held across the save it still
//! makes every visit wait for the others, and the timing check says so. Clippy knows this pitfall
//! by name (`await_holding_lock`): the `allow` below keeps `cargo clippy` quiet about the starter;
//! remove it once `record` is fixed, and clippy agrees.
//!
//! What the checks cannot see: whether a count is saved in the same order it was counted. Two
//! saves in flight may finish either way round; a real store would keep the highest count.
//!
//! Grade it with `cargo xtask check guard-across-await`; `cargo xtask hint guard-across-await` when stuck.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// One count the store saved.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Saved {
    pub page: String,
    pub visits: u64,
}

/// A slow store of visit counts (a database, say), simulated: every save takes `latency`.
/// Given; no need to change it.
#[derive(Debug)]
pub struct Store {
    latency: Duration,
    saved: Mutex<Vec<Saved>>,
}

impl Store {
    pub fn new(latency: Duration) -> Self {
        Store {
            latency,
            saved: Mutex::new(Vec::new()),
        }
    }

    /// Saves a page's visit count; takes `latency`.
    pub async fn save(&self, page: &str, visits: u64) {
        tokio::time::sleep(self.latency).await;
        // The lock is held for one push, with no `.await` in between.
        self.saved.lock().expect("no save panics").push(Saved {
            page: page.to_string(),
            visits,
        });
    }

    /// Everything saved so far, in the order the saves finished.
    pub fn saved(&self) -> Vec<Saved> {
        self.saved.lock().expect("no save panics").clone()
    }
}

/// Counts visits per page and saves each new count.
#[derive(Debug)]
pub struct Tracker {
    visits: Mutex<HashMap<String, u64>>,
    store: Store,
}

impl Tracker {
    pub fn new(store: Store) -> Self {
        Tracker {
            visits: Mutex::new(HashMap::new()),
            store,
        }
    }

    /// Counts a visit to `page`, saves the new count, and returns it.
    #[allow(clippy::await_holding_lock)] // TODO: remove once the guard is gone before the `.await`
    pub async fn record(&self, page: &str) -> u64 {
        let mut visits = self.visits.lock().expect("no visit panics");
        let count = visits.entry(page.to_string()).or_insert(0);
        *count += 1;
        // TODO: the guard `visits` is still alive here, across the `.await`, until the end of the
        // function. Count inside a scope that ends before the save.
        self.store.save(page, *count).await;
        *count
    }

    /// How many visits `page` has had. (An `async fn`, so that it keeps its signature if you
    /// choose tokio's `Mutex`, whose `lock` is awaited.)
    pub async fn visits(&self, page: &str) -> u64 {
        let visits = self.visits.lock().expect("no visit panics");
        visits.get(page).copied().unwrap_or(0)
    }

    /// The store the counts are saved to.
    pub fn store(&self) -> &Store {
        &self.store
    }
}
