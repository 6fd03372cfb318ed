//! The learner's commands: check, watch, hint, list, reset, restore.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;

use crate::course::{Course, Exercise, HINT_STEPS};
use crate::grade::{self, Location, Options, Verdict};
use crate::records::Records;
use crate::report::{self, Standing, Style};
use crate::seal;

/// `cargo xtask check [NAME] [--json] [--force]`.
pub fn check(
    course: &Course,
    name: Option<&str>,
    json: bool,
    force: bool,
) -> anyhow::Result<ExitCode> {
    let mut records = Records::load(course);
    let reuse = (!force).then(|| records.clone());
    let (verdicts, scope) = match name {
        Some(name) => {
            let exercise = course.find(name)?;
            (
                grade_some(course, &[exercise], reuse, json)?,
                report::Scope::One,
            )
        }
        None => (grade_course(course, reuse, json)?, report::Scope::Course),
    };
    remember(course, &mut records, &verdicts);
    if json {
        report::print_json(course, &verdicts, |name| records.hints_seen(name));
    } else {
        report::print_verdicts(course, &verdicts);
        report::print_next(course, &verdicts, scope);
    }
    let all_passed = verdicts.iter().all(Verdict::passed);
    Ok(if all_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Grades the whole course in one go. The first untouched exercise is run too: it is the one the
/// learner is about to start, and they want to see what its checks say.
fn grade_course(
    course: &Course,
    reuse: Option<Records>,
    json: bool,
) -> anyhow::Result<Vec<Verdict>> {
    let all: Vec<&Exercise> = course.exercises.iter().collect();
    let options = Options {
        skip_untouched: true,
        run_first_untouched: true,
        always_run: Vec::new(),
        detect_edits: true,
        reuse,
    };
    grade_quietly(course, &all, &options, json)
}

/// Grades the exercises named, whether started or not.
fn grade_some(
    course: &Course,
    exercises: &[&Exercise],
    reuse: Option<Records>,
    json: bool,
) -> anyhow::Result<Vec<Verdict>> {
    let options = Options {
        skip_untouched: true,
        run_first_untouched: false,
        always_run: exercises.iter().map(|e| e.name.clone()).collect(),
        detect_edits: true,
        reuse,
    };
    grade_quietly(course, exercises, &options, json)
}

/// Grades with the learner's settings, showing progress on a terminal.
fn grade_quietly(
    course: &Course,
    exercises: &[&Exercise],
    options: &Options,
    json: bool,
) -> anyhow::Result<Vec<Verdict>> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let drawer = (!json).then(|| report::show_progress(receiver));
    let verdicts = grade::grade(
        course,
        exercises,
        &Location::course(course),
        options,
        Some(sender),
    );
    if let Some(drawer) = drawer {
        // The drawer ends when grading drops its sender; it cannot panic.
        let _ = drawer.join();
    }
    verdicts
}

/// Records each verdict, so an unchanged exercise is not graded again and `list` knows what
/// passed.
fn remember(course: &Course, records: &mut Records, verdicts: &[Verdict]) {
    for verdict in verdicts {
        records.remember(verdict);
    }
    records.save(course);
}

/// `cargo xtask hint NAME [--all]`: the next step of its hints (a nudge, then the API, then a
/// sketch), or all three.
pub fn hint(course: &Course, name: &str, all: bool) -> anyhow::Result<ExitCode> {
    let exercise = course.find(name)?;
    let hints = course.hints(exercise);
    let mut records = Records::load(course);
    let seen = records.hints_seen(&exercise.name);
    // Steps shown by this call: all of them, or the next one (the last one again once all were
    // seen).
    let shown = if all {
        0..hints.len()
    } else {
        let step = seen.min(hints.len().saturating_sub(1));
        step..step + 1
    };
    let style = Style::for_stdout();
    for step in shown.clone() {
        println!(
            "{}",
            style.bold(&format!(
                "Hint {} of {} for {}: {}",
                step + 1,
                hints.len(),
                exercise.name,
                STEP_NAMES.get(step).copied().unwrap_or("")
            ))
        );
        println!();
        println!("{}", hints[step]);
        println!();
    }
    let now_seen = seen.max(shown.end);
    records.set_hints_seen(&exercise.name, now_seen);
    records.save(course);
    let next = if now_seen < hints.len() {
        format!(
            "Still stuck? `cargo xtask hint {}` again gives the next step. ",
            exercise.name
        )
    } else {
        String::new()
    };
    println!(
        "{}",
        style.dim(&format!(
            "{next}The lesson shows the idea at work: `cargo run -p lesson-{}`. A finished \
             version is in solutions/{}/ when you are done (or truly stuck).",
            exercise.lesson, exercise.name
        ))
    );
    Ok(ExitCode::SUCCESS)
}

/// What each step of a hint is.
const STEP_NAMES: [&str; HINT_STEPS] = ["what to look at", "which API", "a sketch"];

/// `cargo xtask list [--json]`: where each exercise stands, without grading anything.
pub fn list(course: &Course, json: bool) -> anyhow::Result<ExitCode> {
    let seals = seal::read_lock(course)?;
    let records = Records::load(course);
    let mut rows = Vec::new();
    for exercise in &course.exercises {
        let now = seal::seal_of(&course.exercise_dir(exercise))?;
        let shipped = seals.get(&exercise.name);
        let passed = records.last_verdict(&exercise.name).is_some_and(|last| {
            last.status == grade::Status::Passed
                && last.fingerprints.src == now.starter
                && last.fingerprints.checks == now.checks
        });
        let standing = if shipped.is_some_and(|s| s.checks != now.checks) {
            Standing::ChecksEdited
        } else if passed {
            Standing::Passed
        } else if shipped.is_some_and(|s| s.starter == now.starter) {
            Standing::NotStarted
        } else {
            Standing::InProgress
        };
        rows.push((exercise, standing));
    }
    if json {
        report::print_list_json(&rows)?;
    } else {
        report::print_list(&rows);
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask reset NAME`: put the starter back, keeping the learner's version in `backups/`.
pub fn reset(course: &Course, name: &str) -> anyhow::Result<ExitCode> {
    let exercise = course.find(name)?;
    let seals = seal::read_lock(course)?;
    let shipped = seals
        .get(&exercise.name)
        .with_context(|| format!("{} is not sealed; nothing to reset to", exercise.name))?;
    let src = course.exercise_dir(exercise).join("src");
    let now = seal::seal_of(&course.exercise_dir(exercise))?;
    if now.starter == shipped.starter {
        println!(
            "{} is already the untouched starter; nothing to do.",
            exercise.name
        );
        return Ok(ExitCode::SUCCESS);
    }
    let starter = crate::git::find_starter(course, exercise, &shipped.starter)?;

    // Keep the learner's version first; only once the backup is complete does src/ change.
    let backup = if src.exists() {
        let backup = backup_dir(course, exercise);
        copy_tree(&src, &backup)?;
        std::fs::remove_dir_all(&src).with_context(|| src.display().to_string())?;
        Some(backup)
    } else {
        None
    };
    for (relative, contents) in &starter {
        let path = course.exercise_dir(exercise).join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| parent.display().to_string())?;
        }
        std::fs::write(&path, contents).with_context(|| path.display().to_string())?;
    }
    println!("{} is back to its starter.", exercise.name);
    if let Some(backup) = backup {
        println!("Your version is kept in {}", backup.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn backup_dir(course: &Course, exercise: &Exercise) -> PathBuf {
    let seconds = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let mut dir = course
        .root
        .join("backups")
        .join(format!("{}-{seconds}", exercise.name));
    let mut attempt = 1;
    while dir.exists() {
        attempt += 1;
        dir = course
            .root
            .join("backups")
            .join(format!("{}-{seconds}-{attempt}", exercise.name));
    }
    dir.join("src")
}

/// Copies every file under `from` to the same place under `to` (links are not followed).
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    for source in crate::walk::files(from)? {
        let destination = to.join(source.strip_prefix(from).unwrap_or(&source));
        if let Some(parent) = destination.parent() {
            std::fs::create_dir_all(parent).with_context(|| parent.display().to_string())?;
        }
        std::fs::copy(&source, &destination).with_context(|| source.display().to_string())?;
    }
    Ok(())
}

/// `cargo xtask watch`: re-grade the exercises being edited on every save, and move on when one
/// passes. Ctrl-C ends it.
pub fn watch(course: &Course) -> anyhow::Result<ExitCode> {
    let style = Style::for_stdout();
    let mut records = Records::load(course);
    println!("Watching exercises/ for changes (Ctrl-C to stop).");
    let all: Vec<&Exercise> = course.exercises.iter().collect();
    let mut verdicts = grade_course(course, Some(records.clone()), false)?;
    remember(course, &mut records, &verdicts);
    report::print_verdicts(course, &verdicts);
    report::print_next(course, &verdicts, report::Scope::Course);

    let mut seen = fingerprints(course);
    loop {
        std::thread::sleep(POLL);
        let now = fingerprints(course);
        if now == seen {
            continue;
        }
        let now = settled(course, now);
        let changed: Vec<&Exercise> = all
            .iter()
            .copied()
            .filter(|e| now.get(&e.name) != seen.get(&e.name))
            .collect();
        seen = now;
        if changed.is_empty() {
            continue;
        }
        let names: Vec<&str> = changed.iter().map(|e| e.name.as_str()).collect();
        println!();
        println!(
            "{} {} changed; checking...",
            style.dim("·"),
            names.join(", ")
        );
        let graded = grade_some(course, &changed, Some(records.clone()), false)?;
        remember(course, &mut records, &graded);
        for verdict in &graded {
            if let Some(index) = all.iter().position(|e| e.name == verdict.name) {
                verdicts[index] = verdict.clone();
            }
            if verdict.passed() {
                println!("{}", style.green(&format!("✓ {} passes!", verdict.name)));
            }
        }
        match graded.iter().find(|v| !v.passed()) {
            // Still failing: show why, for the first of the changed ones.
            Some(failing) => {
                report::print_next(course, std::slice::from_ref(failing), report::Scope::One);
            }
            None => match verdicts.iter().position(|v| !v.passed()) {
                Some(index) => report::print_exercise_heading(
                    &style,
                    all[index],
                    report::verdict_word(&verdicts[index]),
                ),
                None => {
                    println!("{}", style.green("Every exercise is done. Well done!"));
                    return Ok(ExitCode::SUCCESS);
                }
            },
        }
    }
}

const POLL: Duration = Duration::from_millis(300);
const SETTLE: Duration = Duration::from_millis(200);

/// Each exercise's fingerprints: the very files the grader reads, so an editor's swap file or a
/// save that changes nothing does not set off a grading.
fn fingerprints(course: &Course) -> BTreeMap<String, Option<seal::Seal>> {
    course
        .exercises
        .iter()
        .map(|e| (e.name.clone(), seal::seal_of(&course.exercise_dir(e)).ok()))
        .collect()
}

/// The fingerprints once they stop changing: editors often save in several steps.
fn settled(
    course: &Course,
    mut last: BTreeMap<String, Option<seal::Seal>>,
) -> BTreeMap<String, Option<seal::Seal>> {
    loop {
        std::thread::sleep(SETTLE);
        let now = fingerprints(course);
        if now == last {
            return now;
        }
        last = now;
    }
}
