//! Exercise 18 · semaphores · `buffered` or `buffer_unordered`: order, and its cost. A cheat (no-limit).

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
    // `map` only builds the futures; `buffered` runs up to `limit` of them at once and hands the
    // results back in input order. The price: a result that is ready early waits for the ones
    // before it, and its slot is not reused until it has been handed back, so one slow job holds
    // up the jobs behind it (see the snapshot).
    stream::iter(jobs).map(run).buffered(usize::MAX)
}

/// Runs the jobs, at most `limit` at once; each result as soon as its job finishes.
pub fn as_ready(jobs: Vec<Job>, limit: usize) -> impl Stream<Item = Finished> {
    // `buffer_unordered` hands back whichever job finishes first and starts the next job in its
    // slot at once: the slots never sit idle, at the cost of the order.
    stream::iter(jobs).map(run).buffer_unordered(usize::MAX)
}
