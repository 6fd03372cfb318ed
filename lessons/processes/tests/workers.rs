//! The worker protocol against the real binary: a child process per test, started exactly as the
//! lesson starts its workers.

use std::path::Path;

use lesson_kit::data::{deterministic_bytes, hex, sha256};
use lesson_processes::child_processes::{finish_worker, run_worker, start_worker};
use lesson_processes::isolation::run_and_report;
use lesson_processes::start_cost::start_a_process;
use lesson_processes::worker::{Job, Reply, explain};

fn lesson_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_lesson-processes"))
}

fn digest(reply: &Reply) -> &str {
    match reply {
        Reply::Digest { sha256, .. } => sha256,
        other => panic!("expected a digest, got {other:?}"),
    }
}

#[test]
fn a_worker_hashes_a_buffer_it_builds_itself() {
    let reply = run_worker(
        lesson_binary(),
        &Job::HashGenerated { seed: 5, len: 4096 },
        &[],
    )
    .expect("a reply");
    assert_eq!(digest(&reply), hex(sha256(&deterministic_bytes(5, 4096))));
    // It really was another process.
    assert!(matches!(reply, Reply::Digest { pid, .. } if pid != std::process::id()));
}

#[test]
fn a_worker_hashes_the_bytes_it_is_sent() {
    let data = deterministic_bytes(8, 300_000); // more than a pipe holds at once
    let reply = run_worker(
        lesson_binary(),
        &Job::HashFollowing { len: data.len() },
        &data,
    )
    .expect("a reply");
    assert_eq!(digest(&reply), hex(sha256(&data)));
}

#[test]
fn too_few_bytes_make_a_clear_error() {
    let error = run_worker(
        lesson_binary(),
        &Job::HashFollowing { len: 100 },
        &[1, 2, 3],
    )
    .expect_err("the worker can't hash bytes it never got");
    let message = error.to_string();
    assert!(message.contains("exit code 1"), "{message}");
    assert!(
        message.contains("error: failed to fill whole buffer"),
        "{message}"
    );
}

#[test]
fn a_panicking_worker_exits_with_101_and_says_why() {
    let finished = finish_worker(start_worker(lesson_binary(), &Job::Panic, &[]).expect("start"))
        .expect("finish");
    assert_eq!(finished.status.code(), Some(101));
    assert!(
        finished.stderr.contains("was asked to panic"),
        "{}",
        finished.stderr
    );
    assert!(finished.stdout.is_empty());
    assert!(explain(finished.status).starts_with("exit code 101"));
}

#[cfg(unix)]
#[test]
fn an_aborting_worker_is_killed_by_sigabrt() {
    use std::os::unix::process::ExitStatusExt;

    let finished = finish_worker(start_worker(lesson_binary(), &Job::Abort, &[]).expect("start"))
        .expect("finish");
    assert_eq!(finished.status.code(), None);
    assert_eq!(finished.status.signal(), Some(libc::SIGABRT));
    assert!(
        !finished.status.core_dumped(),
        "the worker turns core files off first"
    );
}

#[test]
fn the_parent_survives_every_ending_and_reports_it() {
    let (panicked, last_words) = run_and_report(lesson_binary(), &Job::Panic).expect("report");
    assert!(panicked.contains("101"), "{panicked}");
    let last_words = last_words.expect("a panic leaves a message");
    assert!(last_words.contains("panicked at"), "{last_words}");
    let (aborted, _) = run_and_report(lesson_binary(), &Job::Abort).expect("report");
    assert!(
        aborted.contains("signal") || aborted.contains("exit code"),
        "{aborted}"
    );
    let (fine, nothing) = run_and_report(lesson_binary(), &Job::Ping).expect("report");
    assert_eq!((fine.as_str(), nothing), ("exit code 0: success", None));
}

#[test]
fn starting_a_process_is_timed() {
    let took = start_a_process(lesson_binary()).expect("a ping");
    assert!(!took.is_zero());
}
