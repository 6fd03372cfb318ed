//! The machine's parallel capacity for hashing: what every core delivers when all of them hash at
//! once, each on its own.
//!
//! "Cores × one core's rate" is the ideal the lessons first reach for, and it overstates what a
//! machine can do: a core that runs alone often runs faster (a higher boost clock, a cache and a
//! memory bus to itself) than the same core when every other one is busy too. So the ideal for
//! CPU work that uses every core is measured: one thread per core, each with a buffer of its own,
//! hashing nothing but its own data over and over for the same stretch of time, started together.
//! Nothing is shared and nothing is split, so no way of dividing work among threads can beat it:
//! the sum of their rates is the machine's capacity.

use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use lesson_kit::data::{deterministic_bytes, sha256};

/// Hashes its own `piece_len` bytes on each of `threads` threads, all at once, for about `window`,
/// and returns the sum of their rates in bytes per second.
///
/// Each thread makes its buffer first (so the memory is its own and already touched), then waits
/// at a barrier for the others; each counts whole passes over its buffer and times them itself, so
/// a thread that started a moment late does not count against the others. The last pass can end
/// up to one pass after `window`; the rate counts only what was finished, over the time it took.
pub fn measure(threads: usize, piece_len: usize, window: Duration) -> f64 {
    let threads = threads.max(1);
    let start_line = Barrier::new(threads);
    thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|seed| {
                let start_line = &start_line;
                scope.spawn(move || {
                    let buffer = deterministic_bytes(seed as u64, piece_len.max(1));
                    start_line.wait();
                    hash_for(&buffer, window)
                })
            })
            .collect();
        workers
            .into_iter()
            // A hashing thread cannot panic short of a bug in sha2; count such a thread as idle.
            .map(|worker| worker.join().unwrap_or(0.0))
            .sum()
    })
}

/// Hashes `buffer` again and again until `window` has passed: bytes per second.
fn hash_for(buffer: &[u8], window: Duration) -> f64 {
    let started = Instant::now();
    let mut hashed = 0_u64;
    loop {
        std::hint::black_box(sha256(buffer));
        hashed += buffer.len() as u64;
        let elapsed = started.elapsed();
        if elapsed >= window {
            return hashed as f64 / elapsed.as_secs_f64();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_thread_adds_its_rate() {
        // No timing is asserted: only that each thread hashed and reported something.
        let one = measure(1, 64 * 1024, Duration::from_millis(20));
        let two = measure(2, 64 * 1024, Duration::from_millis(20));
        assert!(one > 0.0 && two > 0.0, "{one} {two}");
    }
}
