//! Exercise 19 · semaphores · retry on 429, with exponential backoff. A solution.

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
    let mut delay = backoff.first_delay;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let response = api.call().await;
        if response.is_success() {
            return Ok(response.body);
        }
        if response.status != TOO_MANY_REQUESTS {
            // A 404 will still be a 404 in a second: waiting would only delay the bad news.
            return Err(CallError::Failed {
                status: response.status,
            });
        }
        if attempts >= backoff.max_attempts {
            // Give up now rather than after one more wait that no call would follow.
            return Err(CallError::GaveUp { attempts });
        }
        // A busy API needs time to drain: each wait doubles, so a client backs off quickly when
        // the API stays busy. `sleep` hands the thread back while waiting, so other tasks run.
        tokio::time::sleep(delay).await;
        delay *= 2;
    }
}
