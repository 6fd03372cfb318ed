//! Runs the lesson as a learner would, quickly, and checks that every section showed its pitfall
//! and its fix.

use lesson_kit::smoke::{self, assert_every_section_measured, assert_refused};

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-pitfalls");

#[test]
fn quick_run_shows_every_pitfall_and_its_fix() {
    let output = smoke::run(LESSON, &["--quick"]);
    let stdout = output.stdout.clone();
    let stderr = output.stderr.clone();
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert_every_section_measured(&stdout, &["1", "2", "3", "4", "5", "6", "7"]);
    for claim in [
        "→ reminders sent without the .await: 0",
        "→ reminders sent with the .await: 1",
        "futures do nothing unless you `.await` or poll them",
        "→ the heartbeat's longest gap: measured",
        "is not implemented for `std::sync::MutexGuard<'_, u64>`",
        "→ fix 1, lock only for the update: total 10 of 10",
        "→ scoped the wrong way: total 1 of 10: 9 updates lost",
        "→ fix 2, tokio::sync::Mutex held across the call: total 10 of 10",
        "→ client per request: 100 connections for 100 requests, 0 failed",
        "→ one shared client: 1 connection for 100 requests, 0 failed",
        "runtime dropped the dispatch task",
        "→ a client of each runtime's own: succeeded",
        "→ total, panics ignored: 4493 cents",
        "→ total, checked: error: a task panicked",
        "→ succeeded, says the flattening version: 18 of 20",
        "→ succeeded, checked: 16 of 20",
        "→ read_line in select!: 0 of 4 readings intact",
        "→ next_line in select!: 4 of 4 readings intact, 0 bytes lost",
        "→ clock paused: TIMED OUT",
        "→ real clock: answered",
    ] {
        assert!(stdout.contains(claim), "missing {claim:?}:\n{stdout}");
    }
    // The panic of section 5 leaves its trace on stderr, as the lesson says it does.
    assert!(
        stderr.contains("prices are whole numbers of cents"),
        "{stderr}"
    );
}

#[test]
fn one_section_runs_alone() {
    let output = smoke::run(LESSON, &["--quick", "--section", "6"]);
    let stdout = output.stdout.clone();
    assert!(output.status.success(), "{}", output.stderr.clone());
    assert_eq!(smoke::sections(&stdout).len(), 1, "{stdout}");
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--section", "8"][..], "8 is not in 1..=7"),
        (&["--requests", "0"][..], "0 is not in 1..=10000"),
        (&["--readings", "0"][..], "0 is not in 1..=5000000"),
        (&["--tasks", "ten"][..], "invalid digit"),
    ] {
        assert_refused(&smoke::run(LESSON, args), expected);
    }
}
