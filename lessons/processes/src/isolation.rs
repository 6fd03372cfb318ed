//! Section 4: what processes buy. Isolation.
//!
//! A thread that panics is contained too: its `JoinHandle::join` returns `Err` and the program
//! carries on. But some failures take a whole process down at once, every thread with it:
//! `std::process::abort`, a crash in C code called through FFI, the kernel killing a process that
//! ran out of memory, or any panic in a program built with `panic = "abort"`. Only a process
//! boundary contains those. The parent survives, and learns how its child ended from the exit
//! status the operating system keeps for it:
//!
//! - an *exit code* when the child ended itself: 0 for success, anything else for failure, and
//!   101 when a Rust program's main thread panicked (after unwinding and printing the message);
//! - on Unix, a *signal* when something ended it from outside or it aborted: 6 is SIGABRT, 9 is
//!   SIGKILL (the out-of-memory killer's), 11 is SIGSEGV (a crash). There is no exit code then.

use std::path::Path;
use std::process::ExitStatus;

use lesson_kit::{LessonResult, narrate};

use crate::child_processes::{finish_worker, start_worker};
use crate::worker::Job;

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

// ANCHOR: survive
/// Runs `job` in a worker and reports how the worker ended: whatever it does, this returns.
pub fn run_and_report(program: &Path, job: &Job) -> LessonResult<(String, Option<String>)> {
    let child = start_worker(program, job, &[])?;
    let finished = finish_worker(child)?;
    let last_words: Vec<&str> = finished
        .stderr
        .lines()
        .filter(|line| !line.trim().is_empty())
        .take(2)
        .collect();
    let last_words = last_words.join(" / ");
    Ok((
        explain(finished.status),
        (!last_words.is_empty()).then_some(last_words),
    ))
}
// ANCHOR_END: survive

pub fn demo(program: &Path) -> LessonResult {
    narrate::section(4, "What processes buy: isolation");
    narrate::claim(
        "A worker that panics or aborts ends only itself: this process reads its exit status, \
         explains it, and carries on.",
    );
    narrate::python(
        "multiprocessing's Process.exitcode (1 after an exception, -6 after SIGABRT), and \
         concurrent.futures' BrokenProcessPool when a pool's worker dies.",
    );
    narrate::code(include_str!("isolation.rs"), "survive");
    narrate::code(include_str!("isolation.rs"), "explain");
    for (what, job) in [
        ("a worker that panics", Job::Panic),
        ("a worker that aborts", Job::Abort),
        ("then a healthy one", Job::Ping),
    ] {
        let (ending, last_words) = run_and_report(program, &job)?;
        narrate::result(what, ending);
        if let Some(last_words) = last_words {
            println!("      its stderr: {last_words}");
        }
    }
    narrate::result(
        "this process",
        format!(
            "still running (pid {}), after two of its children died",
            std::process::id()
        ),
    );
    narrate::say(
        "Inside one process the abort would have ended everything, mid-work. Between \
         processes it is just a status to read, and a job to retry or report.",
    );
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
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
