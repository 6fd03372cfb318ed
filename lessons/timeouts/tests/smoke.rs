//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use lesson_kit::smoke::{self, assert_refused};
use lesson_timeouts::SECTIONS;

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-timeouts");

#[test]
fn quick_run_measures_every_section() {
    let run = smoke::run(LESSON, &["--quick"]);
    run.assert_success()
        .assert_every_section_measured(SECTIONS)
        .assert_printed(&[
            "→ one limit for the batch: 0 of 10 answers kept, measured",
            "→ a limit for each call: 5 of 10 answers kept, measured",
            "→ cleanup ran at: measured",
            "→ from abort() to cleanup:",
            "→ the server saw the client leave after",
            "→ every job accounted for: yes, all 24",
            "→ all workers stopped after the signal: measured",
            "slow server: answered 200",
            "slow server: request timed out",
        ]);
    // The no-answer socket can be staged on Linux; elsewhere the lesson says it was skipped.
    if cfg!(target_os = "linux") {
        run.assert_printed(&["no answer: connect timed out"]);
    }
}

#[test]
fn one_section_runs_alone() {
    let title = "Cancelling is dropping; cleanup goes in Drop";
    smoke::run_section(LESSON, SECTIONS, title, &["--quick"]);
}

#[test]
fn the_section_flags_follow_the_list_of_sections() {
    smoke::assert_section_flags(LESSON, SECTIONS);
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--timeout-ms", "5"][..], "5 is not in 20..=10000"),
        (&["--workers", "0"][..], "0 is not in 1..=16"),
        (&["--requests", "lots"][..], "invalid digit"),
    ] {
        assert_refused(&smoke::run(LESSON, args), expected);
    }
}
