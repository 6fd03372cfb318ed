//! What crosses between the parent and a worker: lines of JSON. Nothing here needs changing.
//!
//! A worker process shares no memory with its parent, so a job must become bytes to reach it and
//! the answer must become bytes to come back. That is Python's "only picklable arguments" rule:
//! a closure, a lock or an open socket cannot become bytes, so none can be a job. Here the bytes
//! are one line of JSON per job on the worker's stdin, and one line of JSON per answer on its
//! stdout, written and read with serde.

use std::io::{self, BufRead, Write};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A job for a worker, such as `{"hash":{"text":"hello"}}` on one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    /// Answer with the SHA-256 digest of `text`, in hex.
    Hash { text: String },
    /// Wait `ms` milliseconds, as a slow job would, then answer `"paused"`.
    Pause { ms: u64 },
    /// Panic on the spot, as a worker with a bug would: the worker dies without answering.
    Crash,
}

/// A worker's answer to one job, on one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    /// What the job asked for: a hex digest, or `"paused"`.
    pub output: String,
    /// The process id of the worker that did the job.
    pub pid: u32,
    /// When the worker started and finished the job, in milliseconds since 1970 (the wall
    /// clock, which every process on the machine shares).
    pub started_ms: u64,
    pub finished_ms: u64,
}

/// Does one job, here, in this process.
pub fn work(job: &Job) -> Reply {
    let started_ms = now_ms();
    let output = match job {
        Job::Hash { text } => Sha256::digest(text.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect(),
        Job::Pause { ms } => {
            thread::sleep(Duration::from_millis(*ms));
            "paused".to_string()
        }
        Job::Crash => panic!(
            "worker {} crashing on purpose, as its job asked: a check is testing what happens \
             when a worker dies",
            std::process::id()
        ),
    };
    Reply {
        output,
        pid: std::process::id(),
        started_ms,
        finished_ms: now_ms(),
    }
}

/// The worker's whole life: read a job per line from `jobs`, do it, write the reply as a line
/// to `replies`, until `jobs` ends. Each reply is flushed at once, so the parent gets it at once.
pub fn serve(jobs: impl BufRead, mut replies: impl Write) -> io::Result<()> {
    for line in jobs.lines() {
        let job: Job = serde_json::from_str(&line?)
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))?;
        serde_json::to_writer(&mut replies, &work(&job))?;
        replies.write_all(b"\n")?;
        replies.flush()?;
    }
    Ok(())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64)
}
