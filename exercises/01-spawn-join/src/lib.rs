//! Exercise 01 · threads · spawn and join, returning values
//!
//! Lesson: `cargo run -p lesson-threads -- --section 1` ("Threads: spawn, join, scope")
//!
//! `checksum_all` gets some buffers and must checksum each one on a thread of its own: one
//! `std::thread::spawn` per buffer, each returning a `Checksum`, then `JoinHandle::join` to collect
//! the answers in the order of the buffers. The checks look at the answers *and* at which threads
//! computed them, so a plain loop on the calling thread does not pass.
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
pub fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Checksums every buffer on its own thread; the answers come back in the order of `buffers`.
pub fn checksum_all(buffers: Vec<Vec<u8>>) -> Vec<Checksum> {
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
