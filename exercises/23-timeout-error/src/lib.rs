//! Exercise 23 · timeouts · a per-call timeout with a typed error
//!
//! Lesson: `cargo run -p lesson-timeouts -- --section 1` ("A time limit around one call, and around
//! a batch")
//!
//! `with_timeout` gives any fallible call a time limit and one error type for both ways it can
//! go wrong: `CallError::TimedOut { after }` or `CallError::Failed(the call's own error)`. Today it
//! waits for the call however long it takes and only *afterwards* notices it was late: the caller
//! still waits the full time, and the slow call runs to its end. Stop waiting at the limit
//! instead, as Python's `asyncio.timeout` does: tokio's time limit drops the call's future when
//! time is up, and dropping a future is how Rust cancels it. Then finish `CallError`'s `source`,
//! so error reporters can walk from a `Failed` to its cause.
//!
//! The checks run on tokio's paused clock, so time is exact: a 10 s call with a 2 s limit must
//! end after exactly 2 s, with the call's future dropped (a drop flag proves it) and never
//! resumed. They cannot tell tokio's time limit from a hand-written `select!` against a `sleep`,
//! which is fine: both cancel the same way.
//!
//! Grade it with `cargo xtask check timeout-error`; `cargo xtask hint timeout-error` when stuck.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// Why a call made through `with_timeout` gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError<E> {
    /// The call took longer than its limit, `after`, and was cancelled.
    TimedOut { after: Duration },
    /// The call finished in time, with this error.
    Failed(E),
}

impl<E: fmt::Display> fmt::Display for CallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::TimedOut { after } => write!(f, "the call timed out after {after:?}"),
            CallError::Failed(error) => write!(f, "the call failed: {error}"),
        }
    }
}

impl<E: Error + 'static> Error for CallError<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        // TODO: a `Failed` error's source is the call's own error; a timeout has none.
        None
    }
}

/// Runs `call`, giving up after `limit`: its value, its error as `Failed`, or `TimedOut`.
/// On a timeout the call is cancelled: its future is dropped and never polled again.
pub async fn with_timeout<T, E>(
    limit: Duration,
    call: impl Future<Output = Result<T, E>>,
) -> Result<T, CallError<E>> {
    // TODO: this waits for the call to the end, then checks the clock. Give up on the call when
    // `limit` is up instead, and map both ways it can end to ours.
    let started = Instant::now();
    let outcome = call.await;
    if started.elapsed() > limit {
        return Err(CallError::TimedOut { after: limit });
    }
    outcome.map_err(CallError::Failed)
}
