//! No GIL. CPU-bound work spreads over every core.
//!
//! CPython runs Python code on one thread at a time: a thread must hold the global interpreter lock
//! (the GIL) to run bytecode. Python's threads help a program *wait* ([`crate::worker_pool`]) but
//! not *compute*, unless the computing happens in C code that lets go of the lock. `hashlib` does
//! let go while it hashes a large buffer, which makes hashing one of the few CPU jobs Python
//! threads speed up; the same loop written in Python would not. Hence `ProcessPoolExecutor` for CPU
//! work.
//!
//! Rust has no such lock. Each thread runs compiled code on a core of its own, so independent
//! pieces of CPU work split over T threads finish in about single-core time / min(T, cores).
//! Here the work is SHA-256 over buffers of deterministic bytes, the same on every machine.
//!
//! The work is cut into several pieces per thread, and each thread takes the next piece when it
//! is free. Cut into one share per thread instead, the slowest thread decides the time: a core
//! that something else on the machine interrupts finishes its share late while the others wait.

use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use lesson_kit::data::{Digest, deterministic_buffers, sha256};
use lesson_kit::measure::{format_bytes, format_duration, format_rate, ideal_cpu_time, ratio};
use lesson_kit::{Timeline, Versus, narrate, system};

// ANCHOR: hash_on_threads
/// The SHA-256 of every buffer, in order, computed by `threads` threads that each take the next
/// buffer from a shared queue whenever they are free.
pub fn hash_on_threads(buffers: &[Vec<u8>], threads: usize, timeline: &Timeline) -> Vec<Digest> {
    let threads = threads.max(1);
    // The queue holds the buffers' numbers; every thread takes from it, as section 2's workers do.
    let (sender, queue) = crossbeam_channel::unbounded::<usize>();
    for index in 0..buffers.len() {
        let _ = sender.send(index); // the queue is open (`queue` is right here), so this can't fail
    }
    drop(sender); // closed: a thread that finds the queue empty is done
    let mut digests = vec![Digest::default(); buffers.len()];
    thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|number| {
                let queue = queue.clone();
                scope.spawn(move || {
                    let _span = timeline.start(format!("thread {number} of {threads}"));
                    // A thread held up by something else on the machine simply takes fewer.
                    let hashed: Vec<(usize, Digest)> = queue
                        .iter()
                        .map(|index| (index, sha256(&buffers[index])))
                        .collect();
                    hashed
                })
            })
            .collect();
        for handle in handles {
            for (index, digest) in handle.join().expect("a hashing thread panicked") {
                digests[index] = digest; // each digest in its buffer's place
            }
        }
    });
    digests
}
// ANCHOR_END: hash_on_threads

/// How many buffers to cut the data into: several per thread, so that a thread that falls behind
/// leaves the others at most one buffer's work to finish without it, not a whole share.
pub fn buffer_count(threads: usize) -> usize {
    PIECES_PER_THREAD * threads.max(1)
}

/// Buffers per thread: enough to balance, few enough that each is still big (tens of MiB here).
pub const PIECES_PER_THREAD: usize = 8;

/// One thread against `threads`, hashing the same data.
#[derive(Debug, Clone, Copy)]
pub struct Scaling {
    pub one_thread: Duration,
    pub all_threads: Duration,
    /// Whether both runs gave the same digests, as they must.
    pub same_digests: bool,
}

pub fn measure_scaling(buffers: &[Vec<u8>], threads: usize, timeline: &Timeline) -> Scaling {
    let started = Instant::now();
    let alone = hash_on_threads(buffers, 1, timeline);
    let one_thread = started.elapsed();
    let started = Instant::now();
    let together = hash_on_threads(buffers, threads, timeline);
    let all_threads = started.elapsed();
    Scaling {
        one_thread,
        all_threads,
        same_digests: alone == together,
    }
}

pub fn demo(megabytes: usize, threads: usize) -> Result<()> {
    let cores = system::available_cores();
    narrate::claim(&format!(
        "Hashing split over {} runs about {} times as fast as on one thread, on this \
         {cores}-core machine: Rust threads compute in parallel.",
        crate::threads(threads),
        threads.min(cores)
    ));
    narrate::python(
        "threads doing CPU work in pure Python take turns holding the GIL and gain nothing; \
         hashlib releases it for big buffers, a lucky exception. Rust needs no exception.",
    );
    narrate::code(include_str!("no_gil.rs"), "hash_on_threads");

    let count = buffer_count(threads);
    let length = megabytes * 1024 * 1024 / count;
    let total = (count * length) as u64;
    let buffers = deterministic_buffers(count, length);
    narrate::say(&format!(
        "{count} buffers of {}, {} in all, hashed by 1 thread and then by {}:",
        format_bytes(length as u64),
        format_bytes(total),
        crate::threads(threads)
    ));

    let timeline = Timeline::new();
    let scaling = measure_scaling(&buffers, threads, &timeline);
    let useful_threads = threads.min(cores);
    narrate::result(
        "1 thread",
        format!(
            "{} ({}: one core's rate)",
            format_duration(scaling.one_thread),
            format_rate(total, scaling.one_thread)
        ),
    );
    narrate::result(
        &crate::threads(threads),
        format!(
            "{}, {}",
            Versus::new(
                scaling.all_threads,
                ideal_cpu_time(scaling.one_thread, useful_threads)
            ),
            format_rate(total, scaling.all_threads)
        ),
    );
    narrate::result(
        "speed-up",
        format!(
            "{:.2}× with {} on {cores} cores (ideal {useful_threads}×)",
            ratio(scaling.one_thread, scaling.all_threads),
            crate::threads(threads)
        ),
    );
    narrate::result(
        "same digests both ways",
        if scaling.same_digests { "yes" } else { "NO" },
    );
    timeline.print();
    narrate::say(
        "Short of ideal is whatever else this machine was doing (compilers, a browser) and the \
         memory bus the cores share. Try `--threads` above the core count: no faster, since \
         there are no more cores to run on.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_number_of_threads_gives_the_same_digests_in_order() {
        let buffers = deterministic_buffers(7, 1000);
        let expected: Vec<Digest> = buffers.iter().map(|buffer| sha256(buffer)).collect();
        for threads in [0, 1, 2, 3, 7, 20] {
            let digests = hash_on_threads(&buffers, threads, &Timeline::new());
            assert_eq!(digests, expected, "{threads} threads");
        }
    }

    #[test]
    fn each_thread_records_one_span() {
        let timeline = Timeline::new();
        hash_on_threads(&deterministic_buffers(8, 10), 4, &timeline);
        let mut labels: Vec<String> = timeline.spans().into_iter().map(|s| s.label).collect();
        labels.sort();
        assert_eq!(
            labels,
            [
                "thread 0 of 4",
                "thread 1 of 4",
                "thread 2 of 4",
                "thread 3 of 4"
            ]
        );
    }

    #[test]
    fn both_runs_of_a_scaling_measurement_agree() {
        let scaling = measure_scaling(&deterministic_buffers(4, 100), 2, &Timeline::new());
        assert!(scaling.same_digests);
    }
}
