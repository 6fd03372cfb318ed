//! The two kinds of blocking work the lesson uses: waiting without awaiting, and heavy CPU work.

use std::time::Duration;

use lesson_kit::data::hex;
use sha2::{Digest, Sha256};

/// The buffer every CPU job hashes: 8 MiB of deterministic bytes, hashed as many times as needed.
pub const BUFFER_LEN: usize = 8 * 1024 * 1024;

// ANCHOR: blocking_work
/// Waits the way blocking code does: the thread sleeps, and nothing else can use it meanwhile.
/// Stands in for a blocking read, a sync database driver, `reqwest::blocking`, a lock held long.
pub fn blocking_wait(duration: Duration) {
    std::thread::sleep(duration);
}

/// CPU-heavy work: SHA-256 over `buffer` repeated `rounds` times, as one long input.
pub fn sha256_rounds(buffer: &[u8], rounds: usize) -> String {
    let mut hasher = Sha256::new();
    for _ in 0..rounds {
        hasher.update(buffer);
    }
    hex(hasher.finalize())
}
// ANCHOR_END: blocking_work

/// How many rounds of [`BUFFER_LEN`] make a job of `mib` MiB (at least one).
pub fn rounds_for(mib: usize) -> usize {
    (mib * 1024 * 1024).div_ceil(BUFFER_LEN).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_standard_test_vector() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        assert_eq!(
            sha256_rounds(b"abc", 1),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn rounds_are_one_long_input() {
        assert_eq!(sha256_rounds(b"ab", 3), sha256_rounds(b"ababab", 1));
    }

    #[test]
    fn jobs_are_whole_buffers() {
        assert_eq!(rounds_for(8), 1);
        assert_eq!(rounds_for(9), 2);
        assert_eq!(rounds_for(256), 32);
        assert_eq!(rounds_for(0), 1);
    }
}
