//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use std::process::{Command, Output};

fn lesson(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lesson-blocking"))
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
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    // The panics of section 4 are expected, caught and printed by the lesson, not by Rust.
    assert!(!stderr.contains("panicked"), "{stderr}");
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
    let output = lesson(&["--quick", "--section", "4"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(sections(&stdout).len(), 1, "{stdout}");
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--section", "0"][..], "0 is not in 1..=4"),
        (&["--period-ms", "0"][..], "0 is not in 1..=1000"),
        (&["--jobs", "100"][..], "100 is not in 1..=64"),
        (&["--job-mib", "a lot"][..], "invalid digit"),
    ] {
        let output = lesson(args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}
