//! The learner loop: how long a learner waits for the grader's verdict after saving an exercise.
//!
//! Not a lesson's claim but the course's own promise: a verdict within a second of a save (a
//! second and a half where the compiler must refuse code), a `cargo xtask check` that regrades
//! nothing in two seconds when nothing changed, and a hang told apart within ten. It runs only on
//! request (`cargo xtask bench -- --only grader`), since it grades every exercise a dozen times.
//!
//! It works on a throwaway copy of the course (so a learner's own exercises are never touched),
//! and runs the grader the course was built with, as `cargo xtask` passes it on. The copy is built
//! in a target directory of its own, `learner-loop/` in the course's, kept from one bench to the
//! next so that it is warm: cargo names a workspace member's build outputs by its path *within*
//! its workspace, the same in the copy as in the course, so in the course's own target directory
//! the copy's builds would pass for the course's (a starter graded with its solution's checks).
//! Each verdict is timed from a save: the exercise's main file is written again with a new last
//! line, as an editor would, and then graded.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use runner::{Finished, Limits};

use super::{Context, progress};
use crate::plan::Plan;
use crate::report::{Figures, Row, Section};
use crate::stats::{Spread, Unit};

/// What `cargo xtask bench` tells the bench about the grader, in the environment.
const XTASK_VAR: &str = "COURSE_BENCH_XTASK";
const ROOT_VAR: &str = "COURSE_BENCH_ROOT";
const TARGET_VAR: &str = "COURSE_BENCH_TARGET_DIR";

/// The promises measured against.
const VERDICT_TARGET: f64 = 1.0;
const COMPILE_FAIL_TARGET: f64 = 1.5;
const NOTHING_CHANGED_TARGET: f64 = 2.0;
const HANG_TARGET: f64 = 10.0;

/// The copy's target directory, in the course's.
const COPY_TARGET: &str = "learner-loop";

/// A verdict that takes an hour is a grader that hangs, not a slow one (the first build of the copy
/// builds every dependency of the exercises: minutes on two cores).
const GRADER_LIMITS: Limits = Limits {
    timeout: Duration::from_secs(60 * 60),
    output_cap: 256 << 10,
};

/// The one exercise `--quick` times, besides the hangs.
const QUICK_EXERCISE: &str = "01-spawn-join";

pub fn run(plan: &Plan, _context: &Context) -> anyhow::Result<Section> {
    let grader = Grader::from_environment()?;
    let copy = CourseCopy::make(&grader.root)?;
    let mut exercises = copy.exercises()?;
    if plan.quick {
        exercises.retain(|exercise| exercise.name == QUICK_EXERCISE);
    }
    let mut rows = Vec::new();
    let mut figures = Figures::default();
    let mut notes = Vec::new();
    let mut solved_medians = Vec::new();
    let mut unsolved_medians = Vec::new();
    let mut over_target = Vec::new();

    let cargo_start = grader.time_cargo_start(plan.runs)?;

    for exercise in &exercises {
        for state in [State::Solved, State::Unsolved] {
            progress(&format!(
                "Learner loop: {} {}, {} runs after a warm-up",
                exercise.name,
                state.word(),
                plan.runs
            ));
            let mut spread = Spread::new();
            // The first grading after the copy is made compiles the exercise for the first time:
            // a warm-up, not a verdict after a save.
            for save in 0..=plan.runs {
                copy.save(exercise, state, save)?;
                let (seconds, finished) = grader.check(&copy, Some(&exercise.name))?;
                if save > 0 {
                    spread.push(seconds);
                }
                if finished.ending.success() != (state == State::Solved) && save == 1 {
                    notes.push(format!(
                        "{} {}: the verdict was not the expected one ({}): {}",
                        exercise.name,
                        state.word(),
                        finished.ending,
                        last_words(&finished)
                    ));
                }
            }
            let target = exercise.target();
            if spread.median() > target {
                over_target.push(format!(
                    "{} {} ({})",
                    exercise.name,
                    state.word(),
                    Unit::Seconds.format(spread.median())
                ));
            }
            match state {
                State::Solved => solved_medians.push(spread.median()),
                State::Unsolved => unsolved_medians.push(spread.median()),
            }
            let what = format!("{} {}", exercise.name, state.word());
            figures.measured(
                format!("grader.verdict.{}.{}", state.word(), key_of(&exercise.name)),
                format!("the grader's verdict after a save: {what}"),
                Unit::Seconds,
                &spread,
            );
            rows.push(Row::against(
                what,
                Unit::Seconds,
                &spread,
                Unit::Seconds.format(target),
                spread.median() / target,
            ));
        }
    }

    if !plan.quick {
        let (row, spread) = nothing_changed(&grader, &copy, &exercises, plan.runs)?;
        figures.measured(
            "grader.nothing_changed",
            "`cargo xtask check` with nothing changed, every exercise solved",
            Unit::Seconds,
            &spread,
        );
        rows.push(row);
    }
    for hang in &HANGS {
        if plan.quick && hang.exercise != QUICK_EXERCISE {
            continue;
        }
        let Some(exercise) = copy
            .exercises()?
            .into_iter()
            .find(|e| e.name == hang.exercise)
        else {
            notes.push(format!("{}: no such exercise to hang", hang.exercise));
            continue;
        };
        let (row, spread) = time_hang(&grader, &copy, &exercise, hang, plan.runs, &mut notes)?;
        figures.measured(
            format!("grader.hang.{}", hang.key),
            format!("the grader's verdict on {} in {}", hang.what, exercise.name),
            Unit::Seconds,
            &spread,
        );
        rows.push(row);
    }
    rows.push(Row::reference(
        "cargo's start before every verdict (`cargo xtask` is `cargo run -p xtask`)",
        Unit::Seconds,
        &cargo_start,
    ));
    figures.measured(
        "grader.cargo_start",
        "cargo's start before every verdict",
        Unit::Seconds,
        &cargo_start,
    );

    let solved = Spread::of(solved_medians);
    let unsolved = Spread::of(unsolved_medians);
    figures.value(
        "grader.verdict.solved_median",
        "the median over the exercises of the verdict after a save, solved",
        Unit::Seconds,
        solved.median(),
    );
    figures.value(
        "grader.verdict.unsolved_median",
        "the median over the exercises of the verdict after a save, unsolved",
        Unit::Seconds,
        unsolved.median(),
    );
    let mut headlines = vec![format!(
        "Learner loop: a verdict {} after a save for a solved exercise, {} for an unsolved one \
         (medians over {} exercises), plus {} of cargo's own start.",
        Unit::Seconds.format(solved.median()),
        Unit::Seconds.format(unsolved.median()),
        exercises.len(),
        Unit::Seconds.format(cargo_start.median()),
    )];
    if over_target.is_empty() {
        headlines.push("Learner loop: every verdict within its target.".to_string());
    } else {
        notes.push(format!("Over their target: {}.", over_target.join(", ")));
    }
    Ok(Section {
        title: "Learner loop: the grader's verdict after a save".to_string(),
        intro: format!(
            "Each exercise of a throwaway copy of the course saved (its main file rewritten with \
             a new last line) and graded with `cargo xtask check NAME`, solved (the solution in \
             place) and unsolved (the starter plus an edit), {} times after a warm-up; warm, in \
             the course's target directory. The grader's own time, without cargo's start, which \
             is measured once below. The target is {} a verdict ({} where the compiler must \
             refuse code).",
            plan.runs,
            Unit::Seconds.format(VERDICT_TARGET),
            Unit::Seconds.format(COMPILE_FAIL_TARGET),
        ),
        rows,
        reading: "Ratio: measured ÷ target; above 1.00× misses it.".to_string(),
        notes,
        headlines,
        figures,
        ..Section::default()
    })
}

/// `check` of the whole course, every exercise solved, graded again with nothing changed.
fn nothing_changed(
    grader: &Grader,
    copy: &CourseCopy,
    exercises: &[Exercise],
    runs: usize,
) -> anyhow::Result<(Row, Spread)> {
    progress("Learner loop: `cargo xtask check` with nothing changed");
    for exercise in exercises {
        copy.save(exercise, State::Solved, 0)?;
    }
    // The first grades what was saved; the next ones have nothing new to grade.
    grader.check(copy, None)?;
    let mut spread = Spread::new();
    for _ in 0..runs {
        spread.push(grader.check(copy, None)?.0);
    }
    let row = Row::against(
        format!(
            "`cargo xtask check`, nothing changed, {} exercises solved",
            exercises.len()
        ),
        Unit::Seconds,
        &spread,
        Unit::Seconds.format(NOTHING_CHANGED_TARGET),
        spread.median() / NOTHING_CHANGED_TARGET,
    );
    Ok((row, spread))
}

/// A bug put into a solution: the code the learner wrote at the start of a function's body.
struct Hang {
    /// Its name in report.json's keys (`grader.hang.deadlock`).
    key: &'static str,
    what: &'static str,
    exercise: &'static str,
    function: &'static str,
    code: &'static str,
}

const HANGS: [Hang; 3] = [
    Hang {
        key: "deadlock",
        what: "a deadlock (waits on a channel whose sender lives on)",
        exercise: "01-spawn-join",
        function: "checksum_all",
        code: "let (_sender, receiver) = std::sync::mpsc::channel::<()>(); let _ = receiver.recv();",
    },
    Hang {
        key: "endless_loop",
        what: "an endless loop",
        exercise: "01-spawn-join",
        function: "checksum_all",
        code: "let mut spin = 0_u64; loop { spin = std::hint::black_box(spin.wrapping_add(1)); }",
    },
    Hang {
        key: "flood",
        what: "a flood of output (`loop { println!(..) }` in async code)",
        exercise: "16-semaphore-bound",
        function: "fetch_bounded",
        code: "loop { println!(\"flooding the output\"); }",
    },
];

fn time_hang(
    grader: &Grader,
    copy: &CourseCopy,
    exercise: &Exercise,
    hang: &Hang,
    runs: usize,
    notes: &mut Vec<String>,
) -> anyhow::Result<(Row, Spread)> {
    progress(&format!("Learner loop: {} in {}", hang.what, exercise.name));
    let mut spread = Spread::new();
    for save in 0..runs {
        copy.save(exercise, State::Solved, save)?;
        copy.break_with(exercise, hang, save)?;
        let (seconds, finished) = grader.check(copy, Some(&exercise.name))?;
        spread.push(seconds);
        if save == 0 {
            notes.push(format!(
                "{} in {}: \"{}\"",
                hang.what,
                exercise.name,
                verdict_opening(&finished)
            ));
        }
    }
    let row = Row::against(
        format!("{} in {}: the verdict", hang.what, exercise.name),
        Unit::Seconds,
        &spread,
        Unit::Seconds.format(HANG_TARGET),
        spread.median() / HANG_TARGET,
    );
    Ok((row, spread))
}

/// The grader the course was built with, and where the course lives.
struct Grader {
    xtask: PathBuf,
    root: PathBuf,
    target_dir: PathBuf,
}

impl Grader {
    fn from_environment() -> anyhow::Result<Grader> {
        let var = |name: &str| {
            std::env::var_os(name).map(PathBuf::from).with_context(|| {
                format!(
                    "{name} is not set: the learner loop times the course's grader, so run it \
                     through the grader: `cargo xtask bench -- --only grader`"
                )
            })
        };
        Ok(Grader {
            xtask: var(XTASK_VAR)?,
            root: var(ROOT_VAR)?,
            target_dir: var(TARGET_VAR)?,
        })
    }

    /// Runs `cargo xtask check [NAME]` on the copy; how long it took, and what it said.
    fn check(&self, copy: &CourseCopy, name: Option<&str>) -> anyhow::Result<(f64, Finished)> {
        let mut command = Command::new(&self.xtask);
        command
            .current_dir(&copy.root)
            .arg("--root")
            .arg(&copy.root)
            .arg("check")
            .args(name)
            .env("CARGO_TARGET_DIR", self.target_dir.join(COPY_TARGET))
            .env("NO_COLOR", "1")
            // The grader's environment, as cargo gives it, must not point at the original.
            .env_remove("CARGO_MANIFEST_DIR");
        let started = Instant::now();
        let finished = runner::run(&mut command, GRADER_LIMITS)
            .with_context(|| format!("cannot run {}", self.xtask.display()))?;
        let seconds = started.elapsed().as_secs_f64();
        if finished.ending == runner::Ending::TimedOut {
            bail!(
                "`cargo xtask check {}` took over {:?}",
                name.unwrap_or(""),
                GRADER_LIMITS.timeout
            );
        }
        Ok((seconds, finished))
    }

    /// How long `cargo xtask` takes before the grader starts: cargo finding the xtask fresh.
    fn time_cargo_start(&self, runs: usize) -> anyhow::Result<Spread> {
        progress("Learner loop: cargo's start");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut spread = Spread::new();
        for run in 0..=runs {
            let mut command = Command::new(&cargo);
            command
                .current_dir(&self.root)
                .args(["run", "--quiet", "--package", "xtask", "--", "--help"])
                .env("CARGO_TARGET_DIR", &self.target_dir);
            let started = Instant::now();
            let finished = runner::run(&mut command, GRADER_LIMITS).context("cannot run cargo")?;
            if !finished.ending.success() {
                bail!(
                    "`cargo xtask --help` failed: {}",
                    finished.stderr.last_lines(5)
                );
            }
            // The first run may build the xtask.
            if run > 0 {
                spread.push(started.elapsed().as_secs_f64());
            }
        }
        Ok(spread)
    }
}

/// Solved (the solution's files in place) or unsolved (the starter, edited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Solved,
    Unsolved,
}

impl State {
    fn word(self) -> &'static str {
        match self {
            State::Solved => "solved",
            State::Unsolved => "unsolved",
        }
    }
}

/// One exercise of the copy.
#[derive(Debug, Clone)]
struct Exercise {
    name: String,
    /// The starter's files, and the solution's, by path relative to the exercise.
    starter: Vec<(PathBuf, Vec<u8>)>,
    solution: Vec<(PathBuf, Vec<u8>)>,
    /// The file a save rewrites: the solution's `src/lib.rs`, or its first file.
    main_file: PathBuf,
    compile_fail: bool,
}

impl Exercise {
    fn target(&self) -> f64 {
        if self.compile_fail {
            COMPILE_FAIL_TARGET
        } else {
            VERDICT_TARGET
        }
    }
}

/// A throwaway copy of the course's sources (not its target directory), removed when dropped.
struct CourseCopy {
    root: PathBuf,
}

/// What is not copied: build output, history, and what tools leave behind.
const NOT_COPIED: [&str; 4] = ["target", ".git", ".verify", "backups"];

impl CourseCopy {
    /// Copies the course into the system's temporary folder. Not into the target directory:
    /// trybuild treats paths under its target directory as generated code.
    fn make(root: &Path) -> anyhow::Result<CourseCopy> {
        let copy = std::env::temp_dir().join(format!("course-learner-loop-{}", std::process::id()));
        // A copy left by an interrupted run of this same process id is stale.
        let _ = std::fs::remove_dir_all(&copy);
        copy_tree(root, &copy, true)
            .with_context(|| format!("cannot copy the course into {}", copy.display()))?;
        Ok(CourseCopy { root: copy })
    }

    /// The copy's exercises, in order, with their starters and solutions.
    fn exercises(&self) -> anyhow::Result<Vec<Exercise>> {
        let mut names: Vec<String> = std::fs::read_dir(self.root.join("exercises"))?
            .flatten()
            .filter(|entry| entry.path().is_dir())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(|c: char| c.is_ascii_digit()))
            .collect();
        names.sort();
        let mut exercises = Vec::new();
        for name in names {
            let dir = self.root.join("exercises").join(&name);
            let starter = files_of(&dir.join("src"), Path::new("src"))?;
            let solution = files_of(
                &self.root.join("solutions").join(&name).join("src"),
                Path::new("src"),
            )?;
            let main_file = solution
                .iter()
                .map(|(path, _)| path.clone())
                .find(|path| path.ends_with("lib.rs"))
                .or_else(|| solution.first().map(|(path, _)| path.clone()))
                .with_context(|| format!("{name} has no solution"))?;
            exercises.push(Exercise {
                compile_fail: dir.join("tests/compile_fail.rs").is_file(),
                name,
                starter,
                solution,
                main_file,
            });
        }
        Ok(exercises)
    }

    /// Writes the exercise in `state`, with a last line that differs for every `save`.
    fn save(&self, exercise: &Exercise, state: State, save: usize) -> anyhow::Result<()> {
        let dir = self.root.join("exercises").join(&exercise.name);
        let src = dir.join("src");
        std::fs::remove_dir_all(&src).with_context(|| src.display().to_string())?;
        let mut files = exercise.starter.clone();
        if state == State::Solved {
            for (path, contents) in &exercise.solution {
                files.retain(|(other, _)| other != path);
                files.push((path.clone(), contents.clone()));
            }
        }
        for (path, contents) in files {
            let mut contents = contents;
            if path == exercise.main_file {
                contents
                    .extend_from_slice(format!("// saved {} {save}\n", state.word()).as_bytes());
            }
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, contents).with_context(|| path.display().to_string())?;
        }
        Ok(())
    }

    /// Puts `hang`'s code at the start of its function's body, in the exercise's main file.
    fn break_with(&self, exercise: &Exercise, hang: &Hang, save: usize) -> anyhow::Result<()> {
        let path = self
            .root
            .join("exercises")
            .join(&exercise.name)
            .join(&exercise.main_file);
        let source = std::fs::read_to_string(&path)?;
        let signature = format!("fn {}", hang.function);
        let body = source
            .find(&signature)
            .and_then(|at| source[at..].find('{').map(|brace| at + brace + 1))
            .with_context(|| {
                format!(
                    "{} has no `{signature}` to break: the bench's hangs need updating",
                    path.display()
                )
            })?;
        let broken = format!(
            "{}\n    {} // broken {save}\n{}",
            &source[..body],
            hang.code,
            &source[body..]
        );
        std::fs::write(&path, broken).with_context(|| path.display().to_string())
    }
}

impl Drop for CourseCopy {
    fn drop(&mut self) {
        // A copy that cannot be removed only takes room in the temporary folder.
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Copies `from` into `to`; at the top, leaves out [`NOT_COPIED`]. Links are not followed.
fn copy_tree(from: &Path, to: &Path, top: bool) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if top && NOT_COPIED.iter().any(|skip| name == *skip) {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &to.join(&name), false)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

/// Every file under `dir`, by its path under `prefix`.
fn files_of(dir: &Path, prefix: &Path) -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let relative = prefix.join(entry.file_name());
        if kind.is_dir() {
            files.extend(files_of(&entry.path(), &relative)?);
        } else if kind.is_file() {
            files.push((relative, std::fs::read(entry.path())?));
        }
    }
    files.sort();
    Ok(files)
}

/// An exercise's name as report.json's keys have it: `01_spawn_join`.
fn key_of(name: &str) -> String {
    name.replace('-', "_")
}

/// The grader's last few lines, for a note.
fn last_words(finished: &Finished) -> String {
    finished.stdout.last_lines(3).replace('\n', " / ")
}

/// The first line of the grader's diagnosis: what a learner reads first.
fn verdict_opening(finished: &Finished) -> String {
    let text = &finished.stdout.text;
    let after_heading = text
        .split("(or `cargo xtask watch`)")
        .nth(1)
        .unwrap_or(text);
    after_heading
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("")
        .chars()
        .take(160)
        .collect()
}
