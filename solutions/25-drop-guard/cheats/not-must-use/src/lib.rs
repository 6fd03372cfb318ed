//! Exercise 25 · timeouts · cleanup on cancellation, with a drop guard: a cheat (not-must-use).

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

/// Named slots, each held by at most one `Reservation` at a time. Clones share the same slots.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    held: Arc<Mutex<BTreeSet<String>>>,
}

impl Registry {
    /// Takes the slot `name` until the returned `Reservation` lets it go.
    pub fn reserve(&self, name: &str) -> Reservation {
        self.slots().insert(name.to_string());
        Reservation {
            registry: self.clone(),
            name: name.to_string(),
        }
    }

    /// The slots held right now, in order.
    pub fn held(&self) -> Vec<String> {
        self.slots().iter().cloned().collect()
    }

    /// The set of held slots, locked. A panic elsewhere while it was locked leaves the set itself
    /// intact, so a poisoned lock is used as it is.
    fn slots(&self) -> std::sync::MutexGuard<'_, BTreeSet<String>> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Holds one slot of a `Registry`, and gives it back when dropped: at the end of its scope, when
/// the future holding it is cancelled, or while a panic unwinds.

#[derive(Debug)]
pub struct Reservation {
    registry: Registry,
    name: String,
}

impl Reservation {
    /// The slot this reservation holds.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for Reservation {
    /// The `finally` of the reservation: runs however it ends. It must not panic (a panic while
    /// unwinding aborts), which is why `slots` tolerates a poisoned lock.
    fn drop(&mut self) {
        self.registry.slots().remove(&self.name);
    }
}

/// Holds the slot `name` while `work` runs, and gives it back afterwards.
pub async fn process<T>(registry: Registry, name: &str, work: impl Future<Output = T>) -> T {
    // A named binding lives to the end of the function (`let _ = ...` would drop it at once).
    // If this future is dropped while `work` is pending, the reservation is dropped with it.
    let _reservation = registry.reserve(name);
    work.await
}
