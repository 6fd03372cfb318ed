//! Exercise 11 · processes · fanning jobs out to worker processes over stdin and stdout
//!
//! Lesson: `cargo run -p lesson-processes -- --section 2` ("Child processes: everything crosses as
//! bytes")
//!
//! `run_jobs` must do `jobs` on a pool of `workers` worker processes (this crate's `worker`
//! binary, see src/bin/worker.rs): start that many, deal the jobs out like cards (job `i` to
//! worker `i % workers`), and return the results in the order of the jobs. The workers must run
//! at the same time, and every one of them must be finished: a child that has exited but was
//! never waited for stays in the process table as a *zombie* until its parent ends. A worker that
//! dies mid-way turns the jobs it did not answer into errors; it must not hang `run_jobs` or lose
//! the other workers' work.
//!
//! The talking to one worker is done for you: `WorkerProcess` (src/worker_process.rs) starts one,
//! asks it a job (a line of JSON out on its stdin, a line back on its stdout, as the lesson's
//! section shows) and finishes it. What is left is the pool. Today `run_jobs` starts a new
//! process for every job, one after another, and never finishes any.
//!
//! The checks compare the replies with the right answers; count the distinct worker pids (exactly
//! `workers`, none of them the test's); time `Pause` jobs on the wall clock, which the workers
//! share, to see that they ran at once; ask the system whether any worker pid still exists once
//! `run_jobs` has returned (a zombie does); and give one worker a `Crash` job. They cannot check a
//! worker that hangs forever: that needs a timeout, a later lesson's subject.
//!
//! Grade it with `cargo xtask check worker-processes`; `cargo xtask hint worker-processes` when
//! stuck.

mod protocol;
mod worker_process;

use std::path::Path;
use std::thread;

pub use protocol::{Job, Reply, serve, work};
pub use worker_process::{JobError, WorkerProcess};

/// Does every job on `workers` worker processes started from `program`; the results come back
/// in the order of `jobs`.
pub fn run_jobs(program: &Path, jobs: &[Job], workers: usize) -> Vec<Result<Reply, JobError>> {
    // TODO: a new process per job, one after another, and none of them is ever finished. Start
    // `workers` processes instead, each looked after by a thread of its own that asks it its
    // share of the jobs and then finishes it.
    jobs.iter()
        .map(|job| {
            let mut worker = WorkerProcess::start(program)?;
            worker.ask(job)
            // TODO: `worker` is dropped here unfinished: it becomes a zombie.
        })
        .collect()
}
