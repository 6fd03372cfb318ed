//! Known wrong answers ("cheats") and other right ones ("alternatives"), graded by `cargo xtask
//! verify` with the grader's own code.
//!
//! A check is only as good as the wrong answers it rejects. Beside each solution, a cheat is a
//! wrong answer a learner could hand in (a loop where threads were asked for, a global client,
//! waves instead of a semaphore), laid over the starter the way a solution is:
//!
//! ```text
//! solutions/NN-name/cheats/<slug>/cheat.toml    about = "the wrong idea, in a sentence"
//!                                               expect = "text the failure must contain"
//! solutions/NN-name/cheats/<slug>/src/...       only the files the cheat changes
//! solutions/NN-name/alternatives/<slug>/src/... another right answer, which must pass
//! ```
//!
//! Verify fails if a cheat passes, fails to compile, or fails without its `expect` text (the
//! message that names the concept it lacks): each failure must teach. An alternative must pass,
//! like the solution, and be as clean.
//!
//! Every exercise has several cheats, so they are graded in rounds: round `k` is a workspace under
//! `.verify/cheats/` holding the `k`-th cheat of every exercise that has one, so one cargo build
//! grades a whole round. Rounds share the course's `Cargo.lock` and target directory, like the
//! solutions' workspace, so nothing but the cheats themselves is compiled again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use crate::course::{Course, Exercise};
use crate::grade::{self, FailureKind, Location, Options, Status};
use crate::verify::{self, VERIFY_WORKSPACE};
use crate::walk;
use anyhow::{Context, Result};

/// A cheat's description, as written in its `cheat.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheatFile {
    /// The wrong idea, in a sentence.
    about: String,
    /// Text the grader's failure detail must contain.
    expect: String,
}

/// What grading a variant must show.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expected {
    /// A cheat: fail, with this text in the failure.
    Failure(String),
    /// An alternative solution: pass.
    Pass,
}

/// One cheat or alternative of one exercise.
#[derive(Debug, Clone)]
struct Variant {
    exercise: String,
    /// The exercise's cargo package.
    package: String,
    slug: String,
    /// The folder holding its `src/`.
    dir: PathBuf,
    about: String,
    expected: Expected,
}

impl Variant {
    fn label(&self) -> String {
        let kind = match self.expected {
            Expected::Failure(_) => "cheat",
            Expected::Pass => "alternative",
        };
        format!("{}: the {kind} `{}`", self.exercise, self.slug)
    }
}

/// Grades every cheat and alternative of `exercises`; returns the problems found.
///
/// `.verify/` must already hold the solutions' workspace: its manifest is the rounds' manifest.
pub fn verify(course: &Course, exercises: &[&Exercise], options: &Options) -> Result<Vec<String>> {
    let (variants, mut problems) = find(course, exercises)?;
    let cheats = variants
        .iter()
        .filter(|variant| variant.expected != Expected::Pass)
        .count();
    let alternatives = variants.len() - cheats;

    let mut failed = 0;
    for (round, members) in rounds(&variants).iter().enumerate() {
        let location = generate_round(course, round + 1, members)?;
        let graded: Vec<&Exercise> = members
            .iter()
            .filter_map(|variant| exercises.iter().find(|e| e.name == variant.exercise))
            .copied()
            .collect();
        let verdicts = grade::grade(course, &graded, &location, options, None)?;
        for (variant, verdict) in members.iter().zip(&verdicts) {
            if let Some(problem) = judge(variant, &verdict.status) {
                problems.push(problem);
                failed += 1;
            }
        }
        problems.extend(check_style(&location, members)?);
    }

    let verdict = if failed == 0 {
        "all rejected with their expected messages".to_string()
    } else {
        format!("{failed} not as expected")
    };
    println!(
        "verify: {cheats} cheats graded, {verdict}; {alternatives} alternative solutions graded"
    );
    Ok(problems)
}

/// The verdict's problem for `variant`, if it was not graded as it should be.
fn judge(variant: &Variant, status: &Status) -> Option<String> {
    let label = variant.label();
    let about = &variant.about;
    match (&variant.expected, status) {
        (Expected::Pass, Status::Passed) => None,
        (Expected::Pass, Status::Failed(failure)) => Some(format!(
            "{label} ({about}) fails its checks:\n{}",
            failure.detail
        )),
        (Expected::Failure(_), Status::Passed) => Some(format!(
            "{label} passes its checks, though it is wrong ({about}): the checks cannot tell it \
             from a solution"
        )),
        (Expected::Failure(_), Status::Failed(failure))
            if matches!(failure.kind, FailureKind::Compile | FailureKind::Setup) =>
        {
            Some(format!(
                "{label} ({about}) does not build: a cheat must be code a learner could hand in:\n{}",
                failure.detail
            ))
        }
        (Expected::Failure(expect), Status::Failed(failure)) => {
            (!failure.detail.contains(expect.as_str())).then(|| {
                format!(
                    "{label} ({about}) fails, but its failure does not say {expect:?}, the message \
                     that names what it lacks. The failure said:\n{}",
                    failure.detail
                )
            })
        }
        (_, other) => Some(format!("{label} was not graded: {other:?}")),
    }
}

/// Every variant of `exercises`, and a problem for each exercise without a cheat or with a
/// variant that cannot be read.
fn find(course: &Course, exercises: &[&Exercise]) -> Result<(Vec<Variant>, Vec<String>)> {
    let mut variants = Vec::new();
    let mut problems = Vec::new();
    for exercise in exercises {
        let solution = course.solution_dir(exercise);
        let cheats = subfolders(&solution.join("cheats"))?;
        if cheats.is_empty() {
            problems.push(format!(
                "{}: there is no cheat: add a known wrong answer under solutions/{}/cheats/<name>/ \
                 (its src/ and a cheat.toml), so verify proves the checks reject it",
                exercise.name, exercise.name
            ));
        }
        for (slug, dir) in cheats {
            let file = dir.join("cheat.toml");
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let cheat: CheatFile = toml::from_str(&text)
                .with_context(|| format!("{} is not valid", file.display()))?;
            if cheat.expect.trim().is_empty() {
                problems.push(format!(
                    "{}: the cheat `{slug}` expects no text: say what its failure must contain",
                    exercise.name
                ));
            }
            variants.push(Variant {
                exercise: exercise.name.clone(),
                package: exercise.package.clone(),
                slug,
                dir,
                about: cheat.about.trim().to_string(),
                expected: Expected::Failure(cheat.expect),
            });
        }
        for (slug, dir) in subfolders(&solution.join("alternatives"))? {
            variants.push(Variant {
                exercise: exercise.name.clone(),
                package: exercise.package.clone(),
                slug,
                dir,
                about: "another way to solve it".to_string(),
                expected: Expected::Pass,
            });
        }
    }
    for variant in &variants {
        if !variant.dir.join("src").is_dir() {
            problems.push(format!("{} has no src/ folder", variant.label()));
        }
    }
    Ok((variants, problems))
}

/// The folders in `dir` (none if it does not exist), by name.
fn subfolders(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", dir.display()));
        }
    };
    let mut folders: Vec<(String, PathBuf)> = entries
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            )
        })
        .collect();
    folders.sort();
    Ok(folders)
}

/// The variants in rounds: round `k` holds the `k`-th variant of every exercise that has one.
fn rounds(variants: &[Variant]) -> Vec<Vec<Variant>> {
    let mut by_exercise: BTreeMap<&str, Vec<&Variant>> = BTreeMap::new();
    for variant in variants {
        by_exercise
            .entry(&variant.exercise)
            .or_default()
            .push(variant);
    }
    let count = by_exercise.values().map(Vec::len).max().unwrap_or(0);
    (0..count)
        .map(|round| {
            by_exercise
                .values()
                .filter_map(|variants| variants.get(round).map(|variant| (*variant).clone()))
                .collect()
        })
        .collect()
}

/// Builds `.verify/cheats/round-N/`: a workspace of the exercises of `members`, each with its
/// variant's files laid over the starter. Files are only rewritten when they change.
fn generate_round(course: &Course, round: usize, members: &[Variant]) -> Result<Location> {
    let solutions = course.root.join(VERIFY_WORKSPACE);
    let workspace = solutions.join("cheats").join(format!("round-{round}"));
    std::fs::create_dir_all(&workspace).with_context(|| workspace.display().to_string())?;

    // The solutions' manifest (the course's, with absolute paths), with these members only.
    let path = solutions.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    let mut manifest: toml::Table =
        toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))?;
    let names = members
        .iter()
        .map(|variant| toml::Value::String(format!("cheats-{round}/{}", variant.exercise)))
        .collect();
    if let Some(workspace) = manifest
        .get_mut("workspace")
        .and_then(toml::Value::as_table_mut)
    {
        workspace.insert("members".into(), toml::Value::Array(names));
    }
    let manifest = toml::to_string(&manifest).context("cannot write a cheats' manifest")?;
    verify::write_if_changed(&workspace.join("Cargo.toml"), manifest.as_bytes())?;
    let lock = std::fs::read(course.root.join("Cargo.lock")).unwrap_or_default();
    verify::write_if_changed(&workspace.join("Cargo.lock"), &lock)?;

    // Cargo names a package's build outputs by its path relative to its workspace, so the same
    // exercise in two rounds, or in the solutions' workspace, must sit at different relative paths:
    // otherwise they share outputs, and cargo may take one's build for the other's.
    let exercises = workspace.join(format!("cheats-{round}"));
    for variant in members {
        let exercise = course.root.join("exercises").join(&variant.exercise);
        let mut files = verify::files_under(&exercise)?;
        for (relative, contents) in verify::files_under(&variant.dir.join("src"))? {
            files.insert(Path::new("src").join(relative), contents);
        }
        verify::sync(&exercises.join(&variant.exercise), &files)?;
    }
    Ok(Location {
        workspace,
        exercises,
        target_dir: Some(course.target_dir()),
    })
}

/// Cheats and alternatives are code learners read: rustfmt must accept them, and clippy the
/// alternatives (a cheat may well do what clippy warns about: that is its point).
fn check_style(location: &Location, members: &[Variant]) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut rustfmt = Command::new("rustfmt");
    rustfmt.args(["--edition", "2024", "--check"]);
    let mut any = false;
    for variant in members {
        for file in walk::files(&variant.dir.join("src"))? {
            if file.extension().is_some_and(|ext| ext == "rs") {
                let relative = file.strip_prefix(&variant.dir).unwrap_or(&file);
                rustfmt.arg(location.exercises.join(&variant.exercise).join(relative));
                any = true;
            }
        }
    }
    if any {
        let output = rustfmt.output().context("cannot run rustfmt")?;
        if !output.status.success() {
            problems.push(format!(
                "cheats or alternatives are not formatted (run `rustfmt --edition 2024` on the \
                 files in solutions/ whose copies are named below):\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }

    let alternatives: Vec<&Variant> = members
        .iter()
        .filter(|variant| variant.expected == Expected::Pass)
        .collect();
    if alternatives.is_empty() {
        return Ok(problems);
    }
    let mut clippy = crate::compile::cargo();
    clippy
        .current_dir(&location.workspace)
        .args(["clippy", "--quiet", "--all-targets"]);
    for variant in &alternatives {
        clippy.args(["--package", &variant.package]);
    }
    clippy.args(["--", "-D", "warnings"]);
    if let Some(target_dir) = &location.target_dir {
        clippy.env("CARGO_TARGET_DIR", target_dir);
    }
    let output = clippy.output().context("cannot run cargo clippy")?;
    if !output.status.success() {
        problems.push(format!(
            "clippy finds fault with the alternative solutions:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(problems)
}
