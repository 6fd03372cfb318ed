//! Shared state. `Arc<Mutex<_>>`, channels, and why `Rc` may not cross threads.
//!
//! Threads that build one result together can combine their work in two ways:
//! - *share* it: `Arc<Mutex<T>>`. `Arc` (an atomically reference-counted pointer) lets several
//!   threads own the value; `Mutex` lets one thread at a time change it, so every access waits
//!   its turn for the lock.
//! - *send* it: each thread works on its own part and sends it over a channel to the one thread
//!   that combines the parts. Nothing is shared, so nothing needs a lock.
//!
//! Either way, the compiler checks the sharing. A value may move to another thread only if its
//! type is `Send`, and be used from several threads at once only if it is `Sync`. `Rc` is
//! neither: its reference count is a plain integer, and two threads cloning or dropping it at the
//! same moment could corrupt the count and free memory still in use. So `thread::spawn` refuses
//! it at compile time, which is where Python would have left you a race to find at run time.

use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use lesson_kit::measure::{format_duration, ratio};
use lesson_kit::narrate;

use crate::spawn::compiler_verdict;

/// What a `lock()` error means: the lock is "poisoned" when a thread panicked while holding it.
const POISONED: &str = "a counting thread panicked while holding the lock";

// ANCHOR: lock_per_item
/// `threads` threads each add 1 to a shared total `per_thread` times, taking the lock each time.
pub fn count_with_a_lock_per_item(threads: usize, per_thread: u64) -> u64 {
    let total = Arc::new(Mutex::new(0_u64));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let total = Arc::clone(&total); // one more owner of the same total, for the thread
            thread::spawn(move || {
                for _ in 0..per_thread {
                    *total.lock().expect(POISONED) += 1; // lock, add, unlock
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("a counting thread panicked");
    }
    *total.lock().expect(POISONED)
}
// ANCHOR_END: lock_per_item

// ANCHOR: lock_per_thread
/// The same count, but each thread counts on its own and takes the lock once, to add its part.
pub fn count_with_a_lock_per_thread(threads: usize, per_thread: u64) -> u64 {
    let total = Arc::new(Mutex::new(0_u64));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let total = Arc::clone(&total);
            thread::spawn(move || {
                let mine = count_alone(per_thread);
                *total.lock().expect(POISONED) += mine;
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("a counting thread panicked");
    }
    *total.lock().expect(POISONED)
}
// ANCHOR_END: lock_per_thread

// ANCHOR: channel
/// The same count with nothing shared: each thread sends its part to this one, which adds them.
pub fn count_with_a_channel(threads: usize, per_thread: u64) -> u64 {
    let (sender, receiver) = mpsc::channel::<u64>();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let sender = sender.clone(); // every thread gets its own sender
            thread::spawn(move || {
                // The receiver lives until every sender is gone, so this send can't fail.
                let _ = sender.send(count_alone(per_thread));
            })
        })
        .collect();
    drop(sender); // the receiver stops waiting once *all* senders are gone, this one included
    let total = receiver.iter().sum();
    // A thread that panicked sent nothing, and its sender is gone all the same: without the join,
    // the total would just be short, silently.
    for handle in handles {
        handle.join().expect("a counting thread panicked");
    }
    total
}
// ANCHOR_END: channel

/// Counts to `per_thread` one step at a time: the "work" of each thread.
fn count_alone(per_thread: u64) -> u64 {
    let mut mine = 0;
    for _ in 0..per_thread {
        // `black_box` keeps the optimiser from replacing the loop with its answer.
        mine = std::hint::black_box(mine + 1);
    }
    mine
}

/// Runs one way of counting, prints its total and time, and returns both (section 5's atomics
/// are measured with it too).
pub(crate) fn measure(label: &str, expected: u64, count: impl FnOnce() -> u64) -> (u64, Duration) {
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
        "{} adding 1 {per_thread} times each reach exactly {expected}, whether \
         they share a locked total or send their parts over a channel; a lock taken for every \
         item costs far more than one per thread.",
        crate::threads(threads)
    ));
    narrate::python(
        "threading.Lock() around `total += 1` (the GIL doesn't make += atomic), and \
         queue.Queue to send parts to one thread.",
    );
    narrate::code(include_str!("shared_state.rs"), "lock_per_item");
    let (_, per_item) = measure("a lock per item", expected, || {
        count_with_a_lock_per_item(threads, per_thread)
    });
    narrate::code(include_str!("shared_state.rs"), "lock_per_thread");
    let (_, per_thread_time) = measure("a lock per thread", expected, || {
        count_with_a_lock_per_thread(threads, per_thread)
    });
    narrate::code(include_str!("shared_state.rs"), "channel");
    measure("a channel", expected, || {
        count_with_a_channel(threads, per_thread)
    });
    narrate::result(
        "a lock per item is slower than a lock per thread by",
        format!("{:.0}×", ratio(per_item, per_thread_time)),
    );
    narrate::say(
        "Every `lock()` is a handover between cores: with the threads fighting for one lock, \
         they mostly wait. Keep shared state for what must be shared, and lock it rarely.",
    );

    narrate::say(
        "Why `Arc` and not `Rc`, the cheaper pointer of single-threaded code? Because the \
         compiler refuses this (tests/ui/rc_across_threads.rs):",
    );
    narrate::code(include_str!("../tests/ui/rc_across_threads.rs"), "rc");
    let error = include_str!("../tests/ui/rc_across_threads.stderr");
    narrate::compiler_output(error);
    narrate::result("Rc across threads", compiler_verdict(error));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_of_counting_is_exact() {
        for threads in [1, 2, 5] {
            let expected = threads as u64 * 10_000;
            assert_eq!(count_with_a_lock_per_item(threads, 10_000), expected);
            assert_eq!(count_with_a_lock_per_thread(threads, 10_000), expected);
            assert_eq!(count_with_a_channel(threads, 10_000), expected);
        }
    }

    #[test]
    fn no_threads_count_nothing() {
        assert_eq!(count_with_a_lock_per_item(0, 10), 0);
        assert_eq!(count_with_a_channel(0, 10), 0);
    }
}
