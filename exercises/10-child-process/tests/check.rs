//! Typed outcomes of real child processes, run with `sh -c`.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use child_process::{Ending, Finished, RunError, run};

fn sh(script: &str) -> Result<Finished, RunError> {
    run("sh", &["-c", script])
}

#[test]
fn an_exit_code_and_both_streams_are_captured() {
    let finished = sh("echo to stdout; echo to stderr >&2; exit 3").expect("sh runs");
    assert_eq!(
        finished.ending,
        Ending::Exited(3),
        "`exit 3` ends the shell with exit code 3"
    );
    assert_eq!(
        finished.stdout, "to stdout\n",
        "what the child wrote to stdout"
    );
    assert_eq!(
        finished.stderr, "to stderr\n",
        "what the child wrote to stderr"
    );
    assert_eq!(
        sh("true").expect("sh runs").ending,
        Ending::Exited(0),
        "`true` ends with exit code 0"
    );
}

#[test]
fn a_child_killed_by_a_signal_has_no_exit_code() {
    let finished = sh("echo about to go; kill -KILL $$").expect("sh runs");
    assert_eq!(
        finished.ending,
        Ending::Killed { signal: 9 },
        "the shell killed itself with SIGKILL (signal 9), so it has no exit code: when \
         `ExitStatus::code()` is None, `ExitStatusExt::signal()` says which signal ended it"
    );
    assert_eq!(
        finished.stdout, "about to go\n",
        "what it wrote before it died is kept"
    );
}

#[test]
fn a_missing_program_is_not_found() {
    match run("no-such-program-in-this-course", &["--help"]) {
        Err(RunError::NotFound { program }) => {
            assert_eq!(
                program, "no-such-program-in-this-course",
                "RunError::NotFound names the program that was not found"
            )
        }
        other => panic!(
            "running a program that does not exist gave {other:?}; expected \
             RunError::NotFound: `spawn` fails with an io::Error whose kind() is \
             io::ErrorKind::NotFound"
        ),
    }
}

#[test]
fn megabytes_on_both_pipes_do_not_deadlock() {
    const MEGABYTES: usize = 1;
    // Writing and reading 2 MiB through pipes takes milliseconds.
    const PATIENCE: Duration = Duration::from_millis(500);
    // A megabyte to stderr first, then one to stdout: sixteen times what a pipe holds.
    let script = format!(
        "head -c {n} /dev/zero | tr '\\0' e >&2; head -c {n} /dev/zero | tr '\\0' o",
        n = MEGABYTES << 20
    );
    let (done, finished) = mpsc::channel();
    // On a thread of its own, so that a deadlock fails this check instead of hanging it.
    thread::spawn(move || {
        // If the check gave up waiting, nobody listens any more; that is fine.
        let _ = done.send(sh(&script));
    });
    let finished = finished
        .recv_timeout(PATIENCE)
        .unwrap_or_else(|_| {
            panic!(
                "run did not return within {:?} for a child that writes {MEGABYTES} MiB to each \
                 of stderr and stdout (it takes milliseconds): a deadlock.\nThe child \
                 blocks when a pipe is full (64 KiB) until someone reads it; waiting for the \
                 child first, or reading stdout to the end before stderr, means nobody does.\n\
                 Read both while the child runs: `Command::output` does",
                PATIENCE
            )
        })
        .expect("sh runs");
    assert_eq!(finished.ending, Ending::Exited(0), "the child ends well");
    assert_eq!(
        finished.stdout.len(),
        MEGABYTES << 20,
        "stdout's length: every byte the child wrote"
    );
    assert_eq!(
        finished.stderr.len(),
        MEGABYTES << 20,
        "stderr's length: every byte the child wrote"
    );
    assert!(
        finished.stdout.bytes().all(|byte| byte == b'o'),
        "stdout holds what the child wrote to stdout, and only that"
    );
    assert!(
        finished.stderr.bytes().all(|byte| byte == b'e'),
        "stderr holds what the child wrote to stderr, and only that"
    );
}
