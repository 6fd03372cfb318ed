//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use lesson_kit::smoke::{self, assert_every_section_measured, assert_refused};

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-blocking");

#[test]
fn quick_run_measures_every_section() {
    let output = smoke::run(LESSON, &["--quick"]);
    let stdout = output.stdout.clone();
    let stderr = output.stderr.clone();
    assert!(output.status.success(), "{stdout}\n{stderr}");
    // The panics of section 4 are expected, caught and printed by the lesson, not by Rust.
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_every_section_measured(&stdout, &["1", "2", "3", "4"]);
    for claim in [
        // Section 1: no tick can run while the only thread sleeps. (The counts are exact; the
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
    ] {
        assert!(stdout.contains(claim), "missing {claim:?}:\n{stdout}");
    }
}

#[test]
fn one_section_runs_alone() {
    let output = smoke::run(LESSON, &["--quick", "--section", "4"]);
    let stdout = output.stdout.clone();
    assert!(output.status.success(), "{}", output.stderr.clone());
    assert_eq!(smoke::sections(&stdout).len(), 1, "{stdout}");
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--section", "0"][..], "0 is not in 1..=4"),
        (&["--period-ms", "0"][..], "0 is not in 1..=1000"),
        (&["--jobs", "100"][..], "100 is not in 1..=64"),
        (&["--job-mib", "a lot"][..], "invalid digit"),
    ] {
        assert_refused(&smoke::run(LESSON, args), expected);
    }
}
