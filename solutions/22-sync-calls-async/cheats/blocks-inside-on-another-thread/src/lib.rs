//! Exercise 22 · blocking · call async code from sync code: a cheat (blocks-inside-on-another-thread).

use std::fmt;
use std::time::Duration;

/// A user's profile, as the lookup service knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub id: u32,
    pub name: String,
}

/// Why the lookup itself failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// No user has this id.
    NotFound(u32),
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupError::NotFound(id) => write!(f, "no user has id {id}"),
        }
    }
}

impl std::error::Error for LookupError {}

/// The async API: looks a user up (a pretend network call that takes a few milliseconds).
pub async fn lookup(id: u32) -> Result<Profile, LookupError> {
    tokio::time::sleep(Duration::from_millis(5)).await;
    let name = match id {
        1 => "Ada",
        2 => "Grace",
        3 => "Barbara",
        _ => return Err(LookupError::NotFound(id)),
    };
    Ok(Profile {
        id,
        name: name.to_string(),
    })
}

/// Why `lookup_blocking` gave no profile.
#[derive(Debug)]
pub enum BlockingError {
    /// Called on a thread that is running a tokio runtime, where blocking would stall that
    /// runtime (or panic): async code should `lookup(id).await` instead.
    InsideRuntime,
    /// The runtime could not be built (the OS refused a thread or an I/O driver).
    Runtime(std::io::Error),
    /// The lookup ran and failed.
    Lookup(LookupError),
}

impl fmt::Display for BlockingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockingError::InsideRuntime => write!(
                f,
                "lookup_blocking was called inside an async runtime: use `lookup(id).await`"
            ),
            BlockingError::Runtime(error) => write!(f, "cannot start a runtime: {error}"),
            BlockingError::Lookup(error) => write!(f, "lookup failed: {error}"),
        }
    }
}

impl std::error::Error for BlockingError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BlockingError::InsideRuntime => None,
            BlockingError::Runtime(error) => Some(error),
            BlockingError::Lookup(error) => Some(error),
        }
    }
}

/// `lookup` for sync callers: blocks the calling thread until the answer is there.
///
/// Each call builds a small single-threaded runtime, which costs tens of microseconds: fine for a
/// tool that looks up a few users. A sync program making many calls would build one runtime and
/// keep it (as `reqwest::blocking` does on a thread of its own).
pub fn lookup_blocking(id: u32) -> Result<Profile, BlockingError> {
    // On a thread that drives a runtime, `block_on` would panic ("Cannot start a runtime from
    // within a runtime"): blocking there would stall every task of that runtime. Say so instead.
    if tokio::runtime::Handle::try_current().is_ok() {
        // Block on a thread that has no runtime, then.
        return std::thread::spawn(move || lookup_blocking(id))
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    }
    // A built runtime only has the drivers it is given: `lookup` sleeps, which needs the timer,
    // and a real network call would need the I/O driver. `enable_all` turns on both.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(BlockingError::Runtime)?;
    runtime.block_on(lookup(id)).map_err(BlockingError::Lookup)
}
