//! `cargo xtask verify`: the course's promise, checked. For every exercise:
//!
//! - it is listed in the metadata, with a hint, a solution, and the files its kinds of check need;
//! - its fingerprints in `exercises/checks.lock` are up to date;
//! - the untouched starter compiles and **fails** its checks;
//! - the solution **passes** the very same checks;
//! - every known wrong answer (a cheat, see `cheats.rs`) **fails**, saying what it lacks;
//! - its time limit is recorded, and its solution's checks take well under it.
//!
//! Each exercise's time limit is derived from its solution: ten times what the solution's checks
//! take, and at least [`MIN_LIMIT_SECONDS`], so a deadlock is told within seconds and a slow
//! machine still never mistakes a solution for a hang. `verify --record-limits` measures and
//! writes them into `exercises/time-limits.toml`; a plain `verify` only reads them, since a test
//! run must not rewrite the course.
//!
//! Solutions are plain `src/` folders. To grade one, verify copies its exercise (Cargo.toml and
//! tests, the one source of truth for its checks) into a generated workspace under
//! `.verify/`, puts the solution's `src/` in place of the starter's, and grades that copy with
//! the grader's own code. The generated workspace shares the course's `Cargo.lock` and target
//! directory, so every dependency is compiled once for both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context as _, bail};

use crate::course::{self, CheckKind, Course, Exercise, TimeLimit};
use crate::grade::{self, FailureKind, Location, Options, Status, Verdict};
use crate::{seal, walk};

/// The shortest time limit: a check program's start, on a busy machine, takes a good part of a
/// second, and a limit any shorter would take a slow machine for a hung check.
pub const MIN_LIMIT_SECONDS: u64 = 5;
/// How many times its solution's time an exercise's limit is.
pub const LIMIT_FACTOR: f64 = 10.0;

/// `cargo xtask verify`: verifies the exercises named (all of them when `names` is empty).
pub fn verify(course: &Course, names: &[String], record_limits: bool) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let exercises: Vec<&Exercise> = if names.is_empty() {
        course.exercises.iter().collect()
    } else {
        names
            .iter()
            .map(|name| course.find(name))
            .collect::<anyhow::Result<_>>()?
    };
    let mut problems = check_metadata(course, &exercises)?;
    problems.extend(check_seals(course, &exercises)?);
    println!(
        "verify: metadata and seals of {} exercises checked",
        exercises.len()
    );

    let honest = Options {
        skip_untouched: false,
        run_first_untouched: false,
        always_run: Vec::new(),
        detect_edits: false,
        reuse: None,
    };

    let starters = grade::grade(course, &exercises, &Location::course(course), &honest, None)?;
    for verdict in &starters {
        match &verdict.status {
            Status::Passed => problems.push(format!(
                "{}: the untouched starter passes its checks; the checks can't tell it from a solution",
                verdict.name
            )),
            Status::Failed(failure) if failure.kind == FailureKind::Compile => problems.push(format!(
                "{}: the starter does not compile (starters must, so the workspace builds):\n{}",
                verdict.name, failure.detail
            )),
            Status::Failed(failure) if failure.kind == FailureKind::Setup => {
                problems.push(format!("{}: the starter could not be graded: {}", verdict.name, failure.detail));
            }
            _ => {}
        }
    }
    println!("verify: {} starters graded", starters.len());

    let solutions_location = generate_solutions_workspace(course)?;
    let solutions = grade::grade(course, &exercises, &solutions_location, &honest, None)?;
    for verdict in &solutions {
        if let Status::Failed(failure) = &verdict.status {
            problems.push(format!(
                "{}: the solution fails its checks:\n{}",
                verdict.name, failure.detail
            ));
        }
    }
    println!("verify: {} solutions graded", solutions.len());
    problems.extend(crate::cheats::verify(course, &exercises, &honest)?);
    if record_limits {
        let written = record_time_limits(course, &solutions)?;
        println!(
            "verify: time limits of {written} exercises written to {}",
            course::TIME_LIMITS
        );
    } else {
        problems.extend(check_time_limits(course, &solutions)?);
    }

    problems.extend(check_solutions_style(
        course,
        &exercises,
        &solutions_location,
    )?);

    if !problems.is_empty() {
        bail!(
            "verify found {} problems:\n\n{}",
            problems.len(),
            problems.join("\n\n")
        );
    }
    println!(
        "verify: all {} exercises are sound ({:.0} s)",
        exercises.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// How long a solution's checks under the time limit took: the slowest program but the
/// compile-fail one, which has a limit of its own.
fn limited_seconds(verdict: &Verdict) -> f64 {
    verdict
        .limited_time
        .unwrap_or(verdict.duration)
        .as_secs_f64()
}

/// The time limit a solution that takes `seconds` earns.
pub fn limit_for(seconds: f64) -> u64 {
    let derived = (seconds * LIMIT_FACTOR).ceil();
    // A solution that takes longer than any sane limit is caught by the grading itself.
    (derived as u64).max(MIN_LIMIT_SECONDS)
}

/// Writes the limits the solutions earned into the limits file, keeping those of exercises not
/// graded now (`verify NAME`); returns how many it wrote.
fn record_time_limits(course: &Course, solutions: &[Verdict]) -> anyhow::Result<usize> {
    let path = course.root.join(course::TIME_LIMITS);
    let mut limits = course::read_time_limits(&path)?;
    for verdict in solutions.iter().filter(|verdict| verdict.passed()) {
        let seconds = limited_seconds(verdict);
        let limit = TimeLimit {
            limit_seconds: limit_for(seconds),
            solution_seconds: (seconds * 100.0).round() / 100.0,
        };
        limits.insert(verdict.name.clone(), limit);
    }
    // In the course's order, which the map's (by name, numbered) is.
    limits.retain(|name, _| course.exercises.iter().any(|e| &e.name == name));
    let header = "# Written by `cargo xtask verify --record-limits`: how long each check program of an\n\
                  # exercise may run before the grader stops it as hung (limit-seconds), derived from\n\
                  # what the exercise's solution took (solution-seconds): ten times that, at least 5 s.\n\n";
    let body = toml::to_string(&limits).context("cannot write the time limits")?;
    std::fs::write(&path, format!("{header}{body}"))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(solutions.iter().filter(|verdict| verdict.passed()).count())
}

/// Every exercise graded has a recorded limit, and its solution took well under it. A solution
/// close to its limit is only reported: how long checks take on this machine, now, is no
/// verdict on the course.
fn check_time_limits(course: &Course, solutions: &[Verdict]) -> anyhow::Result<Vec<String>> {
    let limits = course.time_limits()?;
    let mut problems = Vec::new();
    for verdict in solutions {
        // A limit a maintainer set in the metadata needs no record.
        let Ok(exercise) = course.find(&verdict.name) else {
            continue;
        };
        if exercise.timeout.is_some() {
            continue;
        }
        match limits.recorded(exercise) {
            None => problems.push(format!(
                "{}: no time limit is recorded in {}: run `cargo xtask verify --record-limits`",
                verdict.name,
                course::TIME_LIMITS
            )),
            Some(recorded) => {
                let seconds = limited_seconds(verdict);
                if seconds * LIMIT_FACTOR > recorded.limit_seconds as f64 {
                    println!(
                        "verify: note: {}'s solution took {seconds:.2} s here, more than a tenth of \
                         its limit ({} s): a busy machine, or `verify --record-limits` is due",
                        verdict.name, recorded.limit_seconds
                    );
                }
            }
        }
    }
    Ok(problems)
}

/// Every exercise folder is listed, numbers are in order, and each of `exercises` is complete.
pub fn check_metadata(course: &Course, exercises: &[&Exercise]) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    let listed: Vec<&str> = course.exercises.iter().map(|e| e.name.as_str()).collect();
    for folder in numbered_folders(&course.root.join("exercises"))? {
        if !listed.contains(&folder.as_str()) {
            problems.push(format!(
                "exercises/{folder} is not listed in exercises/exercises.toml"
            ));
        }
    }
    let hints = course.hints()?;
    let mut previous_number = 0;
    for exercise in &course.exercises {
        let number: u32 = exercise.number().parse().unwrap_or(0);
        if number <= previous_number {
            problems.push(format!(
                "{}: numbers must start at 01 and increase in the metadata",
                exercise.name
            ));
        }
        previous_number = number;
    }
    for exercise in exercises {
        let name = &exercise.name;
        for (step, hint) in hints.of(exercise).iter().enumerate() {
            if hint.len() < 20 || hint.starts_with("TODO") {
                problems.push(format!(
                    "{name}: step {} of its hints is missing or too short to help",
                    step + 1
                ));
            }
        }
        if !course.root.join("lessons").join(&exercise.lesson).is_dir() {
            problems.push(format!(
                "{name}: its lesson lessons/{} does not exist",
                exercise.lesson
            ));
        }
        let solution = course.solution_dir(exercise).join("src");
        if !solution.is_dir() {
            problems.push(format!(
                "{name}: there is no solution at {}",
                solution.display()
            ));
        }
        let dir = course.exercise_dir(exercise);
        if exercise.has(CheckKind::CompileFail) && !dir.join("tests/compile_fail.rs").is_file() {
            problems.push(format!(
                "{name}: compile-fail checks belong in tests/compile_fail.rs"
            ));
        }
        if exercise.has(CheckKind::Snapshot) && !has_snapshots(&dir.join("tests/snapshots")) {
            problems.push(format!(
                "{name}: a snapshot exercise needs tests/snapshots/*.snap"
            ));
        }
        let starter = std::fs::read_to_string(dir.join("src/lib.rs"))
            .or_else(|_| std::fs::read_to_string(dir.join("src/main.rs")))
            .unwrap_or_default();
        if !starter.contains("Lesson: `cargo run -p lesson-") {
            problems.push(format!(
                "{name}: the starter's opening comment must say which lesson teaches it \
                 (\"Lesson: `cargo run -p lesson-...`\")"
            ));
        }
    }
    Ok(problems)
}

fn check_seals(course: &Course, exercises: &[&Exercise]) -> anyhow::Result<Vec<String>> {
    let sealed = seal::read_lock(course)?;
    let mut problems = Vec::new();
    for exercise in exercises {
        let now = seal::seal_of(&course.exercise_dir(exercise))?;
        if sealed.get(&exercise.name) != Some(&now) {
            problems.push(format!(
                "{}: its entry in {} is out of date: run `cargo xtask seal` after changing an \
                 exercise's starter or checks",
                exercise.name,
                seal::LOCK_FILE
            ));
        }
    }
    let listed = course.exercises.len();
    if sealed.len() != listed {
        problems.push(format!(
            "{} seals {} exercises but {listed} are listed: run `cargo xtask seal`",
            seal::LOCK_FILE,
            sealed.len()
        ));
    }
    Ok(problems)
}

/// The numbered folders in `exercises/`.
fn numbered_folders(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::new();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && name.starts_with(|c: char| c.is_ascii_digit()) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

fn has_snapshots(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.path().extension().is_some_and(|ext| ext == "snap"))
    })
}

/// Builds `.verify/`: a workspace whose members are the exercises with their solutions' `src/`.
/// Files are only rewritten when their contents change, so cargo rebuilds only what did.
///
/// It must not live inside a target directory: trybuild takes any path under its target directory
/// for generated code and would not shorten the copies' paths in compiler messages, so every
/// compile-fail check would see a different message than the one the course ships.
pub fn generate_solutions_workspace(course: &Course) -> anyhow::Result<Location> {
    let target_dir = course.target_dir();
    let workspace = course.root.join(VERIFY_WORKSPACE);
    std::fs::create_dir_all(&workspace).with_context(|| workspace.display().to_string())?;

    let manifest = solutions_manifest(course)?;
    write_if_changed(&workspace.join("Cargo.toml"), manifest.as_bytes())?;
    let lock = std::fs::read(course.root.join("Cargo.lock")).unwrap_or_default();
    write_if_changed(&workspace.join("Cargo.lock"), &lock)?;

    for exercise in &course.exercises {
        let from = course.exercise_dir(exercise);
        let to = workspace.join(&exercise.name);
        // The exercise as shipped, with the solution's files in place of the starter's. A
        // solution holds only the files it changes: files the learner is given and never edits
        // (a protocol module, a helper binary) stay in the exercise alone.
        let mut files = files_under(&from)?;
        for (relative, contents) in files_under(&course.solution_dir(exercise).join("src"))? {
            files.insert(Path::new("src").join(relative), contents);
        }
        sync(&to, &files)?;
    }
    Ok(Location {
        workspace: workspace.clone(),
        exercises: workspace,
        target_dir: Some(target_dir),
    })
}

/// Where verify builds its copy of the exercises with their solutions (ignored by git).
pub const VERIFY_WORKSPACE: &str = ".verify";

/// The course's own manifest, with the exercises as its only members and its path dependencies
/// made absolute, so the copies build exactly as the originals do.
fn solutions_manifest(course: &Course) -> anyhow::Result<String> {
    let path = course.root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    let mut manifest: toml::Table =
        toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))?;
    let workspace = manifest
        .get_mut("workspace")
        .and_then(toml::Value::as_table_mut)
        .context("the course's Cargo.toml has no [workspace]")?;
    let members = course
        .exercises
        .iter()
        .map(|exercise| toml::Value::String(exercise.name.clone()))
        .collect();
    workspace.insert("members".into(), toml::Value::Array(members));
    workspace.remove("default-members");
    if let Some(dependencies) = workspace
        .get_mut("dependencies")
        .and_then(toml::Value::as_table_mut)
    {
        for (_, dependency) in dependencies.iter_mut() {
            let Some(table) = dependency.as_table_mut() else {
                continue;
            };
            if let Some(toml::Value::String(relative)) = table.get("path") {
                let absolute = course.root.join(relative).to_string_lossy().into_owned();
                table.insert("path".into(), toml::Value::String(absolute));
            }
        }
    }
    let header = "# Generated by `cargo xtask verify` from the course's Cargo.toml: do not edit.\n";
    let body = toml::to_string(&manifest).context("cannot write the solutions' manifest")?;
    Ok(format!("{header}{body}"))
}

/// Every file under `dir` (but not in a `target/` folder), by its path relative to `dir`.
pub(crate) fn files_under(dir: &Path) -> anyhow::Result<BTreeMap<PathBuf, Vec<u8>>> {
    let mut files = BTreeMap::new();
    for path in walk::files(dir)? {
        let contents = std::fs::read(&path).with_context(|| path.display().to_string())?;
        let relative = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
        files.insert(relative, contents);
    }
    Ok(files)
}

/// Makes `to` hold exactly `files`: writes those that differ, removes those not wanted.
pub(crate) fn sync(to: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) -> anyhow::Result<()> {
    for (relative, contents) in files {
        let path = to.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| parent.display().to_string())?;
        }
        write_if_changed(&path, contents)?;
    }
    for stray in files_under(to)?
        .keys()
        .filter(|relative| !files.contains_key(*relative))
    {
        let path = to.join(stray);
        std::fs::remove_file(&path).with_context(|| path.display().to_string())?;
    }
    Ok(())
}

pub(crate) fn write_if_changed(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    if std::fs::read(path).is_ok_and(|existing| existing == contents) {
        return Ok(());
    }
    std::fs::write(path, contents).with_context(|| path.display().to_string())
}

/// Solutions are code learners read and copy: they must be as clean as the rest of the course.
fn check_solutions_style(
    course: &Course,
    exercises: &[&Exercise],
    location: &Location,
) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut rustfmt = Command::new("rustfmt");
    rustfmt.args(["--edition", "2024", "--check"]);
    let mut any = false;
    // rustfmt follows `mod` lines into their files, so it checks each solution file's copy in the
    // solutions' workspace, where the files given with the exercise are present too.
    for exercise in exercises {
        let solution = course.solution_dir(exercise);
        for file in rust_files(&solution.join("src")) {
            let relative = file.strip_prefix(&solution).unwrap_or(&file);
            rustfmt.arg(location.dir_of(exercise).join(relative));
            any = true;
        }
    }
    if any {
        let output = rustfmt.output().context("cannot run rustfmt")?;
        if !output.status.success() {
            problems.push(format!(
                "solutions are not formatted (run `rustfmt --edition 2024` on the files in \
                 solutions/ whose copies in {VERIFY_WORKSPACE}/ are named below):\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }

    let mut clippy = crate::compile::cargo();
    clippy
        .current_dir(&location.workspace)
        .args(["clippy", "--quiet", "--all-targets"]);
    for exercise in exercises {
        clippy.args(["--package", &exercise.package]);
    }
    clippy.args(["--", "-D", "warnings"]);
    if let Some(target_dir) = &location.target_dir {
        clippy.env("CARGO_TARGET_DIR", target_dir);
    }
    let output = clippy.output().context("cannot run cargo clippy")?;
    if !output.status.success() {
        problems.push(format!(
            "clippy finds fault with the solutions:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(problems)
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    // A solution whose folder cannot be read has nothing to format; grading reports the folder.
    let files = walk::files(dir).unwrap_or_default();
    files
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_is_ten_times_the_solution_and_at_least_the_minimum() {
        assert_eq!(limit_for(0.0), MIN_LIMIT_SECONDS);
        assert_eq!(limit_for(0.21), MIN_LIMIT_SECONDS);
        assert_eq!(limit_for(0.61), 7);
        assert_eq!(limit_for(1.0), 10);
    }
}
