//! Exercise 26 · timeouts · graceful shutdown of a pool of workers
//!
//! Lesson: `cargo run -p lesson-timeouts -- --section 3` ("select! against a deadline or a
//! shutdown; graceful shutdown")
//!
//! `run_workers` starts a few workers that take jobs from one channel, one at a time, and returns
//! how many jobs each finished. A `Shutdown` tells them to stop: each must finish the job in its
//! hands, take no new one, and exit (a worker waiting for a job exits at once). Today the signal
//! races the *whole* "take a job and do it" step in `select!`, so it cuts jobs off half-done.
//! Race the signal against the wait for the next job only, and do the job outside the race. When
//! the signal and a job are both ready, `select!` picks one at random: make it check the signal
//! first (`biased;`).
//!
//! A shutdown happens once, so make `trigger` consume the `Shutdown` (take `self`): then the
//! compiler refuses a second `trigger`, because the switch is gone after the first. Workers listen
//! through `Listener`s, which clone freely.
//!
//! The checks run on tokio's paused clock with jobs that take 300 ms each: no job may be started
//! and left unfinished, none may start after the signal, the pool must end right after the jobs in
//! progress (1.2 s for a signal at 1 s), idle workers must stop at the signal, and every worker
//! must have worked, at the same time as the others. They also ask the compiler whether `trigger`
//! takes the `Shutdown` by value. They cannot see what happens to the jobs left in the channel
//! (nothing should: they stay there for whoever runs next).
//!
//! Grade it with `cargo xtask check graceful-shutdown`; `cargo xtask hint graceful-shutdown` when
//! stuck.

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

    /// Tells every listener to stop.
    // TODO: a shutdown happens once; a second `trigger` should not compile.
    pub fn trigger(&self) {
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
        // TODO: this races the signal against taking a job *and doing it*: when the signal comes,
        // the job in progress is dropped half-done. Race the signal against `recv` only, then do
        // the job outside the `select!`; and put `biased;` first so a ready signal always wins.
        let take_and_do_a_job = async {
            let job = jobs.lock().await.recv().await?;
            handle(job).await;
            Some(())
        };
        tokio::select! {
            _ = shutdown.triggered() => break,
            done = take_and_do_a_job => match done {
                Some(()) => finished += 1,
                // The channel is closed and empty: no job will ever come.
                None => break,
            },
        }
    }
    finished
}
