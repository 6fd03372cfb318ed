//! Exercise 18 · semaphores · `buffered` or `buffer_unordered`: order, and its cost
//!
//! Lesson: `cargo run -p lesson-semaphores -- --section 3` ("The stream form: buffer_unordered and
//! buffered")
//!
//! Both functions below turn a list of jobs into a stream of results, with at most `limit` jobs
//! running at once. Today both run one job at a time (`then`). Make them concurrent, each its
//! own way, with `futures::StreamExt`:
//!
//! - `in_order` hands the results back in the order of the jobs: `buffered(limit)`;
//! - `as_ready` hands each result back as soon as its job finishes: `buffer_unordered(limit)`.
//!
//! The checks run jobs of known lengths on tokio's paused clock, note when each result is handed
//! back, and compare both schedules with a snapshot: which job ran when, and when its result came
//! out of the stream. Every time is exact, so they check the precise behaviour of `buffered` and
//! `buffer_unordered` (a hand-made equivalent, with a Semaphore say, schedules jobs differently
//! and will not match). Look at the snapshot when it passes: `buffered` pays for its order.
//!
//! Grade it with `cargo xtask check buffered-order`; `cargo xtask hint buffered-order` when stuck.

use std::time::Duration;

use futures::stream::{self, Stream, StreamExt};
use tokio::time::Instant;

/// A job: some I/O that takes `duration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub name: &'static str,
    pub duration: Duration,
}

/// A job's result: which job, and when it finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub name: &'static str,
    pub finished_at: Instant,
}

/// Does a job: waits its duration (the clock starts when the future is first polled, not when
/// it is created) and reports when it finished.
pub async fn run(job: Job) -> Finished {
    tokio::time::sleep(job.duration).await;
    Finished {
        name: job.name,
        finished_at: Instant::now(),
    }
}

/// Runs the jobs, at most `limit` at once; results in the order of `jobs`.
pub fn in_order(jobs: Vec<Job>, limit: usize) -> impl Stream<Item = Finished> {
    // TODO: `then` runs one job at a time. Let at most `limit` jobs run at once, handing the
    // results back in the order of the jobs.
    stream::iter(jobs).then(run)
}

/// Runs the jobs, at most `limit` at once; each result as soon as its job finishes.
pub fn as_ready(jobs: Vec<Job>, limit: usize) -> impl Stream<Item = Finished> {
    // TODO: one at a time here too. Let at most `limit` run at once, handing each result back the
    // moment its job is done.
    stream::iter(jobs).then(run)
}
