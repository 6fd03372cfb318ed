//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use std::path::Path;
use std::process::Command;

use lesson_kit::smoke::{self, assert_refused, number_after};
use lesson_processes::SECTIONS;

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-processes");

#[test]
fn quick_run_measures_every_section() {
    let run = smoke::run(LESSON, &["--quick"]);
    run.assert_success()
        .assert_every_section_measured(SECTIONS)
        .assert_printed(&[
            "→ par_iter: measured",
            "→ same digests both ways: yes",
            "→ the same digest as this process computes: yes",
            "→ hashed in a worker, data piped in: measured",
            "→ a process (start, ping, exit), median of 30",
            "→ a task (spawn, await), median of 30",
            "→ a worker that panics: exit code 101",
            "→ then a healthy one: exit code 0: success",
            "→ this process: still running",
        ]);
    let stdout = &run.stdout;
    // Enough pieces: the figures are this machine's; that they were measured is what is checked.
    let balance = smoke::section(stdout, "Enough pieces to balance every core").body;
    for label in [
        "→ one core alone: ",
        "→ measured capacity: every core at once: ",
        "→ rayon, one piece per thread: ",
        "→ rayon, 16 pieces per thread: ",
    ] {
        assert!(balance.contains(label), "missing {label:?}:\n{balance}");
    }
    // hash_file: every file written is hashed right, the two bad paths are reported, and the
    // folder is gone afterwards.
    let files = smoke::section(stdout, "The original's hash_file: rayon over file paths").body;
    let written = number_after(&files, "→ digests equal to those of the bytes written: ");
    let hashed = number_after(&files, "→ hashed: ");
    assert!(written > 0 && hashed == written, "{files}");
    assert!(
        files.contains(&format!("→ hashed: {hashed} of {} paths", hashed + 2)),
        "{files}"
    );
    for bad in [
        "→ missing.bin: not hashed: ",
        "→ a-folder.bin: not hashed: ",
    ] {
        assert!(files.contains(bad), "missing {bad:?}:\n{files}");
    }
    let folder = files
        .split_whitespace()
        .find(|word| word.contains("lesson-processes-files-"))
        .unwrap_or_else(|| panic!("no folder named in:\n{files}"));
    assert!(!Path::new(folder).exists(), "{folder} was left behind");
    for disagreement in ["both ways: NO", "computes: NO", "every core: NO"] {
        assert!(
            !run.stdout.contains(disagreement),
            "a digest disagreed:\n{}",
            run.stdout
        );
    }
}

#[cfg(unix)]
#[test]
fn the_aborting_worker_is_explained() {
    let title = "What processes buy: isolation";
    smoke::run_section(LESSON, SECTIONS, title, &["--quick"])
        .assert_printed(&["→ a worker that aborts: killed by signal 6 (SIGABRT"]);
}

#[test]
fn sizing_flags_change_the_work() {
    let title = "Child processes: everything crosses as bytes";
    smoke::run_section(
        LESSON,
        SECTIONS,
        title,
        &["--megabytes", "3", "--workers", "3"],
    )
    .assert_printed(&[
        "3 jobs that describe their data (build 1.00 MiB",
        "→ in 3 processes: measured",
    ]);
}

#[test]
fn the_section_flags_follow_the_list_of_sections() {
    smoke::assert_section_flags(LESSON, SECTIONS);
}

#[test]
fn the_hidden_worker_flag_serves_one_job() {
    let mut worker = Command::new(LESSON)
        .arg("--worker")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start a worker");
    {
        use std::io::Write;
        let mut stdin = worker.stdin.take().expect("piped stdin");
        stdin
            .write_all(b"{\"job\":\"ping\"}\n")
            .expect("send a job");
    }
    let output = worker.wait_with_output().expect("the worker's reply");
    assert!(output.status.success());
    let reply = String::from_utf8_lossy(&output.stdout);
    assert!(reply.starts_with("{\"reply\":\"pong\",\"pid\":"), "{reply}");
    let help = smoke::run(LESSON, &["--help"]).stdout;
    assert!(
        !help.contains("--worker\n") && !help.contains("--worker "),
        "--worker is for the lesson, not for learners: hide it from --help\n{help}"
    );
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--workers", "65"][..], "65 is not in 1..=64"),
        (&["--megabytes", "lots"][..], "invalid digit"),
        (&["--starts", "0"][..], "0 is not in 1..=10000"),
    ] {
        assert_refused(&smoke::run(LESSON, args), expected);
    }
}

#[test]
fn a_worker_given_garbage_fails_with_a_message() {
    let mut worker = Command::new(LESSON)
        .arg("--worker")
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start a worker");
    drop(worker.stdin.take()); // no job at all
    let output = worker.wait_with_output().expect("the worker's end");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: not a job: \"\""), "{stderr}");
}
