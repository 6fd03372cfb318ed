//! Deterministic data, and the digests of it.
//!
//! The same `(seed, len)` gives the same bytes on every machine and every run. Lessons hash them,
//! exercises snapshot their digests, and the server's `/bytes/{n}/{seed}` endpoint serves them, so
//! "did my parallel hash give the same answer as the sequential one?" has one right answer
//! everywhere. The generator is SplitMix64: tiny, fast, and good enough to look random to a hash
//! function or to spread retries. It is not cryptographic and doesn't need to be.

use sha2::{Digest as _, Sha256};

/// A SHA-256 digest.
pub type Digest = [u8; 32];

/// The SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> Digest {
    Sha256::digest(bytes).into()
}

/// Lower-case hexadecimal, as `sha256sum` prints digests. (`impl AsRef<[u8]>` takes a [`Digest`],
/// a slice or sha2's own output alike.)
pub fn hex(bytes: impl AsRef<[u8]>) -> String {
    bytes
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// `len` bytes determined only by `seed` and `len`.
pub fn deterministic_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(len);
    let mut state = seed;
    while bytes.len() < len {
        let word = splitmix64(&mut state).to_le_bytes();
        let take = word.len().min(len - bytes.len());
        bytes.extend_from_slice(&word[..take]);
    }
    bytes
}

/// `count` buffers of `len` deterministic bytes each, seeded 0, 1, 2, ...: "files" to hash.
pub fn deterministic_buffers(count: usize, len: usize) -> Vec<Vec<u8>> {
    (0..count as u64)
        .map(|seed| deterministic_bytes(seed, len))
        .collect()
}

/// A number in [0, 1) that looks random and is fixed by its arguments: the `draw`-th number
/// (counting from 1) of a SplitMix64 generator seeded with `seed`.
///
/// Lessons use it where a real program would use the `rand` crate seeded differently in every
/// process: to spread retries, say. It needs no crate, and it makes the tests exact.
pub fn random_fraction(seed: u64, draw: u32) -> f64 {
    // SplitMix64's state only ever moves by the same constant, so the state before the `draw`-th
    // step is reached with one multiplication instead of `draw - 1` steps.
    let mut state = seed.wrapping_add(u64::from(draw.saturating_sub(1)).wrapping_mul(GOLDEN_GAMMA));
    // The top 53 bits fill an f64's mantissa exactly: evenly spread, and never 1.0.
    (splitmix64(&mut state) >> 11) as f64 / (1_u64 << 53) as f64
}

/// What SplitMix64 adds to its state at every step: 2^64 divided by the golden ratio.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// One step of SplitMix64 (Steele, Lea and Flood, 2014): moves `state` on and returns the next
/// number.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(GOLDEN_GAMMA);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_and_length_give_the_same_bytes() {
        assert_eq!(deterministic_bytes(7, 1000), deterministic_bytes(7, 1000));
    }

    #[test]
    fn a_shorter_request_is_a_prefix_of_a_longer_one() {
        let long = deterministic_bytes(3, 100);
        assert_eq!(deterministic_bytes(3, 13), long[..13]);
    }

    #[test]
    fn different_seeds_give_different_bytes() {
        assert_ne!(deterministic_bytes(1, 64), deterministic_bytes(2, 64));
    }

    #[test]
    fn the_first_bytes_never_change() {
        // If this fails, every snapshot of a digest in the course is wrong too.
        assert_eq!(
            deterministic_bytes(0, 8),
            [0xaf, 0xcd, 0x1d, 0x7b, 0x39, 0xa8, 0x20, 0xe2]
        );
    }

    #[test]
    fn sha256_matches_the_standard_test_vector() {
        // FIPS 180-2, appendix B.1: SHA-256("abc"), as `printf abc | sha256sum` prints it.
        assert_eq!(
            hex(sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(hex([0x00, 0x0f, 0xff]), "000fff");
    }

    #[test]
    fn a_random_fraction_is_a_draw_of_the_generator() {
        let mut state = 42;
        for draw in 1..=5 {
            let word = splitmix64(&mut state);
            let expected = (word >> 11) as f64 / (1_u64 << 53) as f64;
            assert_eq!(random_fraction(42, draw), expected, "draw {draw}");
        }
    }

    #[test]
    fn random_fractions_are_spread_evenly() {
        for draw in 1..=3 {
            let mut tenths = [0; 10];
            for seed in 0..10_000 {
                let fraction = random_fraction(seed, draw);
                assert!((0.0..1.0).contains(&fraction), "{fraction}");
                tenths[(fraction * 10.0) as usize] += 1;
            }
            // 1000 expected in each tenth; a fair draw strays by about 30, rarely by 120.
            let even = tenths.iter().all(|&n| (880..=1120).contains(&n));
            assert!(even, "draw {draw}: {tenths:?}");
        }
    }

    #[test]
    fn buffers_are_seeded_by_their_index() {
        let buffers = deterministic_buffers(3, 16);
        assert_eq!(buffers[2], deterministic_bytes(2, 16));
    }
}
