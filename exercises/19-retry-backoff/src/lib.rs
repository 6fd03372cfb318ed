//! Exercise 19 · semaphores · retry on 429, with exponential backoff
//!
//! Lesson: `cargo run -p lesson-semaphores -- --section 5` ("Retry with backoff on 429")
//!
//! A rate-limited API answers `429 Too Many Requests` when it is busy: the polite answer is to
//! wait and try again, a little longer each time. `call_with_retry` retries, but it hammers the
//! API: it tries again at once, and it retries answers that will never change, such as `404 Not
//! Found`. Make it:
//!
//! - retry only on 429, waiting `first_delay` after the first 429, then twice as long after each
//!   next one (100 ms, 200 ms, 400 ms, ...), with `tokio::time::sleep`;
//! - stop after `max_attempts` calls in all with `CallError::GaveUp`, without waiting after the
//!   last one (nobody is going to use that wait);
//! - return any other failure at once, without retrying, as `CallError::Failed`.
//!
//! The checks call a scripted fake API on tokio's paused clock and compare the exact moments it
//! was called, the result, and the total time. Real clients also add random "jitter" to each
//! wait, so that many clients do not retry in lockstep; it is left out here so that the times are
//! exact, and the checks would reject it.
//!
//! Grade it with `cargo xtask check retry-backoff`; `cargo xtask hint retry-backoff` when stuck.

use std::fmt;
use std::time::Duration;

/// An API's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

impl Response {
    /// 2xx: the call worked.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Something to call: an HTTP endpoint in real life, a scripted fake in the checks.
pub trait Api {
    fn call(&self) -> impl Future<Output = Response>;
}

/// How patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first 429; each later wait is twice the one before.
    pub first_delay: Duration,
    /// The most calls in all, the first one included.
    pub max_attempts: u32,
}

/// Why `call_with_retry` has no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// Every one of the `attempts` calls got 429.
    GaveUp { attempts: u32 },
    /// An answer that retrying would not change, such as 404.
    Failed { status: u16 },
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::GaveUp { attempts } => {
                write!(f, "still rate-limited (429) after {attempts} attempts")
            }
            CallError::Failed { status } => write!(f, "the API answered {status}"),
        }
    }
}

impl std::error::Error for CallError {}

/// `429 Too Many Requests`: the one status worth retrying here.
pub const TOO_MANY_REQUESTS: u16 = 429;

/// Calls `api` until it succeeds, retrying 429s with exponential backoff; the body on success.
pub async fn call_with_retry(api: &impl Api, backoff: Backoff) -> Result<String, CallError> {
    // TODO: this tries again at once, and retries every failure. Wait before each retry (twice as
    // long each time), retry only 429, and give any other failure back at once.
    for _attempt in 1..=backoff.max_attempts {
        let response = api.call().await;
        if response.is_success() {
            return Ok(response.body);
        }
    }
    Err(CallError::GaveUp {
        attempts: backoff.max_attempts,
    })
}
