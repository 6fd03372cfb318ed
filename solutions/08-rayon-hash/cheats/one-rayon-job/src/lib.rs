//! Exercise 08 · processes · hashing on every core with rayon: a cheat (one-rayon-job).

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
    // On rayon's pool, all of it, as one job.
    let (sender, receiver) = std::sync::mpsc::channel();
    rayon::scope(|scope| {
        scope.spawn(|_| {
            let hashed: Vec<Hashed> = buffers.iter().map(|buffer| hash_buffer(buffer)).collect();
            sender.send(hashed).expect("the receiver waits");
        });
    });
    receiver.recv().expect("the job sent its digests")
}
