//! Many threads update one `RequestStats` at once; the totals must be exact. Lost updates show as
//! a count that comes up short, and no sleep or timing is involved: the threads run flat out.

use std::sync::Barrier;
use std::thread;

use atomic_counter::{RequestStats, Snapshot};

const THREADS: u64 = 8;
/// Requests per thread when they run flat out: enough that the threads' work spans many of the
/// scheduler's time slices even when they share one core, so that some thread is stopped between
/// two steps of an update while another thread makes one.
const FLAT_OUT: u64 = 200_000;

/// What every message about lost updates says to look at.
const TWO_STEPS: &str = "A `load` and then a `store` are two steps: an update another thread \
    makes between them is overwritten, whatever the Ordering (no Ordering turns two steps into one).\n\
    Make each update a single read-modify-write operation on the atomic. A compare_exchange that \
    fails must be tried again, or its update is lost too.";

/// `THREADS` threads each start and finish `requests` requests, all at once; the stats after.
fn run_flat_out(requests: u64) -> Snapshot {
    let stats = RequestStats::new();
    // Every thread starts counting at once, rather than each as soon as it is spawned: a thread
    // could otherwise be done before the next one starts.
    let ready = Barrier::new(THREADS as usize);
    let (stats, ready) = (&stats, &ready);
    thread::scope(|scope| {
        for thread in 0..THREADS as usize {
            scope.spawn(move || {
                spread_over_cores(thread);
                ready.wait();
                for _ in 0..requests {
                    stats.started();
                    stats.finished();
                }
            });
        }
    });
    stats.snapshot()
}

#[test]
fn fresh_stats_are_all_zero() {
    assert_eq!(
        RequestStats::new().snapshot(),
        Snapshot::default(),
        "nothing has started yet"
    );
}

#[test]
fn one_thread_counts_its_requests() {
    let stats = RequestStats::new();
    for _ in 0..3 {
        stats.started();
    }
    stats.finished();
    let expected = Snapshot {
        started: 3,
        in_flight: 2,
        peak_in_flight: 3,
    };
    assert_eq!(
        stats.snapshot(),
        expected,
        "3 requests started and 1 finished, on one thread"
    );
}

#[test]
fn every_request_started_on_any_thread_is_counted() {
    const EACH: u64 = FLAT_OUT;
    let seen = run_flat_out(EACH);
    let expected = THREADS * EACH;
    assert_eq!(
        seen.started,
        expected,
        "{THREADS} threads started {EACH} requests each, {expected} in all, and the stats counted \
         {}: {} updates were lost.\n{TWO_STEPS}",
        seen.started,
        expected.saturating_sub(seen.started)
    );
}

#[test]
fn nothing_is_in_flight_once_every_request_has_finished() {
    const EACH: u64 = FLAT_OUT;
    let seen = run_flat_out(EACH);
    assert_eq!(
        seen.in_flight, 0,
        "{THREADS} threads each started and finished {EACH} requests, and the stats still say \
         {} are in flight: some increments or decrements were lost.\n{TWO_STEPS}",
        seen.in_flight
    );
}

/// Each round, every thread starts a request, waits until all of them have, and finishes it: at
/// the barrier exactly `THREADS` are in flight, and never more, since each thread has at most one.
#[test]
fn the_peak_is_the_most_requests_in_flight_at_once() {
    const ROUNDS: usize = 300;
    let stats = RequestStats::new();
    let all_in_flight = Barrier::new(THREADS as usize);
    thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                for _ in 0..ROUNDS {
                    stats.started();
                    all_in_flight.wait();
                    stats.finished();
                }
            });
        }
    });
    let seen = stats.snapshot();
    assert_eq!(
        (seen.started, seen.in_flight),
        (THREADS * ROUNDS as u64, 0),
        "{THREADS} threads started and finished {ROUNDS} requests each: (started, in flight) \
         should be ({}, 0).\n{TWO_STEPS}",
        THREADS * ROUNDS as u64
    );
    assert_eq!(
        seen.peak_in_flight, THREADS,
        "{THREADS} requests were in flight at once, {ROUNDS} times, and never more (each thread \
         has one at a time), but the peak says {}.\nThe peak must be raised in the same single \
         step that compares it: a load, a comparison and a store let a smaller value overwrite \
         a larger one that another thread stored in between.",
        seen.peak_in_flight
    );
}

/// Keeps thread number `index` of a check on one core of its own among those this process may
/// use, so that the check's threads are spread over every core and run at the same moments.
/// Left to itself, the scheduler may keep them all on one core for the few milliseconds a check
/// lasts, where an update is lost only if a thread is stopped between its two steps, which is
/// rare. With a single core there is nothing to spread, and a lost update may go unseen.
#[cfg(target_os = "linux")]
fn spread_over_cores(index: usize) {
    use rustix::thread::{CpuSet, sched_getaffinity, sched_setaffinity};
    let Ok(allowed) = sched_getaffinity(None) else {
        return;
    };
    let cores: Vec<usize> = (0..CpuSet::MAX_CPU)
        .filter(|&cpu| allowed.is_set(cpu))
        .collect();
    if cores.len() > 1 {
        let mut one = CpuSet::new();
        one.set(cores[index % cores.len()]);
        // Not being allowed to choose a core only makes the check less likely to see a loss.
        let _ = sched_setaffinity(None, &one);
    }
}

#[cfg(not(target_os = "linux"))]
fn spread_over_cores(_index: usize) {}
