//! Atomics. A counter shared by threads, with no lock.
//!
//! A counter is shared state simple enough to need no lock. An `AtomicU64` is a `u64` that the
//! processor itself updates in one indivisible step: `fetch_add(1, ordering)` reads, adds and
//! writes back, and no other thread can come in between. It is `Sync` and changes through a
//! shared reference (no `mut`), so threads share it by borrowing it from a `thread::scope`, or in
//! an `Arc`.
//!
//! Every atomic operation takes an `Ordering`. It never makes the operation more or less
//! indivisible; it says what *else* another thread is guaranteed to see:
//! - `Relaxed`: nothing else. Enough when the number is the whole message: a counter, a
//!   statistic, the next free id. The final total is exact, because joining a thread (here, the
//!   end of the scope) makes everything it did visible to the thread that joined it.
//! - `Release` on a store and `Acquire` on the load that reads it: when the atomic *announces*
//!   other data ("the result is ready"), a thread whose `Acquire` load sees the announcement also
//!   sees everything the announcing thread wrote before its `Release` store. With `Relaxed` on
//!   either side it may see the flag and still read the old data.
//! - `SeqCst`: `Acquire` and `Release`, plus one order of all `SeqCst` operations that every thread
//!   agrees on. The safe choice when you cannot say why a weaker one is enough.
//!
//! What no ordering fixes: a read and a write made as two operations. `load` and then `store`
//! compiles, and loses every update another thread makes in between. Rust's compiler rules out
//! data races (memory touched by two threads without synchronisation), not race conditions in
//! the logic.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use lesson_kit::measure::{format_duration, ratio};
use lesson_kit::narrate;

use crate::shared_state::count_with_a_lock_per_item;

// ANCHOR: atomic
/// `threads` threads each add 1 to a shared atomic total `per_thread` times.
pub fn count_with_an_atomic(threads: usize, per_thread: u64, ordering: Ordering) -> u64 {
    let total = AtomicU64::new(0);
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..per_thread {
                    total.fetch_add(1, ordering); // read, add, write: one indivisible step
                }
            });
        }
    }); // the scope joins every thread, so all their additions are visible below
    total.into_inner()
}
// ANCHOR_END: atomic

// ANCHOR: load_then_store
/// The same count with the read and the write as two operations: it compiles, and it is wrong.
pub fn count_with_load_then_store(threads: usize, per_thread: u64) -> u64 {
    let total = AtomicU64::new(0);
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..per_thread {
                    let seen = total.load(Ordering::SeqCst); // another thread may add here...
                    total.store(seen + 1, Ordering::SeqCst); // ...and this overwrites its addition
                }
            });
        }
    });
    total.into_inner()
}
// ANCHOR_END: load_then_store

// ANCHOR: hand_over
/// One thread computes an answer and announces it; another waits for the announcement, then
/// reads the answer.
pub fn hand_over(answer: u64) -> u64 {
    let result = AtomicU64::new(0);
    let ready = AtomicBool::new(false);
    thread::scope(|scope| {
        scope.spawn(|| {
            result.store(answer, Ordering::Relaxed);
            // Release: a thread that sees `true` with Acquire also sees the store above.
            ready.store(true, Ordering::Release);
        });
        let reader = scope.spawn(|| {
            while !ready.load(Ordering::Acquire) {
                thread::yield_now(); // a demo's wait; real code waits on a channel or a Condvar
            }
            result.load(Ordering::Relaxed) // the answer, never the 0 it started as
        });
        reader.join().expect("the reading thread panicked")
    })
}
// ANCHOR_END: hand_over

/// Runs one way of counting, prints its total and time, and returns both.
fn measure(label: &str, expected: u64, count: impl FnOnce() -> u64) -> (u64, Duration) {
    let started = Instant::now();
    let total = count();
    let elapsed = started.elapsed();
    let verdict = if total == expected { "exact" } else { "WRONG" };
    narrate::result(
        label,
        format!("total {total} ({verdict}) in {}", format_duration(elapsed)),
    );
    (total, elapsed)
}

pub fn demo(threads: usize, per_thread: u64) -> Result<()> {
    let expected = threads as u64 * per_thread;
    narrate::claim(&format!(
        "{} adding 1 {per_thread} times each to one AtomicU64 reach exactly {expected} with \
         `Relaxed`, faster than with a lock per item. A load and a store in its place compile, \
         and lose updates under any ordering.",
        crate::threads(threads)
    ));
    narrate::python(
        "no atomic integers in the standard library: `total += 1` on a shared int is a read, \
         an add and a write, so it takes a threading.Lock.",
    );
    narrate::code(include_str!("atomics.rs"), "atomic");
    let (_, atomic) = measure("fetch_add, Relaxed", expected, || {
        count_with_an_atomic(threads, per_thread, Ordering::Relaxed)
    });
    measure("fetch_add, SeqCst", expected, || {
        count_with_an_atomic(threads, per_thread, Ordering::SeqCst)
    });
    let (_, locked) = measure("a lock per item (section 4)", expected, || {
        count_with_a_lock_per_item(threads, per_thread)
    });
    narrate::result(
        "a lock per item is slower than fetch_add (Relaxed) by",
        format!("{:.1}×", ratio(locked, atomic)),
    );

    narrate::code(include_str!("atomics.rs"), "load_then_store");
    let (split, _) = measure("load, then store", expected, || {
        count_with_load_then_store(threads, per_thread)
    });
    narrate::result(
        "updates lost by load-then-store",
        format!("{} of {expected}", expected.saturating_sub(split)),
    );

    narrate::say(
        "Relaxed is enough for a counter because the count is the whole message. When an \
         atomic announces other data, the store that announces is Release and the load that \
         sees it is Acquire:",
    );
    narrate::code(include_str!("atomics.rs"), "hand_over");
    let answer = 42;
    let handed = hand_over(answer);
    narrate::result(
        "the answer handed over with Release and Acquire",
        format!(
            "{handed} ({})",
            if handed == answer { "as sent" } else { "WRONG" }
        ),
    );
    narrate::say(
        "With Relaxed there, the reader could see `true` and still read 0. An x86 processor \
         keeps one thread's stores in order, so it would rarely show; an ARM one (phones, \
         Apple's Macs) may not, and the compiler may reorder Relaxed operations on any \
         processor. The ordering is a promise the code makes to both.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_counts_exactly_under_every_ordering() {
        for ordering in [Ordering::Relaxed, Ordering::SeqCst] {
            for threads in [1, 2, 5] {
                assert_eq!(
                    count_with_an_atomic(threads, 10_000, ordering),
                    threads as u64 * 10_000,
                    "{threads} threads, {ordering:?}"
                );
            }
        }
    }

    #[test]
    fn load_then_store_is_exact_only_alone_and_never_overcounts() {
        assert_eq!(count_with_load_then_store(1, 10_000), 10_000);
        // With company it may lose updates, how many depends on the machine; never adds any.
        assert!(count_with_load_then_store(4, 10_000) <= 40_000);
    }

    #[test]
    fn the_answer_is_handed_over() {
        for answer in [1, 42, u64::MAX] {
            assert_eq!(hand_over(answer), answer);
        }
    }
}
