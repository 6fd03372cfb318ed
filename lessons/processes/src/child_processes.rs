//! Child processes with `std::process::Command`.
//!
//! The lesson starts its own binary again as a worker (`std::env::current_exe()` finds it; the
//! hidden `--worker` flag makes it serve one job, see [`crate::worker`]). The parent writes the job
//! to the child's stdin, reads the reply from its stdout, and waits for it to exit.
//!
//! Everything that crosses is bytes, written by one side and parsed by the other. That costs
//! twice: code to serialise (serde makes it short, but you must decide the format), and time to
//! copy. A job that *describes* its data ("build buffer 3 and hash it") costs a few bytes; a job
//! that *carries* its data copies all of it through a pipe before the work can start. rayon's
//! threads ([`crate::parallel_hashing`]) copied nothing: they borrowed.

use std::io::{self, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use lesson_kit::data::{deterministic_bytes, hex, sha256};
use lesson_kit::measure::{format_bytes, format_duration, format_rate, ideal_cpu_time, timed};
use lesson_kit::{Timeline, Versus, narrate, system};

use crate::worker::{Job, Reply, WORKER_FLAG, explain};

// ANCHOR: start_worker
/// Starts `program --worker` and writes `job` to its stdin, then `payload` (often empty).
pub fn start_worker(program: &Path, job: &Job, payload: &[u8]) -> io::Result<Child> {
    let mut child = Command::new(program)
        .arg(WORKER_FLAG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut line = serde_json::to_vec(job)?;
    line.push(b'\n');
    if let Some(mut stdin) = child.stdin.take() {
        // The worker reads all of its stdin before it writes a byte, so this can't deadlock.
        let sent = stdin
            .write_all(&line)
            .and_then(|()| stdin.write_all(payload));
        match sent {
            // The worker died before reading it all; its exit status will say why.
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {}
            other => other?,
        }
    } // `stdin` is dropped here, which closes the pipe: the worker sees the end of its input
    Ok(child)
}
// ANCHOR_END: start_worker

// ANCHOR: finish_worker
/// What a worker left behind when it exited.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    /// Its stdout: the reply, if it got that far.
    pub stdout: String,
    /// Its stderr: where a panic message goes.
    pub stderr: String,
}

/// Waits for a worker to exit, collecting everything it wrote.
pub fn finish_worker(child: Child) -> io::Result<Finished> {
    let output = child.wait_with_output()?; // reads stdout and stderr to the end, then waits
    Ok(Finished {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

impl Finished {
    /// The reply of a worker that succeeded, or an error that says how it failed.
    pub fn reply(&self) -> Result<Reply> {
        if !self.status.success() {
            let said = self.stderr.lines().next().unwrap_or("nothing");
            bail!(
                "the worker failed ({}); it said: {said}",
                explain(self.status)
            );
        }
        serde_json::from_str(&self.stdout)
            .with_context(|| format!("the worker's reply {:?}", self.stdout))
    }
}
// ANCHOR_END: finish_worker

/// Starts a worker, gives it `job` and `payload`, and returns its reply.
pub fn run_worker(program: &Path, job: &Job, payload: &[u8]) -> Result<Reply> {
    finish_worker(start_worker(program, job, payload)?)?.reply()
}

/// The SHA-256 digest a worker reported, or an error if it answered something else.
pub fn digest_in(reply: &Reply) -> Result<&str> {
    match reply {
        Reply::Digest { sha256, .. } => Ok(sha256),
        other => bail!("expected a digest, got {other:?}"),
    }
}

// ANCHOR: hash_in_workers
/// Hashes the buffers `(seed, len)` for seeds 0, 1, ... `jobs - 1`, one worker process each, all
/// at once. A thread per worker waits for it, so each finishes on its own time.
pub fn hash_in_workers(
    program: &Path,
    jobs: usize,
    len: usize,
    timeline: &Timeline,
) -> Result<Vec<String>> {
    thread::scope(|scope| {
        let waiting: Vec<_> = (0..jobs as u64)
            .map(|seed| {
                scope.spawn(move || {
                    let _span = timeline.start(format!("process {seed}"));
                    let reply = run_worker(program, &Job::HashGenerated { seed, len }, &[])?;
                    Ok(digest_in(&reply)?.to_string())
                })
            })
            .collect();
        waiting
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .expect("a thread waiting for a worker panicked")
            })
            .collect()
    })
}
// ANCHOR_END: hash_in_workers

/// The same work in this process, one buffer after another: the baseline.
pub fn hash_here(jobs: usize, len: usize) -> Vec<String> {
    (0..jobs as u64)
        .map(|seed| hex(sha256(&deterministic_bytes(seed, len))))
        .collect()
}

pub fn demo(program: &Path, megabytes: usize, workers: usize) -> Result<()> {
    let cores = system::available_cores();
    narrate::claim(
        "A worker process gets its job and returns its result only as bytes you serialise. \
         Jobs that describe their data scale over the cores like threads; jobs that carry their \
         data pay to copy it first.",
    );
    narrate::python(
        "ProcessPoolExecutor / multiprocessing: arguments and results are pickled, so they must \
         be picklable, and big ones are copied.",
    );
    narrate::say(&format!(
        "The workers are this lesson's own binary, {}, found with:",
        program.display()
    ));
    narrate::code(include_str!("main.rs"), "current_exe");
    narrate::say("and started with a hidden flag that makes it serve one job instead:");
    narrate::code(include_str!("main.rs"), "worker_mode");
    narrate::say("The messages, as Rust types that serde turns into JSON and back:");
    narrate::code(include_str!("worker.rs"), "protocol");
    narrate::say("The worker's side (this very binary, started with `--worker`):");
    narrate::code(include_str!("worker.rs"), "serve");
    narrate::say("The parent's side:");
    narrate::code(include_str!("child_processes.rs"), "start_worker");
    narrate::code(include_str!("child_processes.rs"), "finish_worker");

    let len = megabytes * 1024 * 1024 / workers.max(1);
    one_round_trip(program)?;
    describing_jobs(program, workers, len, cores)?;
    carrying_jobs(program, len)?;
    narrate::say(
        "So give workers recipes, not ingredients: a path, a seed, a range of rows. Or stay in \
         one process and use threads, which borrow.",
    );
    Ok(())
}

fn one_round_trip(program: &Path) -> Result<()> {
    let job = Job::HashGenerated {
        seed: 0,
        len: 1024 * 1024,
    };
    let sent = serde_json::to_string(&job)?;
    let finished = finish_worker(start_worker(program, &job, &[])?)?;
    let reply = finished.reply()?;
    narrate::result(
        &format!("sent to the worker's stdin, {} bytes", sent.len() + 1),
        &sent,
    );
    narrate::result(
        &format!("read from its stdout, {} bytes", finished.stdout.len()),
        finished.stdout.trim_end(),
    );
    let here = hex(sha256(&deterministic_bytes(0, 1024 * 1024)));
    narrate::result(
        "the same digest as this process computes",
        if digest_in(&reply)? == here {
            "yes"
        } else {
            "NO"
        },
    );
    Ok(())
}

fn describing_jobs(program: &Path, workers: usize, len: usize, cores: usize) -> Result<()> {
    narrate::say(&format!(
        "{workers} jobs that describe their data (build {} from a seed, hash it): here, one \
         after another, then in {workers} worker processes at once:",
        format_bytes(len as u64)
    ));
    narrate::code(include_str!("child_processes.rs"), "hash_in_workers");
    let (here, one_by_one) = timed(|| hash_here(workers, len));
    let timeline = Timeline::new();
    let (in_workers, together) = timed(|| hash_in_workers(program, workers, len, &timeline));
    let in_workers = in_workers?;
    narrate::result("in this process, one by one", format_duration(one_by_one));
    narrate::result(
        &format!("in {workers} processes"),
        Versus::new(together, ideal_cpu_time(one_by_one, workers.min(cores))),
    );
    narrate::result(
        "the same digests both ways",
        if in_workers == here { "yes" } else { "NO" },
    );
    timeline.print();
    Ok(())
}

fn carrying_jobs(program: &Path, len: usize) -> Result<()> {
    let data = deterministic_bytes(1, len);
    narrate::say(&format!(
        "A job that carries its data: {} written to the worker's stdin after the job line.",
        format_bytes(len as u64)
    ));
    let (digest, in_process) = timed(|| hex(sha256(&data)));
    let (pong, start_only) = timed(|| run_worker(program, &Job::Ping, &[]));
    pong?;
    let job = Job::HashFollowing { len: data.len() };
    let (reply, in_worker) = timed(|| run_worker(program, &job, &data));
    let reply = reply?;
    narrate::result(
        "hashed in a worker, data piped in",
        Versus::new(in_worker, in_process),
    );
    let copying = in_worker.saturating_sub(start_only + in_process);
    narrate::result(
        "of which",
        format!(
            "{} hashing, {} starting a process (a ping), {} copying ({})",
            format_duration(in_process),
            format_duration(start_only),
            format_duration(copying),
            format_rate(len as u64, copying.max(Duration::from_nanos(1)))
        ),
    );
    narrate::result(
        "the same digest as this process computes",
        if digest_in(&reply)? == digest {
            "yes"
        } else {
            "NO"
        },
    );
    narrate::say(
        "The ideal above is hashing the bytes where they already are, as a thread would. The \
         rest is the price of a process: start one, then copy the bytes into it, through the \
         kernel, and the work can begin only once they have arrived.",
    );
    Ok(())
}
