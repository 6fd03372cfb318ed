//! Exercise 25 · timeouts · cleanup on cancellation, with a drop guard
//!
//! Lesson: `cargo run -p lesson-timeouts -- --section 2` ("Cancelling is dropping; cleanup goes in
//! Drop")
//!
//! A `Registry` hands out named slots (think of seats being booked, or files being written) and
//! `process` holds one while some work runs. Today the slot is given back by a `release()` call
//! after the work, and that line is skipped whenever the work doesn't finish: a future cancelled by
//! a timeout or by `JoinHandle::abort` is simply dropped at its current `.await` and never resumed,
//! and a panic unwinds past it too. The slot then stays taken for ever. In Rust the cleanup that
//! must always run goes in `Drop` (Python's `try/finally`): make `Reservation` release its slot
//! when it is dropped, whichever way that happens, and hold it in `process` for as long as the work
//! runs.
//!
//! A guard that is dropped at once guards nothing, so also make the compiler flag an unused
//! `Reservation`: put a `#[must_use = "..."]` attribute on the `Reservation` struct, with a message
//! that tells the reader what to do instead, such as:
//!
//! ```text
//! #[must_use = "the slot is released when the Reservation is dropped: bind it with `let _reservation = ...`"]
//! ```
//!
//! The checks look at the registry after a reservation is dropped, after `process` finishes,
//! times out, is aborted or panics (on tokio's paused clock), and while its work runs; and tests/ui
//! holds a program that expects the compiler to flag an unused reservation (any message will do).
//! They cannot see a slot that some other code leaks by `mem::forget`-ting its guard.
//!
//! Grade it with `cargo xtask check drop-guard`; `cargo xtask hint drop-guard` when stuck.

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

/// Holds one slot of a `Registry`.
// TODO: add a `#[must_use = "..."]` attribute (see the top of this file).
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

    /// Gives the slot back.
    // TODO: cleanup that only runs when someone remembers to call it is skipped by every
    // cancellation. Do it in `impl Drop for Reservation` instead, which runs however the
    // reservation goes away; this method can then go (or become a plain `drop(self)`).
    pub fn release(self) {
        self.registry.slots().remove(&self.name);
    }
}

/// Holds the slot `name` while `work` runs, and gives it back afterwards.
pub async fn process<T>(registry: Registry, name: &str, work: impl Future<Output = T>) -> T {
    let reservation = registry.reserve(name);
    let output = work.await;
    // TODO: if this future is dropped during the `.await` above (a timeout, an abort), or the
    // work panics, this line never runs.
    reservation.release();
    output
}
