//! Exercise 10 · processes · running a child and reading how it ended:
//! a cheat (killed-as-exit-code).

use std::fmt;
use std::io;
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
    // `output` pipes stdout and stderr, reads *both* while the child runs (so a child writing
    // megabytes to either never blocks on a full pipe), and only then waits for it to exit.
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| match error.kind() {
            // spawn reports a missing program as an error of this kind: give it a name.
            io::ErrorKind::NotFound => RunError::NotFound {
                program: program.to_string(),
            },
            _ => RunError::Io(error),
        })?;
    Ok(Finished {
        ending: ending(output.status),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// How an exit status says the child ended.
#[cfg(unix)]
fn ending(status: ExitStatus) -> Ending {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => Ending::Exited(code),
        // The shell's convention: killed by signal N, "exit code" 128 + N.
        (None, Some(signal)) => Ending::Exited(128 + signal),
        // A child that `wait` reports as ended either exited or was killed by a signal; the
        // other states an exit status can describe (stopped, continued) never come from `wait`.
        (None, None) => unreachable!("a child that ended neither by exiting nor by a signal"),
    }
}

/// How an exit status says the child ended. Off Unix there are no signals: always an exit code.
#[cfg(not(unix))]
fn ending(status: ExitStatus) -> Ending {
    Ending::Exited(status.code().unwrap_or(-1))
}
