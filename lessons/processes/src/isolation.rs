//! What processes buy. Isolation.
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
//!
//! [`crate::worker::explain`] puts a status into words.

use std::path::Path;

use anyhow::Result;
use lesson_kit::narrate;

use crate::child_processes::{finish_worker, start_worker};
use crate::worker::{Job, explain};

// ANCHOR: survive
/// Runs `job` in a worker and reports how the worker ended: whatever it does, this returns.
pub fn run_and_report(program: &Path, job: &Job) -> Result<(String, Option<String>)> {
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

pub fn demo(program: &Path) -> Result<()> {
    narrate::claim(
        "A worker that panics or aborts ends only itself: this process reads its exit status, \
         explains it, and carries on.",
    );
    narrate::python(
        "multiprocessing's Process.exitcode (1 after an exception, -6 after SIGABRT), and \
         concurrent.futures' BrokenProcessPool when a pool's worker dies.",
    );
    narrate::code(include_str!("isolation.rs"), "survive");
    narrate::code(include_str!("worker.rs"), "explain");
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
