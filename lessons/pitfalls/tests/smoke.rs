//! Runs the lesson as a learner would, quickly, and checks that every section showed its pitfall
//! and its fix.

use std::process::{Command, Output};

fn lesson(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lesson-pitfalls"))
        .args(args)
        .env("NO_COLOR", "1")
        // Section 5's panic prints one line to stderr, not a backtrace.
        .env_remove("RUST_BACKTRACE")
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
fn quick_run_shows_every_pitfall_and_its_fix() {
    let output = lesson(&["--quick"]);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let sections = sections(&stdout);
    let numbers: Vec<&str> = sections
        .iter()
        .map(|(heading, _)| heading.split('.').next().unwrap_or(""))
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "5", "6", "7"], "{stdout}");
    for (heading, body) in &sections {
        assert!(
            body.contains("  → "),
            "section {heading} printed no result:\n{body}"
        );
    }
    for claim in [
        "→ reminders sent without the .await: 0",
        "→ reminders sent with the .await: 1",
        "futures do nothing unless you `.await` or poll them",
        "→ the heartbeat's longest gap: measured",
        "is not implemented for `std::sync::MutexGuard<'_, u64>`",
        "→ fix 1, lock only for the update: total 10 of 10",
        "→ scoped the wrong way: total 1 of 10: 9 updates lost",
        "→ fix 2, tokio::sync::Mutex held across the call: total 10 of 10",
        "→ client per request: 100 connections, 0 failed",
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
    let output = lesson(&["--quick", "--section", "6"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(sections(&stdout).len(), 1, "{stdout}");
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--section", "8"][..], "8 is not in 1..=7"),
        (&["--concurrency", "0"][..], "0 is not in 1..=200"),
        (&["--readings", "0"][..], "0 is not in 1..=5000000"),
        (&["--tasks", "ten"][..], "invalid digit"),
    ] {
        let output = lesson(args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}
