//! Exercise 23 · timeouts · a per-call timeout with a typed error: a cheat (checks-the-clock-afterwards).

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::time::Duration;

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
        match self {
            // A timeout is its own story; nothing underneath caused it.
            CallError::TimedOut { .. } => None,
            CallError::Failed(error) => Some(error),
        }
    }
}

/// Runs `call`, giving up after `limit`: its value, its error as `Failed`, or `TimedOut`.
/// On a timeout the call is cancelled: its future is dropped and never polled again.
pub async fn with_timeout<T, E>(
    limit: Duration,
    call: impl Future<Output = Result<T, E>>,
) -> Result<T, CallError<E>> {
    // `timeout` polls the call until it finishes or the limit passes, whichever comes first. On
    // the limit it stops, and the call's future is dropped with it, before we return: that drop
    // *is* the cancellation, and any cleanup the call owns (its guards, its connection) runs in
    // it.
    let started = tokio::time::Instant::now();
    let outcome = call.await;
    if started.elapsed() > limit {
        return Err(CallError::TimedOut { after: limit });
    }
    outcome.map_err(CallError::Failed)
}
