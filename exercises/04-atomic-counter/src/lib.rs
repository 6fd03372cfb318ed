//! Exercise 04 · threads · counters shared by threads, without a lock
//!
//! Lesson: `cargo run -p lesson-threads -- --section 5` ("Atomics: a counter without a lock")
//!
//! A server's worker threads share one `RequestStats`: each request calls `started` when it begins
//! and `finished` when it ends, and a monitoring thread reads a `Snapshot` now and then: how many
//! requests have started, how many are in flight, and the most that were ever in flight at once.
//! The numbers are atomics, so threads may update them through a shared reference, but every
//! update is a `load` followed by a `store`: two steps, and an update another thread makes between
//! the two is overwritten. Under load the counts drift: started requests go missing, and "in
//! flight" does not come back to 0 when every request has finished.
//!
//! Make each update a single indivisible step on its atomic (no lock), and give each one the
//! weakest `Ordering` that is enough. Each number here is the whole message: no other data is
//! published through it, and the threads are joined before anyone reads the totals.
//!
//! The checks run 8 threads, spread over the cores, that start and finish 200 000 requests each,
//! and require every request counted and 0 in flight at the end; and 8 threads that each start a
//! request, wait until all 8 are in flight, and finish it, a few hundred times: the peak must be
//! exactly 8. They cannot see which `Ordering` you chose (on an x86 processor even a wrong one
//! behaves), nor every way a peak can go wrong: a peak updated by a load, a comparison and a store
//! loses only when two threads interleave at one precise moment, which the checks may not catch.
//! On a machine with a single core, lost updates are rare and may go unseen. A `Mutex` around the
//! three numbers passes too; the lesson measures what a lock per update costs.
//!
//! Grade it with `cargo xtask check atomic-counter`; `cargo xtask hint atomic-counter` when stuck.

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
        // TODO: each update below is two steps, a read and then a write; another thread's update
        // that lands between them is lost. Make each one a single step.
        let started = self.started.load(Ordering::Relaxed);
        self.started.store(started + 1, Ordering::Relaxed);
        let in_flight = self.in_flight.load(Ordering::Relaxed) + 1;
        self.in_flight.store(in_flight, Ordering::Relaxed);
        if in_flight > self.peak_in_flight.load(Ordering::Relaxed) {
            self.peak_in_flight.store(in_flight, Ordering::Relaxed);
        }
    }

    /// A request ends.
    pub fn finished(&self) {
        // TODO: two steps here too.
        let in_flight = self.in_flight.load(Ordering::Relaxed);
        self.in_flight
            .store(in_flight.saturating_sub(1), Ordering::Relaxed);
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
