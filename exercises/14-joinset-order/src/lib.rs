//! Exercise 14 · async · JoinSet: results as they complete
//!
//! Lesson: `cargo run -p lesson-async -- --section 3` ("join!, join_all, JoinSet and spawn")
//!
//! `run_all` runs a batch of image jobs and reports on each. Today it runs them one after another,
//! in the order given, and one job that panics takes the whole batch down with it. Make it run
//! every job at once as a task in a `tokio::task::JoinSet` (Python's `asyncio.as_completed`), and
//! report each job the moment it finishes, so the reports come back in *completion* order. A job
//! that panics must come back as a report with `Outcome::Failed` and the panic's message (see
//! `panic_message`), while the other jobs carry on.
//!
//! The checks run jobs of known lengths on tokio's paused clock and compare the reports (job,
//! finish time, outcome) with a snapshot, check that the batch takes as long as its longest job,
//! and that a panicking job is reported, not fatal. A task's panic reaches you as a `JoinError`
//! that does not know which job it was: `JoinSet::join_next_with_id` and `JoinError::id` give the
//! task's id, which `spawn` also returned (an `AbortHandle`, with `.id()`).
//!
//! Grade it with `cargo xtask check joinset-order`; `cargo xtask hint joinset-order` when stuck.

use std::any::Any;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

/// A job: make a thumbnail of an image, which takes `duration`. A job for a broken image panics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub image: String,
    pub duration: Duration,
    pub broken: bool,
}

impl Job {
    /// A job that succeeds after `duration`.
    pub fn new(image: &str, duration: Duration) -> Self {
        Job {
            image: image.to_string(),
            duration,
            broken: false,
        }
    }

    /// A job that panics after `duration`.
    pub fn broken(image: &str, duration: Duration) -> Self {
        Job {
            broken: true,
            ..Job::new(image, duration)
        }
    }
}

/// Does a job: returns the thumbnail's size in bytes, or panics if the image is broken.
pub async fn make_thumbnail(job: Job) -> u64 {
    tokio::time::sleep(job.duration).await;
    if job.broken {
        panic!("{} is not an image", job.image);
    }
    job.image.len() as u64 * 1024
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The thumbnail's size in bytes.
    Done(u64),
    /// The job's task did not finish: the message it panicked with.
    Failed(String),
}

/// What became of one job, and when: `finished_at` is measured from the start of `run_all`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub image: String,
    pub finished_at: Duration,
    pub outcome: Outcome,
}

/// The message a task panicked with: pass it the payload of a panicked task's `JoinError`
/// (`error.into_panic()`, or `error.try_into_panic()`).
pub fn panic_message(payload: Box<dyn Any + Send>) -> String {
    // `panic!("literal")` carries a `&str`, `panic!("{}", x)` a `String`; anything else is rare.
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(message) => message.to_string(),
            Err(_) => "a panic without a message".to_string(),
        },
    }
}

/// Runs every job at once; one report per job, in the order the jobs finished.
pub async fn run_all(jobs: Vec<Job>) -> Vec<Report> {
    let started = Instant::now();
    let mut reports = Vec::new();
    // TODO: one job at a time, in the order given, and a panicking job panics right here, ending
    // the batch. Spawn every job into a JoinSet instead, remember which task is which image, and
    // turn each result into a report as `join_next_with_id` hands it back.
    for job in jobs {
        let image = job.image.clone();
        let size = make_thumbnail(job).await;
        reports.push(Report {
            image,
            finished_at: started.elapsed(),
            outcome: Outcome::Done(size),
        });
    }
    reports
}
