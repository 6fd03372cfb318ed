//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use std::process::{Command, Output};

fn lesson(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lesson-timeouts"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run the lesson binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The printed sections, each as (heading, body).
fn sections(stdout: &str) -> Vec<(String, String)> {
    let mut sections = Vec::new();
    for chunk in stdout.split("\n── ").skip(1) {
        let (heading, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
        sections.push((heading.to_string(), body.to_string()));
    }
    sections
}

#[test]
fn quick_run_measures_every_section() {
    let output = lesson(&["--quick"]);
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        text(&output.stderr)
    );
    let sections = sections(&stdout);
    let numbers: Vec<&str> = sections
        .iter()
        .map(|(heading, _)| heading.split('.').next().unwrap_or(""))
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4"], "{stdout}");
    for (heading, body) in &sections {
        assert!(
            body.contains("  → "),
            "section {heading} printed no result:\n{body}"
        );
    }
    for claim in [
        "→ one limit for the batch: 0 of 10 answers kept, measured",
        "→ a limit for each call: 5 of 10 answers kept, measured",
        "→ cleanup ran at: measured",
        "→ from abort() to cleanup:",
        "→ the server saw the client leave after",
        "→ every job accounted for: yes, all 24",
        "→ all workers stopped after the signal: measured",
        "slow server: answered 200",
        "slow server: request timed out",
    ] {
        assert!(stdout.contains(claim), "missing {claim:?}:\n{stdout}");
    }
    // The no-answer socket can be staged on Linux; elsewhere the lesson says it was skipped.
    if cfg!(target_os = "linux") {
        assert!(stdout.contains("no answer: connect timed out"), "{stdout}");
    }
}

#[test]
fn one_section_runs_alone() {
    let output = lesson(&["--quick", "--section", "2"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(sections(&stdout).len(), 1, "{stdout}");
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--section", "5"][..], "5 is not in 1..=4"),
        (&["--timeout-ms", "5"][..], "5 is not in 20..=10000"),
        (&["--workers", "0"][..], "0 is not in 1..=16"),
        (&["--requests", "lots"][..], "invalid digit"),
    ] {
        let output = lesson(args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}
