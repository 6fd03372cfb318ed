//! Exercise 11 · processes · fanning jobs out to worker processes over stdin and stdout: a cheat (never-waited-for).

mod protocol;
mod worker_process;

use std::path::Path;
use std::thread;

pub use protocol::{Job, Reply, serve, work};
pub use worker_process::{JobError, WorkerProcess};

/// Does every job on `workers` worker processes started from `program`; the results come back
/// in the order of `jobs`.
pub fn run_jobs(program: &Path, jobs: &[Job], workers: usize) -> Vec<Result<Reply, JobError>> {
    // No more workers than jobs: a worker with nothing to do would only cost a process start.
    let workers = workers.clamp(1, jobs.len().max(1));
    let mut results: Vec<Option<Result<Reply, JobError>>> = vec![None; jobs.len()];
    thread::scope(|scope| {
        // One thread per worker process, all started before any is joined, so that the workers
        // run at the same time. Each borrows `jobs`: the scope outlives every thread.
        let dealers: Vec<_> = (0..workers)
            .map(|worker| {
                // Dealt like cards: this worker gets jobs `worker`, `worker + workers`, ...
                let hand: Vec<(usize, &Job)> = jobs
                    .iter()
                    .enumerate()
                    .skip(worker)
                    .step_by(workers)
                    .collect();
                scope.spawn(move || work_through(program, &hand))
            })
            .collect();
        for dealer in dealers {
            // `work_through` turns every failure into a result, so a panic here is a bug to pass on.
            let answered = dealer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (index, result) in answered {
                results[index] = Some(result);
            }
        }
    });
    results
        .into_iter()
        .map(|result| result.expect("every job was dealt to a worker"))
        .collect()
}

/// Starts one worker, asks it each job of `hand` in turn, and lets it go.
fn work_through(program: &Path, hand: &[(usize, &Job)]) -> Vec<(usize, Result<Reply, JobError>)> {
    let mut worker = match WorkerProcess::start(program) {
        Ok(worker) => worker,
        // Every job of this hand fails the same way.
        Err(error) => {
            return hand
                .iter()
                .map(|&(index, _)| (index, Err(error.clone())))
                .collect();
        }
    };
    // A worker that died answers every later job with `WorkerDied` at once: nothing hangs.
    let results = hand
        .iter()
        .map(|&(index, job)| (index, worker.ask(job)))
        .collect();
    drop(worker); // closes its pipes, so it exits: that is enough, surely?
    results
}
