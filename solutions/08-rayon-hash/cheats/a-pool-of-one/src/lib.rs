//! Exercise 08 · processes · hashing on every core with rayon: a cheat (a-pool-of-one).

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
    // `par_iter` splits the slice among rayon's threads (one per core), and a thread that runs
    // out of buffers steals some from a busier one. `collect` puts every digest back in its
    // buffer's place, so the order is the input's, whichever thread finished first.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool of one thread");
    pool.install(|| {
        buffers
            .par_iter()
            .map(|buffer| hash_buffer(buffer))
            .collect()
    })
}
