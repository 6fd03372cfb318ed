//! Enough pieces to balance every core, and what "every core" can really do.
//!
//! Work handed out as one piece per thread takes as long as the slowest piece. Equal pieces do not
//! take equal times: a core that the system interrupts (another program, the kernel's own work)
//! finishes its piece late while the others sit idle. Cut into many pieces per thread, the same
//! work balances itself: a thread that finishes early takes another piece (rayon's work
//! stealing), so the threads finish within about one piece of each other. The number of pieces
//! follows the number of threads, so it balances on 2 cores or 64.
//!
//! And the ideal to compare with is measured, not multiplied. "cores × one core's rate" assumes a
//! core runs as fast with every other core busy as it does alone, and it often doesn't: the cores
//! share caches, memory bandwidth and a power budget, and a lone core may run at a higher clock.
//! What the machine can really deliver is its *parallel capacity*: every core running the same
//! single-threaded work at once, each on its own share and timed on its own clock, nothing shared.

use std::sync::Barrier;
use std::thread;

use anyhow::Result;
use lesson_kit::data::{Digest, deterministic_bytes, sha256};
use lesson_kit::measure::{format_bytes, format_rate, timed};
use lesson_kit::{narrate, system};
use rayon::prelude::*;

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
/// The SHA-256 of each of `pieces` equal pieces of `data`, hashed on rayon's threads, in order.
pub fn hash_in_pieces(data: &[u8], pieces: usize) -> Vec<Digest> {
    let piece_len = data.len().div_ceil(pieces.max(1)).max(1);
    data.par_chunks(piece_len).map(sha256).collect()
}
// ANCHOR_END: pieces

/// The rates one round measured, in bytes per second.
#[derive(Debug, Clone, Copy)]
pub struct Round {
    /// One core hashing alone, the others idle.
    pub one_core: f64,
    /// Every core hashing a share of its own at once: the machine's capacity.
    pub capacity: f64,
    /// rayon, one piece per thread.
    pub one_piece_each: f64,
    /// rayon, [`PIECES_PER_THREAD`] pieces per thread.
    pub many_pieces_each: f64,
}

/// Measures one round over `data`, with `cores` threads (rayon's pool has as many).
pub fn measure_round(data: &[u8], cores: usize) -> Round {
    let share_len = data.len().div_ceil(cores.max(1)).max(1);
    let shares: Vec<&[u8]> = data.chunks(share_len).collect();
    let total = data.len() as f64;
    let (_, alone) = timed(|| sha256(shares[0]));
    let capacity = capacity(shares.len(), |core| {
        sha256(shares[core]);
        shares[core].len() as u64
    });
    let (_, one_piece) = timed(|| hash_in_pieces(data, cores));
    let (_, many_pieces) = timed(|| hash_in_pieces(data, PIECES_PER_THREAD * cores));
    Round {
        one_core: shares[0].len() as f64 / alone.as_secs_f64().max(1e-9),
        capacity,
        one_piece_each: total / one_piece.as_secs_f64().max(1e-9),
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
        one_piece_each: median(|round| round.one_piece_each),
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
    let many = PIECES_PER_THREAD * cores;
    narrate::claim(&format!(
        "Cut into {PIECES_PER_THREAD} pieces per thread, hashing comes close to the machine's \
         measured capacity (every core busy at once); cut into one piece per thread, it waits \
         for its slowest thread. And that capacity, not {cores} × one core, is the ideal."
    ));
    narrate::python(
        "ProcessPoolExecutor.map(fn, items, chunksize=1) hands out one item at a time, so a \
         list of many items balances the same way; four huge items on four workers do not.",
    );
    narrate::code(include_str!("balance.rs"), "capacity");
    narrate::code(include_str!("balance.rs"), "pieces");

    let data = deterministic_bytes(0, megabytes * 1024 * 1024);
    narrate::say(&format!(
        "{} of data in {cores} shares, {ROUNDS} rounds, the median of each: one core hashing \
         one share alone; {cores} threads at once, a share each (the capacity); then rayon \
         over all of it, in {cores} pieces and in {many}.",
        format_bytes(data.len() as u64)
    ));
    hash_in_pieces(&data[..1], 1); // start rayon's threads, untimed: a program does it once
    let rounds: Vec<Round> = (0..ROUNDS).map(|_| measure_round(&data, cores)).collect();
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
        "rayon, one piece per thread",
        format!(
            "{}, {} of capacity ({cores} pieces)",
            rate(median.one_piece_each),
            percent(median.one_piece_each, median.capacity)
        ),
    );
    narrate::result(
        &format!("rayon, {PIECES_PER_THREAD} pieces per thread"),
        format!(
            "{}, {} of capacity ({many} pieces)",
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
        "On a quiet machine with few cores the two splits come close; the more cores, and the \
         busier the machine, the more one piece per thread loses to its slowest thread.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_hashed_in_order_however_many() {
        let data = deterministic_bytes(3, 10_000);
        for pieces in [1, 2, 7, 64] {
            let piece_len = data.len().div_ceil(pieces);
            let expected: Vec<Digest> = data.chunks(piece_len).map(sha256).collect();
            assert_eq!(hash_in_pieces(&data, pieces), expected, "{pieces} pieces");
        }
    }

    #[test]
    fn capacity_adds_up_every_cores_rate() {
        // Each "core" reports a known number of bytes; the rate is positive and finite.
        let rate = capacity(3, |core| (core as u64 + 1) * 1000);
        assert!(rate.is_finite() && rate > 0.0, "{rate}");
    }

    #[test]
    fn the_median_round_takes_each_rate_on_its_own() {
        let round = |x: f64| Round {
            one_core: x,
            capacity: 10.0 * x,
            one_piece_each: 100.0 - x,
            many_pieces_each: x,
        };
        let median = median_round(&[round(1.0), round(3.0), round(2.0)]);
        assert_eq!(median.one_core, 2.0);
        assert_eq!(median.capacity, 20.0);
        assert_eq!(median.one_piece_each, 98.0);
    }
}
