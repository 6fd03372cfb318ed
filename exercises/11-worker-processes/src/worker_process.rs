//! One worker process and the parent's ends of its pipes. Nothing here needs changing: the work is
//! in `run_jobs`, in src/lib.rs.
//!
//! A `WorkerProcess` is started from the worker program, asked one job at a time (a line of JSON
//! out on its stdin, a line of JSON back on its stdout: see src/protocol.rs), and finished, which
//! closes its stdin, so that it runs out of jobs and exits, and *waits* for it. A child that has
//! exited but was never waited for stays in the system's process table as a zombie for as long as
//! its parent runs: dropping a `WorkerProcess` closes its pipes but does not wait for it.

use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};

use crate::protocol::{Job, Reply};

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

/// A running worker process.
#[derive(Debug)]
pub struct WorkerProcess {
    child: Child,
    pid: u32,
    /// `None` once closed: the worker reads to the end of its stdin and then exits.
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    /// How it ended, once it has died and been waited for.
    ended: Option<ExitStatus>,
}

impl WorkerProcess {
    /// Starts a worker from `program`. The error says why it could not start, as
    /// `JobError::CannotStart` would.
    pub fn start(program: &Path) -> Result<WorkerProcess, JobError> {
        let mut child = Command::new(program)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // stderr is inherited: a worker's panic message shows where ours would.
            .spawn()
            .map_err(|error| JobError::CannotStart(format!("{}: {error}", program.display())))?;
        let pid = child.id();
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(WorkerProcess {
            child,
            pid,
            stdin,
            stdout,
            ended: None,
        })
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Sends one job and reads its reply: one line out, one line back, so neither side can fill
    /// a pipe and wait for the other. Once the worker has died, every job is `WorkerDied`, at once.
    pub fn ask(&mut self, job: &Job) -> Result<Reply, JobError> {
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
            // The end of its stdout (0 bytes), or a broken pipe when writing: the worker has died.
            // Wait for it now, which also tells how it ended.
            _ => {
                self.ended = self.wait();
                Err(JobError::WorkerDied {
                    pid,
                    status: self.ended,
                })
            }
        }
    }

    /// Closes the worker's stdin, so that it runs out of jobs and exits, and waits for it to
    /// exit: how it ended, if it could be told.
    pub fn finish(mut self) -> Option<ExitStatus> {
        if self.ended.is_none() {
            self.ended = self.wait();
        }
        self.ended
    }

    fn wait(&mut self) -> Option<ExitStatus> {
        self.stdin = None; // a worker still reading its stdin would never exit: close it first
        // `wait` fails only if the child was already waited for, or is not ours: neither here.
        self.child.wait().ok()
    }
}
