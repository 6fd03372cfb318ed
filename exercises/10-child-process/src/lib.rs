//! Exercise 10 · processes · running a child and reading how it ended
//!
//! Lesson: `cargo run -p lesson-processes -- --section 4` ("What processes buy: isolation")
//!
//! `run` starts a program with `std::process::Command`, captures what it writes to stdout and
//! stderr, and reports how it ended as a `Finished`, or why it could not start as a `RunError`.
//! It has three bugs, each marked `TODO`:
//! 1. a program that does not exist is reported as a vague `Io` error, not as `NotFound`;
//! 2. it waits for the child before reading its output, which deadlocks as soon as the child
//!    writes more than a pipe holds (64 KiB on Linux): the child waits for someone to read, and
//!    we wait for the child. `Command::output` reads both pipes while the child runs, then waits;
//! 3. a child killed by a signal is reported as `Exited(-1)`, an exit code it never had.
//!
//! The checks run fixed `sh -c` commands (exit codes, output on both streams, `kill -KILL $$`, a
//! missing program, a megabyte on each pipe) and snapshot the `Debug` of their outcomes. They need
//! a Unix `sh`. They cannot tell *how* you read the pipes, only that a megabyte on each comes back
//! intact within half a second (it takes milliseconds; a deadlock never does).
//!
//! Grade it with `cargo xtask check child-process`; `cargo xtask hint child-process` when stuck.

use std::fmt;
use std::io::{self, Read};
use std::process::{Command, ExitStatus, Stdio};

/// How a child process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// It ended itself with this exit code: 0 for success, anything else for a failure.
    Exited(i32),
    /// A signal ended it (Unix): `kill`, the out-of-memory killer, a crash. There is no exit code.
    Killed { signal: i32 },
}

/// A child that ran to its end, and everything it wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub ending: Ending,
    /// Its stdout, with any bytes that are not UTF-8 replaced by `�`.
    pub stdout: String,
    /// Its stderr, likewise.
    pub stderr: String,
}

/// Why a child could not be run.
#[derive(Debug)]
pub enum RunError {
    /// There is no such program (on the `PATH`, or at that path).
    NotFound { program: String },
    /// Anything else: not allowed to run it, too many processes, a pipe that failed...
    Io(io::Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NotFound { program } => write!(f, "no program called {program:?}"),
            RunError::Io(error) => write!(f, "could not run the program: {error}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Runs `program` with `args` (stdin empty) to its end, capturing stdout and stderr.
pub fn run(program: &str, args: &[&str]) -> Result<Finished, RunError> {
    // TODO (1): when `spawn` fails because the program doesn't exist, report it as
    // `RunError::NotFound`; every other failure stays `RunError::Io`.
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(RunError::Io)?;

    // TODO (2): the child blocks once a pipe is full, and nobody reads it while we wait here.
    let status = child.wait().map_err(RunError::Io)?;
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_end(&mut stdout).map_err(RunError::Io)?;
    }
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_end(&mut stderr).map_err(RunError::Io)?;
    }

    Ok(Finished {
        ending: ending(status),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}

/// How an exit status says the child ended.
fn ending(status: ExitStatus) -> Ending {
    // TODO (3): `code()` is `None` when a signal ended the child, and the exit status can say
    // which signal it was (on Unix).
    Ending::Exited(status.code().unwrap_or(-1))
}
