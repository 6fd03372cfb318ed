//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use std::process::{Command, Output};

fn lesson(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lesson-async"))
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
    assert_eq!(numbers, ["1", "2", "3", "4", "5"], "{stdout}");
    for (heading, body) in &sections {
        assert!(
            body.contains("  → "),
            "section {heading} printed no result:\n{body}"
        );
    }
    for claim in [
        "→ one by one: measured",
        "→ together: measured",
        "→ wall time: measured",
    ] {
        assert!(stdout.contains(claim), "missing {claim:?}:\n{stdout}");
    }
    assert!(
        stdout.contains("→ peak in flight, seen by the server: 100"),
        "{stdout}"
    );
}

#[test]
fn one_section_runs_alone() {
    let output = lesson(&["--quick", "--section", "1"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success());
    assert_eq!(sections(&stdout).len(), 1, "{stdout}");
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
        let output = lesson(args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn an_unreachable_url_is_an_error_not_a_crash() {
    // Nothing listens on port 1 of this machine, so the connection is refused at once.
    let output = lesson(&["--section", "4", "--url", "http://127.0.0.1:1/"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: cannot reach http://127.0.0.1:1/"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
