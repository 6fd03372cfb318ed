//! CPU-bound work in Rust needs threads, not processes. rayon's `par_iter`.
//!
//! Python reaches for processes (`ProcessPoolExecutor`) to put CPU work on every core, because its
//! threads take turns under the GIL. Rust's threads already run in parallel (lesson-threads), and
//! rayon makes using them a one-word change: `.iter()` becomes `.par_iter()`. rayon keeps a pool of
//! one thread per core; `par_iter` splits the items among them, and a thread that runs out of work
//! takes some from a busier one ("work stealing"), so uneven items still keep every core busy.
//!
//! The items are *borrowed*: every thread reads the same buffers in place. A process pool would
//! copy each buffer into the worker that hashes it ([`crate::child_processes`] measures what that
//! costs).

use anyhow::Result;
use lesson_kit::data::deterministic_buffers;
use lesson_kit::measure::{
    format_bytes, format_duration, format_rate, ideal_cpu_time, ratio, timed,
};
use lesson_kit::{Timeline, Versus, narrate, system};
use rayon::prelude::*;

/// The digest helpers of the course kit, under the names this section's listings use (the course
/// benchmark imports them from here too).
pub use lesson_kit::data::{Digest, hex, sha256};

// ANCHOR: sequential
pub fn hash_one_by_one(buffers: &[Vec<u8>]) -> Vec<Digest> {
    buffers.iter().map(|buffer| sha256(buffer)).collect()
}
// ANCHOR_END: sequential

// ANCHOR: par_iter
pub fn hash_in_parallel(buffers: &[Vec<u8>]) -> Vec<Digest> {
    buffers.par_iter().map(|buffer| sha256(buffer)).collect() // still in the buffers' order
}
// ANCHOR_END: par_iter

/// `hash_in_parallel` again, recording on `timeline` which rayon thread hashed which buffer.
pub fn hash_in_parallel_traced(buffers: &[Vec<u8>], timeline: &Timeline) -> Vec<Digest> {
    buffers
        .par_iter()
        .enumerate()
        .map(|(index, buffer)| {
            let thread = rayon::current_thread_index().unwrap_or_default();
            let _span = timeline.start(format!("thread {thread}: buffer {index}"));
            sha256(buffer)
        })
        .collect()
}

/// How many buffers to hash: several per core, so that rayon can balance them.
pub fn buffer_count(cores: usize) -> usize {
    8 * cores.max(1)
}

pub fn demo(megabytes: usize) -> Result<()> {
    let cores = system::available_cores();
    narrate::claim(&format!(
        "Hashing with `par_iter` instead of `iter` runs at {cores} × the single-core rate \
         on this {cores}-core machine: no processes needed."
    ));
    narrate::python(
        "ProcessPoolExecutor().map(hash_file, files): a process per core, and every argument \
         and result pickled across.",
    );
    let count = buffer_count(cores);
    let length = megabytes * 1024 * 1024 / count;
    let total = (count * length) as u64;
    let buffers = deterministic_buffers(count, length);
    narrate::say(&format!(
        "{count} buffers of {} ({} in all), hashed one by one and then with par_iter \
         on rayon's {} threads:",
        format_bytes(length as u64),
        format_bytes(total),
        rayon::current_num_threads()
    ));
    narrate::code(include_str!("parallel_hashing.rs"), "sequential");
    narrate::code(include_str!("parallel_hashing.rs"), "par_iter");

    // Once first, unmeasured: it starts rayon's threads, which a long-running program does once.
    hash_in_parallel(&buffers[..1]);
    let (sequential_digests, sequential) = timed(|| hash_one_by_one(&buffers));
    let (parallel_digests, parallel) = timed(|| hash_in_parallel(&buffers));

    narrate::result(
        "one by one",
        format!(
            "{} ({}: one core's rate)",
            format_duration(sequential),
            format_rate(total, sequential)
        ),
    );
    narrate::result(
        "par_iter",
        Versus::new(parallel, ideal_cpu_time(sequential, cores)),
    );
    narrate::result(
        "par_iter rate",
        format!(
            "{}, ideal {} ({cores} cores × one core's rate)",
            format_rate(total, parallel),
            format_rate(total * cores as u64, sequential)
        ),
    );
    narrate::result(
        "speed-up",
        format!("{:.2}× on {cores} cores", ratio(sequential, parallel)),
    );
    narrate::result(
        "same digests both ways",
        if sequential_digests == parallel_digests {
            "yes"
        } else {
            "NO"
        },
    );
    narrate::say("Which thread hashed which buffer (a second run, recording each one):");
    let timeline = Timeline::new();
    hash_in_parallel_traced(&buffers, &timeline);
    timeline.print();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn par_iter_gives_the_sequential_digests_in_order() {
        let buffers = deterministic_buffers(13, 777);
        let expected = hash_one_by_one(&buffers);
        assert_eq!(hash_in_parallel(&buffers), expected);
        assert_eq!(
            hash_in_parallel_traced(&buffers, &Timeline::new()),
            expected
        );
    }

    #[test]
    fn the_traced_version_records_every_buffer() {
        let timeline = Timeline::new();
        hash_in_parallel_traced(&deterministic_buffers(5, 10), &timeline);
        assert_eq!(timeline.spans().len(), 5);
    }
}
