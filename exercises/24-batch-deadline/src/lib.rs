//! Exercise 24 · timeouts · a batch deadline that keeps the partial results
//!
//! Lesson: `cargo run -p lesson-timeouts -- --section 1` ("A time limit around one call, and around
//! a batch")
//!
//! A price page asks every supplier for a quote and must render within a deadline with whatever
//! came back. `gather_until` runs one job per name, all at once, and returns a `Partial`: the
//! answers that arrived before the deadline, and the names of the jobs that were still running
//! (those are cancelled at the deadline). Today it puts one timeout around the whole batch, which
//! is all or nothing: when a single supplier is slow, the quotes that did arrive are thrown away.
//! Give every job the *same* deadline instead (one `Instant`, computed up front, for all of them),
//! so each job either answers in time or is dropped at the deadline, and keep the answers.
//!
//! The checks run on tokio's paused clock with pretend suppliers that answer after set delays:
//! which answers are kept (an insta snapshot, sorted, in tests/snapshots), that the batch ends
//! exactly at the deadline (or as soon as every job is done), and that the late jobs are cancelled,
//! not left running. The order of `finished` and `late` is yours to choose; the checks sort them.
//!
//! Grade it with `cargo xtask check batch-deadline`; `cargo xtask hint batch-deadline` when stuck.

use std::future::Future;
use std::time::Duration;

use futures::future::join_all;
use tokio::time::{Instant, timeout, timeout_at};

/// What a batch with a deadline gives back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial<T> {
    /// The jobs that answered before the deadline: name and answer.
    pub finished: Vec<(String, T)>,
    /// The jobs still running at the deadline, which were cancelled.
    pub late: Vec<String>,
}

/// Runs `job(name)` for every name at once and returns whatever answered within `deadline`.
pub async fn gather_until<T, F, Fut>(names: Vec<String>, deadline: Duration, job: F) -> Partial<T>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = T>,
{
    // TODO: one timeout around the whole batch is all or nothing: when it fires, `join_all` is
    // dropped with every answer it had already collected. Put the deadline on each job instead,
    // the same moment for all of them.
    let everything = join_all(names.iter().map(|name| job(name.clone())));
    match timeout(deadline, everything).await {
        Ok(answers) => Partial {
            finished: names.into_iter().zip(answers).collect(),
            late: Vec::new(),
        },
        Err(_elapsed) => Partial {
            finished: Vec::new(),
            late: names,
        },
    }
}
