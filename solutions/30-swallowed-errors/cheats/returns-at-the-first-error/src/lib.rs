//! Exercise 30 · pitfalls · a swallowed task panic: a cheat (returns-at-the-first-error).

use std::collections::BTreeMap;
use std::fmt;

use futures::future::{BoxFuture, FutureExt, join_all};
use tokio::task::JoinError;

/// A named piece of work to run on a task of its own.
pub struct Job<T = ()> {
    pub name: String,
    pub work: BoxFuture<'static, T>,
}

impl<T> Job<T> {
    pub fn new(name: &str, work: impl Future<Output = T> + Send + 'static) -> Self {
        Job {
            name: name.to_string(),
            work: work.boxed(),
        }
    }
}

/// A job that did not finish: which one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFailed {
    /// The job's name.
    pub job: String,
    /// What it panicked with: the text given to `panic!`.
    pub message: String,
}

impl JobFailed {
    /// What went wrong with `job`, from the error its `JoinHandle` returned.
    pub fn from_join_error(job: &str, error: JoinError) -> JobFailed {
        let message = match error.try_into_panic() {
            // `panic!("literal")` carries a `&'static str`; `panic!("{x}")` a formatted `String`.
            Ok(payload) => match payload.downcast::<String>() {
                Ok(text) => *text,
                Err(payload) => match payload.downcast::<&'static str>() {
                    Ok(text) => text.to_string(),
                    Err(_) => "a panic without a message".to_string(),
                },
            },
            // Not a panic: the task was cancelled (aborted, or its runtime shut down).
            Err(error) => error.to_string(),
        };
        JobFailed {
            job: job.to_string(),
            message,
        }
    }
}

impl fmt::Display for JobFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "job {} failed: {}", self.job, self.message)
    }
}

impl std::error::Error for JobFailed {}

/// Runs every chore on a task of its own and waits for them all.
pub async fn run_chores(chores: Vec<Job>) -> Result<(), JobFailed> {
    let handles: Vec<_> = chores
        .into_iter()
        .map(|chore| (chore.name, tokio::spawn(chore.work)))
        .collect();
    for (name, handle) in handles {
        handle
            .await
            .map_err(|error| JobFailed::from_join_error(&name, error))?;
    }
    Ok(())
}

/// Runs every job on a task of its own and returns each one's result by name.
pub async fn run_jobs(jobs: Vec<Job<u64>>) -> Result<BTreeMap<String, u64>, JobFailed> {
    let (names, handles): (Vec<String>, Vec<_>) = jobs
        .into_iter()
        .map(|job| (job.name, tokio::spawn(job.work)))
        .unzip();
    // `join_all` waits for every job; then the first `Err`, in the order of the jobs, wins.
    let results = join_all(handles).await;
    names
        .into_iter()
        .zip(results)
        .map(|(name, result)| match result {
            Ok(value) => Ok((name, value)),
            Err(error) => Err(JobFailed::from_join_error(&name, error)),
        })
        .collect()
}
