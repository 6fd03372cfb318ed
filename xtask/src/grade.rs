//! Grading: build the exercises' checks, run them under limits, and say what happened to each.
//!
//! The same code grades a learner's exercises (`cargo xtask check`) and the course's solutions
//! (`cargo xtask verify`), so a solution passes exactly the checks a learner must pass.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use anyhow::bail;

use crate::checking::{self, Bounds};
use crate::compile::{self, Built, Check, Compiled};
use crate::course::{Course, Exercise};
use crate::diagnose;
use crate::seal::{self, Seal};

/// Where the exercises being graded live.
#[derive(Debug, Clone)]
pub struct Location {
    /// The cargo workspace that holds them.
    pub workspace: PathBuf,
    /// The folder holding one folder per exercise.
    pub exercises: PathBuf,
    /// A target directory other than the workspace's own, if any.
    pub target_dir: Option<PathBuf>,
}

impl Location {
    /// The learner's own exercises, in the course's workspace.
    pub fn course(course: &Course) -> Self {
        Location {
            workspace: course.root.clone(),
            exercises: course.root.join("exercises"),
            target_dir: None,
        }
    }

    pub fn dir_of(&self, exercise: &Exercise) -> PathBuf {
        self.exercises.join(&exercise.name)
    }
}

/// What became of one exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Passed,
    /// The starter is untouched (and so fails): the learner hasn't begun.
    NotStarted,
    Failed(Failure),
    /// The checks differ from the ones the course shipped, so no grade is given.
    ChecksEdited,
}

/// Why an exercise failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// The essential error, in a few lines.
    pub detail: String,
    /// What the compiler warned about the learner's own code (`unused_must_use` on a future that
    /// is never awaited, say): often the very reason a check fails.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The code does not compile.
    Compile,
    /// A check ran and failed.
    Check,
    /// A check ran out of time: a deadlock, an endless loop.
    Timeout,
    /// A check printed more than the grader keeps.
    Flood,
    /// A check ran out of the memory the grader gives it.
    Memory,
    /// A check crashed (abort, stack overflow, signal).
    Crash,
    /// Cargo itself failed, or there was nothing to run.
    Setup,
}

#[derive(Debug, Clone)]
pub struct Verdict {
    pub name: String,
    pub status: Status,
    pub duration: Duration,
    /// The learner's `src/` is still the shipped starter.
    pub untouched: bool,
    /// The fingerprint of the `src/` that was graded, so a pass can be remembered against it.
    pub src_fingerprint: String,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.status == Status::Passed
    }
}

/// How to grade.
#[derive(Debug, Clone)]
pub struct Options {
    /// Report an untouched starter as "not started" without building it (the grader), rather than
    /// building and running it (`verify`, which must see every starter fail for real).
    pub skip_untouched: bool,
    /// Grade these even if untouched (an exercise the learner names: they want to see what fails).
    pub always_run: Vec<String>,
    /// Grade the first untouched exercise too: the one a learner is about to start.
    pub run_first_untouched: bool,
    /// Compare the checks with the sealed ones and refuse to grade edited checks.
    pub detect_edits: bool,
}

/// Progress while grading.
#[derive(Debug, Clone)]
pub enum Progress {
    Compiled(String),
    Running {
        name: String,
        index: usize,
        total: usize,
    },
}

/// The bounds of every check program but the time limit. Data: the course's solutions need a few
/// hundred megabytes at most; a learner's laptop keeps working with this much taken. Output: a
/// check prints kilobytes; megabytes are a loop that prints.
pub const MEMORY_LIMIT: u64 = 2 << 30;
pub const FLOOD_LIMIT: u64 = 8 << 20;

/// Grades `exercises` (in the order given) at `location`: first what can be told without building
/// (unreadable, checks edited, not started), then the rest built in one go and run one by one.
pub fn grade(
    course: &Course,
    exercises: &[&Exercise],
    location: &Location,
    options: &Options,
    progress: Option<Sender<Progress>>,
) -> anyhow::Result<Vec<Verdict>> {
    let triage = triage(course, exercises, location, options)?;
    build_and_run(course, exercises, location, triage, progress)
}

/// What is known of the exercises before anything is built.
struct Triage {
    /// Each readable exercise's fingerprints as it is now, by name.
    now: BTreeMap<String, Seal>,
    /// The exercises whose status is settled without building them, by name.
    settled: BTreeMap<String, Status>,
    /// The exercises whose `src/` is still the shipped starter.
    untouched: BTreeSet<String>,
}

/// Tells what it can without building: which exercises cannot be read, which are untouched, and
/// which need no building (checks edited, or not started).
fn triage(
    course: &Course,
    exercises: &[&Exercise],
    location: &Location,
    options: &Options,
) -> anyhow::Result<Triage> {
    let sealed = if options.detect_edits || options.skip_untouched {
        seal::read_lock(course)?
    } else {
        BTreeMap::new()
    };
    let (now, mut settled) = fingerprint_all(exercises, location);
    let untouched: BTreeSet<String> = now
        .iter()
        .filter(|(name, seal)| {
            sealed
                .get(*name)
                .is_some_and(|shipped| shipped.starter == seal.starter)
        })
        .map(|(name, _)| name.clone())
        .collect();
    // The first untouched exercise is the one the learner is about to start: graded when asked.
    let about_to_start = exercises
        .iter()
        .find(|exercise| untouched.contains(&exercise.name))
        .filter(|_| options.run_first_untouched)
        .map(|exercise| exercise.name.as_str());
    for exercise in exercises {
        let name = &exercise.name;
        if settled.contains_key(name) {
            continue;
        }
        let checks_edited = sealed
            .get(name)
            .zip(now.get(name))
            .is_some_and(|(shipped, seal)| seal.checks != shipped.checks);
        if options.detect_edits && checks_edited {
            settled.insert(name.clone(), Status::ChecksEdited);
        } else if options.skip_untouched
            && untouched.contains(name)
            && !options.always_run.contains(name)
            && about_to_start != Some(name.as_str())
        {
            settled.insert(name.clone(), Status::NotStarted);
        }
    }
    Ok(Triage {
        now,
        settled,
        untouched,
    })
}

/// Every exercise's fingerprints, read once, as it is before building. An exercise whose files
/// cannot be read (a permission, a broken disk) fails on its own, in the second map; the others
/// are still graded.
fn fingerprint_all(
    exercises: &[&Exercise],
    location: &Location,
) -> (BTreeMap<String, Seal>, BTreeMap<String, Status>) {
    let mut now = BTreeMap::new();
    let mut unreadable = BTreeMap::new();
    for exercise in exercises {
        match seal::seal_of(&location.dir_of(exercise)) {
            Ok(seal) => {
                now.insert(exercise.name.clone(), seal);
            }
            Err(error) => {
                let detail = format!("cannot read the exercise's files: {error:#}");
                unreadable.insert(exercise.name.clone(), failed(FailureKind::Setup, detail));
            }
        }
    }
    (now, unreadable)
}

/// Builds the checks of every exercise not settled by `triage`, in one cargo run, then runs each
/// exercise's checks in order, reporting progress as it goes.
fn build_and_run(
    course: &Course,
    exercises: &[&Exercise],
    location: &Location,
    mut triage: Triage,
    progress: Option<Sender<Progress>>,
) -> anyhow::Result<Vec<Verdict>> {
    let to_build: Vec<&str> = exercises
        .iter()
        .filter(|exercise| !triage.settled.contains_key(&exercise.name))
        .map(|exercise| exercise.package.as_str())
        .collect();
    let built = if to_build.is_empty() {
        Built::default()
    } else {
        build(location, &to_build, progress.clone())?
    };

    let mut verdicts = Vec::new();
    for (index, exercise) in exercises.iter().enumerate() {
        if let Some(progress) = &progress {
            // Progress is only for show; nobody listening is fine.
            let _ = progress.send(Progress::Running {
                name: exercise.name.clone(),
                index,
                total: exercises.len(),
            });
        }
        let started = Instant::now();
        let status = match triage.settled.remove(&exercise.name) {
            Some(status) => status,
            None => {
                let limit = course.time_limit(exercise);
                run_checks(
                    exercise,
                    &location.dir_of(exercise),
                    location,
                    &built,
                    limit,
                )
            }
        };
        verdicts.push(Verdict {
            name: exercise.name.clone(),
            status,
            duration: started.elapsed(),
            untouched: triage.untouched.contains(&exercise.name),
            src_fingerprint: triage
                .now
                .get(&exercise.name)
                .map(|seal| seal.starter.clone())
                .unwrap_or_default(),
        });
    }
    Ok(verdicts)
}

fn build(
    location: &Location,
    packages: &[&str],
    progress: Option<Sender<Progress>>,
) -> anyhow::Result<Built> {
    let (sender, receiver) = std::sync::mpsc::channel::<Compiled>();
    let forwarder = std::thread::spawn(move || {
        for Compiled(name) in receiver {
            if let Some(progress) = &progress {
                let _ = progress.send(Progress::Compiled(name));
            }
        }
    });
    let built = compile::build_checks(
        &location.workspace,
        packages,
        location.target_dir.as_deref(),
        Some(sender),
    );
    // The forwarder ends when the build drops its sender; it cannot panic.
    let _ = forwarder.join();
    let built = built?;
    // Cargo failing with nothing built (a broken manifest, say) is the course's problem, not an
    // exercise's: say so once.
    if let Some(failure) = built
        .cargo_failure
        .as_ref()
        .filter(|_| built.checks.is_empty())
    {
        bail!("cargo could not build the exercises:\n{failure}");
    }
    Ok(built)
}

/// Runs an exercise's compiled checks side by side; the first failure in name order is its
/// verdict.
fn run_checks(
    exercise: &Exercise,
    dir: &Path,
    location: &Location,
    built: &Built,
    time_limit: Duration,
) -> Status {
    if let Some(errors) = built.errors.get(dir) {
        return failed(FailureKind::Compile, diagnose::compile_errors(errors));
    }
    let Some(checks) = built.checks.get(dir).filter(|checks| !checks.is_empty()) else {
        let why = built
            .cargo_failure
            .clone()
            .unwrap_or_else(|| format!("no checks were built for {}", exercise.name));
        return failed(FailureKind::Setup, why);
    };
    // In the order of their files' names, so a learner sees the same first failure every time.
    let mut checks = checks.clone();
    checks.sort_by(|a, b| a.name.cmp(&b.name));
    let bounds = Bounds {
        time_limit,
        memory: MEMORY_LIMIT,
        flood: FLOOD_LIMIT,
    };
    let reports = checking::run_all(
        &checks,
        |check| check_command(check, exercise, dir, location),
        bounds,
    );
    match reports.iter().find(|report| report.outcome.failed()) {
        None => Status::Passed,
        Some(report) => {
            let (kind, detail) = diagnose::describe(report, &bounds);
            let warnings = built.warnings.get(dir).cloned().unwrap_or_default();
            Status::Failed(Failure {
                kind,
                detail,
                warnings,
            })
        }
    }
}

/// The command that runs one compiled check as `cargo test` would.
fn check_command(
    check: &Check,
    exercise: &Exercise,
    dir: &Path,
    location: &Location,
) -> std::process::Command {
    let mut command = std::process::Command::new(&check.executable);
    command
        .current_dir(dir)
        // What `cargo test` would set, which trybuild and insta rely on.
        .env("CARGO_MANIFEST_DIR", dir)
        .env("CARGO_PKG_NAME", &exercise.package)
        // Grade, never write: no new snapshots, no overwritten compiler output.
        .env("INSTA_UPDATE", "no")
        // Tell insta where the workspace is, so it doesn't ask cargo (slow, and it would wait
        // on the locks of any other cargo running, such as an editor's).
        .env("INSTA_WORKSPACE_ROOT", &location.workspace)
        .env_remove("INSTA_FORCE_PASS")
        .env_remove("TRYBUILD")
        .env("RUST_BACKTRACE", "0")
        // trybuild colours its report even into a pipe unless told not to.
        .env("NO_COLOR", "1");
    if let Some(target_dir) = &location.target_dir {
        // trybuild compiles its cases in this target directory's tests/trybuild: the course's
        // own, so dependencies compiled once serve every exercise and every copy of one.
        command.env("CARGO_TARGET_DIR", target_dir);
    }
    command
}

fn failed(kind: FailureKind, detail: String) -> Status {
    Status::Failed(Failure {
        kind,
        detail,
        warnings: Vec::new(),
    })
}
