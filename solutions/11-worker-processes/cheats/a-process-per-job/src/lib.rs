//! Exercise 11 · processes · fanning jobs out to worker processes over stdin and stdout: a cheat (a-process-per-job).

mod protocol;
mod worker_process;

use std::path::Path;
use std::thread;

pub use protocol::{Job, Reply, serve, work};
pub use worker_process::{JobError, WorkerProcess};

/// Does every job on `workers` worker processes started from `program`; the results come back
/// in the order of `jobs`.
pub fn run_jobs(program: &Path, jobs: &[Job], workers: usize) -> Vec<Result<Reply, JobError>> {
    // Every job at once, each on a worker process of its own, which is finished afterwards.
    thread::scope(|scope| {
        let running: Vec<_> = jobs
            .iter()
            .map(|job| {
                scope.spawn(move || {
                    let mut worker = WorkerProcess::start(program)?;
                    let reply = worker.ask(job);
                    worker.finish();
                    reply
                })
            })
            .collect();
        running
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}
