//! Enough pieces to balance every core, and what "every core" can really do.
//!
//! Work handed out as one share per thread takes as long as the slowest share. Equal shares do
//! not take equal times: a core that the system interrupts (another program, the kernel's own
//! work) finishes its share late while the others sit idle. Handed out piece by piece, the same
//! work balances itself: a thread that finishes early takes another piece (rayon's work
//! stealing), so the threads finish within about one piece of each other. The number of pieces
//! follows the number of threads, so it balances on 2 cores or 64.
//!
//! And the ideal to compare with is measured, not multiplied. "cores × one core's rate" assumes a
//! core runs as fast with every other core busy as it does alone, and it often doesn't: the cores
//! share caches, memory bandwidth and a power budget, and a lone core may run at a higher clock.
//! What the machine can really deliver is its *parallel capacity*: every core running the same
//! single-threaded work at once, each on its own share and timed on its own clock, nothing shared.
//!
//! The course's bench measures its CPU figures with these same functions.

use std::sync::Barrier;
use std::thread;

use anyhow::Result;
use lesson_kit::data::deterministic_buffers;
use lesson_kit::measure::{format_bytes, format_rate, timed};
use lesson_kit::{narrate, system};
use rayon::prelude::*;

use crate::parallel_hashing::{Digest, hash_in_parallel, hash_one_by_one, sha256};

/// Pieces per thread for work that should balance: enough that a late thread leaves the others
/// a sixteenth of its share to wait for, few enough that each piece still takes milliseconds.
pub const PIECES_PER_THREAD: usize = 16;

/// Rounds of each measurement; the lesson prints their median, since a round can land on a moment
/// when something else had the machine.
const ROUNDS: usize = 5;

// ANCHOR: capacity
/// The machine's parallel capacity for `work`, in bytes per second. `cores` threads start together,
/// each runs `work(core)` on its own share (it returns the bytes it processed), and each is timed
/// on its own clock: the sum of their rates is what every core delivers while all are busy.
pub fn capacity(cores: usize, work: impl Fn(usize) -> u64 + Sync) -> f64 {
    let start_line = Barrier::new(cores);
    thread::scope(|scope| {
        let handles: Vec<_> = (0..cores)
            .map(|core| {
                let (start_line, work) = (&start_line, &work);
                scope.spawn(move || {
                    start_line.wait(); // no thread starts before all are ready: all run at once
                    let (bytes, took) = timed(|| work(core));
                    bytes as f64 / took.as_secs_f64().max(1e-9)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a measuring thread panicked"))
            .sum()
    })
}
// ANCHOR_END: capacity

// ANCHOR: pieces
/// How many pieces to cut work into for `threads` threads: several each, whatever their number.
pub fn piece_count(threads: usize) -> usize {
    PIECES_PER_THREAD * threads.max(1)
}

/// The SHA-256 of every piece, in order, with rayon handed one share of the pieces per thread:
/// `threads` jobs, each a run of neighbouring pieces hashed one after another. A share is one
/// job, so no thread can take any of it from a thread that falls behind. (`hash_in_parallel`
/// hands rayon each piece as a job of its own.)
pub fn hash_one_share_per_thread(pieces: &[Vec<u8>], threads: usize) -> Vec<Digest> {
    pieces
        .par_chunks(share_len(pieces.len(), threads))
        .flat_map_iter(|share| share.iter().map(|piece| sha256(piece)))
        .collect()
}
// ANCHOR_END: pieces

/// How many neighbouring items each share gets when `items` are cut into at most `shares`.
pub fn share_len(items: usize, shares: usize) -> usize {
    items.div_ceil(shares.max(1)).max(1)
}

/// The machine's capacity for hashing `pieces`, in bytes per second: `threads` threads at once,
/// each hashing its own share of them, the same shares [`hash_one_share_per_thread`] hands out.
pub fn hashing_capacity(pieces: &[Vec<u8>], threads: usize) -> f64 {
    let shares: Vec<&[Vec<u8>]> = pieces.chunks(share_len(pieces.len(), threads)).collect();
    capacity(shares.len(), |core| {
        hash_one_by_one(shares[core]);
        bytes_in(shares[core])
    })
}

/// The bytes in `pieces`, all together.
pub fn bytes_in(pieces: &[Vec<u8>]) -> u64 {
    pieces.iter().map(|piece| piece.len() as u64).sum()
}

/// The rates one round measured, in bytes per second.
#[derive(Debug, Clone, Copy)]
pub struct Round {
    /// One core hashing one share alone, the others idle.
    pub one_core: f64,
    /// Every core hashing a share of its own at once: the machine's capacity.
    pub capacity: f64,
    /// rayon, one share of the pieces per thread.
    pub one_share_each: f64,
    /// rayon, piece by piece: [`PIECES_PER_THREAD`] pieces per thread.
    pub many_pieces_each: f64,
}

/// Measures one round over `pieces`, with `cores` threads (rayon's pool has as many).
pub fn measure_round(pieces: &[Vec<u8>], cores: usize) -> Round {
    let total = bytes_in(pieces) as f64;
    let first_share = &pieces[..share_len(pieces.len(), cores).min(pieces.len())];
    let (_, alone) = timed(|| hash_one_by_one(first_share));
    let capacity = hashing_capacity(pieces, cores);
    let (_, one_share) = timed(|| hash_one_share_per_thread(pieces, cores));
    let (_, many_pieces) = timed(|| hash_in_parallel(pieces));
    Round {
        one_core: bytes_in(first_share) as f64 / alone.as_secs_f64().max(1e-9),
        capacity,
        one_share_each: total / one_share.as_secs_f64().max(1e-9),
        many_pieces_each: total / many_pieces.as_secs_f64().max(1e-9),
    }
}

/// The median of each rate over `rounds`.
pub fn median_round(rounds: &[Round]) -> Round {
    let median = |rate: fn(&Round) -> f64| {
        let mut rates: Vec<f64> = rounds.iter().map(rate).collect();
        rates.sort_by(f64::total_cmp);
        rates.get(rates.len() / 2).copied().unwrap_or(0.0)
    };
    Round {
        one_core: median(|round| round.one_core),
        capacity: median(|round| round.capacity),
        one_share_each: median(|round| round.one_share_each),
        many_pieces_each: median(|round| round.many_pieces_each),
    }
}

/// A rate, as `format_rate` prints it, from bytes per second.
pub fn rate(bytes_per_second: f64) -> String {
    format_rate(bytes_per_second as u64, std::time::Duration::from_secs(1))
}

/// `part` as a share of `whole`: `97 %`.
pub fn percent(part: f64, whole: f64) -> String {
    format!("{:.0} %", 100.0 * part / whole.max(1e-9))
}

pub fn demo(megabytes: usize) -> Result<()> {
    let cores = rayon::current_num_threads();
    let count = piece_count(cores);
    narrate::claim(&format!(
        "Handed to rayon piece by piece, {PIECES_PER_THREAD} pieces per thread, hashing comes \
         close to the machine's measured capacity (every core busy at once); handed out as one \
         share per thread, it waits for its slowest thread. And that capacity, not {cores} × \
         one core, is the ideal."
    ));
    narrate::python(
        "ProcessPoolExecutor.map(fn, items, chunksize=1) hands out one item at a time, so a \
         list of many items balances the same way; four huge items on four workers do not.",
    );
    narrate::code(include_str!("balance.rs"), "capacity");
    narrate::code(include_str!("balance.rs"), "pieces");

    let pieces = deterministic_buffers(count, (megabytes * 1024 * 1024 / count).max(1));
    narrate::say(&format!(
        "{} of data in {count} pieces, {ROUNDS} rounds, the median of each: one core hashing \
         one share ({PIECES_PER_THREAD} pieces) alone; {cores} threads at once, a share each \
         (the capacity); then rayon over all of it, one share per thread and piece by piece.",
        format_bytes(bytes_in(&pieces))
    ));
    hash_in_parallel(&pieces[..1]); // start rayon's threads, untimed: a program does it once
    let rounds: Vec<Round> = (0..ROUNDS).map(|_| measure_round(&pieces, cores)).collect();
    let median = median_round(&rounds);

    narrate::result("one core alone", rate(median.one_core));
    narrate::result(
        "naive ideal: cores × one core",
        format!("{} ({cores} cores)", rate(cores as f64 * median.one_core)),
    );
    narrate::result(
        "measured capacity: every core at once",
        format!(
            "{} ({} of the naive ideal)",
            rate(median.capacity),
            percent(median.capacity, cores as f64 * median.one_core)
        ),
    );
    narrate::result(
        "rayon, one share per thread",
        format!(
            "{}, {} of capacity ({cores} jobs)",
            rate(median.one_share_each),
            percent(median.one_share_each, median.capacity)
        ),
    );
    narrate::result(
        &format!("rayon, {PIECES_PER_THREAD} pieces per thread"),
        format!(
            "{}, {} of capacity ({count} jobs)",
            rate(median.many_pieces_each),
            percent(median.many_pieces_each, median.capacity)
        ),
    );
    if let Some(load) = system::load_average() {
        narrate::result(
            "load average over the last minute",
            format!("{load:.2}, on {cores} cores"),
        );
    }
    narrate::say(
        "On a quiet machine with few cores the two come close; the more cores, and the busier \
         the machine, the more one share per thread loses to its slowest thread.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_share_per_thread_gives_every_pieces_digest_in_order() {
        let pieces = deterministic_buffers(13, 100);
        let expected = hash_one_by_one(&pieces);
        for threads in [1, 2, 3, 7, 13, 20] {
            assert_eq!(
                hash_one_share_per_thread(&pieces, threads),
                expected,
                "{threads} threads"
            );
        }
    }

    #[test]
    fn shares_cover_every_item_in_at_most_so_many() {
        for (items, shares) in [(32, 2), (10, 4), (10, 6), (3, 8), (0, 2), (5, 0)] {
            let len = share_len(items, shares);
            assert!(len >= 1);
            assert!(items.div_ceil(len) <= shares.max(1), "{items} in {shares}");
            assert!(len * shares.max(1) >= items, "{items} in {shares}");
        }
    }

    #[test]
    fn capacity_adds_up_every_cores_rate() {
        // Each "core" reports a known number of bytes; the rate is positive and finite.
        let rate = capacity(3, |core| (core as u64 + 1) * 1000);
        assert!(rate.is_finite() && rate > 0.0, "{rate}");
        let rate = hashing_capacity(&deterministic_buffers(8, 1000), 2);
        assert!(rate.is_finite() && rate > 0.0, "{rate}");
    }

    #[test]
    fn the_median_round_takes_each_rate_on_its_own() {
        let round = |x: f64| Round {
            one_core: x,
            capacity: 10.0 * x,
            one_share_each: 100.0 - x,
            many_pieces_each: x,
        };
        let median = median_round(&[round(1.0), round(3.0), round(2.0)]);
        assert_eq!(median.one_core, 2.0);
        assert_eq!(median.capacity, 20.0);
        assert_eq!(median.one_share_each, 98.0);
    }
}
