//! Exercise 11 · processes · fanning jobs out to worker processes over stdin and stdout
//!
//! Lesson: `cargo run -p lesson-processes -- --section 2` ("Child processes: everything crosses as
//! bytes")
//!
//! `run_jobs` must do `jobs` on a pool of `workers` worker processes (this crate's `worker`
//! binary, see src/bin/worker.rs and src/protocol.rs): start that many, deal the jobs out like
//! cards (job `i` to worker `i % workers`), send each job as a line of JSON on the worker's stdin,
//! read each reply as a line of JSON from its stdout, and return the results in the order of the
//! jobs. The workers must run at the same time (a thread per worker, talking to it, does it), and
//! every one of them must be waited for: a child that has exited but was never waited for stays
//! in the process table as a *zombie* until its parent ends. A worker that dies mid-way turns the
//! jobs it did not answer into errors; it must not hang `run_jobs` or lose the other workers' work.
//!
//! Today it starts a new process for every job, one after another, and never waits for any.
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

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::thread;

pub use protocol::{Job, Reply, serve, work};

/// Why a job has no reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// The worker process could not be started; the message says why.
    CannotStart(String),
    /// The worker ended before it answered this job: it crashed on it, or on an earlier one.
    /// `status` says how it ended, once it has been waited for.
    WorkerDied {
        pid: u32,
        status: Option<ExitStatus>,
    },
    /// The worker answered something that is not a `Reply`.
    BadReply { pid: u32, line: String },
}

/// Does every job on `workers` worker processes started from `program`; the results come back
/// in the order of `jobs`.
pub fn run_jobs(program: &Path, jobs: &[Job], workers: usize) -> Vec<Result<Reply, JobError>> {
    // TODO: a new process per job, one after another, and none of them is ever waited for.
    // Start `workers` processes instead, each on a thread of its own that deals with it: send
    // it its jobs, read its replies, then close its stdin and wait for it to exit.
    jobs.iter()
        .map(|job| ask_a_new_worker(program, job))
        .collect()
}

/// Starts a worker, sends it one job, and reads its reply.
fn ask_a_new_worker(program: &Path, job: &Job) -> Result<Reply, JobError> {
    let mut child = Command::new(program)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|error| JobError::CannotStart(format!("{}: {error}", program.display())))?;
    let pid = child.id();
    let died = JobError::WorkerDied { pid, status: None };

    // The job becomes bytes: a line of JSON.
    let mut line = serde_json::to_string(job).expect("a Job always turns into JSON");
    line.push('\n');
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // Writing fails (a broken pipe) if the worker has already died.
    stdin.write_all(line.as_bytes()).map_err(|_| died.clone())?;
    drop(stdin); // closing its stdin tells the worker there are no more jobs

    // The reply comes back as bytes: a line of JSON, or nothing at all if the worker died.
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut reply = String::new();
    match stdout.read_line(&mut reply) {
        Ok(0) | Err(_) => Err(died),
        Ok(_) => serde_json::from_str(&reply).map_err(|_| JobError::BadReply {
            pid,
            line: reply.trim_end().to_string(),
        }),
    }
    // TODO: `child` is dropped here without `wait`: the worker becomes a zombie.
}
