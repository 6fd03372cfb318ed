//! Exercise 21 · blocking · offload CPU work to rayon and await the answer: a cheat (spawn-blocking-instead).

use std::panic;

use sha2::{Digest, Sha256};

/// Runs `work` on rayon's thread pool and returns its answer, without blocking the async runtime.
/// If `work` panics, the panic resumes here.
pub async fn on_rayon<T, F>(work: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => value,
        Err(error) => panic::resume_unwind(error.into_panic()),
    }
}

/// The SHA-256 digest of `data` as 64 lowercase hex digits, computed on rayon's pool.
pub async fn sha256_hex(data: Vec<u8>) -> String {
    on_rayon(move || format!("{:x}", Sha256::digest(&data))).await
}
