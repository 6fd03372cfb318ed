//! The digests, their order, and which threads computed them.

use std::collections::BTreeSet;

use lesson_kit::data::{deterministic_buffers, deterministic_bytes};
use rayon_hash::hash_all;
use sha2::{Digest, Sha256};

/// The digest of one buffer, computed here, one buffer at a time: the answer to compare with.
fn expected_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Buffers of many sizes, the empty one included, so that a digest out of place shows.
fn assorted_buffers() -> Vec<Vec<u8>> {
    [0, 1, 63, 64, 65, 1000, 4096, 100_000, 7, 250_000, 3, 50_000]
        .into_iter()
        .enumerate()
        .map(|(seed, len)| deterministic_bytes(seed as u64, len))
        .collect()
}

#[test]
fn the_digests_match_hashing_one_by_one_in_order() {
    let buffers = assorted_buffers();
    let hashed = hash_all(&buffers);
    assert_eq!(hashed.len(), buffers.len(), "one digest per buffer");
    for (index, (buffer, hashed)) in buffers.iter().zip(&hashed).enumerate() {
        assert_eq!(
            hashed.hex(),
            expected_hex(buffer),
            "digest {index} is not the digest of buffer {index} ({} bytes): keep the digests \
             in the order of the buffers (`par_iter().map(...).collect()` does)",
            buffer.len()
        );
    }
}

#[test]
fn every_buffer_is_hashed_on_one_of_rayons_threads() {
    let buffers = assorted_buffers();
    for (index, hashed) in hash_all(&buffers).iter().enumerate() {
        assert!(
            hashed.rayon_thread().is_some(),
            "buffer {index} was hashed on the calling thread, not on one of rayon's: iterate \
             with `par_iter()` (from `rayon::prelude::*`) instead of `iter()`"
        );
    }
}

#[test]
fn more_than_one_rayon_thread_does_work_when_there_are_cores() {
    let threads = rayon::current_num_threads();
    if threads < 2 {
        eprintln!(
            "rayon has a single thread on this machine (one core, or RAYON_NUM_THREADS=1), so \
             whether the work is shared among threads cannot be checked here"
        );
        return;
    }
    // Enough work (4 MiB) that rayon's other threads wake and steal some of it; a busy machine
    // might let one thread do it all once, so a few tries are allowed.
    let buffers = deterministic_buffers(64, 64 * 1024);
    const TRIES: usize = 10;
    let mut used = BTreeSet::new();
    for _ in 0..TRIES {
        used = hash_all(&buffers)
            .iter()
            .map(|hashed| hashed.rayon_thread())
            .collect();
        if used.len() > 1 {
            return;
        }
    }
    let which = match used.first() {
        Some(Some(index)) => format!("rayon's thread {index}"),
        _ => "the calling thread, not one of rayon's".to_string(),
    };
    panic!(
        "rayon has {threads} threads, but in {TRIES} tries every buffer was hashed on the same \
         one ({which}): let `par_iter` split the buffers among the pool, rather than running a \
         sequential loop on a single thread"
    );
}
