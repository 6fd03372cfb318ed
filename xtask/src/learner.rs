//! The learner's commands: check, watch, hint, list, reset, restore.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use anyhow::{Context as _, bail};

use crate::clock::Utc;
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
    let all_hints = course.hints()?;
    let hints = all_hints.of(exercise);
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
    let now = seal::seal_of(&course.exercise_dir(exercise))?;
    if now.starter == shipped.starter {
        println!(
            "{} is already the untouched starter; nothing to do.",
            exercise.name
        );
        return Ok(ExitCode::SUCCESS);
    }
    let starter = crate::git::find_starter(course, exercise, &shipped.starter)?;
    let backup = replace_src(course, exercise, &starter)?;
    println!("{} is back to its starter.", exercise.name);
    if let Some(backup) = backup {
        println!("Your version is kept in {}", backup.display());
        println!(
            "`cargo xtask restore {}` brings it back.",
            exercise.number()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask restore NAME [BACKUP]`: put a backup of the learner's version back (the newest,
/// unless one is named), keeping what is there now in a backup of its own.
pub fn restore(course: &Course, name: &str, backup: Option<&str>) -> anyhow::Result<ExitCode> {
    let exercise = course.find(name)?;
    let backups = backups_of(course, exercise)?;
    let chosen = match backup {
        Some(wanted) => {
            let wanted = Path::new(wanted.trim_end_matches('/'))
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            backups
                .iter()
                .find(|dir| dir.file_name().is_some_and(|name| *name == *wanted))
                .with_context(|| {
                    format!(
                        "there is no backup {wanted:?} of {} in backups/ ({})",
                        exercise.name,
                        names_of(&backups)
                    )
                })?
        }
        None => backups.last().with_context(|| {
            format!(
                "there is no backup of {} in backups/ (`cargo xtask reset` makes one)",
                exercise.name
            )
        })?,
    };
    let mut files = Vec::new();
    let src = chosen.join("src");
    for path in crate::walk::files(&src)? {
        let contents = std::fs::read(&path).with_context(|| path.display().to_string())?;
        let relative = path.strip_prefix(chosen).unwrap_or(&path);
        files.push((relative.to_string_lossy().into_owned(), contents));
    }
    if files.is_empty() {
        bail!("{} holds no src/ files to restore", chosen.display());
    }
    // An untouched starter needs no backup: `reset` brings it back any time.
    let untouched = seal::read_lock(course)?
        .get(&exercise.name)
        .zip(seal::seal_of(&course.exercise_dir(exercise)).ok())
        .is_some_and(|(shipped, now)| shipped.starter == now.starter);
    if untouched {
        let src = course.exercise_dir(exercise).join("src");
        std::fs::remove_dir_all(&src).with_context(|| src.display().to_string())?;
    }
    let kept = replace_src(course, exercise, &files)?;
    println!(
        "{} is back to your version from {}.",
        exercise.name,
        chosen.display()
    );
    if let Some(kept) = kept {
        println!("What was there before is kept in {}", kept.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Puts `files` (paths relative to the exercise) in place of the exercise's `src/`, after keeping
/// the `src/` there now in a new backup, if there is one; returns that backup.
fn replace_src(
    course: &Course,
    exercise: &Exercise,
    files: &[(String, Vec<u8>)],
) -> anyhow::Result<Option<PathBuf>> {
    let src = course.exercise_dir(exercise).join("src");
    // Keep the learner's version first; only once the backup is complete does src/ change.
    let backup = if src.exists() {
        let backup = new_backup_dir(course, exercise);
        copy_tree(&src, &backup.join("src"))?;
        std::fs::remove_dir_all(&src).with_context(|| src.display().to_string())?;
        Some(backup)
    } else {
        None
    };
    for (relative, contents) in files {
        let path = course.exercise_dir(exercise).join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| parent.display().to_string())?;
        }
        std::fs::write(&path, contents).with_context(|| path.display().to_string())?;
    }
    Ok(backup)
}

/// A new folder in `backups/` named after the exercise and the date and time (UTC).
fn new_backup_dir(course: &Course, exercise: &Exercise) -> PathBuf {
    let stamp = Utc::of(SystemTime::now()).stamp();
    let backups = course.root.join("backups");
    let mut dir = backups.join(format!("{}-{stamp}", exercise.name));
    let mut attempt = 1;
    while dir.exists() {
        attempt += 1;
        dir = backups.join(format!("{}-{stamp}-{attempt}", exercise.name));
    }
    dir
}

/// The exercise's backups, oldest first (their names end in the date and time).
fn backups_of(course: &Course, exercise: &Exercise) -> anyhow::Result<Vec<PathBuf>> {
    let dir = course.root.join("backups");
    let prefix = format!("{}-", exercise.name);
    let mut found: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .flatten()
            .filter(|entry| entry.file_name().to_string_lossy().starts_with(&prefix))
            .map(|entry| entry.path())
            .filter(|path| path.is_dir())
            .collect(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(error) => return Err(error).with_context(|| dir.display().to_string()),
    };
    // The stamps sort as text in time order; a second backup in the same second has `-2` after.
    found.sort_by_key(|path| backup_order(path));
    Ok(found)
}

fn backup_order(path: &Path) -> (String, u32) {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `NAME-YYYY-MM-DD-HHMMSS` or `NAME-YYYY-MM-DD-HHMMSS-N`.
    let parts: Vec<&str> = name.rsplitn(2, '-').collect();
    match parts.as_slice() {
        [attempt, rest] if attempt.len() < 3 => (rest.to_string(), attempt.parse().unwrap_or(0)),
        _ => (name.clone(), 1),
    }
}

fn names_of(backups: &[PathBuf]) -> String {
    if backups.is_empty() {
        return "there are none".to_string();
    }
    let names: Vec<String> = backups
        .iter()
        .filter_map(|path| Some(path.file_name()?.to_string_lossy().into_owned()))
        .collect();
    format!("there are: {}", names.join(", "))
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
    clear_screen();
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
        // A new verdict replaces the old one on the screen: old failures piled above it only
        // confuse.
        clear_screen();
        println!(
            "{} {} changed; checking... (Ctrl-C to stop watching)",
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

/// Clears the terminal (and its scrollback) when stdout is one; else does nothing, so a log of
/// `watch` keeps every verdict.
fn clear_screen() {
    let dumb = std::env::var("TERM").is_ok_and(|term| term == "dumb");
    if std::io::stdout().is_terminal() && !dumb {
        print!("\x1b[2J\x1b[3J\x1b[H");
        // Decoration: a failed flush changes nothing that matters.
        let _ = std::io::stdout().flush();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_sort_in_time_order_with_same_second_ones_after() {
        let mut paths: Vec<PathBuf> = [
            "12-x-2026-12-04-171530-2",
            "12-x-2026-12-05-090000",
            "12-x-2026-12-04-171530",
            "12-x-2026-11-30-235959",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        paths.sort_by_key(|path| backup_order(path));
        let names: Vec<&str> = paths.iter().filter_map(|p| p.to_str()).collect();
        assert_eq!(
            names,
            [
                "12-x-2026-11-30-235959",
                "12-x-2026-12-04-171530",
                "12-x-2026-12-04-171530-2",
                "12-x-2026-12-05-090000"
            ]
        );
    }
}
