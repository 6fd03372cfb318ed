//! The grader against everything a learner's code can do: each test makes a throwaway course with one
//! small exercise, breaks it one way, grades it with `cargo xtask --root <course> check --json`, and
//! checks the verdict, the time it took, and that no learner file changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

const EXERCISE: &str = "exercises/01-demo";
const STARTER: &str = "pub fn answer() -> u32 {\n    todo!(\"return the answer\")\n}\n";
const SOLVED: &str = "pub fn answer() -> u32 {\n    42\n}\n";
/// The fixture exercise's time limit (see its time-limits.toml below).
const TIME_LIMIT: Duration = Duration::from_secs(3);

/// A throwaway course: a workspace with one exercise, sealed and committed to git.
struct Course {
    root: PathBuf,
}

impl Course {
    fn new(name: &str) -> Course {
        // The process id keeps two test runs at once (an editor's and a terminal's) apart.
        let name = format!("{name}-{}", std::process::id());
        let name = name.as_str();
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("grader-fixtures")
            .join(name);
        // A course left by an earlier run is rebuilt from scratch.
        let _ = std::fs::remove_dir_all(&root);
        let course = Course { root };
        course.write("Cargo.toml", WORKSPACE_MANIFEST);
        let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
        std::fs::copy(lock, course.root.join("Cargo.lock")).expect("copy Cargo.lock");
        course.write("exercises/exercises.toml", METADATA);
        course.write("exercises/time-limits.toml", TIME_LIMITS);
        // Cargo names build outputs by the package's path *relative to its workspace*, the same in
        // every fixture; a package name of its own keeps fixtures graded side by side apart.
        let package = format!("demo-{name}");
        let manifest = EXERCISE_MANIFEST.replace("\"demo\"", &format!("{package:?}"));
        course.write(&format!("{EXERCISE}/Cargo.toml"), &manifest);
        course.write(&format!("{EXERCISE}/src/lib.rs"), STARTER);
        let check = CHECK.replace(
            "use demo::",
            &format!("use {}::", package.replace('-', "_")),
        );
        course.write(&format!("{EXERCISE}/tests/check.rs"), &check);
        course.write(
            &format!("{EXERCISE}/tests/snapshots/check__answer_in_words.snap"),
            SNAPSHOT,
        );
        course.xtask(&["seal"]);
        course.git(&["init", "--quiet"]);
        course.git(&["add", "."]);
        course.git(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "--quiet",
            "-m",
            "course",
        ]);
        course
    }

    fn write(&self, relative: &str, contents: &str) {
        let path = self.root.join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }

    fn learner_writes(&self, code: &str) {
        self.write(&format!("{EXERCISE}/src/lib.rs"), code);
    }

    fn xtask(&self, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command.arg("--root").arg(&self.root).args(args);
        self.run(command)
    }

    /// `xtask` with its output as text; the test fails if it did not succeed.
    fn xtask_ok(&self, args: &[&str]) -> String {
        let output = self.xtask(args);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "xtask {args:?}: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    }

    /// Runs `command` the way every test runs the grader.
    fn run(&self, mut command: Command) -> Output {
        // Share the course's target directory, so the fixture's dependencies are built once.
        command.env("CARGO_TARGET_DIR", target_dir());
        command.env("NO_COLOR", "1");
        command.output().expect("run xtask")
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .current_dir(&self.root)
            .args(args)
            .status()
            .expect("run git");
        assert!(status.success(), "git {args:?}");
    }

    /// Grades the course; returns the exercise's verdict and how long grading took.
    fn check(&self) -> (Value, Duration) {
        self.check_with(&[])
    }

    /// Grades the course with more flags (`--force`).
    fn check_with(&self, flags: &[&str]) -> (Value, Duration) {
        let started = Instant::now();
        let mut args = vec!["check", "--json"];
        args.extend(flags);
        let output = self.xtask(&args);
        let elapsed = started.elapsed();
        let verdicts = json_lines(&output);
        assert_eq!(verdicts.len(), 1, "one line per exercise: {verdicts:?}");
        let verdict = verdicts[0].clone();
        let passed = verdict["status"] == "passed";
        assert_eq!(output.status.success(), passed, "exit code vs {verdict}");
        (verdict, elapsed)
    }

    /// Every file of the exercise with its contents.
    fn files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        collect(&self.root.join(EXERCISE), &mut files);
        files
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

fn collect(dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_symlink() {
            continue;
        } else if path.is_dir() {
            collect(&path, files);
        } else {
            files.insert(path.clone(), std::fs::read(&path).expect("read"));
        }
    }
}

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target/tmp has a parent")
        .to_path_buf()
}

/// Breaks the exercise with `code`, grades it, and checks that grading changed no file.
fn grade(name: &str, code: &str) -> (Value, Duration) {
    let course = Course::new(name);
    course.learner_writes(code);
    let before = course.files();
    let (verdict, elapsed) = course.check();
    assert_eq!(
        course.files(),
        before,
        "grading changed the learner's files"
    );
    (verdict, elapsed)
}

fn first_error(verdict: &Value) -> &str {
    verdict["first_error"].as_str().unwrap_or("")
}

/// Each line of a `--json` command's stdout, parsed: one object per line.
fn json_lines(output: &Output) -> Vec<Value> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|error| {
                panic!(
                    "not a line of JSON ({error}): {line:?} in\n{stdout}\n{}",
                    String::from_utf8_lossy(&output.stderr)
                )
            })
        })
        .collect()
}

#[test]
fn an_untouched_starter_is_not_started_and_shows_what_fails() {
    let course = Course::new("untouched");
    let (verdict, _) = course.check();
    assert_eq!(verdict["status"], "not-started", "{verdict}");
    let output = course.xtask(&["check"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("not yet implemented: return the answer"),
        "{text}"
    );
    assert!(text.contains("cargo xtask hint 01-demo"), "{text}");
}

#[test]
fn a_solution_passes() {
    let (verdict, _) = grade("solved", SOLVED);
    assert_eq!(verdict["status"], "passed", "{verdict}");
}

#[test]
fn a_compile_error_shows_the_compilers_first_error() {
    let (verdict, _) = grade("compile-error", "pub fn answer() -> u32 {\n    \"42\"\n}\n");
    assert_eq!(verdict["failure"], "compile", "{verdict}");
    let error = first_error(&verdict);
    assert!(error.contains("mismatched types"), "{error}");
    assert!(error.contains("exercises/01-demo/src/lib.rs"), "{error}");
}

#[test]
fn a_panic_shows_the_panic_message() {
    let (verdict, _) = grade(
        "panic",
        "pub fn answer() -> u32 {\n    panic!(\"the learner's panic\")\n}\n",
    );
    assert_eq!(verdict["failure"], "check", "{verdict}");
    assert!(
        first_error(&verdict).contains("the learner's panic"),
        "{verdict}"
    );
}

#[test]
fn a_deadlock_times_out_and_names_the_usual_causes() {
    let deadlock = "pub fn answer() -> u32 {
    // The sender is still alive, so this waits for ever.
    let (_sender, receiver) = std::sync::mpsc::channel::<u32>();
    receiver.recv().unwrap_or(0)
}
";
    let (verdict, elapsed) = grade("deadlock", deadlock);
    assert_eq!(verdict["failure"], "timeout", "{verdict}");
    let error = first_error(&verdict);
    // Told from the process itself: its threads all wait, and the hung tests are named.
    assert!(error.starts_with("deadlock: "), "{error}");
    assert!(error.contains("waiting, none running"), "{error}");
    assert!(error.contains("`the_answer`"), "{error}");
    assert!(error.contains("Sender"), "the usual causes: {error}");
    assert!(elapsed < TIME_LIMIT * 20, "grading took {elapsed:?}");
}

#[test]
fn an_endless_loop_times_out() {
    let endless = "pub fn answer() -> u32 {
    let mut n = 0_u32;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}
";
    let (verdict, elapsed) = grade("endless", endless);
    assert_eq!(verdict["failure"], "timeout", "{verdict}");
    let error = first_error(&verdict);
    assert!(error.starts_with("endless loop: "), "{error}");
    assert!(error.contains("burning a core"), "{error}");
    assert!(elapsed < TIME_LIMIT * 20, "grading took {elapsed:?}");
}

#[test]
fn a_flood_of_output_is_stopped_at_the_cap() {
    // Printing for ever, as `loop { println!(..) }` does: without the cap, libtest's capture would
    // keep it all in memory until the machine gave out.
    let flood = "pub fn answer() -> u32 {
    loop {
        println!(\"flooding the output\");
    }
}
";
    let course = Course::new("flood");
    // A limit far past the time the flood takes to fill the cap: the cap must stop it, not time.
    course.write(
        "exercises/time-limits.toml",
        &TIME_LIMITS.replace("= 3", "= 60"),
    );
    course.learner_writes(flood);
    let (verdict, elapsed) = course.check();
    assert_eq!(verdict["failure"], "flood", "{verdict}");
    let error = first_error(&verdict);
    assert!(error.starts_with("flood: the check printed "), "{error}");
    assert!(
        error.contains("  flooding the output"),
        "its first lines: {error}"
    );
    assert!(error.len() < 20_000, "{} bytes of diagnosis", error.len());
    assert!(
        elapsed < Duration::from_secs(50),
        "grading took {elapsed:?}"
    );
}

#[test]
fn a_runaway_allocation_fails_inside_the_check() {
    // 5 GiB, never touched: the system would grant it (it only reserves), the grader's limit
    // does not. Without the limit the answer would be right and the check would pass.
    let hoard = "pub fn answer() -> u32 {
    let hoard: Vec<u8> = Vec::with_capacity(5 << 30);
    std::hint::black_box(&hoard);
    42
}
";
    let (verdict, _) = grade("memory", hoard);
    assert_eq!(verdict["failure"], "memory", "{verdict}");
    let error = first_error(&verdict);
    assert!(error.starts_with("out of memory: "), "{error}");
    assert!(
        error.contains("memory allocation of 5368709120 bytes failed"),
        "{error}"
    );
}

#[test]
fn a_stack_overflow_is_a_crash() {
    let overflow = "pub fn answer() -> u32 {
    fn deeper(depth: u64) -> u64 {
        std::hint::black_box(depth) + deeper(depth + 1)
    }
    deeper(0) as u32
}
";
    let (verdict, _) = grade("overflow", overflow);
    assert_eq!(verdict["failure"], "crash", "{verdict}");
    assert!(
        first_error(&verdict).contains("stack overflow"),
        "{verdict}"
    );
}

#[test]
fn an_abort_is_a_crash() {
    let (verdict, _) = grade(
        "abort",
        "pub fn answer() -> u32 {\n    std::process::abort()\n}\n",
    );
    assert_eq!(verdict["failure"], "crash", "{verdict}");
    assert!(first_error(&verdict).contains("abort"), "{verdict}");
}

#[test]
fn edited_checks_are_not_graded() {
    let course = Course::new("edited-snapshot");
    course.learner_writes(SOLVED);
    course.write(
        &format!("{EXERCISE}/tests/snapshots/check__answer_in_words.snap"),
        &SNAPSHOT.replace("forty-two", "anything"),
    );
    let (verdict, _) = course.check();
    assert_eq!(verdict["status"], "checks-edited", "{verdict}");
}

#[test]
fn a_failing_snapshot_leaves_no_new_files() {
    let (verdict, _) = grade("wrong-snapshot", "pub fn answer() -> u32 {\n    43\n}\n");
    assert_eq!(verdict["failure"], "check", "{verdict}");
}

#[test]
fn reset_restores_the_starter_and_keeps_a_backup() {
    let course = Course::new("reset");
    course.learner_writes(SOLVED);
    let output = course.xtask(&["reset", "01"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let src = std::fs::read_to_string(course.root.join(EXERCISE).join("src/lib.rs")).expect("src");
    assert_eq!(src, STARTER);
    let backup_line = stdout
        .lines()
        .find(|line| line.contains("kept in"))
        .expect("names the backup");
    let backup = PathBuf::from(
        backup_line
            .rsplit("kept in ")
            .next()
            .expect("a path")
            .trim(),
    );
    let kept = std::fs::read_to_string(backup.join("src/lib.rs")).expect("backup");
    assert_eq!(kept, SOLVED);
    // Named by the date and time, and it says how to bring it back.
    let name = backup.file_name().and_then(|n| n.to_str()).expect("a name");
    let stamp = name.strip_prefix("01-demo-").expect(name);
    assert!(
        stamp.len() == "2026-12-04-171530".len()
            && stamp.chars().all(|c| c.is_ascii_digit() || c == '-'),
        "{name}"
    );
    assert!(
        stdout.contains("`cargo xtask restore 01` brings it back"),
        "{stdout}"
    );

    let restored = course.xtask_ok(&["restore", "01"]);
    let src = std::fs::read_to_string(course.root.join(EXERCISE).join("src/lib.rs")).expect("src");
    assert_eq!(src, SOLVED, "{restored}");
    // What restore replaced was the untouched starter, which needs no backup.
    assert!(
        !restored.contains("What was there before is kept in"),
        "{restored}"
    );
    // Work in progress is kept before a restore replaces it: nothing is ever lost.
    course.learner_writes("pub fn answer() -> u32 {\n    41\n}\n");
    let again = course.xtask_ok(&["restore", "01"]);
    assert!(
        again.contains("What was there before is kept in"),
        "{again}"
    );
}

#[test]
fn unknown_exercises_and_bad_commands_are_clear_errors() {
    let course = Course::new("unknown");
    let output = course.xtask(&["hint", "99"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("there is no exercise called \"99\""),
        "{stderr}"
    );
    let output = course.xtask(&["chekc"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn an_error_names_what_failed_and_why() {
    let course = Course::new("broken-metadata");
    course.write("exercises/exercises.toml", "[[exercise]\n");
    let output = course.xtask(&["list"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Which file, and what is wrong with it: the whole chain of causes, not just the first.
    assert!(stderr.contains("exercises.toml is not valid: "), "{stderr}");
    assert!(stderr.contains("line 1"), "{stderr}");
}

#[test]
fn list_remembers_what_passed() {
    let course = Course::new("list");
    course.learner_writes(SOLVED);
    course.check();
    let rows = json_lines(&course.xtask(&["list", "--json"]));
    assert_eq!(rows[0]["status"], "passed", "{rows:?}");
    course.learner_writes(STARTER);
    let rows = json_lines(&course.xtask(&["list", "--json"]));
    assert_eq!(rows[0]["status"], "not-started", "{rows:?}");
}

#[test]
fn an_unchanged_exercise_keeps_its_verdict_until_it_changes_or_force() {
    let course = Course::new("unchanged");
    course.learner_writes(SOLVED);
    let (first, _) = course.check();
    assert_eq!(
        (&first["status"], &first["unchanged"]),
        (&"passed".into(), &false.into())
    );
    let (again, _) = course.check();
    assert_eq!(
        (&again["status"], &again["unchanged"]),
        (&"passed".into(), &true.into())
    );
    assert_eq!(again["graded_at"], first["graded_at"], "the same verdict");
    let text = course.xtask_ok(&["check"]);
    assert!(text.contains("(unchanged since the last check)"), "{text}");

    let (forced, _) = course.check_with(&["--force"]);
    assert_eq!(forced["unchanged"], false, "{forced}");

    // A failing verdict stands too, and a change is graded at once.
    course.learner_writes("pub fn answer() -> u32 {\n    41\n}\n");
    let (failing, _) = course.check();
    assert_eq!(
        (&failing["status"], &failing["unchanged"]),
        (&"failed".into(), &false.into())
    );
    let (still, _) = course.check();
    assert_eq!(
        (&still["status"], &still["unchanged"]),
        (&"failed".into(), &true.into())
    );
    assert_eq!(still["first_error"], failing["first_error"]);
    // The learner sees that it was not graded again, and how to make it so.
    let output = course.xtask(&["check"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("unchanged since the last check"), "{text}");
    assert!(text.contains("--force"), "{text}");
}

/// An update of the course may renumber its folders: what the learner passed, and the hints they
/// saw, follow the exercise to its new number, and its unchanged code is not graded again.
#[test]
fn a_pass_and_its_hints_follow_the_exercise_to_a_new_number() {
    let course = Course::new("renumbered");
    course.learner_writes(SOLVED);
    course.xtask_ok(&["hint", "01"]);
    let (before, _) = course.check();
    assert_eq!(before["status"], "passed", "{before}");

    let renumbered = "exercises/05-demo";
    std::fs::rename(course.root.join(EXERCISE), course.root.join(renumbered)).expect("rename");
    course.write(
        "exercises/exercises.toml",
        &METADATA.replace("01-demo", "05-demo"),
    );
    course.write(
        "exercises/time-limits.toml",
        &TIME_LIMITS.replace("01-demo", "05-demo"),
    );
    course.xtask_ok(&["seal"]);

    let rows = json_lines(&course.xtask(&["list", "--json"]));
    assert_eq!(
        (&rows[0]["name"], &rows[0]["status"]),
        (&"05-demo".into(), &"passed".into()),
        "{rows:?}"
    );
    let (after, _) = course.check();
    assert_eq!(
        (&after["status"], &after["unchanged"], &after["hints_used"]),
        (&"passed".into(), &true.into(), &1.into()),
        "{after}"
    );
    assert_eq!(after["graded_at"], before["graded_at"], "the same verdict");
}

#[test]
fn check_json_is_one_line_per_exercise_with_tests_time_and_hints() {
    let course = Course::new("json");
    course.learner_writes("pub fn answer() -> u32 {\n    panic!(\"not yet\")\n}\n");
    course.xtask_ok(&["hint", "01"]);
    let (verdict, _) = course.check();
    assert_eq!(verdict["status"], "failed", "{verdict}");
    assert_eq!(verdict["failure"], "check", "{verdict}");
    assert_eq!(verdict["tests_total"], 2, "{verdict}");
    assert_eq!(verdict["tests_passed"], 0, "{verdict}");
    assert_eq!(verdict["hints_used"], 1, "{verdict}");
    let graded_at = verdict["graded_at"].as_str().expect("a timestamp");
    assert!(
        graded_at.len() == 20 && graded_at.ends_with('Z'),
        "{graded_at}"
    );
    // No thread ids, which differ on every run.
    let error = first_error(&verdict);
    assert!(error.contains("thread '"), "{error}");
    assert!(!error.contains("') ") && !error.contains("' ("), "{error}");

    // An untouched starter is not started, with no failure to report.
    course.learner_writes(STARTER);
    let (untouched, _) = course.check();
    assert_eq!(untouched["status"], "not-started", "{untouched}");
    assert_eq!(untouched["failure"], Value::Null, "{untouched}");
}

#[test]
fn hints_come_one_step_at_a_time_and_are_remembered() {
    let course = Course::new("hints");
    let first = course.xtask_ok(&["hint", "01"]);
    assert!(first.contains("Hint 1 of 3"), "{first}");
    assert!(first.contains("Look at the answer"), "{first}");
    assert!(!first.contains("Forty-two"), "only the first step: {first}");
    assert!(first.contains("again gives the next step"), "{first}");
    let second = course.xtask_ok(&["hint", "01"]);
    assert!(
        second.contains("Hint 2 of 3") && second.contains("Douglas Adams"),
        "{second}"
    );
    let third = course.xtask_ok(&["hint", "01"]);
    assert!(
        third.contains("Hint 3 of 3") && third.contains("Forty-two"),
        "{third}"
    );
    assert!(!third.contains("again gives the next step"), "{third}");
    // Past the last step, the last one again.
    let fourth = course.xtask_ok(&["hint", "01"]);
    assert!(fourth.contains("Hint 3 of 3"), "{fourth}");
    let all = course.xtask_ok(&["hint", "01", "--all"]);
    for step in ["Hint 1 of 3", "Hint 2 of 3", "Hint 3 of 3"] {
        assert!(all.contains(step), "{all}");
    }
    let (verdict, _) = course.check();
    assert_eq!(verdict["hints_used"], 3, "{verdict}");
}

#[test]
fn the_course_is_found_from_where_the_grader_runs() {
    // A copy of the course (here, a fixture) graded from inside it, with no --root: the grader
    // must grade the copy's exercises, not those of the course it was built in.
    let course = Course::new("found-from-here");
    course.learner_writes(SOLVED);
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .current_dir(course.root.join(EXERCISE).join("src"))
        .args(["check", "--json"])
        .env_remove("CARGO_MANIFEST_DIR");
    let verdicts = json_lines(&course.run(command));
    assert_eq!(verdicts.len(), 1, "{verdicts:?}");
    assert_eq!(verdicts[0]["name"], "01-demo", "{verdicts:?}");
    assert_eq!(verdicts[0]["status"], "passed", "{verdicts:?}");

    // As `cargo xtask` runs it: cargo names the xtask's folder in the course it was run in.
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .current_dir(std::env::temp_dir())
        .args(["list", "--json"])
        .env("CARGO_MANIFEST_DIR", course.root.join("xtask"));
    let rows = json_lines(&course.run(command));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["name"], "01-demo", "{rows:?}");

    // Nowhere near a course: a clear error.
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .current_dir(std::env::temp_dir())
        .arg("list")
        .env_remove("CARGO_MANIFEST_DIR");
    let output = course.run(command);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot find the course"), "{stderr}");
}

#[test]
fn a_failing_check_shows_the_compilers_warnings_about_the_learners_code() {
    // An iterator that is never consumed does nothing, as a future never awaited does: the
    // compiler says so, and the learner must see it beside the failure.
    let lazy = "pub fn answer() -> u32 {
    let mut answer = 41;
    [1].iter().map(|step| answer += step);
    answer
}
";
    let course = Course::new("warnings");
    course.learner_writes(lazy);
    let output = course.xtask(&["check"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("The compiler also warned about your code:"),
        "{text}"
    );
    assert!(text.contains("that must be used"), "{text}");
}

#[test]
fn every_compile_error_is_shown() {
    let two_errors = "pub fn answer() -> u32 {\n    let a: u32 = \"1\";\n    let b: u32 = \"2\";\n    a + b\n}\n";
    let (verdict, _) = grade("two-errors", two_errors);
    assert_eq!(verdict["failure"], "compile", "{verdict}");
    let error = first_error(&verdict);
    assert_eq!(error.matches("mismatched types").count(), 2, "{error}");
    assert!(!error.contains("more errors"), "{error}");
}

#[test]
fn checking_one_passing_exercise_does_not_claim_the_course_is_done() {
    let course = Course::new("one-passes");
    course.learner_writes(SOLVED);
    let output = course.xtask(&["check", "01"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("01-demo passes."), "{stdout}");
    assert!(!stdout.contains("Every exercise is done"), "{stdout}");
}

#[test]
fn a_relative_root_finds_the_same_checks() {
    let course = Course::new("relative-root");
    course.learner_writes(SOLVED);
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .current_dir(&course.root)
        .args(["--root", ".", "check", "--json"]);
    let verdicts = json_lines(&course.run(command));
    assert_eq!(verdicts[0]["status"], "passed", "{verdicts:?}");
}

#[test]
fn a_symlink_loop_in_src_does_not_stop_grading() {
    let course = Course::new("symlink-loop");
    course.learner_writes(SOLVED);
    let src = course.root.join(EXERCISE).join("src");
    std::os::unix::fs::symlink(&src, src.join("loop")).expect("symlink");
    let (verdict, _) = course.check();
    assert_eq!(verdict["status"], "passed", "{verdict}");
}

#[test]
fn reset_restores_a_deleted_src() {
    let course = Course::new("reset-deleted");
    std::fs::remove_dir_all(course.root.join(EXERCISE).join("src")).expect("delete src");
    let output = course.xtask(&["reset", "01"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let src = std::fs::read_to_string(course.root.join(EXERCISE).join("src/lib.rs")).expect("src");
    assert_eq!(src, STARTER);
    assert!(!course.root.join("backups").exists(), "nothing to back up");
}

const WORKSPACE_MANIFEST: &str = r#"[workspace]
resolver = "3"
members = ["exercises/[0-9]*"]

[workspace.dependencies]
insta = "1.43"
"#;

const METADATA: &str = r#"[[exercise]]
name = "01-demo"
lesson = "demo"
checks = ["test", "snapshot"]
hints = [
    "Look at the answer: the question is well known.",
    "Any reader of Douglas Adams knows which number it is.",
    "Forty-two.",
]
"#;

const TIME_LIMITS: &str = "[01-demo]\nlimit-seconds = 3\nsolution-seconds = 0.01\n";

const EXERCISE_MANIFEST: &str = r#"[package]
name = "demo"
version = "0.1.0"
edition = "2024"
publish = false

[dev-dependencies]
insta.workspace = true
"#;

const CHECK: &str = r#"use demo::answer;

#[test]
fn the_answer() {
    assert_eq!(answer(), 42);
}

#[test]
fn answer_in_words() {
    let words = if answer() == 42 { "forty-two" } else { "something else" };
    insta::assert_snapshot!(words);
}
"#;

const SNAPSHOT: &str = "---
source: exercises/01-demo/tests/check.rs
expression: words
---
forty-two
";
