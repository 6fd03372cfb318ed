//! Exercise 21 · blocking · offload CPU work to rayon and await the answer
//!
//! Lesson: `cargo run -p lesson-blocking -- --section 3` ("CPU-heavy work: rayon, and a oneshot
//! back to async")
//!
//! Hashing a big buffer waits for nothing: it just holds a core. Run inside an async function, it
//! holds the runtime's thread for the whole hash, as surely as a blocking call would. CPU work
//! belongs on rayon's pool (one thread per core), not on tokio's blocking pool (many threads, made
//! for work that mostly waits). Write `on_rayon`: start `work` with `rayon::spawn`, send its answer
//! back over a `tokio::sync::oneshot` channel, and await the receiver, so the runtime's thread is
//! free while rayon works. Then write `sha256_hex` with it.
//!
//! One trap: a panic inside a `rayon::spawn` job aborts the whole process. Catch it on the rayon
//! thread (`std::panic::catch_unwind`), send it back, and resume it in the caller
//! (`std::panic::resume_unwind`), so a panicking job panics where it was awaited, as a direct call
//! would.
//!
//! The checks look at the digests, ask rayon whether your closure ran on one of its threads, see
//! whether another task on the same single-threaded runtime can run while the work runs, and make
//! a job panic (tests/panics.rs gives rayon a panic handler, so that a panic that escapes on the
//! rayon thread is reported to you instead of aborting the checks).
//! They cannot see which thread hashes inside `sha256_hex`, only that `on_rayon` is right.
//!
//! Grade it with `cargo xtask check rayon-offload`; `cargo xtask hint rayon-offload` when stuck.

use sha2::{Digest, Sha256};

/// Runs `work` on rayon's thread pool and returns its answer, without blocking the async runtime.
/// If `work` panics, the panic resumes here.
pub async fn on_rayon<T, F>(work: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // TODO: this runs `work` right here, on the runtime's thread: no other task on the runtime
    // runs until it is done. Run it on rayon's pool, and await its answer without blocking.
    work()
}

/// The SHA-256 digest of `data` as 64 lowercase hex digits, computed on rayon's pool.
pub async fn sha256_hex(data: Vec<u8>) -> String {
    // `format!("{:x}", Sha256::digest(&data))` gives the hex digits.
    todo!("hash `data` inside `on_rayon` and return the digest in lowercase hex")
}
