//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use lesson_async::SECTIONS;
use lesson_kit::smoke::{self, assert_refused, number_after};

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-async");

#[test]
fn quick_run_measures_every_section() {
    let run = smoke::run(LESSON, &["--quick"]);
    run.assert_success()
        .assert_every_section_measured(SECTIONS)
        .assert_printed(&[
            "→ one by one: measured",
            "→ together: measured",
            "→ wall time: measured",
            // Every task of the quick run's 1000 had reached its wait before memory was read.
            "→ tasks at their wait when memory was measured: 1000 of 1000\n",
        ]);
    // A bound, not an exact figure: how many of the 100 allowed are in flight at the busiest
    // instant depends on how fast this machine sends, but it is never more than 100.
    let peak = number_after(&run.stdout, "→ peak in flight, seen by the server: ");
    assert!((1..=100).contains(&peak), "{}", run.stdout);
}

#[test]
fn one_section_runs_alone() {
    smoke::run_section(LESSON, SECTIONS, "Futures are lazy", &["--quick"]);
}

#[test]
fn the_section_flags_follow_the_list_of_sections() {
    smoke::assert_section_flags(LESSON, SECTIONS);
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--concurrency", "0"][..], "0 is not in 1..=10000"),
        (&["--url", "ftp://example.com"][..], "is not http or https"),
        (&["--url", "not a url"][..], "not a URL"),
        (&["--requests", "many"][..], "invalid digit"),
    ] {
        assert_refused(&smoke::run(LESSON, args), expected);
    }
}

#[test]
fn an_unreachable_url_is_an_error_not_a_crash() {
    // Nothing listens on port 1 of this machine, so the connection is refused at once.
    let http = smoke::section_number(
        SECTIONS,
        "Async HTTP: many requests in flight on one thread",
    );
    let run = smoke::run(
        LESSON,
        &[
            "--section",
            &http.to_string(),
            "--url",
            "http://127.0.0.1:1/",
        ],
    );
    assert_eq!(run.status.code(), Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: cannot reach http://127.0.0.1:1/"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}
