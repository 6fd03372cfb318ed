//! CPU work too small to split.
//!
//! For CPU work there is no wait to overlap: splitting it over the cores saves part of the work's
//! own time, and handing the pieces to a pool's threads and collecting their results costs some
//! too, whatever the size. Below some size the hand-over costs more than the split saves, and
//! the plain loop on one thread wins. rayon's pool is started once and kept, so what is paid per
//! call is the hand-over alone (the first section timed both).

use std::time::{Duration, Instant};

use anyhow::Result;
use lesson_kit::data::{Digest, deterministic_bytes, sha256};
use lesson_kit::measure::{format_bytes, format_duration, median, ratio};
use lesson_kit::{narrate, system};
use rayon::prelude::*;

/// The sizes tried, in KiB: from a small message to a large file.
pub const SIZES_KIB: [usize; 6] = [4, 16, 64, 256, 1024, 16 * 1024];

/// Bytes each size is hashed over in all, so that every size gets enough repetitions.
const BYTES_PER_SIZE: usize = 32 * 1024 * 1024;

// ANCHOR: split
/// `data` cut into a piece per thread of rayon's pool, hashed on the pool; in order.
pub fn hash_split(data: &[u8]) -> Vec<Digest> {
    let piece = data.len().div_ceil(rayon::current_num_threads()).max(1);
    data.par_chunks(piece).map(sha256).collect()
}

/// The same pieces, hashed one after another on this thread.
pub fn hash_in_turn(data: &[u8]) -> Vec<Digest> {
    let piece = data.len().div_ceil(rayon::current_num_threads()).max(1);
    data.chunks(piece).map(sha256).collect()
}
// ANCHOR_END: split

/// The median times of both ways over `repeats` calls on `data`: (in turn, split).
pub fn time_both(data: &[u8], repeats: usize) -> (Duration, Duration) {
    let (mut in_turn, mut split) = (Vec::new(), Vec::new());
    for _ in 0..repeats.max(1) {
        let started = Instant::now();
        std::hint::black_box(hash_in_turn(data));
        in_turn.push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(hash_split(data));
        split.push(started.elapsed());
    }
    (median(&in_turn), median(&split))
}

/// The smallest size (from `results`: size in bytes, time in turn, time split) from which on
/// splitting was faster at every size measured, if any was.
pub fn smallest_worth_splitting(results: &[(usize, Duration, Duration)]) -> Option<usize> {
    let first_loss_from_the_end = results
        .iter()
        .rposition(|&(_, in_turn, split)| split >= in_turn);
    let from = first_loss_from_the_end.map_or(0, |index| index + 1);
    results.get(from).map(|&(size, _, _)| size)
}

pub fn demo(quick: bool) -> Result<()> {
    let threads = rayon::current_num_threads();
    narrate::claim(
        "Splitting CPU work over rayon's threads pays only above some size; below it, handing \
         the pieces over costs more than the split saves, and one thread is faster.",
    );
    narrate::python(
        "the same split on a ProcessPoolExecutor also pickles every piece and sends it \
         through a pipe to a worker, and the result back.",
    );
    narrate::code(include_str!("small_work.rs"), "split");
    let budget = if quick {
        BYTES_PER_SIZE / 8
    } else {
        BYTES_PER_SIZE
    };
    narrate::say(&format!(
        "SHA-256 over each size, cut into {threads} pieces, hashed in turn on this thread and \
         split over rayon's {threads} threads (started beforehand); the median of many calls:"
    ));
    hash_split(b"start rayon's threads, untimed"); // a long-running program does it once
    let mut results = Vec::new();
    for size in SIZES_KIB.map(|kib| kib * 1024) {
        let data = deterministic_bytes(size as u64, size);
        let (in_turn, split) = time_both(&data, budget / size);
        let verdict = if split < in_turn {
            format!("split {:.1}× faster", ratio(in_turn, split))
        } else {
            format!("split {:.1}× slower", ratio(split, in_turn))
        };
        narrate::result(
            &format_bytes(size as u64),
            format!(
                "in turn {}, split {}: {verdict}",
                format_duration(in_turn),
                format_duration(split)
            ),
        );
        results.push((size, in_turn, split));
    }
    if let Some(load) = system::load_average() {
        narrate::result(
            "load average over the last minute",
            format!("{load:.2}, on {} cores", system::available_cores()),
        );
    }
    match smallest_worth_splitting(&results) {
        Some(size) => {
            narrate::result("smallest work worth splitting", format_bytes(size as u64));
            narrate::say("Above that size split; below it, keep the loop.");
        }
        None => {
            narrate::result("smallest work worth splitting", "none of the sizes tried");
            narrate::say(
                "None paid here. A split gains only on cores that are free: when the load \
                 average is above the cores, other programs hold them, and the pieces wait.",
            );
        }
    }
    narrate::say(
        "A process pool's hand-over adds a copy of the data through a pipe, so its threshold \
         is higher still; lesson-processes measures that copy.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const US: Duration = Duration::from_micros(1);

    #[test]
    fn both_ways_give_the_same_digests() {
        let data = deterministic_bytes(1, 100_000);
        assert_eq!(hash_split(&data), hash_in_turn(&data));
        assert_eq!(hash_split(b""), hash_in_turn(b""));
    }

    #[test]
    fn the_threshold_is_where_splitting_starts_to_win_for_good() {
        let results = [
            (1, 2 * US, 9 * US),
            (2, 4 * US, 3 * US), // a lucky win, then a loss: not yet for good
            (3, 8 * US, 9 * US),
            (4, 16 * US, 10 * US),
            (5, 32 * US, 17 * US),
        ];
        assert_eq!(smallest_worth_splitting(&results), Some(4));
        assert_eq!(smallest_worth_splitting(&results[..3]), None);
        assert_eq!(smallest_worth_splitting(&results[3..]), Some(4));
    }
}
