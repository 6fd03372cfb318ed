//! Exercise 26 · timeouts · graceful shutdown of a pool of workers: a cheat (select-not-biased).

use std::future::Future;

use futures::future::join_all;
use tokio::sync::{Mutex, mpsc};
use tokio_util::sync::CancellationToken;

/// A job: an id for the handler to look up what to do.
pub type Job = u32;

/// The one switch that stops the workers. Keep it where the decision to stop is made; give the
/// workers `Listener`s.
#[derive(Debug, Default)]
pub struct Shutdown {
    token: CancellationToken,
}

impl Shutdown {
    /// A switch that has not been flipped.
    pub fn new() -> Self {
        Self::default()
    }

    /// A listener for the workers: it hears the one `trigger`.
    pub fn listener(&self) -> Listener {
        Listener {
            token: self.token.clone(),
        }
    }

    /// Tells every listener to stop. Taking `self` makes it a one-way door: once triggered, the
    /// switch is gone, so "trigger twice" or "trigger, then hand out a listener" cannot compile.
    pub fn trigger(self) {
        self.token.cancel();
    }
}

/// What a worker holds to hear the shutdown signal.
#[derive(Debug, Clone)]
pub struct Listener {
    token: CancellationToken,
}

impl Listener {
    /// Waits until the shutdown is triggered (at once if it already was).
    pub async fn triggered(&self) {
        self.token.cancelled().await;
    }

    /// Whether the shutdown has been triggered.
    pub fn is_triggered(&self) -> bool {
        self.token.is_cancelled()
    }
}

/// Runs `workers` workers that take jobs from `jobs` and do each with `handle`, until the
/// shutdown is triggered or the channel is closed and empty. Returns how many jobs each worker
/// finished, worker by worker.
pub async fn run_workers<F, Fut>(
    workers: usize,
    jobs: mpsc::Receiver<Job>,
    shutdown: Listener,
    handle: F,
) -> Vec<usize>
where
    F: Fn(Job) -> Fut,
    Fut: Future<Output = ()>,
{
    // One receiver, shared: a worker takes the lock only while it waits for its next job.
    let jobs = Mutex::new(jobs);
    join_all((0..workers).map(|_| worker(&jobs, &shutdown, &handle))).await
}

/// One worker's loop: returns how many jobs it finished.
async fn worker<F, Fut>(jobs: &Mutex<mpsc::Receiver<Job>>, shutdown: &Listener, handle: &F) -> usize
where
    F: Fn(Job) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut finished = 0;
    loop {
        // Only the *wait* for a job races the signal. Dropping that wait loses nothing: a job
        // still in the channel stays there, and the lock is let go.
        let next = tokio::select! {

            _ = shutdown.triggered() => break,
            next = async { jobs.lock().await.recv().await } => next,
        };
        // The channel is closed and empty: no job will ever come.
        let Some(job) = next else { break };
        // The job runs outside the race: a signal now waits until it is done.
        handle(job).await;
        finished += 1;
    }
    finished
}
