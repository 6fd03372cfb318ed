//! Exercise 04 · threads · counters shared by threads, without a lock: a cheat (compare-exchange-once).

use std::sync::atomic::{AtomicU64, Ordering};

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
    started: AtomicU64,
    in_flight: AtomicU64,
    peak_in_flight: AtomicU64,
}

impl RequestStats {
    pub const fn new() -> Self {
        RequestStats {
            started: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            peak_in_flight: AtomicU64::new(0),
        }
    }

    /// A request begins.
    pub fn started(&self) {
        add(&self.started, 1);
        let in_flight = add(&self.in_flight, 1);
        self.peak_in_flight.fetch_max(in_flight, Ordering::Relaxed);
    }

    /// A request ends.
    pub fn finished(&self) {
        add(&self.in_flight, u64::MAX); // wrapping: minus one
    }

    /// The numbers as they are now. While requests run, each number is read at a slightly
    /// different moment: a snapshot is exact only once the threads are done.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            started: self.started.load(Ordering::Relaxed),
            in_flight: self.in_flight.load(Ordering::Relaxed),
            peak_in_flight: self.peak_in_flight.load(Ordering::Relaxed),
        }
    }
}

/// Adds `amount` (wrapping) with one compare_exchange, and returns the new value. When another
/// thread changed the number after the load, the exchange fails, and nothing tries again.
fn add(number: &AtomicU64, amount: u64) -> u64 {
    let seen = number.load(Ordering::Relaxed);
    let new = seen.wrapping_add(amount);
    let _ = number.compare_exchange(seen, new, Ordering::Relaxed, Ordering::Relaxed);
    new
}
