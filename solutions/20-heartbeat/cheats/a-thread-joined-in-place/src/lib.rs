//! Exercise 20 · blocking · keep the runtime free with `spawn_blocking`: a cheat (a-thread-joined-in-place).

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
    // The closure runs on another thread and may outlive this call, so it must own what it uses:
    // the `Arc` moves in, and the borrowed key becomes an owned `String`.
    let key = key.to_owned();
    // A thread of its own, so the load is off the runtime's thread.
    let loading = std::thread::spawn(move || checksum(&store.load(&key)));
    loading
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
