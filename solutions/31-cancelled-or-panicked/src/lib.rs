//! Exercise 31 · pitfalls · cancelled or panicked: a shutdown is not a failure: a solution.

use std::any::Any;
use std::collections::HashMap;

use futures::future::{BoxFuture, FutureExt};
use tokio::task::{Id, JoinSet};
use tokio_util::sync::CancellationToken;

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    /// It returned this.
    Done(T),
    /// Its task panicked on every attempt; `message` is what the last one panicked with.
    Panicked { attempts: usize, message: String },
    /// It was still running when the batch was shut down.
    Cancelled,
}

/// A named job, which can be started as many times as it is tried.
pub struct Job<T> {
    pub name: String,
    attempt: Box<dyn Fn(usize) -> BoxFuture<'static, T> + Send + Sync>,
}

impl<T> Job<T> {
    /// A job whose attempt number `n` (1, 2, ...) is the future `attempt(n)`.
    pub fn new<F, Fut>(name: &str, attempt: F) -> Self
    where
        F: Fn(usize) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = T> + Send + 'static,
    {
        Job {
            name: name.to_string(),
            attempt: Box::new(move |number| attempt(number).boxed()),
        }
    }

    /// The future of attempt number `number`.
    pub fn start(&self, number: usize) -> BoxFuture<'static, T> {
        (self.attempt)(number)
    }
}

/// The text a task panicked with, from its panic's payload: `panic!("...")` makes it a `&str`,
/// `panic!("{x}")` a `String`.
pub fn panic_message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(text) => *text,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(text) => text.to_string(),
            Err(_) => "a panic with no message".to_string(),
        },
    }
}

/// Runs every job at once, retrying a panicked one up to `attempts` attempts in all, until all
/// are done or `shutdown` is cancelled; one outcome per job, in the order of `jobs`.
pub async fn run_with_retries<T: Send + 'static>(
    jobs: &[Job<T>],
    attempts: usize,
    shutdown: CancellationToken,
) -> Vec<Outcome<T>> {
    let mut outcomes: Vec<Option<Outcome<T>>> = jobs.iter().map(|_| None).collect();
    let mut tasks = JoinSet::new();
    // Which job, and which attempt of it, each running task is.
    let mut running: HashMap<Id, (usize, usize)> = HashMap::new();
    for (index, job) in jobs.iter().enumerate() {
        let task = tasks.spawn(job.start(1));
        running.insert(task.id(), (index, 1));
    }
    let mut shutting_down = false;
    loop {
        tokio::select! {
            // `biased`: checked in this order, so a shutdown that is due wins over a task's end.
            biased;
            () = shutdown.cancelled(), if !shutting_down => {
                shutting_down = true;
                // Each aborted task still ends in the JoinSet, as a cancelled JoinError: the loop
                // goes on until every one has, so none is left running when we return.
                tasks.abort_all();
            }
            joined = tasks.join_next_with_id() => match joined {
                None => break,
                Some(Ok((id, value))) => {
                    if let Some((index, _)) = running.remove(&id) {
                        outcomes[index] = Some(Outcome::Done(value));
                    }
                }
                Some(Err(error)) => {
                    let Some((index, attempt)) = running.remove(&error.id()) else {
                        continue;
                    };
                    if error.is_cancelled() {
                        // Aborted by the shutdown above: it did not fail, and it stays stopped.
                        outcomes[index] = Some(Outcome::Cancelled);
                    } else if attempt < attempts && !shutting_down {
                        // It panicked: worth another attempt, unless we are shutting down.
                        let task = tasks.spawn(jobs[index].start(attempt + 1));
                        running.insert(task.id(), (index, attempt + 1));
                    } else {
                        // A JoinError is either cancelled or panicked, so this one holds a panic.
                        outcomes[index] = Some(Outcome::Panicked {
                            attempts: attempt,
                            message: panic_message(error.into_panic()),
                        });
                    }
                }
            },
        }
    }
    outcomes
        .into_iter()
        .map(|outcome| outcome.unwrap_or(Outcome::Cancelled))
        .collect()
}
