//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use lesson_kit::smoke::{self, assert_refused};
use lesson_threads::SECTIONS;

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-threads");

#[test]
fn quick_run_measures_every_section() {
    smoke::run(LESSON, &["--quick"])
        .assert_success()
        .assert_every_section_measured(SECTIONS)
        .assert_printed(&[
            "→ three waits on three threads: measured",
            "→ 5 one by one: measured",
            "→ 10 workers: measured",
            "→ 50 workers: measured",
            "→ peak in flight, seen by the server: 10\n",
            "→ speed-up: ",
            "→ same digests both ways: yes",
            "→ a lock per item: total 200000 (exact)",
            "→ a channel: total 200000 (exact)",
            "refused at compile time: error[E0277]: `Rc<u64>` cannot be sent between threads safely",
            "refused at compile time: error[E0373]: closure may outlive the current function",
            "→ fetch_add, Relaxed: total 200000 (exact)",
            "→ fetch_add, SeqCst: total 200000 (exact)",
            "→ updates lost by load-then-store: ",
            "→ the answer handed over with Release and Acquire: 42 (as sent)",
            "→ locks in the order of the call: rounds stuck: ",
            "→ locks in account order: rounds stuck: 0 of 5\n",
            "→ money in the two accounts afterwards: 2000 ",
            "→ unbounded: most chunks queued: ",
            "→ bounded(8): most chunks queued: ",
            "→ chunks consumed, both ways: 60 and 60 of 60\n",
        ]);
}

#[test]
fn atomics_run_alone_and_one_thread_loses_nothing() {
    let title = "Atomics: a counter without a lock";
    // One thread alone has nobody to come between its load and its store.
    smoke::run_section(LESSON, SECTIONS, title, &["--quick", "--threads", "1"]).assert_printed(&[
        "→ load, then store: total 100000 (exact)",
        "→ updates lost by load-then-store: 0 of 100000\n",
    ]);
}

#[test]
fn the_no_gil_section_cuts_several_pieces_per_thread() {
    let title = "No GIL: CPU-bound work on every core";
    smoke::run_section(LESSON, SECTIONS, title, &["--quick", "--threads", "3"])
        .assert_printed(&["24 buffers of ", "→ same digests both ways: yes"]);
}

#[test]
fn one_section_runs_alone() {
    let title = "Shared state: Arc<Mutex<_>> and channels";
    smoke::run_section(LESSON, SECTIONS, title, &["--quick", "--threads", "3"])
        .assert_printed(&["total 300000 (exact)"]);
}

#[test]
fn sizing_flags_change_the_work() {
    let title = "A worker pool for blocking I/O";
    let flags = ["--requests", "12", "--workers", "4", "--delay-ms", "20"];
    smoke::run_section(LESSON, SECTIONS, title, &flags).assert_printed(&[
        "12 requests on a pool of 4 threads",
        "→ 4 workers: measured",
    ]);
}

#[test]
fn the_section_flags_follow_the_list_of_sections() {
    smoke::assert_section_flags(LESSON, SECTIONS);
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--workers", "0"][..], "0 is not in 1..=2000"),
        (&["--megabytes", "0"][..], "0 is not in 1..=4096"),
        (&["--threads", "many"][..], "invalid digit"),
        (&["--requests", "-3"][..], "unexpected argument"),
    ] {
        assert_refused(&smoke::run(LESSON, args), expected);
    }
}
