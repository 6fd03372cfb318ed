//! Exercise 04 · threads · counters shared by threads, without a lock: a cheat (seqcst-load-then-store).

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
        // The strongest ordering everywhere, in case Relaxed was the trouble.
        let started = self.started.load(Ordering::SeqCst);
        self.started.store(started + 1, Ordering::SeqCst);
        let in_flight = self.in_flight.load(Ordering::SeqCst) + 1;
        self.in_flight.store(in_flight, Ordering::SeqCst);
        if in_flight > self.peak_in_flight.load(Ordering::SeqCst) {
            self.peak_in_flight.store(in_flight, Ordering::SeqCst);
        }
    }

    /// A request ends.
    pub fn finished(&self) {
        let in_flight = self.in_flight.load(Ordering::SeqCst);
        self.in_flight
            .store(in_flight.saturating_sub(1), Ordering::SeqCst);
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
