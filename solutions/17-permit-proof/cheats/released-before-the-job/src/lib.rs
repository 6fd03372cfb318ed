//! Exercise 17 · semaphores · a permit that proves the bound. A cheat (released-before-the-job).

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Lets at most `limit` jobs run at once. Clones share the same slots.
#[derive(Debug, Clone)]
pub struct Limiter {
    semaphore: Arc<Semaphore>,
}

impl Limiter {
    /// A limiter with `limit` slots.
    pub fn new(limit: usize) -> Self {
        Limiter {
            semaphore: Arc::new(Semaphore::new(limit)),
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
        // The only place a `Permit` is ever made: this module is the only code that can name its
        // private field.
        Permit { held }
    }

    /// How many slots are free right now.
    pub fn available(&self) -> usize {
        self.semaphore.available_permits()
    }
}

/// Proof that its holder may run one job within the limiter's bound.
///
/// Three things make it proof, and the compiler checks all three: the field is private, so no
/// code outside this module can build a `Permit` (only [`Limiter::acquire`] does); it is not
/// `Clone`, so one slot cannot become two; and it *is* the semaphore's permit, so the slot stays
/// taken for exactly as long as the `Permit` lives, and is freed when it is dropped.
#[derive(Debug)]
pub struct Permit {
    /// Not read anywhere: it is held for its `Drop`, which gives the slot back.
    held: OwnedSemaphorePermit,
}

/// Runs `job` for the holder of a permit. The permit is used up: its slot is free again once the
/// job is done.
pub async fn run_job<F: Future>(permit: Permit, job: F) -> F::Output {
    // Held until this function returns, after the job is done: then it is dropped and its slot
    // goes back to the limiter.
    drop(permit); // checked: the holder had a permit
    job.await
}
