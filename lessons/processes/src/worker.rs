//! The worker: what this lesson's own binary does when started as `lesson-processes --worker`.
//!
//! A child process shares no memory with its parent. Whatever it needs must reach it as bytes
//! (its arguments, its environment, its stdin), and whatever it produces must go back as bytes
//! (its stdout, a file, a socket), plus one small number: its exit status. Python's
//! `ProcessPoolExecutor` turns values into bytes for you with pickle, which is why it takes "only
//! picklable arguments": a lambda, an open socket or a lock can't become bytes. In Rust you pick
//! the format yourself. Here it is one line of JSON on stdin saying what to do (serde writes and
//! reads it), sometimes followed by raw bytes to work on, and one line of JSON on stdout in reply.
//!
//! A worker's last word is its exit status, which the parent reads when the reply is missing:
//! [`explain`] says in words how a worker ended, for both sides of the pipe to share.

use std::io::{BufRead, Write};
use std::process::ExitStatus;

use anyhow::{Context, Result};
use lesson_kit::data::{deterministic_bytes, hex, sha256};
use serde::{Deserialize, Serialize};

/// The flag that turns the lesson's binary into a worker.
pub const WORKER_FLAG: &str = "--worker";

// ANCHOR: protocol
/// What the parent asks a worker to do: one line of JSON, such as
/// `{"job":"hash_generated","seed":3,"len":1048576}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    /// Build the deterministic buffer for `seed` and hash it: the data never crosses the pipe,
    /// only the few bytes that describe it.
    HashGenerated { seed: u64, len: usize },
    /// Hash the `len` raw bytes that follow this line on stdin: the data itself crosses.
    HashFollowing { len: usize },
    /// Answer at once: the least a worker can do, to time starting one.
    Ping,
    /// Panic, as a worker with a bug would.
    Panic,
    /// Abort: die on the spot, without unwinding, as on a fatal signal.
    Abort,
}

/// What a worker answers: one line of JSON on its stdout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum Reply {
    Digest {
        sha256: String,
        len: usize,
        pid: u32,
    },
    Pong {
        pid: u32,
    },
}
// ANCHOR_END: protocol

// ANCHOR: serve
/// Reads one job from `input`, does it, and writes the reply to `output`.
pub fn serve(mut input: impl BufRead, mut output: impl Write) -> Result<()> {
    let mut line = String::new();
    input.read_line(&mut line)?;
    let job: Job =
        serde_json::from_str(&line).with_context(|| format!("not a job: {:?}", line.trim_end()))?;
    let reply = match job {
        Job::HashGenerated { seed, len } => digest_of(&deterministic_bytes(seed, len)),
        Job::HashFollowing { len } => {
            let mut bytes = vec![0; len];
            // From the same buffered reader: it may already hold the first of these bytes.
            input.read_exact(&mut bytes)?;
            digest_of(&bytes)
        }
        Job::Ping => Reply::Pong {
            pid: std::process::id(),
        },
        Job::Panic => panic!("worker {} was asked to panic", std::process::id()),
        Job::Abort => abort_without_a_core_file(),
    };
    serde_json::to_writer(&mut output, &reply)?;
    output.write_all(b"\n")?;
    output.flush()?;
    Ok(())
}
// ANCHOR_END: serve

fn digest_of(bytes: &[u8]) -> Reply {
    Reply::Digest {
        sha256: hex(sha256(bytes)),
        len: bytes.len(),
        pid: std::process::id(),
    }
}

/// `std::process::abort`, after making sure the system writes no core file: on machines set up
/// to keep one, it would land in the learner's working folder.
fn abort_without_a_core_file() -> ! {
    #[cfg(unix)]
    {
        let no_core_file = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: setrlimit only reads the struct we pass. Lowering a limit is always allowed.
        #[allow(unsafe_code)]
        unsafe {
            libc::setrlimit(libc::RLIMIT_CORE, &no_core_file);
        }
    }
    std::process::abort()
}

// ANCHOR: explain
/// What an exit status says about how a process ended.
pub fn explain(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return match code {
            0 => "exit code 0: success".to_string(),
            101 => "exit code 101: a Rust program whose main thread panicked; it unwound, \
                    ran its destructors and printed the panic on stderr"
                .to_string(),
            code => format!("exit code {code}: the program ended itself, reporting a failure"),
        };
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!(
                "killed by signal {signal} ({}): no exit code, no unwinding, no destructors",
                signal_name(signal)
            );
        }
    }
    format!("ended without an exit code ({status})")
}
// ANCHOR_END: explain

/// The usual name of a few signals a worker may die of.
#[cfg(unix)]
fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGABRT => "SIGABRT, it aborted",
        libc::SIGKILL => "SIGKILL, killed outright, as the out-of-memory killer does",
        libc::SIGSEGV => "SIGSEGV, it touched memory it may not",
        libc::SIGTERM => "SIGTERM, asked to stop",
        libc::SIGPIPE => "SIGPIPE, it wrote to a closed pipe",
        _ => "see `man 7 signal`",
    }
}

#[cfg(test)]
mod tests {
    //! The worker's side, in this process: `serve` reads from and writes to memory here, exactly
    //! as it reads stdin and writes stdout in a child. (Panic and abort are tested on real child
    //! processes, in tests/workers.rs.)
    use super::*;

    fn serve_bytes(input: &[u8]) -> Result<Reply> {
        let mut output = Vec::new();
        serve(input, &mut output)?;
        assert_eq!(output.last(), Some(&b'\n'), "a reply is one line");
        Ok(serde_json::from_slice(&output)?)
    }

    fn job_line(job: &Job) -> Vec<u8> {
        let mut line = serde_json::to_vec(job).expect("a job is JSON");
        line.push(b'\n');
        line
    }

    #[test]
    fn a_job_is_one_readable_line_of_json() {
        let job = Job::HashGenerated { seed: 3, len: 10 };
        assert_eq!(
            String::from_utf8(job_line(&job)).expect("text"),
            "{\"job\":\"hash_generated\",\"seed\":3,\"len\":10}\n"
        );
        assert_eq!(
            serde_json::to_string(&Job::Ping).expect("JSON"),
            "{\"job\":\"ping\"}"
        );
    }

    #[test]
    fn a_generated_buffer_is_hashed_where_it_is_built() {
        let reply =
            serve_bytes(&job_line(&Job::HashGenerated { seed: 3, len: 1000 })).expect("reply");
        let expected = hex(sha256(&deterministic_bytes(3, 1000)));
        assert_eq!(
            reply,
            Reply::Digest {
                sha256: expected,
                len: 1000,
                pid: std::process::id()
            }
        );
    }

    #[test]
    fn following_bytes_are_read_after_the_line() {
        let data = deterministic_bytes(9, 5000);
        let mut input = job_line(&Job::HashFollowing { len: data.len() });
        input.extend_from_slice(&data);
        let reply = serve_bytes(&input).expect("reply");
        assert!(
            matches!(reply, Reply::Digest { ref sha256, len: 5000, .. } if *sha256 == hex(super::sha256(&data))),
            "{reply:?}"
        );
    }

    #[test]
    fn missing_bytes_are_an_error_not_a_wrong_digest() {
        let mut input = job_line(&Job::HashFollowing { len: 100 });
        input.extend_from_slice(&[0; 10]);
        let error = serve_bytes(&input).expect_err("too few bytes");
        assert!(error.to_string().contains("fill whole buffer"), "{error}");
    }

    #[test]
    fn a_ping_answers_with_the_workers_pid() {
        let reply = serve_bytes(&job_line(&Job::Ping)).expect("reply");
        assert_eq!(
            reply,
            Reply::Pong {
                pid: std::process::id()
            }
        );
    }

    #[test]
    fn garbage_is_refused_with_what_was_read() {
        let error = serve_bytes(b"hello\n").expect_err("not JSON");
        assert!(
            error.to_string().starts_with("not a job: \"hello\""),
            "{error}"
        );
    }
}

#[cfg(all(test, unix))]
mod exit_status_tests {
    use std::os::unix::process::ExitStatusExt;

    use super::*;

    // A raw wait status, as the system reports it: the exit code sits in the second byte,
    // a signal in the low bits.
    fn exited_with(code: i32) -> ExitStatus {
        ExitStatus::from_raw(code << 8)
    }

    fn killed_by(signal: i32) -> ExitStatus {
        ExitStatus::from_raw(signal)
    }

    #[test]
    fn exit_codes_are_explained() {
        assert_eq!(explain(exited_with(0)), "exit code 0: success");
        assert!(explain(exited_with(101)).contains("panicked"));
        assert!(explain(exited_with(3)).starts_with("exit code 3: "));
    }

    #[test]
    fn signals_are_named() {
        assert_eq!(
            explain(killed_by(libc::SIGABRT)),
            "killed by signal 6 (SIGABRT, it aborted): no exit code, no unwinding, no destructors"
        );
        assert!(explain(killed_by(libc::SIGKILL)).contains("SIGKILL"));
        assert!(explain(killed_by(64)).contains("man 7 signal"));
    }
}
