//! Exercise 22 · blocking · call async code from sync code
//!
//! Lesson: `cargo run -p lesson-blocking -- --section 4` ("The other direction: async called from
//! sync code")
//!
//! The library's API is async (`lookup`), but some callers are not: a command-line tool's plain
//! `main`, a build script, a test without `#[tokio::test]`, a C caller. `lookup_blocking` is their
//! door: it builds a tokio runtime and blocks on the async call (`asyncio.run` in Python). Two
//! things are wrong with it today:
//!
//! 1. The runtime it builds has no timer, and `lookup` sleeps, so every call panics. A runtime
//!    built with `tokio::runtime::Builder` only has the drivers you enable.
//! 2. Called from code that already runs on a runtime (an async caller that forgot `.await`
//!    exists), `block_on` panics with "Cannot start a runtime from within a runtime". Refuse
//!    instead: when this thread is already inside a runtime, return
//!    `Err(BlockingError::InsideRuntime)`, which tells the caller to `.await` `lookup` itself.
//!
//! The checks call `lookup_blocking` from plain threads (answers and errors), and from inside a
//! single-threaded and a multi-threaded runtime, where it must return `InsideRuntime`, not panic.
//! Candidly: a thread of tokio's blocking pool (`spawn_blocking`) counts as inside the runtime too,
//! though blocking would be allowed there; refusing there too is this facade's choice (async
//! callers should `.await`), and the checks don't look at it.
//!
//! Grade it with `cargo xtask check sync-calls-async`; `cargo xtask hint sync-calls-async` when
//! stuck.

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
pub fn lookup_blocking(id: u32) -> Result<Profile, BlockingError> {
    // TODO 2: inside a runtime, return `Err(BlockingError::InsideRuntime)` before building one.
    // TODO 1: this runtime has no timer, so the `sleep` in `lookup` panics.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(BlockingError::Runtime)?;
    runtime.block_on(lookup(id)).map_err(BlockingError::Lookup)
}
