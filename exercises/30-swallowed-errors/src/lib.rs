//! Exercise 30 · pitfalls · a swallowed task panic
//!
//! Lesson: `cargo run -p lesson-pitfalls -- --section 5` ("Failures that vanish")
//!
//! A panic in a spawned task doesn't crash the program: tokio catches it, ends that task, and hands
//! the panic to whoever awaits its `JoinHandle`, as an `Err(JoinError)`. Ignore that `Err` and the
//! panic is gone: the batch reports success with a job silently missing. This file does it twice:
//! `run_chores` awaits each handle with `let _ = handle.await;`, and `run_jobs` keeps only the
//! `Ok` results of `join_all`.
//!
//! Surface them: both functions return `Err(JobFailed { job, message })` for the first job, *in the
//! order of the list*, that panicked, with the job's name and the text it panicked with. Write
//! `JobFailed::from_join_error` (`JoinError::try_into_panic` gives the panic's payload, a
//! `Box<dyn Any + Send>`: the text is a `&'static str` or a `String` inside it) and use it in both
//! places. Either way, wait for every job before returning, so that none is still running behind
//! the caller's back when it sees the result.
//!
//! The checks run batches with jobs that panic (with a plain and a formatted message) on tokio's
//! paused clock, and compare the results. What they cannot see: a task that was *cancelled* rather than panicked
//! (say its message is the `JoinError`'s own text), and panics with other payloads (`panic_any`).
//!
//! Grade it with `cargo xtask check swallowed-panic`; `cargo xtask hint swallowed-panic` when stuck.

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
        // TODO: a panicked task's JoinError carries the panic's payload; get the text out of it.
        todo!("turn the JoinError of job {job} into a JobFailed")
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
        // TODO: `let _ =` throws away the Err that says this chore panicked.
        let _ = handle.await;
    }
    Ok(())
}

/// Runs every job on a task of its own and returns each one's result by name.
pub async fn run_jobs(jobs: Vec<Job<u64>>) -> Result<BTreeMap<String, u64>, JobFailed> {
    let (names, handles): (Vec<String>, Vec<_>) = jobs
        .into_iter()
        .map(|job| (job.name, tokio::spawn(job.work)))
        .unzip();
    let results = join_all(handles).await;
    // TODO: `filter_map(.. .ok() ..)` drops every job that panicked, without a word.
    Ok(names
        .into_iter()
        .zip(results)
        .filter_map(|(name, result)| result.ok().map(|value| (name, value)))
        .collect())
}
