//! Exercise 04 · threads · counters shared by threads, without a lock: a solution.

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
        // Relaxed everywhere: each number is the whole message. No other data is published
        // through it, and whoever reads the final totals has joined the threads first, which makes
        // every update visible. Each `fetch_` call reads, changes and writes in one indivisible
        // step, so no other thread's update can land in between.
        self.started.fetch_add(1, Ordering::Relaxed);
        // `fetch_add` returns the value *before* the addition: this request makes it one more.
        let in_flight = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        // Raises the peak to `in_flight` unless it is already higher, in the same single step.
        self.peak_in_flight.fetch_max(in_flight, Ordering::Relaxed);
    }

    /// A request ends.
    pub fn finished(&self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
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
