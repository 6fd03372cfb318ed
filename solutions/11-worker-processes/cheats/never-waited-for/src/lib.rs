//! Exercise 11 · processes · fanning jobs out to worker processes over stdin and stdout:
//! a cheat (never-waited-for).

mod protocol;

use std::io::{self, BufRead, BufReader, Write};
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
            for (index, result) in dealer.join().expect("a dealer thread panicked") {
                results[index] = Some(result);
            }
        }
    });
    results
        .into_iter()
        .map(|result| result.expect("every job was dealt to a worker"))
        .collect()
}

/// Starts one worker, gives it `hand` one job at a time, and always waits for it to exit.
fn work_through(program: &Path, hand: &[(usize, &Job)]) -> Vec<(usize, Result<Reply, JobError>)> {
    let mut worker = match Worker::start(program) {
        Ok(worker) => worker,
        Err(error) => {
            let why = format!("{}: {error}", program.display());
            return hand
                .iter()
                .map(|&(index, _)| (index, Err(JobError::CannotStart(why.clone()))))
                .collect();
        }
    };
    let results = hand
        .iter()
        .map(|&(index, job)| (index, worker.ask(job)))
        .collect();
    worker.finish();
    results
}

/// A running worker process and our ends of its pipes.
struct Worker {
    child: Child,
    pid: u32,
    /// `None` once closed: the worker reads to the end of its stdin and then exits.
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    /// How it ended, once it has died and been waited for.
    ended: Option<ExitStatus>,
}

impl Worker {
    fn start(program: &Path) -> io::Result<Worker> {
        let mut child = Command::new(program)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // stderr is inherited: a worker's panic message shows where ours would.
            .spawn()?;
        let pid = child.id();
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(Worker {
            child,
            pid,
            stdin,
            stdout,
            ended: None,
        })
    }

    /// Sends one job and reads its reply: one line out, one line back. Only one job is ever in
    /// a pipe at a time, so neither side can fill a pipe and wait for the other: no deadlock.
    fn ask(&mut self, job: &Job) -> Result<Reply, JobError> {
        let pid = self.pid;
        if self.ended.is_some() {
            return Err(JobError::WorkerDied {
                pid,
                status: self.ended,
            });
        }
        // The job becomes bytes: a line of JSON.
        let mut line = serde_json::to_string(job).expect("a Job always turns into JSON");
        line.push('\n');
        let mut reply = String::new();
        let asked = match self.stdin.as_mut() {
            Some(stdin) => stdin
                .write_all(line.as_bytes())
                .and_then(|()| stdin.flush())
                .and_then(|()| self.stdout.read_line(&mut reply)),
            None => Ok(0),
        };
        match asked {
            // A line came back: the reply, as bytes to parse.
            Ok(read) if read > 0 => serde_json::from_str(&reply).map_err(|_| JobError::BadReply {
                pid,
                line: reply.trim_end().to_string(),
            }),
            // The end of its stdout (0 bytes), or a broken pipe when writing: the worker has
            // died. Wait for it now, which also tells us how it ended.
            _ => {
                self.ended = self.wait();
                Err(JobError::WorkerDied {
                    pid,
                    status: self.ended,
                })
            }
        }
    }

    /// Closes the worker's stdin, so it runs out of jobs and exits, and waits for it: a child
    /// that was never waited for stays a zombie as long as we run.
    fn finish(self) {
        // Dropping the worker closes its stdin, so it exits: that is enough, isn't it?
        drop(self);
    }

    fn wait(&mut self) -> Option<ExitStatus> {
        self.stdin = None; // a worker still reading its stdin would never exit: close it first
        // `wait` fails only if the child was already waited for, or is not ours: neither here.
        self.child.wait().ok()
    }
}
