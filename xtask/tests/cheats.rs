//! `cargo xtask verify` grades every cheat (a known wrong answer kept beside a solution): each test
//! makes a throwaway course with one exercise, its solution and one cheat, runs verify on it, and
//! checks what verify concludes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const EXERCISE: &str = "exercises/01-demo";
const SOLUTION: &str = "solutions/01-demo";
const CHEAT: &str = "solutions/01-demo/cheats/off-by-one";

/// A throwaway course: a workspace with one exercise, its solution, a lesson folder, sealed.
struct Course {
    root: PathBuf,
}

impl Course {
    fn new(name: &str) -> Course {
        // The process id keeps two test runs at once apart.
        let name = format!("{name}-{}", std::process::id());
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("cheat-fixtures")
            .join(&name);
        // A course left by an earlier run is rebuilt from scratch.
        let _ = std::fs::remove_dir_all(&root);
        let course = Course { root };
        course.write("Cargo.toml", WORKSPACE_MANIFEST);
        let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
        std::fs::copy(lock, course.root.join("Cargo.lock")).expect("copy Cargo.lock");
        course.write("exercises/exercises.toml", METADATA);
        course.write("exercises/time-limits.toml", TIME_LIMITS);
        course.write(
            "lessons/demo/README.md",
            "The lesson this exercise names.\n",
        );
        // Cargo names build outputs by the package's path relative to its workspace, the same in
        // every fixture; a package name of its own keeps fixtures built side by side apart.
        let package = format!("cheat-demo-{name}");
        course.write(
            &format!("{EXERCISE}/Cargo.toml"),
            &EXERCISE_MANIFEST.replace("\"demo\"", &format!("{package:?}")),
        );
        course.write(&format!("{EXERCISE}/src/lib.rs"), STARTER);
        course.write(
            &format!("{EXERCISE}/tests/check.rs"),
            &CHECK.replace(
                "use demo::",
                &format!("use {}::", package.replace('-', "_")),
            ),
        );
        course.write(&format!("{SOLUTION}/src/lib.rs"), SOLVED);
        let sealed = course.xtask(&["seal"]);
        assert!(sealed.status.success(), "seal: {}", text(&sealed));
        course
    }

    fn write(&self, relative: &str, contents: &str) {
        let path = self.root.join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }

    /// Adds the cheat `off-by-one` with this code and this `expect`.
    fn cheat(&self, code: &str, expect: &str) {
        self.write(&format!("{CHEAT}/src/lib.rs"), code);
        self.write(
            &format!("{CHEAT}/cheat.toml"),
            &format!("about = \"answers one less, hoping nobody checks\"\nexpect = {expect:?}\n"),
        );
    }

    fn xtask(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(&self.root)
            .args(args)
            // Share the course's target directory, so the fixture's dependencies are built once.
            .env("CARGO_TARGET_DIR", target_dir())
            .env("NO_COLOR", "1")
            .output()
            .expect("run xtask")
    }
}

impl Drop for Course {
    fn drop(&mut self) {
        // A failed test's course is left for a look; a passing one is tidied away.
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target/tmp has a parent")
        .to_path_buf()
}

fn text(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn a_cheat_that_fails_with_its_message_is_rejected() {
    let course = Course::new("rejected");
    course.cheat(CHEAT_41, "the answer is 42");
    let output = course.xtask(&["verify"]);
    let said = text(&output);
    assert!(output.status.success(), "verify failed: {said}");
    assert!(
        said.contains("verify: 1 cheats graded, all rejected with their expected messages"),
        "verify's summary does not report the cheat: {said}"
    );
}

#[test]
fn a_cheat_that_passes_makes_verify_fail() {
    let course = Course::new("passing");
    course.cheat(SOLVED, "the answer is 42");
    let output = course.xtask(&["verify"]);
    let said = text(&output);
    assert!(
        !output.status.success(),
        "verify passed a passing cheat: {said}"
    );
    assert!(
        said.contains("the cheat `off-by-one` passes its checks"),
        "verify does not name the cheat that passed: {said}"
    );
}

#[test]
fn a_cheat_that_fails_for_another_reason_makes_verify_fail() {
    let course = Course::new("wrong-reason");
    course.cheat(CHEAT_41, "a message no check prints");
    let output = course.xtask(&["verify"]);
    let said = text(&output);
    assert!(
        !output.status.success(),
        "verify accepted a failure that teaches nothing: {said}"
    );
    assert!(
        said.contains("does not say \"a message no check prints\""),
        "verify does not say which message was missing: {said}"
    );
}

#[test]
fn an_exercise_without_a_cheat_makes_verify_fail() {
    let course = Course::new("no-cheat");
    let output = course.xtask(&["verify"]);
    let said = text(&output);
    assert!(
        !output.status.success(),
        "verify accepted an exercise without cheats: {said}"
    );
    assert!(said.contains("01-demo: there is no cheat"), "{said}");
}

const WORKSPACE_MANIFEST: &str = r#"[workspace]
resolver = "3"
members = ["exercises/[0-9]*"]
"#;

const METADATA: &str = r#"[[exercise]]
name = "01-demo"
lesson = "demo"
checks = ["test"]
timeout = 20
hints = [
    "Look at the answer: the question is well known.",
    "Any reader of Douglas Adams knows which number it is.",
    "Forty-two: `pub fn answer() -> u32 { /* that number */ }`.",
]
"#;

const TIME_LIMITS: &str = "[01-demo]\nlimit-seconds = 20\nsolution-seconds = 0.01\n";

const EXERCISE_MANIFEST: &str = r#"[package]
name = "demo"
version = "0.1.0"
edition = "2024"
publish = false
"#;

const STARTER: &str = "//! Lesson: `cargo run -p lesson-demo`\n\npub fn answer() -> u32 {\n    todo!(\"return the answer\")\n}\n";
const SOLVED: &str = "pub fn answer() -> u32 {\n    42\n}\n";
const CHEAT_41: &str = "pub fn answer() -> u32 {\n    41\n}\n";

const CHECK: &str = r#"use demo::answer;

#[test]
fn the_answer() {
    assert_eq!(answer(), 42, "the answer is 42");
}
"#;
