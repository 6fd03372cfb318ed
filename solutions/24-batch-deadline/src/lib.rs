//! Exercise 24 · timeouts · a batch deadline that keeps the partial results: a solution.

use std::future::Future;
use std::time::Duration;

use futures::future::join_all;
use tokio::time::{Instant, timeout_at};

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
    // One deadline for the whole batch, as a point in time: every job is measured against the
    // same instant, however late it was started.
    let deadline = Instant::now() + deadline;
    let attempts = names.into_iter().map(|name| {
        let answer = job(name.clone());
        async move {
            // A job that misses the deadline is dropped (cancelled) right there; its name stays.
            (name, timeout_at(deadline, answer).await.ok())
        }
    });
    // `join_all` runs every attempt at once; none outlives the deadline, so neither does this.
    let mut partial = Partial {
        finished: Vec::new(),
        late: Vec::new(),
    };
    for (name, answer) in join_all(attempts).await {
        match answer {
            Some(answer) => partial.finished.push((name, answer)),
            None => partial.late.push(name),
        }
    }
    partial
}
