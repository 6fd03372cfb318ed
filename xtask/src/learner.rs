//! The learner's commands: check, watch, hint, list, reset.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use crate::Error;
use crate::course::{Course, Exercise};
use crate::grade::{self, Location, Options, Status, Verdict};
use crate::report::{self, Style};
use crate::{history, seal};

/// `cargo xtask check [NAME] [--json]`.
pub fn check(course: &Course, name: Option<&str>, json: bool) -> Result<ExitCode, Error> {
    let verdicts = match name {
        Some(name) => {
            let exercise = course.find(name)?;
            grade_quietly(
                course,
                &[exercise],
                std::slice::from_ref(&exercise.name),
                json,
            )?
        }
        None => {
            let all: Vec<&Exercise> = course.exercises.iter().collect();
            let mut verdicts = grade_quietly(course, &all, &[], json)?;
            // The next exercise is worth running even untouched: the learner wants to see what
            // its checks say before starting.
            let next = verdicts.iter().position(|v| v.status == Status::NotStarted);
            if let Some(index) = next.filter(|&i| verdicts[..i].iter().all(Verdict::passed)) {
                let exercise = &all[index];
                let rerun = grade_quietly(
                    course,
                    &[exercise],
                    std::slice::from_ref(&exercise.name),
                    json,
                )?;
                if let Some(verdict) = rerun.into_iter().next() {
                    // Still "not started" (the verdict knows it is untouched), now with the detail
                    // of what fails.
                    verdicts[index] = verdict;
                }
            }
            verdicts
        }
    };
    remember(course, &verdicts);
    if json {
        report::print_json(course, &verdicts);
    } else {
        report::print_verdicts(course, &verdicts);
        report::print_next(course, &verdicts);
    }
    let all_passed = verdicts.iter().all(Verdict::passed);
    Ok(if all_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Grades with the learner's settings, showing progress on a terminal.
fn grade_quietly(
    course: &Course,
    exercises: &[&Exercise],
    always_run: &[String],
    json: bool,
) -> Result<Vec<Verdict>, Error> {
    let options = Options {
        skip_untouched: true,
        always_run: always_run.to_vec(),
        detect_edits: true,
    };
    let (sender, receiver) = std::sync::mpsc::channel();
    let drawer = (!json).then(|| report::show_progress(receiver));
    let verdicts = grade::grade(
        course,
        exercises,
        &Location::course(course),
        &options,
        Some(sender),
    );
    if let Some(drawer) = drawer {
        // The drawer ends when grading drops its sender; it cannot panic.
        let _ = drawer.join();
    }
    verdicts
}

/// Records which exercises passed, with the fingerprint of their `src/`.
fn remember(course: &Course, verdicts: &[Verdict]) {
    let mut passed = history::load(course);
    for verdict in verdicts {
        if verdict.passed() {
            passed.insert(verdict.name.clone(), verdict.src_fingerprint.clone());
        } else {
            passed.remove(&verdict.name);
        }
    }
    history::save(course, &passed);
}

/// `cargo xtask hint NAME`.
pub fn hint(course: &Course, name: &str) -> Result<ExitCode, Error> {
    let exercise = course.find(name)?;
    let style = Style::for_stdout();
    println!("{} {}", style.bold("Hint for"), style.bold(&exercise.name));
    println!();
    println!("{}", exercise.hint);
    println!();
    println!(
        "{}",
        style.dim(&format!(
            "The lesson shows the idea at work: `cargo run -p lesson-{}`. \
             A finished version is in solutions/{}/ when you are done (or truly stuck).",
            exercise.lesson, exercise.name
        ))
    );
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask list [--json]`: where each exercise stands, without grading anything.
pub fn list(course: &Course, json: bool) -> Result<ExitCode, Error> {
    let seals = seal::read_lock(course)?;
    let passed = history::load(course);
    let mut rows = Vec::new();
    for exercise in &course.exercises {
        let now = seal::seal_of(&course.exercise_dir(exercise))?;
        let shipped = seals.get(&exercise.name);
        let state = if shipped.is_some_and(|s| s.checks != now.checks) {
            "checks edited"
        } else if passed.get(&exercise.name) == Some(&now.starter) {
            "done"
        } else if shipped.is_some_and(|s| s.starter == now.starter) {
            "not started"
        } else {
            "in progress"
        };
        rows.push((exercise, state));
    }
    if json {
        let values: Vec<serde_json::Value> = rows
            .iter()
            .map(|(exercise, state)| {
                serde_json::json!({
                    "name": exercise.name,
                    "lesson": exercise.lesson,
                    "checks": exercise.checks.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "status": state,
                })
            })
            .collect();
        let json = serde_json::to_string_pretty(&values)
            .map_err(|error| Error::new(format!("cannot write JSON: {error}")))?;
        println!("{json}");
        return Ok(ExitCode::SUCCESS);
    }
    let style = Style::for_stdout();
    let width = rows.iter().map(|(e, _)| e.name.len()).max().unwrap_or(0);
    println!(
        "  {:width$}  {:9}  {:24}  status",
        "exercise", "lesson", "checked by"
    );
    for (exercise, state) in &rows {
        let kinds: Vec<String> = exercise.checks.iter().map(ToString::to_string).collect();
        let state = match *state {
            "done" => style.green("done"),
            "checks edited" => style.yellow("checks edited"),
            "in progress" => style.yellow("in progress"),
            other => style.dim(other),
        };
        println!(
            "  {:width$}  {:9}  {:24}  {state}",
            exercise.name,
            exercise.lesson,
            kinds.join(", ")
        );
    }
    let done = rows.iter().filter(|(_, state)| *state == "done").count();
    println!();
    println!(
        "{} {done} of {} done (as of each exercise's last check; `cargo xtask check` grades them now)",
        report::progress_bar(done, rows.len(), 30),
        rows.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask reset NAME`: put the starter back, keeping the learner's version in `backups/`.
pub fn reset(course: &Course, name: &str) -> Result<ExitCode, Error> {
    let exercise = course.find(name)?;
    let seals = seal::read_lock(course)?;
    let shipped = seals.get(&exercise.name).ok_or_else(|| {
        Error::new(format!(
            "{} is not sealed; nothing to reset to",
            exercise.name
        ))
    })?;
    let src = course.exercise_dir(exercise).join("src");
    let starter = crate::git::find_starter(course, exercise, &shipped.starter)?;

    let now = seal::seal_of(&course.exercise_dir(exercise))?;
    if now.starter == shipped.starter {
        println!(
            "{} is already the untouched starter; nothing to do.",
            exercise.name
        );
        return Ok(ExitCode::SUCCESS);
    }
    let backup = backup_dir(course, exercise);
    copy_tree(&src, &backup)?;
    // Only once the backup is complete does anything in src/ change.
    std::fs::remove_dir_all(&src)
        .map_err(|error| Error::new(format!("{}: {error}", src.display())))?;
    for (relative, contents) in &starter {
        let path = course.exercise_dir(exercise).join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|error| Error::new(format!("{}: {error}", parent.display())))?;
        }
        std::fs::write(&path, contents)
            .map_err(|error| Error::new(format!("{}: {error}", path.display())))?;
    }
    println!("{} is back to its starter.", exercise.name);
    println!("Your version is kept in {}", backup.display());
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

fn copy_tree(from: &Path, to: &Path) -> Result<(), Error> {
    let error = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| Error::new(format!("{}: {e}", path.display()))
    };
    std::fs::create_dir_all(to).map_err(error(to))?;
    for entry in std::fs::read_dir(from).map_err(error(from))? {
        let entry = entry.map_err(error(from))?;
        let source = entry.path();
        let destination = to.join(entry.file_name());
        if source.is_dir() {
            copy_tree(&source, &destination)?;
        } else {
            std::fs::copy(&source, &destination).map_err(error(&source))?;
        }
    }
    Ok(())
}

/// `cargo xtask watch`: re-grade the exercise being edited on every save, and move on when it
/// passes. Ctrl-C ends it.
pub fn watch(course: &Course) -> Result<ExitCode, Error> {
    let style = Style::for_stdout();
    println!("Watching exercises/ for changes (Ctrl-C to stop).");
    let all: Vec<&Exercise> = course.exercises.iter().collect();
    let mut verdicts = grade_quietly(course, &all, &[], false)?;
    let mut current = verdicts.iter().position(|v| !v.passed());
    if let Some(index) = current {
        let exercise = all[index];
        let verdict = grade_quietly(
            course,
            &[exercise],
            std::slice::from_ref(&exercise.name),
            false,
        )?;
        verdicts[index] = verdict
            .into_iter()
            .next()
            .unwrap_or(verdicts[index].clone());
    }
    remember(course, &verdicts);
    report::print_verdicts(course, &verdicts);
    report::print_next(course, &verdicts);

    let mut stamps = snapshot_stamps(course);
    loop {
        std::thread::sleep(POLL);
        let now = snapshot_stamps(course);
        let changed: Vec<&Exercise> = all
            .iter()
            .copied()
            .filter(|e| now.get(&e.name) != stamps.get(&e.name))
            .collect();
        if changed.is_empty() {
            continue;
        }
        // Editors often save in several steps: wait until the files stop changing.
        stamps = settle(course, now);
        let exercise = changed[0];
        println!();
        println!("{} {} changed; checking...", style.dim("·"), exercise.name);
        let verdict = grade_quietly(
            course,
            &[exercise],
            std::slice::from_ref(&exercise.name),
            false,
        )?;
        remember(course, &verdict);
        let Some(verdict) = verdict.into_iter().next() else {
            continue;
        };
        if let Some(index) = all.iter().position(|e| e.name == exercise.name) {
            verdicts[index] = verdict.clone();
        }
        if verdict.passed() {
            println!("{}", style.green(&format!("✓ {} passes!", exercise.name)));
            current = verdicts.iter().position(|v| !v.passed());
            match current {
                Some(index) => report::print_exercise_heading(
                    &style,
                    all[index],
                    report::verdict_word(&verdicts[index]),
                ),
                None => {
                    println!("{}", style.green("Every exercise is done. Well done!"));
                    return Ok(ExitCode::SUCCESS);
                }
            }
        } else {
            report::print_next(course, std::slice::from_ref(&verdict));
        }
    }
}

const POLL: Duration = Duration::from_millis(300);
const SETTLE: Duration = Duration::from_millis(200);

/// For each exercise, the modification times and sizes of its files.
fn snapshot_stamps(course: &Course) -> BTreeMap<String, Vec<(PathBuf, SystemTime, u64)>> {
    course
        .exercises
        .iter()
        .map(|exercise| {
            let mut stamps = Vec::new();
            collect_stamps(&course.exercise_dir(exercise), &mut stamps);
            stamps.sort();
            (exercise.name.clone(), stamps)
        })
        .collect()
}

fn collect_stamps(dir: &Path, stamps: &mut Vec<(PathBuf, SystemTime, u64)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_stamps(&path, stamps);
        } else if let Ok(metadata) = entry.metadata() {
            let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            stamps.push((path, modified, metadata.len()));
        }
    }
}

fn settle(
    course: &Course,
    mut stamps: BTreeMap<String, Vec<(PathBuf, SystemTime, u64)>>,
) -> BTreeMap<String, Vec<(PathBuf, SystemTime, u64)>> {
    loop {
        std::thread::sleep(SETTLE);
        let now = snapshot_stamps(course);
        if now == stamps {
            return now;
        }
        stamps = now;
    }
}
