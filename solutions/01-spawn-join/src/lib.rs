//! Exercise 01 · threads · spawn and join, returning values: a solution.

use std::thread::{self, ThreadId};

/// A buffer's checksum, and the thread that computed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checksum {
    pub value: u64,
    pub thread: ThreadId,
}

/// A small, fast checksum (FNV-1a). Slow enough on big buffers to be worth a thread.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Checksums every buffer with `checksum`, each on its own thread, all at once; the answers come
/// back in the order of `buffers`.
pub fn checksum_all(buffers: Vec<Vec<u8>>, checksum: fn(&[u8]) -> u64) -> Vec<Checksum> {
    // Start every thread first, so they all run at once... (`collect` matters: `map` is lazy, and
    // without it each thread would be spawned only after the one before had been joined.) A `fn`
    // is `Copy` and `'static`, so each thread can take its own copy of `checksum`.
    let handles: Vec<_> = buffers
        .into_iter()
        .map(|buffer| {
            thread::spawn(move || Checksum {
                value: checksum(&buffer),
                thread: thread::current().id(),
            })
        })
        .collect();
    // ...then wait for each in turn, in the order of the buffers, whichever finishes first. `join`
    // returns `Err` only if that thread panicked: carry on panicking here, as a direct call would.
    handles
        .into_iter()
        .map(|handle| {
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
        .collect()
}
