//! Exercise 20 · blocking · keep the runtime free with `spawn_blocking`
//!
//! Lesson: `cargo run -p lesson-blocking -- --section 2` ("spawn_blocking moves blocking work off
//! the runtime")
//!
//! `load_checksum` reads a value from a `BlockingStore` (think of a database whose only driver is
//! synchronous, or a big file read with `std::fs`) and checksums it. A `load` blocks the thread
//! that calls it, and today that thread is the async runtime's own: while a load runs, no other
//! task on the runtime moves. A heartbeat stops beating; requests queue up. Hand the blocking work
//! to tokio's pool of blocking threads with `tokio::task::spawn_blocking` (the `asyncio.to_thread`
//! of Python) and await its answer instead.
//!
//! The checks run your function on a single-threaded runtime (what `#[tokio::test]` builds) beside
//! a heartbeat task that ticks every 5 ms, with a store whose `load` waits until the heartbeat has
//! ticked three times (giving up after a second, or at once when called on the runtime's own
//! thread, where no tick can come). They check the answer, count the ticks during the load, and
//! note which thread ran it. They cannot tell `spawn_blocking` from other ways of getting the load
//! off the runtime's thread without blocking it (a thread of your own that answers over a oneshot
//! channel would pass too, at the cost of a new thread per call).
//!
//! Grade it with `cargo xtask check heartbeat`; `cargo xtask hint heartbeat` when stuck.

use std::sync::Arc;

/// A key-value store with a synchronous API: every call blocks until the answer is there.
pub trait BlockingStore: Send + Sync + 'static {
    /// The bytes stored under `key` (empty if there are none).
    fn load(&self, key: &str) -> Vec<u8>;
}

/// FNV-1a over `bytes`: CPU work that grows with the value, so it belongs off the runtime too.
pub fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Loads `key` from `store` and returns the checksum of its value, without blocking the runtime.
pub async fn load_checksum<S: BlockingStore>(store: Arc<S>, key: &str) -> u64 {
    // TODO: `load` blocks, and this line runs on the runtime's thread, so nothing else on the
    // runtime runs until it returns. Move the load and the checksum off the runtime's thread, and
    // await their answer.
    let value = store.load(key);
    checksum(&value)
}
