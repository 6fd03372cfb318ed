//! Exercise 14 · async · JoinSet: results as they complete. A solution.

use std::any::Any;
use std::collections::HashMap;
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
    let mut set = JoinSet::new();
    // A task's result comes back without its job, and a panicked task has no result at all, only
    // its task id: remember which id belongs to which image.
    let mut images = HashMap::new();
    for job in jobs {
        let image = job.image.clone();
        let task = set.spawn(make_thumbnail(job)); // starts running now
        images.insert(task.id(), image);
    }

    let mut reports = Vec::with_capacity(images.len());
    // `join_next_with_id` waits for whichever task finishes next: completion order. A panic in a
    // task is caught by the runtime and arrives here as an `Err`, so it ends that job only.
    while let Some(joined) = set.join_next_with_id().await {
        let finished_at = started.elapsed();
        let (id, outcome) = match joined {
            Ok((id, size)) => (id, Outcome::Done(size)),
            Err(error) => {
                let id = error.id();
                match error.try_into_panic() {
                    Ok(payload) => (id, Outcome::Failed(panic_message(payload))),
                    // The other way a task fails: it was aborted. Nothing here aborts one.
                    Err(error) => (id, Outcome::Failed(error.to_string())),
                }
            }
        };
        reports.push(Report {
            // Every id came from a `spawn` above, so it is in the map.
            image: images.remove(&id).expect("a task this function spawned"),
            finished_at,
            outcome,
        });
    }
    reports
}
