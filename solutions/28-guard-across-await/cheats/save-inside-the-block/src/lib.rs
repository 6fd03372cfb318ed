//! Exercise 28 · pitfalls · a std lock guard held across `.await`: a cheat (save-inside-the-block).

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
    pub async fn record(&self, page: &str) -> u64 {
        // The guard lives only inside this block, so it is released before the `.await` below.
        // The future then holds nothing that must stay on one thread (it is `Send`, so it can be
        // spawned), and no visit waits for another visit's save.
        let count = {
            let mut visits = self.visits.lock().expect("no visit panics");
            let count = visits.entry(page.to_string()).or_insert(0);
            *count += 1;
            self.store.save(page, *count).await;
            *count
        };
        count
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
