//! Exercise 21 · blocking · offload CPU work to rayon and await the answer: a solution.

use std::panic::{self, AssertUnwindSafe};

use sha2::{Digest, Sha256};
use tokio::sync::oneshot;

/// Runs `work` on rayon's thread pool and returns its answer, without blocking the async runtime.
/// If `work` panics, the panic resumes here.
pub async fn on_rayon<T, F>(work: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (answer_sender, answer) = oneshot::channel();
    rayon::spawn(move || {
        // A panic escaping a `rayon::spawn` job aborts the process, so catch it and send it back
        // as a value. `AssertUnwindSafe` is fine: nothing observes `work` after a panic.
        let outcome = panic::catch_unwind(AssertUnwindSafe(work));
        // The caller may have stopped waiting (its future was dropped); the answer then has
        // nowhere to go, and dropping it is all there is to do.
        let _ = answer_sender.send(outcome);
    });
    // Awaiting the receiver frees the runtime's thread until rayon sends the answer.
    match answer.await {
        Ok(Ok(value)) => value,
        Ok(Err(panic)) => panic::resume_unwind(panic),
        // The sender is only dropped unsent if rayon never ran the job.
        Err(_) => panic!("rayon dropped the job without running it"),
    }
}

/// The SHA-256 digest of `data` as 64 lowercase hex digits, computed on rayon's pool.
pub async fn sha256_hex(data: Vec<u8>) -> String {
    on_rayon(move || format!("{:x}", Sha256::digest(&data))).await
}
