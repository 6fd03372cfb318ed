//! Deterministic bytes: the same `(seed, len)` gives the same bytes on every machine and every run.
//!
//! Lessons hash them, exercises snapshot their digests, and the server's `/bytes/{n}/{seed}` endpoint
//! serves them, so "did my parallel hash give the same answer as the sequential one?" has one right
//! answer everywhere. The generator is SplitMix64: tiny, fast, and good enough to look random to a
//! hash function. It is not cryptographic and doesn't need to be.

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

/// One step of SplitMix64 (Steele, Lea and Flood, 2014).
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
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
    fn buffers_are_seeded_by_their_index() {
        let buffers = deterministic_buffers(3, 16);
        assert_eq!(buffers[2], deterministic_bytes(2, 16));
    }
}
