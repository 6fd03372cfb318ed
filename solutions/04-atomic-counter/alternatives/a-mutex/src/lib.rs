//! Exercise 04 · threads · counters shared by threads, without a lock: another way, with a lock.
//!
//! One `Mutex` around the three numbers: each update takes the lock, so it is one step as far as
//! any other thread can tell. Correct, and every update is a handover of the lock between cores,
//! which the lesson measures against `fetch_add`.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// The numbers, read at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Snapshot {
    /// Requests that have started, ever.
    pub started: u64,
    /// Requests that have started and not finished.
    pub in_flight: u64,
    /// The most requests that were ever in flight at once.
    pub peak_in_flight: u64,
}

/// Counts shared by every worker thread. Call `finished` once for each `started`.
#[derive(Debug, Default)]
pub struct RequestStats {
    numbers: Mutex<Snapshot>,
}

impl RequestStats {
    pub const fn new() -> Self {
        RequestStats {
            numbers: Mutex::new(Snapshot {
                started: 0,
                in_flight: 0,
                peak_in_flight: 0,
            }),
        }
    }

    fn numbers(&self) -> MutexGuard<'_, Snapshot> {
        // A thread that panicked while holding the lock left whole numbers behind: keep counting.
        self.numbers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A request begins.
    pub fn started(&self) {
        let mut numbers = self.numbers();
        numbers.started += 1;
        numbers.in_flight += 1;
        numbers.peak_in_flight = numbers.peak_in_flight.max(numbers.in_flight);
    }

    /// A request ends.
    pub fn finished(&self) {
        self.numbers().in_flight -= 1;
    }

    /// The numbers as they are now, all read at one moment (under the lock).
    pub fn snapshot(&self) -> Snapshot {
        *self.numbers()
    }
}
