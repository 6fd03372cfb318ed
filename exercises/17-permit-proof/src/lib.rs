//! Exercise 17 · semaphores · a permit that proves the bound
//!
//! Lesson: `cargo run -p lesson-semaphores -- --section 2` ("A semaphore bounds the flood")
//!
//! A `Limiter` lets at most `limit` jobs run at once, and `run_job` only runs a job for whoever
//! shows a `Permit`. The idea is that a `Permit` is *proof* of a free slot. Today it proves
//! nothing: `acquire` waits for the semaphore, then lets go of the semaphore's permit as it
//! returns, so every job runs at once; and anyone can write `Permit { ticket: 7 }` or clone a
//! permit to skip the queue. Make the type system keep the promise:
//!
//! - a `Permit` holds the semaphore's permit for as long as it lives, so the slot is free again
//!   exactly when the `Permit` is dropped (at the end of `run_job`);
//! - only `Limiter::acquire` can make one: its field is private, and there is no other constructor;
//! - it cannot be copied: no `Clone`.
//!
//! The checks run jobs on tokio's paused clock and count how many run at once, watch the free
//! slots as permits come and go, ask the compiler whether `Permit` is `Clone` (it must not be), and
//! try to forge a permit in a program that must not compile (tests/ui). That program builds a
//! `Permit { held: ... }` from a semaphore of its own, and the check compares the compiler's whole
//! message, so the shape is part of the exercise: one private field named `held` (the name the
//! starter already gives the semaphore's permit), of type `tokio::sync::OwnedSemaphorePermit` (the
//! owned kind, so a `Permit` borrows nothing and can move into a spawned task). They cannot check
//! that the slot is released at the very end of the job rather than a moment later.
//!
//! Grade it with `cargo xtask check permit-proof`; `cargo xtask hint permit-proof` when stuck.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Lets at most `limit` jobs run at once. Clones share the same slots.
#[derive(Debug, Clone)]
pub struct Limiter {
    semaphore: Arc<Semaphore>,
    tickets: Arc<AtomicU64>,
}

impl Limiter {
    /// A limiter with `limit` slots.
    pub fn new(limit: usize) -> Self {
        Limiter {
            semaphore: Arc::new(Semaphore::new(limit)),
            tickets: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Waits for a free slot and returns the permit for it.
    pub async fn acquire(&self) -> Permit {
        // `acquire_owned` needs the Arc itself (a clone of it): the permit it returns keeps the
        // semaphore alive and borrows nothing. It fails only if the semaphore is closed, and
        // nothing closes this one.
        let held = Arc::clone(&self.semaphore)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        // TODO: `held` is dropped as this function returns, which frees the slot before the job
        // has even started. Keep it in the Permit instead (a private field `held`), and let the
        // Permit be nothing else.
        Permit {
            ticket: self.tickets.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// How many slots are free right now.
    pub fn available(&self) -> usize {
        self.semaphore.available_permits()
    }
}

/// Proof that its holder may run one job within the limiter's bound.
// TODO: anyone can forge this (the field is public) or copy it (Clone).
#[derive(Debug, Clone)]
pub struct Permit {
    pub ticket: u64,
}

/// Runs `job` for the holder of a permit. The permit is used up: its slot is free again once the
/// job is done.
pub async fn run_job<F: Future>(permit: Permit, job: F) -> F::Output {
    // Held until this function returns, after the job is done: then it is dropped and its slot
    // goes back to the limiter.
    let _slot = permit;
    job.await
}
