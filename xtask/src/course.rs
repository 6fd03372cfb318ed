//! The course as the grader sees it: the exercises listed in `exercises/exercises.toml`, in order,
//! each with its folder, package, lesson, kinds of check and hints, and the time limits measured
//! for them in `exercises/time-limits.toml`.
//!
//! Which course: the one the grader is run in, found from where it runs (see [`Course::locate`]), so
//! a copy of the course grades its own exercises, not those of the folder it was first built in.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use serde::{Deserialize, Serialize};

/// What grades an exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    /// Ordinary tests of behaviour.
    Test,
    /// An insta snapshot of deterministic output.
    Snapshot,
    /// A trybuild case that the compiler must refuse (or, for "make it compile", accept).
    CompileFail,
}

impl fmt::Display for CheckKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CheckKind::Test => "test",
            CheckKind::Snapshot => "snapshot",
            CheckKind::CompileFail => "compile-fail",
        })
    }
}

/// One exercise, as listed in the metadata.
#[derive(Debug, Clone)]
pub struct Exercise {
    /// The folder name, such as `01-spawn-join`.
    pub name: String,
    /// The cargo package name, such as `spawn-join`.
    pub package: String,
    /// The lesson that teaches it (`threads` for `lesson-threads`).
    pub lesson: String,
    pub checks: Vec<CheckKind>,
    /// The first step of its hints, the nudge ([`Course::hints`] has all three, and is what the
    /// grader uses). Kept while the book's tests build an `Exercise` field by field.
    #[expect(dead_code, reason = "the book's tests still build an Exercise with it")]
    pub hint: String,
    /// Seconds each of its check programs may run, if a maintainer overrides the measured limit.
    pub timeout: Option<u64>,
}

impl Exercise {
    /// The exercise's number: the digits its name starts with.
    pub fn number(&self) -> &str {
        let digits = self.name.find(|c: char| !c.is_ascii_digit());
        &self.name[..digits.unwrap_or(self.name.len())]
    }

    pub fn has(&self, kind: CheckKind) -> bool {
        self.checks.contains(&kind)
    }
}

/// The whole course: where it lives and its exercises in order.
#[derive(Debug, Clone)]
pub struct Course {
    pub root: PathBuf,
    pub exercises: Vec<Exercise>,
}

/// Every exercise's hints, by name: a nudge, the API, a sketch ([`Course::hints`]).
#[derive(Debug, Clone, Default)]
pub struct Hints {
    steps: BTreeMap<String, Vec<String>>,
}

impl Hints {
    /// The exercise's hints, in order.
    pub fn of(&self, exercise: &Exercise) -> &[String] {
        self.steps.get(&exercise.name).map_or(&[], Vec::as_slice)
    }
}

/// The time limits `verify --record-limits` measured, by exercise name ([`Course::time_limits`]).
#[derive(Debug, Clone, Default)]
pub struct TimeLimits {
    recorded: BTreeMap<String, TimeLimit>,
}

impl TimeLimits {
    /// The exercise's recorded limit, if one was measured.
    pub fn recorded(&self, exercise: &Exercise) -> Option<TimeLimit> {
        self.recorded.get(&exercise.name).copied()
    }

    /// How long each of the exercise's check programs may run: a maintainer's override, else the
    /// recorded limit, else [`DEFAULT_TIME_LIMIT`].
    pub fn of(&self, exercise: &Exercise) -> Duration {
        match (exercise.timeout, self.recorded(exercise)) {
            (Some(seconds), _) => Duration::from_secs(seconds),
            (None, Some(recorded)) => Duration::from_secs(recorded.limit_seconds),
            (None, None) => DEFAULT_TIME_LIMIT,
        }
    }
}

/// How many steps each exercise's hints come in: what to look at, which API, a sketch.
pub const HINT_STEPS: usize = 3;

/// An exercise's measured time limit, as `exercises/time-limits.toml` keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TimeLimit {
    /// How long each of its check programs may run.
    pub limit_seconds: u64,
    /// What its solution's checks took when the limit was recorded.
    pub solution_seconds: f64,
}

/// The time limit of an exercise with none recorded (a new one, before `verify --record-limits`).
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(10);

/// The metadata file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Metadata {
    exercise: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    lesson: String,
    checks: Vec<CheckKind>,
    hints: Vec<String>,
    #[serde(default)]
    timeout: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct Manifest {
    package: ManifestPackage,
}

#[derive(Debug, Deserialize)]
struct ManifestPackage {
    name: String,
}

pub const METADATA: &str = "exercises/exercises.toml";
pub const TIME_LIMITS: &str = "exercises/time-limits.toml";

impl Course {
    /// The course to work on: `root` when given (`--root`); else the workspace cargo ran the
    /// grader for (`cargo xtask` gives it `CARGO_MANIFEST_DIR`, the xtask's folder in that
    /// workspace); else the nearest folder holding `exercises/exercises.toml`, from the current
    /// one up.
    pub fn locate(root: Option<&Path>) -> anyhow::Result<Course> {
        if let Some(root) = root {
            return Course::load(root);
        }
        let from_cargo = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .and_then(|xtask| xtask.parent().map(Path::to_path_buf))
            .filter(|root| root.join(METADATA).is_file());
        if let Some(root) = from_cargo {
            return Course::load(&root);
        }
        let here = std::env::current_dir().context("cannot tell which folder this is")?;
        match here.ancestors().find(|dir| dir.join(METADATA).is_file()) {
            Some(root) => Course::load(root),
            None => bail!(
                "cannot find the course: no {METADATA} in {} or any folder above it. Run \
                 `cargo xtask` from inside the course's folder",
                here.display()
            ),
        }
    }

    /// Reads the metadata of the course at `root`, checking that every listed exercise exists and
    /// has its three hint steps.
    pub fn load(root: &Path) -> anyhow::Result<Course> {
        // Cargo reports absolute, resolved paths; so must we, to match its reports to exercises
        // (`--root .` would otherwise match nothing).
        let root = &root
            .canonicalize()
            .with_context(|| format!("cannot find the course at {}", root.display()))?;
        let mut exercises = Vec::new();
        for (entry, steps) in read_metadata(root)? {
            let manifest = root.join("exercises").join(&entry.name).join("Cargo.toml");
            let package = read_package_name(&manifest)?;
            exercises.push(Exercise {
                name: entry.name,
                package,
                lesson: entry.lesson,
                checks: entry.checks,
                hint: steps[0].clone(),
                timeout: entry.timeout,
            });
        }
        Ok(Course {
            root: root.to_path_buf(),
            exercises,
        })
    }

    /// Every exercise's hints, read from the metadata.
    pub fn hints(&self) -> anyhow::Result<Hints> {
        let steps = read_metadata(&self.root)?
            .into_iter()
            .map(|(entry, steps)| (entry.name, steps))
            .collect();
        Ok(Hints { steps })
    }

    /// The time limits recorded in `exercises/time-limits.toml` (none if it does not exist yet).
    pub fn time_limits(&self) -> anyhow::Result<TimeLimits> {
        let recorded = read_time_limits(&self.root.join(TIME_LIMITS))?;
        Ok(TimeLimits { recorded })
    }

    /// The exercise a learner means by `query`: its folder name (`01-spawn-join`), its number
    /// (`01` or `1`), or its package name (`spawn-join`).
    pub fn find(&self, query: &str) -> anyhow::Result<&Exercise> {
        let query = query.trim().trim_end_matches('/');
        let query = query.rsplit('/').next().unwrap_or(query);
        let found = self.exercises.iter().find(|exercise| {
            exercise.name == query
                || exercise.package == query
                || (!query.is_empty()
                    && query.chars().all(|c| c.is_ascii_digit())
                    && exercise.number().trim_start_matches('0') == query.trim_start_matches('0'))
        });
        found.ok_or_else(|| {
            anyhow!("there is no exercise called {query:?}; `cargo xtask list` shows them all")
        })
    }

    pub fn exercise_dir(&self, exercise: &Exercise) -> PathBuf {
        self.root.join("exercises").join(&exercise.name)
    }

    pub fn solution_dir(&self, exercise: &Exercise) -> PathBuf {
        self.root.join("solutions").join(&exercise.name)
    }

    /// The course's target directory: `$CARGO_TARGET_DIR` if set, else `target/` in the course.
    pub fn target_dir(&self) -> PathBuf {
        std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|dir| {
                if dir.is_absolute() {
                    dir
                } else {
                    self.root.join(dir)
                }
            })
            .unwrap_or_else(|| self.root.join("target"))
    }
}

/// The metadata's entries, each with its hint steps, trimmed; an exercise without exactly three
/// is an error.
fn read_metadata(root: &Path) -> anyhow::Result<Vec<(Entry, Vec<String>)>> {
    let path = root.join(METADATA);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let metadata: Metadata =
        toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))?;
    let mut entries = Vec::new();
    for entry in metadata.exercise {
        let steps: Vec<String> = entry.hints.iter().map(|s| s.trim().to_string()).collect();
        if steps.len() != HINT_STEPS {
            bail!(
                "{} is not valid: {} has {} hints; each exercise has {HINT_STEPS} (what to look \
                 at, which API, a sketch)",
                path.display(),
                entry.name,
                steps.len()
            );
        }
        entries.push((entry, steps));
    }
    Ok(entries)
}

/// The recorded time limits, by exercise name; none if the file does not exist yet.
pub fn read_time_limits(path: &Path) -> anyhow::Result<BTreeMap<String, TimeLimit>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    };
    toml::from_str(&text).with_context(|| {
        format!(
            "{} is not valid (`cargo xtask verify --record-limits` writes it anew)",
            path.display()
        )
    })
}

fn read_package_name(manifest: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("cannot read {}", manifest.display()))?;
    let parsed: Manifest =
        toml::from_str(&text).with_context(|| format!("{} is not valid", manifest.display()))?;
    Ok(parsed.package.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(name: &str, package: &str) -> Exercise {
        Exercise {
            name: name.to_string(),
            package: package.to_string(),
            lesson: "threads".to_string(),
            checks: vec![CheckKind::Test],
            hint: String::new(),
            timeout: None,
        }
    }

    fn course() -> Course {
        Course {
            root: PathBuf::from("/course"),
            exercises: vec![
                exercise("01-spawn-join", "spawn-join"),
                exercise("12-semaphore", "semaphore"),
            ],
        }
    }

    #[test]
    fn finds_by_folder_number_or_package() {
        let course = course();
        for query in [
            "12-semaphore",
            "12",
            "semaphore",
            "exercises/12-semaphore/",
            " 12 ",
        ] {
            assert_eq!(course.find(query).expect(query).name, "12-semaphore");
        }
        assert_eq!(course.find("1").expect("1").name, "01-spawn-join");
    }

    #[test]
    fn an_unknown_exercise_is_a_clear_error() {
        let error = course().find("99").expect_err("no such exercise");
        assert!(error.to_string().contains("cargo xtask list"), "{error}");
        assert!(course().find("").is_err());
    }

    #[test]
    fn the_real_course_loads() {
        // The course this test was built in (the grader itself finds it from where it runs).
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let course = Course::load(&root).expect("load exercises.toml");
        assert!(!course.exercises.is_empty());
        let all_hints = course.hints().expect("the hints");
        for exercise in &course.exercises {
            let hints = all_hints.of(exercise);
            assert_eq!(hints.len(), HINT_STEPS, "{}", exercise.name);
            assert!(
                hints.iter().all(|step| !step.is_empty()),
                "{}",
                exercise.name
            );
            assert!(
                !exercise.checks.is_empty(),
                "{} has no checks",
                exercise.name
            );
        }
    }
}
