//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use lesson_kit::smoke::{self, assert_every_section_measured, assert_refused, number_after};

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-async");

#[test]
fn quick_run_measures_every_section() {
    let output = smoke::run(LESSON, &["--quick"]);
    let stdout = output.stdout.clone();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        output.stderr.clone()
    );
    assert_every_section_measured(&stdout, &["1", "2", "3", "4", "5"]);
    for claim in [
        "→ one by one: measured",
        "→ together: measured",
        "→ wall time: measured",
    ] {
        assert!(stdout.contains(claim), "missing {claim:?}:\n{stdout}");
    }
    // A bound, not an exact figure: how many of the 100 allowed are in flight at the busiest
    // instant depends on how fast this machine sends, but it is never more than 100.
    let peak = number_after(&stdout, "→ peak in flight, seen by the server: ");
    assert!((1..=100).contains(&peak), "{stdout}");
}

#[test]
fn one_section_runs_alone() {
    let output = smoke::run(LESSON, &["--quick", "--section", "1"]);
    let stdout = output.stdout.clone();
    assert!(output.status.success());
    assert_eq!(smoke::sections(&stdout).len(), 1, "{stdout}");
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--section", "9"][..], "9 is not in 1..=5"),
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
    let output = smoke::run(LESSON, &["--section", "4", "--url", "http://127.0.0.1:1/"]);
    let stderr = output.stderr.clone();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: cannot reach http://127.0.0.1:1/"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
