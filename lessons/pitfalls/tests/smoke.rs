//! Runs the lesson as a learner would, quickly, and checks that every section showed its pitfall
//! and its fix.

use lesson_kit::smoke::{self, assert_refused};
use lesson_pitfalls::SECTIONS;

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-pitfalls");

#[test]
fn quick_run_shows_every_pitfall_and_its_fix() {
    let run = smoke::run(LESSON, &["--quick"]);
    run.assert_success()
        .assert_every_section_measured(SECTIONS)
        .assert_printed(&[
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
            "→ any error restarts: how it ended: gave up on a worker that failed 4 times in a row",
            "→ telling them apart: workers started after the shutdown: 0\n",
            "→ telling them apart: how it ended: shut down when asked",
            "is not implemented for `Rc<Config>`",
            "→ an Rc held across .await: refused at compile time: the future is not Send",
            "→ tasks that resumed on another thread after their .await: ",
        ]);
    // The panic of "Failures that vanish" leaves its trace on stderr, as the lesson says it does.
    assert!(
        run.stderr.contains("prices are whole numbers of cents"),
        "{}",
        run.stderr
    );
}

#[test]
fn one_section_runs_alone() {
    smoke::run_section(
        LESSON,
        SECTIONS,
        "A select! loop that loses data",
        &["--quick"],
    );
}

#[test]
fn the_section_flags_follow_the_list_of_sections() {
    smoke::assert_section_flags(LESSON, SECTIONS);
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--requests", "0"][..], "0 is not in 1..=10000"),
        (&["--readings", "0"][..], "0 is not in 1..=5000000"),
        (&["--tasks", "ten"][..], "invalid digit"),
    ] {
        assert_refused(&smoke::run(LESSON, args), expected);
    }
}
