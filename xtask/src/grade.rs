//! Grading: build the exercises' checks, run them under bounds, and say what happened to each.
//!
//! The same code grades a learner's exercises (`cargo xtask check`) and the course's solutions
//! (`cargo xtask verify`), so a solution passes exactly the checks a learner must pass.
//!
//! Nothing is graded twice: an exercise whose `src/`, checks and surroundings (the grader, the
//! compiler, the course's shared code and dependencies) are as they were at its last verdict gets
//! that verdict again, unless it was one that may depend on the moment (a time limit, a crash).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant, SystemTime};

use anyhow::bail;
use serde::{Deserialize, Serialize};

use crate::checking::{self, Bounds};
use crate::compile::{self, Built, Check, Compiled};
use crate::course::{Course, Exercise};
use crate::diagnose;
use crate::records::{Records, Remembered};
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum Status {
    Passed,
    /// The starter is untouched (and so fails): the learner hasn't begun.
    NotStarted,
    Failed(Failure),
    /// The checks differ from the ones the course shipped, so no grade is given.
    ChecksEdited,
}

/// Why an exercise failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub kind: FailureKind,
    /// The essential error, in a few lines.
    pub detail: String,
    /// What the compiler warned about the learner's own code (`unused_must_use` on a future that
    /// is never awaited, say): often the very reason a check fails.
    #[serde(default)]
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
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

impl FailureKind {
    /// The machine-readable name, for JSON.
    pub fn key(self) -> &'static str {
        match self {
            FailureKind::Compile => "compile",
            FailureKind::Check => "check",
            FailureKind::Timeout => "timeout",
            FailureKind::Flood => "flood",
            FailureKind::Memory => "memory",
            FailureKind::Crash => "crash",
            FailureKind::Setup => "setup",
        }
    }

    /// Whether the same code and checks always get this verdict. A time limit or a crash may
    /// come from a busy machine, a full disk or a killed process: those are graded again.
    fn is_repeatable(self) -> bool {
        matches!(self, FailureKind::Compile | FailureKind::Check)
    }
}

/// How many of an exercise's tests passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub passed: usize,
    /// All its tests, when known (a program stopped at once may not have said).
    pub total: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Verdict {
    pub name: String,
    pub status: Status,
    /// How long its checks ran (for a reused verdict, how long they ran then).
    pub duration: Duration,
    /// The learner's `src/` is still the shipped starter.
    pub untouched: bool,
    /// What was graded, so the verdict can be remembered against it.
    pub fingerprints: Fingerprints,
    /// How many tests passed, if its checks ran.
    pub tests: Option<Tally>,
    /// When it was graded.
    pub graded_at: SystemTime,
    /// Whether it is the verdict of an earlier check, the exercise being unchanged since.
    pub reused: bool,
    /// How long the slowest of its check programs under the exercise's time limit ran (not the
    /// compile-fail one, which has a limit of its own), if they ran: what the limit is measured
    /// from.
    pub limited_time: Option<Duration>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.status == Status::Passed
    }
}

/// What a verdict depends on: the learner's `src/`, the checks, and everything around them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprints {
    pub src: String,
    pub checks: String,
    pub surroundings: String,
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
    /// Give an unchanged exercise its last verdict again, from these records, instead of grading.
    pub reuse: Option<Records>,
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

/// The bounds of every check program but the time limit, which is each exercise's own. Data:
/// the course's solutions need a few hundred megabytes, but every thread reserves 2 MiB of stack,
/// which counts: a learner's thread per item (a thousand threads, a wasteful answer the checks
/// must name, not crash on) needs 2 GiB of it; a laptop keeps working with 4 GiB taken. Output: a
/// check prints kilobytes; megabytes are a loop that prints.
pub const MEMORY_LIMIT: u64 = 4 << 30;
pub const FLOOD_LIMIT: u64 = 8 << 20;

/// The check program of an exercise's compile-fail cases (`tests/compile_fail.rs`), which runs
/// cargo and the compiler: it finds everything built, but after a change of toolchain, say, cargo
/// may rebuild for minutes. It cannot deadlock, so a long limit costs nothing; an exercise's other
/// checks keep theirs.
const COMPILE_FAIL_CHECK: &str = "compile_fail";
const COMPILE_FAIL_LIMIT: Duration = Duration::from_secs(600);

/// Grades `exercises` (in the order given) at `location`: first what can be told without building
/// (unreadable, checks edited, not started, unchanged), then the rest built in one go and run one
/// by one.
pub fn grade(
    course: &Course,
    exercises: &[&Exercise],
    location: &Location,
    options: &Options,
    progress: Option<Sender<Progress>>,
) -> anyhow::Result<Vec<Verdict>> {
    // Read once: they only matter when a verdict may be reused.
    let surroundings = options
        .reuse
        .as_ref()
        .map(|_| Surroundings::read(course, location));
    let triage = triage(course, exercises, location, options, surroundings.as_ref())?;
    build_and_run(
        course,
        exercises,
        location,
        triage,
        surroundings.as_ref(),
        progress,
    )
}

/// What is known of the exercises before anything is built.
struct Triage {
    /// Each readable exercise's fingerprints as it is now, by name.
    now: BTreeMap<String, Fingerprints>,
    /// The exercises whose status is settled without building them, by name.
    settled: BTreeMap<String, Status>,
    /// The exercises whose last verdict stands, by name.
    reused: BTreeMap<String, Remembered>,
    /// The exercises whose `src/` is still the shipped starter.
    untouched: BTreeSet<String>,
}

/// Tells what it can without building: which exercises cannot be read, which are untouched, and
/// which need no building (checks edited, not started, or unchanged since their last verdict).
fn triage(
    course: &Course,
    exercises: &[&Exercise],
    location: &Location,
    options: &Options,
    surroundings: Option<&Surroundings>,
) -> anyhow::Result<Triage> {
    let sealed = if options.detect_edits || options.skip_untouched {
        seal::read_lock(course)?
    } else {
        BTreeMap::new()
    };
    let surroundings = surroundings
        .map(|surroundings| surroundings.fingerprint(location))
        .unwrap_or_default();
    let (seals, mut settled) = fingerprint_all(exercises, location);
    let untouched: BTreeSet<String> = seals
        .iter()
        .filter(|(name, seal)| {
            sealed
                .get(*name)
                .is_some_and(|shipped| shipped.starter == seal.starter)
        })
        .map(|(name, _)| name.clone())
        .collect();
    let now: BTreeMap<String, Fingerprints> = seals
        .into_iter()
        .map(|(name, seal)| {
            let fingerprints = Fingerprints {
                src: seal.starter,
                checks: seal.checks,
                surroundings: surroundings.clone(),
            };
            (name, fingerprints)
        })
        .collect();
    // The first untouched exercise is the one the learner is about to start: graded when asked.
    let about_to_start = exercises
        .iter()
        .find(|exercise| untouched.contains(&exercise.name))
        .filter(|_| options.run_first_untouched)
        .map(|exercise| exercise.name.as_str());
    let mut reused = BTreeMap::new();
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
        } else if let Some(last) = options
            .reuse
            .as_ref()
            .and_then(|records| records.last_verdict(name))
            .filter(|last| Some(&last.fingerprints) == now.get(name) && can_stand(&last.status))
        {
            settled.insert(name.clone(), last.status.clone());
            reused.insert(name.clone(), last.clone());
        }
    }
    Ok(Triage {
        now,
        settled,
        reused,
        untouched,
    })
}

/// Whether a verdict holds for as long as nothing it depends on changes.
fn can_stand(status: &Status) -> bool {
    match status {
        Status::Passed => true,
        Status::Failed(failure) => failure.kind.is_repeatable(),
        Status::NotStarted | Status::ChecksEdited => false,
    }
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

/// What a verdict depends on besides the exercise itself: this grader (its program), the compiler,
/// the course's own crates the exercises use (`path` dependencies of the workspace, such as the
/// kit), and the workspace's manifest and lock file. All but the last two are read once per
/// grading; those two are read again after a build, which may have tidied the lock file. Anything
/// unreadable is left out, which only means an exercise is graded again.
struct Surroundings {
    steady: Vec<(String, Vec<u8>)>,
}

impl Surroundings {
    fn read(course: &Course, location: &Location) -> Surroundings {
        let mut steady: Vec<(String, Vec<u8>)> = Vec::new();
        if let Some(identity) = own_program_identity() {
            steady.push(("grader".to_string(), identity.into_bytes()));
        }
        steady.push(("compiler".to_string(), compiler_identity(location)));
        for dir in path_dependencies(&course.root) {
            for path in crate::walk::files(&dir).unwrap_or_default() {
                let contents = std::fs::read(&path).unwrap_or_default();
                steady.push((path.to_string_lossy().into_owned(), contents));
            }
        }
        Surroundings { steady }
    }

    /// The fingerprint, with the workspace's manifest and lock file as they are now.
    fn fingerprint(&self, location: &Location) -> String {
        let mut parts = self.steady.clone();
        for file in ["Cargo.toml", "Cargo.lock"] {
            let path = location.workspace.join(file);
            parts.push((file.to_string(), std::fs::read(path).unwrap_or_default()));
        }
        seal::fingerprint_of(&parts)
    }
}

/// The compiler, told apart from any other: the `rustc` beside the cargo that runs the grader
/// (`$CARGO`, in the toolchain's folder), by its path, size and time, which costs no process;
/// else what `rustc -vV` says (`$RUSTC` if set, as cargo would use it).
fn compiler_identity(location: &Location) -> Vec<u8> {
    let beside_cargo = std::env::var_os("CARGO")
        .filter(|_| std::env::var_os("RUSTC").is_none())
        .map(PathBuf::from)
        .and_then(|cargo| {
            let rustc = cargo.with_file_name(format!("rustc{}", std::env::consts::EXE_SUFFIX));
            let metadata = rustc.metadata().ok()?;
            let modified = metadata
                .modified()
                .ok()?
                .duration_since(SystemTime::UNIX_EPOCH)
                .ok()?;
            Some(format!(
                "{} {} {}",
                rustc.display(),
                metadata.len(),
                modified.as_nanos()
            ))
        });
    if let Some(identity) = beside_cargo {
        return identity.into_bytes();
    }
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    std::process::Command::new(rustc)
        .arg("-vV")
        .current_dir(&location.workspace)
        .output()
        .map(|output| output.stdout)
        .unwrap_or_default()
}

/// This grader's program, told apart from any other build of it by its size and time.
fn own_program_identity() -> Option<String> {
    let metadata = std::env::current_exe().ok()?.metadata().ok()?;
    let modified = metadata
        .modified()
        .ok()?
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?;
    Some(format!("{} {}", metadata.len(), modified.as_nanos()))
}

/// The folders of the workspace's `path` dependencies (the course's own shared crates).
fn path_dependencies(root: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(root.join("Cargo.toml")) else {
        return Vec::new();
    };
    let Ok(manifest) = toml::from_str::<toml::Table>(&text) else {
        return Vec::new();
    };
    let dependencies = manifest
        .get("workspace")
        .and_then(|workspace| workspace.get("dependencies"))
        .and_then(toml::Value::as_table);
    dependencies
        .into_iter()
        .flat_map(|table| table.values())
        .filter_map(|dependency| dependency.get("path")?.as_str())
        .map(|path| root.join(path))
        .collect()
}

/// Builds the checks of every exercise not settled by `triage`, in one cargo run, then runs each
/// exercise's checks in order, reporting progress as it goes.
fn build_and_run(
    course: &Course,
    exercises: &[&Exercise],
    location: &Location,
    mut triage: Triage,
    surroundings: Option<&Surroundings>,
    progress: Option<Sender<Progress>>,
) -> anyhow::Result<Vec<Verdict>> {
    let limits = course.time_limits()?;
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
    // What is graded now is graded in the surroundings as the build left them (cargo may have
    // tidied the lock file, say), which is what the next check will see.
    let surroundings_now = match (surroundings, to_build.is_empty()) {
        (Some(surroundings), false) => Some(surroundings.fingerprint(location)),
        _ => None,
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
        let name = &exercise.name;
        let mut fingerprints = triage.now.get(name).cloned().unwrap_or_default();
        let untouched = triage.untouched.contains(name);
        let verdict = if let Some(last) = triage.reused.remove(name) {
            Verdict {
                name: name.clone(),
                graded_at: last.graded_at(),
                status: last.status,
                duration: Duration::from_millis(last.duration_ms),
                untouched,
                fingerprints,
                tests: last.tests,
                reused: true,
                limited_time: None,
            }
        } else {
            if let Some(surroundings) = &surroundings_now {
                fingerprints.surroundings.clone_from(surroundings);
            }
            let started = Instant::now();
            let (status, tests, limited_time) = match triage.settled.remove(name) {
                Some(status) => (status, None, None),
                None => {
                    let limit = limits.of(exercise);
                    run_checks(
                        exercise,
                        &location.dir_of(exercise),
                        location,
                        &built,
                        limit,
                    )
                }
            };
            Verdict {
                name: name.clone(),
                status,
                duration: started.elapsed(),
                untouched,
                fingerprints,
                tests,
                graded_at: SystemTime::now(),
                reused: false,
                limited_time,
            }
        };
        verdicts.push(verdict);
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
) -> (Status, Option<Tally>, Option<Duration>) {
    if let Some(errors) = built.errors.get(dir) {
        return (
            failed(FailureKind::Compile, diagnose::compile_errors(errors)),
            None,
            None,
        );
    }
    let Some(checks) = built.checks.get(dir).filter(|checks| !checks.is_empty()) else {
        let why = built
            .cargo_failure
            .clone()
            .unwrap_or_else(|| format!("no checks were built for {}", exercise.name));
        return (failed(FailureKind::Setup, why), None, None);
    };
    // In the order of their files' names, so a learner sees the same first failure every time.
    let mut checks = checks.clone();
    checks.sort_by(|a, b| a.name.cmp(&b.name));
    let bounds = |check: &Check| Bounds {
        time_limit: if check.name == COMPILE_FAIL_CHECK {
            time_limit.max(COMPILE_FAIL_LIMIT)
        } else {
            time_limit
        },
        memory: MEMORY_LIMIT,
        flood: FLOOD_LIMIT,
    };
    let reports = checking::run_all(
        &checks,
        |check| check_command(check, exercise, dir, location),
        bounds,
    );
    let tally = Tally {
        passed: reports.iter().map(|report| report.passed).sum(),
        total: reports
            .iter()
            .map(|report| report.total)
            .sum::<Option<usize>>(),
    };
    let status = match reports.iter().find(|report| report.outcome.failed()) {
        None => Status::Passed,
        Some(report) => {
            let (kind, detail) = diagnose::describe(report);
            let warnings = built.warnings.get(dir).cloned().unwrap_or_default();
            Status::Failed(Failure {
                kind,
                detail,
                warnings,
            })
        }
    };
    let limited_time = reports
        .iter()
        .filter(|report| report.name != COMPILE_FAIL_CHECK)
        .map(|report| report.elapsed)
        .max();
    (status, Some(tally), limited_time)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_verdicts_that_the_same_code_always_gets_stand_unchanged() {
        let with = |kind| failed(kind, String::new());
        assert!(can_stand(&Status::Passed));
        assert!(can_stand(&with(FailureKind::Compile)));
        assert!(can_stand(&with(FailureKind::Check)));
        for kind in [
            FailureKind::Timeout,
            FailureKind::Flood,
            FailureKind::Memory,
            FailureKind::Crash,
            FailureKind::Setup,
        ] {
            assert!(!can_stand(&with(kind)), "{kind:?}");
        }
        assert!(!can_stand(&Status::NotStarted));
    }

    #[test]
    fn the_surroundings_include_the_courses_own_crates() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dependencies = path_dependencies(&root);
        assert!(
            dependencies.iter().any(|dir| dir.ends_with("lessons/kit")),
            "{dependencies:?}"
        );
    }
}
