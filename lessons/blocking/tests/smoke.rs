//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use lesson_blocking::SECTIONS;
use lesson_kit::smoke::{self, assert_refused};

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-blocking");

#[test]
fn quick_run_measures_every_section() {
    let run = smoke::run(LESSON, &["--quick"]);
    run.assert_success()
        .assert_every_section_measured(SECTIONS)
        .assert_printed(&[
            // The stall: no tick can run while the only thread sleeps. (The counts are exact; the
            // gaps, being timings, are only printed.)
            "→ std::thread::sleep in a task: heartbeat ticks while it ran: 0 in ",
            "→ SHA-256 in a task: heartbeat ticks while it ran: 0 in ",
            "→ std::thread::sleep in spawn_blocking: heartbeat: longest gap",
            "→ rayon: threads that ran a job: ",
            "→ spawn_blocking: wall time: measured",
            "→ SyncClient::get_status called from plain main: 20 of 20 succeeded",
            "→ connections it opened, seen by the server: 1\n",
            "→ block_on inside async code: caught panic: Cannot start a runtime from within a runtime",
            "→ dropping a runtime inside async code: caught panic: Cannot drop a runtime",
            "→ the sync client in spawn_blocking: no panic, returned 200",
        ]);
    // One blocked worker strands the task it just spawned: certain, not a race (the task waits
    // in that worker's LIFO slot, which idle workers cannot steal from).
    let stranded = run
        .stdout
        .lines()
        .find(|line| line.contains("→ spawn, then std::thread::sleep: the task first ran after"))
        .unwrap_or_default();
    assert!(
        stranded.contains("once the slow part had ended"),
        "{}",
        run.stdout
    );
    // The panics of the last section are expected, caught and printed by the lesson, not by Rust.
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn one_section_runs_alone() {
    let title = "The other direction: async called from sync code";
    smoke::run_section(LESSON, SECTIONS, title, &["--quick"]);
}

#[test]
fn the_section_flags_follow_the_list_of_sections() {
    smoke::assert_section_flags(LESSON, SECTIONS);
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--period-ms", "0"][..], "0 is not in 1..=1000"),
        (&["--jobs", "100"][..], "100 is not in 1..=64"),
        (&["--job-mib", "a lot"][..], "invalid digit"),
    ] {
        assert_refused(&smoke::run(LESSON, args), expected);
    }
}
