//! Exercise 08 · processes · hashing on every core with rayon
//!
//! Lesson: `cargo run -p lesson-processes -- --section 1` ("CPU-bound work: rayon's par_iter")
//!
//! `hash_all` must SHA-256 every buffer in parallel on rayon's thread pool, where Python would
//! need a `ProcessPoolExecutor`, and return the digests in the order of the buffers, exactly as
//! hashing them one by one would. Call `hash_buffer` for each buffer: it records which of rayon's
//! threads did the work, which is what the checks look at.
//!
//! The checks compare every digest with one computed one buffer at a time, snapshot the hex
//! digests of some deterministic buffers (so a different order or a wrong digest shows as a
//! diff), require every buffer to be hashed on one of rayon's threads rather than yours, and, when
//! rayon has more than one thread, that more than one of them did some of the work. On a one-core
//! machine rayon has a single thread, so that last check is skipped and says so: there, a
//! solution that runs everything on one rayon thread would pass.
//!
//! Grade it with `cargo xtask check rayon-hash`; `cargo xtask hint rayon-hash` when stuck.

use rayon::prelude::*;
use sha2::{Digest, Sha256};

/// A buffer's SHA-256 digest, and which of rayon's threads computed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashed {
    digest: [u8; 32],
    rayon_thread: Option<usize>,
}

impl Hashed {
    /// The digest as the 64 hexadecimal digits `sha256sum` prints.
    pub fn hex(&self) -> String {
        self.digest
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// The index of the rayon thread that computed the digest (0 to the pool's size - 1), or
    /// `None` if it was computed on a thread that is not one of rayon's.
    pub fn rayon_thread(&self) -> Option<usize> {
        self.rayon_thread
    }
}

/// Hashes one buffer, on the calling thread, noting which rayon thread that is (if any).
pub fn hash_buffer(bytes: &[u8]) -> Hashed {
    Hashed {
        digest: Sha256::digest(bytes).into(),
        rayon_thread: rayon::current_thread_index(),
    }
}

/// Hashes every buffer on rayon's pool; the digests come back in the order of `buffers`.
pub fn hash_all(buffers: &[Vec<u8>]) -> Vec<Hashed> {
    // TODO: one buffer after another, on the calling thread: a single core does all the work.
    // Spread the buffers over rayon's threads instead.
    buffers.iter().map(|buffer| hash_buffer(buffer)).collect()
}
