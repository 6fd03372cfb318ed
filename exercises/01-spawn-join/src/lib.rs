//! Exercise 01 · threads · spawn and join, returning values
//!
//! Lesson: `cargo run -p lesson-threads -- --section 1` ("Threads: spawn, join, scope")
//!
//! `checksum_all` gets some buffers and must checksum each one on a thread of its own, all running
//! at once: one `std::thread::spawn` per buffer, each returning a `Checksum`, then
//! `JoinHandle::join` to collect the answers in the order of the buffers. It is handed the function
//! that computes a checksum (`fnv1a` in real use): call that one, on the buffer's thread.
//!
//! The checks pass a checksum function of their own, which notes the thread it runs on and holds
//! each thread until every buffer's thread has arrived: threads that really run at once all get
//! there in microseconds, while threads spawned and joined one at a time never meet (the checks
//! wait half a second for them, then say so). It also makes the threads finish in reverse order, so
//! answers collected as threads finish, rather than in the order of the buffers, come out wrong.
//!
//! Grade it with `cargo xtask check spawn-join`; `cargo xtask hint spawn-join` when stuck.

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
    // TODO: this runs everything on the calling thread. Spawn a thread per buffer instead
    // (each one takes ownership of its buffer), then join them in order.
    buffers
        .iter()
        .map(|buffer| Checksum {
            value: checksum(buffer),
            thread: thread::current().id(),
        })
        .collect()
}
