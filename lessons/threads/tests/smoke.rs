//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use lesson_kit::smoke::{self, assert_every_section_measured, assert_refused};

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-threads");

#[test]
fn quick_run_measures_every_section() {
    let output = smoke::run(LESSON, &["--quick"]);
    let stdout = output.stdout.clone();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        output.stderr.clone()
    );
    assert_every_section_measured(&stdout, &["1", "2", "3", "4"]);
    for claim in [
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
    ] {
        assert!(stdout.contains(claim), "missing {claim:?}:\n{stdout}");
    }
}

#[test]
fn one_section_runs_alone() {
    let output = smoke::run(LESSON, &["--quick", "--section", "4", "--threads", "3"]);
    let stdout = output.stdout.clone();
    assert!(output.status.success(), "{}", output.stderr.clone());
    assert_eq!(smoke::sections(&stdout).len(), 1, "{stdout}");
    assert!(stdout.contains("total 300000 (exact)"), "{stdout}");
}

#[test]
fn sizing_flags_change_the_work() {
    let output = smoke::run(
        LESSON,
        &[
            "--section",
            "2",
            "--requests",
            "12",
            "--workers",
            "4",
            "--delay-ms",
            "20",
        ],
    );
    let stdout = output.stdout.clone();
    assert!(output.status.success(), "{}", output.stderr.clone());
    assert!(
        stdout.contains("12 requests on a pool of 4 threads"),
        "{stdout}"
    );
    assert!(stdout.contains("→ 4 workers: measured"), "{stdout}");
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--section", "5"][..], "5 is not in 1..=4"),
        (&["--workers", "0"][..], "0 is not in 1..=2000"),
        (&["--megabytes", "0"][..], "0 is not in 1..=4096"),
        (&["--threads", "many"][..], "invalid digit"),
        (&["--requests", "-3"][..], "unexpected argument"),
    ] {
        assert_refused(&smoke::run(LESSON, args), expected);
    }
}
