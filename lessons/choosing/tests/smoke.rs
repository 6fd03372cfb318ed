//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use lesson_choosing::SECTIONS;
use lesson_kit::smoke::{self, assert_refused};

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-choosing");

#[test]
fn quick_run_measures_every_section() {
    // What the figures say is this machine's business: the test checks that each was measured.
    smoke::run(LESSON, &["--quick"])
        .assert_success()
        .assert_every_section_measured(SECTIONS)
        .assert_printed(&[
            "→ a task on a started runtime (spawn, await): ",
            "→ a process (this program, started, exited, waited for): ",
            "→ the dearest, as a share of one call's wait: ",
            "→ 1 call: one by one: measured",
            "→ 4 calls: async: measured",
            "→ 2 calls: async against one by one: ",
            "→ 2 calls of 10 ms: async: ",
            "→ break-even wait: ",
            "→ the rule: at once when (calls - 1) × wait per call > ",
            "→ 16.0 MiB: in turn ",
            "→ smallest work worth splitting: ",
        ]);
}

#[test]
fn one_section_runs_alone_with_its_flags() {
    let title = "One call, two, a few: sequential or concurrent";
    smoke::run_section(
        LESSON,
        SECTIONS,
        title,
        &["--rounds", "1", "--delay-ms", "5"],
    )
    .assert_printed(&["each way's median over 1 rounds", "/delay/5"]);
}

#[test]
fn the_section_flags_follow_the_list_of_sections() {
    smoke::assert_section_flags(LESSON, SECTIONS);
}

#[test]
fn the_hidden_flag_exits_at_once_and_is_hidden() {
    let run = smoke::run(LESSON, &["--exit-at-once"]);
    run.assert_success();
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let help = smoke::run(LESSON, &["--help"]).stdout;
    assert!(!help.contains("exit-at-once"), "{help}");
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--rounds", "0"][..], "0 is not in 1..=100"),
        (&["--starts", "lots"][..], "invalid digit"),
        (&["--delay-ms", "20000"][..], "20000 is not in 0..=10000"),
    ] {
        assert_refused(&smoke::run(LESSON, args), expected);
    }
}
