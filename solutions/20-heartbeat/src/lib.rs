//! Exercise 20 · blocking · keep the runtime free with `spawn_blocking`: a solution.

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
    let blocking = tokio::task::spawn_blocking(move || checksum(&store.load(&key)));
    // Awaiting the handle frees the runtime's thread until the blocking thread is done.
    match blocking.await {
        Ok(sum) => sum,
        // If `load` panicked, go on panicking here, as a direct call would have.
        Err(error) => match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            // A blocking task is only cancelled if the runtime shuts down before it starts.
            Err(error) => panic!("the blocking load never ran: {error}"),
        },
    }
}
