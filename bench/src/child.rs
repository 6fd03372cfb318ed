//! Running another program to the end, or until its time is up.
//!
//! The bench starts the Python originals and copies of itself. A program that hangs (a deadlock,
//! a server that never answers) must not hang the bench, so each gets a time limit and is killed
//! past it. Its stdout and stderr are read on threads of their own while it runs: a child that
//! fills a pipe nobody reads would otherwise block forever, waiting for us.

use std::io::{self, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// What a program left behind.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// The last few lines of stderr: where a Python traceback ends with the actual error.
    pub fn stderr_tail(&self, lines: usize) -> String {
        let all: Vec<&str> = self.stderr.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

/// Runs `command` with no stdin. `Ok(None)` if it ran past `limit` and was killed.
pub fn run_within(command: &mut Command, limit: Duration) -> io::Result<Option<Finished>> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = read_in_background(child.stdout.take());
    let stderr = read_in_background(child.stderr.take());
    let status = wait_within(&mut child, limit)?;
    // Once the child has exited (or been killed) its pipes close, so the readers end.
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok(status.map(|status| Finished {
        status,
        stdout,
        stderr,
    }))
}

fn read_in_background(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            // A read error leaves what was read so far, which is all there is to report anyway.
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn wait_within(child: &mut Child, limit: Duration) -> io::Result<Option<ExitStatus>> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if started.elapsed() > limit {
            // It may have exited just now; either way it is gone after `wait`.
            let _ = child.kill();
            child.wait()?;
            return Ok(None);
        }
        // The programs time themselves, so polling adds nothing to any figure.
        thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_collected() {
        let finished = run_within(
            Command::new("sh").args(["-c", "echo out; echo err >&2"]),
            Duration::from_secs(10),
        )
        .expect("sh runs")
        .expect("sh finishes in time");
        assert!(finished.status.success());
        assert_eq!(finished.stdout, "out\n");
        assert_eq!(finished.stderr_tail(1), "err");
    }

    #[test]
    fn a_program_past_its_limit_is_killed() {
        let started = Instant::now();
        let finished = run_within(Command::new("sleep").arg("10"), Duration::from_millis(100))
            .expect("sleep runs");
        assert!(finished.is_none());
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
