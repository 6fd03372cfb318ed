//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use std::process::{Command, Output};

fn lesson(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lesson-threads"))
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
    let output = lesson(&["--quick", "--section", "4", "--threads", "3"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(sections(&stdout).len(), 1, "{stdout}");
    assert!(stdout.contains("total 300000 (exact)"), "{stdout}");
}

#[test]
fn sizing_flags_change_the_work() {
    let output = lesson(&[
        "--section",
        "2",
        "--requests",
        "12",
        "--workers",
        "4",
        "--delay-ms",
        "20",
    ]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
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
        let output = lesson(args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}
