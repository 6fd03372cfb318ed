//! How verdicts look: a line per exercise, the next exercise and its essential error, a progress
//! bar while grading, and JSON for teachers' autograders.

use std::io::{IsTerminal, Write};
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;

use anyhow::Context as _;
use serde::Serialize;

use crate::clock::Utc;
use crate::course::{Course, Exercise};
use crate::grade::{FailureKind, Progress, Status, Verdict};

/// Colours for a terminal that wants them (never when `NO_COLOR` is set, or not a terminal).
pub struct Style {
    color: bool,
}

impl Style {
    pub fn for_stdout() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        Style {
            color: std::io::stdout().is_terminal() && !no_color,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn green(&self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn red(&self, text: &str) -> String {
        self.paint("31", text)
    }

    pub fn yellow(&self, text: &str) -> String {
        self.paint("33", text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// Where an exercise stands, in the words both `check --json` and `list --json` use, so a
/// teacher's autograder reads one vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Passed,
    NotStarted,
    /// Started, and not known to pass (`list`, which grades nothing, can say no more).
    InProgress,
    /// Graded and failing (`check`).
    Failed,
    ChecksEdited,
}

impl Standing {
    pub fn of(verdict: &Verdict) -> Standing {
        match &verdict.status {
            Status::Passed => Standing::Passed,
            Status::ChecksEdited => Standing::ChecksEdited,
            Status::NotStarted => Standing::NotStarted,
            Status::Failed(_) if verdict.untouched => Standing::NotStarted,
            Status::Failed(_) => Standing::Failed,
        }
    }

    /// The machine-readable name, for JSON.
    pub fn key(self) -> &'static str {
        match self {
            Standing::Passed => "passed",
            Standing::NotStarted => "not-started",
            Standing::InProgress => "in-progress",
            Standing::Failed => "failed",
            Standing::ChecksEdited => "checks-edited",
        }
    }

    /// The word a person reads.
    pub fn word(self) -> &'static str {
        match self {
            Standing::Passed => "done",
            Standing::NotStarted => "not started",
            Standing::InProgress => "in progress",
            Standing::Failed => "failing",
            Standing::ChecksEdited => "checks edited",
        }
    }
}

/// A short word for where a verdict leaves the learner.
pub fn verdict_word(verdict: &Verdict) -> &'static str {
    match Standing::of(verdict) {
        Standing::Failed => status_word(&verdict.status),
        standing => standing.word(),
    }
}

/// A short word for a status.
pub fn status_word(status: &Status) -> &'static str {
    match status {
        Status::Passed => "done",
        Status::NotStarted => "not started",
        Status::ChecksEdited => "checks edited",
        Status::Failed(failure) => match failure.kind {
            FailureKind::Compile => "does not compile",
            FailureKind::Check => "failing",
            FailureKind::Timeout => "timed out",
            FailureKind::Flood => "printed too much",
            FailureKind::Memory => "out of memory",
            FailureKind::Crash => "crashed",
            FailureKind::Setup => "cannot be graded",
        },
    }
}

fn painted_status(style: &Style, verdict: &Verdict) -> String {
    let word = verdict_word(verdict);
    match Standing::of(verdict) {
        Standing::Passed => style.green(&format!("✓ {word}")),
        Standing::ChecksEdited => style.yellow(&format!("! {word}")),
        Standing::NotStarted | Standing::InProgress => style.dim(&format!("· {word}")),
        Standing::Failed => style.red(&format!("✗ {word}")),
    }
}

/// The lesson of the exercise a verdict is about.
fn lesson_of<'a>(course: &'a Course, verdict: &Verdict) -> &'a str {
    course
        .find(&verdict.name)
        .map(|exercise| exercise.lesson.as_str())
        .unwrap_or("")
}

/// A line per exercise: its name, its lesson and where it stands, in columns.
fn verdict_lines(course: &Course, verdicts: &[Verdict], style: &Style) -> Vec<String> {
    let width = verdicts.iter().map(|v| v.name.len()).max().unwrap_or(0);
    let lesson_width = verdicts
        .iter()
        .map(|verdict| lesson_of(course, verdict).len())
        .max()
        .unwrap_or(0);
    verdicts
        .iter()
        .map(|verdict| {
            // An untouched starter's verdict is always "not started", however it was reached.
            let unchanged = if verdict.reused && !verdict.untouched {
                style.dim("  (unchanged since the last check)")
            } else {
                String::new()
            };
            format!(
                "  {:width$}  {:lesson_width$}  {}{unchanged}",
                verdict.name,
                lesson_of(course, verdict),
                painted_status(style, verdict)
            )
        })
        .collect()
}

/// One line per exercise, then the verdict's essentials for the first one that isn't done.
pub fn print_verdicts(course: &Course, verdicts: &[Verdict]) {
    let style = Style::for_stdout();
    for line in verdict_lines(course, verdicts, &style) {
        println!("{line}");
    }
    let done = verdicts.iter().filter(|v| v.passed()).count();
    println!();
    println!(
        "{} {done} of {} done",
        progress_bar(done, verdicts.len(), 30),
        verdicts.len()
    );
    if verdicts.iter().any(|v| v.status == Status::ChecksEdited) {
        println!(
            "{}",
            style.yellow(
                "Some exercises' checks (tests/, snapshots, Cargo.toml) differ from the course's, so \
                 they are not graded. `git diff exercises/NAME/tests` shows what changed; \
                 `git checkout -- exercises/NAME/tests exercises/NAME/Cargo.toml` restores them."
            )
        );
    }
    if verdicts
        .iter()
        .any(|v| v.reused && !v.untouched && !v.passed())
    {
        println!(
            "{}",
            style.dim("Unchanged since the last check: `cargo xtask check --force` grades again.")
        );
    }
}

/// What was graded: the whole course, or one exercise a learner named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Course,
    One,
}

/// What to do next: the first exercise not done, with why it isn't.
pub fn print_next(course: &Course, verdicts: &[Verdict], scope: Scope) {
    let style = Style::for_stdout();
    let Some(next) = verdicts.iter().find(|v| !v.passed()) else {
        match (scope, verdicts) {
            (Scope::One, [verdict]) => println!(
                "{}",
                style.green(&format!(
                    "{} passes. `cargo xtask check` shows what comes next.",
                    verdict.name
                ))
            ),
            _ => println!("{}", style.green("Every exercise is done. Well done!")),
        }
        return;
    };
    let Ok(exercise) = course.find(&next.name) else {
        return;
    };
    println!();
    print_exercise_heading(&style, exercise, verdict_word(next));
    match &next.status {
        Status::Failed(failure) => {
            println!();
            if next.reused && !next.untouched {
                println!(
                    "{}",
                    style.dim(&format!(
                        "(unchanged since the last check, {}; `--force` grades it again)",
                        Utc::of(next.graded_at).rfc3339()
                    ))
                );
            }
            println!("{}", failure.detail);
            if !failure.warnings.is_empty() {
                println!();
                println!(
                    "{}",
                    style.yellow("The compiler also warned about your code:")
                );
                println!("{}", warnings_text(&failure.warnings));
            }
            println!();
            println!("{}", style.dim(&hint_prompt(exercise)));
        }
        Status::NotStarted => {
            println!("Open it, read the opening comment, and make its checks pass.");
            println!("{}", style.dim(&hint_prompt(exercise)));
        }
        Status::ChecksEdited => {
            println!(
                "Its checks were edited, so it is not graded. `git diff exercises/{0}/tests` shows \
                 what changed; restore them with\n  git checkout -- exercises/{0}/tests exercises/{0}/Cargo.toml",
                exercise.name
            );
        }
        Status::Passed => {}
    }
}

/// The compiler's warnings, the first few whole.
fn warnings_text(warnings: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut text: Vec<String> = warnings
        .iter()
        .take(SHOWN)
        .map(|warning| crate::diagnose::strip_ansi(warning).trim_end().to_string())
        .collect();
    if warnings.len() > SHOWN {
        text.push(format!(
            "... and {} more warnings (`cargo build -p PACKAGE` shows them all)",
            warnings.len() - SHOWN
        ));
    }
    text.join("\n\n")
}

pub fn print_exercise_heading(style: &Style, exercise: &Exercise, state: &str) {
    println!(
        "{} {} ({state})",
        style.bold("Next:"),
        style.bold(&exercise.name),
    );
    println!("  edit   exercises/{}/src/", exercise.name);
    println!("  learn  cargo run -p lesson-{}", exercise.lesson);
    println!(
        "  grade  cargo xtask check {}   (or `cargo xtask watch`)",
        exercise.name
    );
}

fn hint_prompt(exercise: &Exercise) -> String {
    format!("Stuck? `cargo xtask hint {}`", exercise.name)
}

pub fn progress_bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

/// One exercise's result for a teacher's autograder: one JSON object per line.
#[derive(Serialize)]
struct JsonVerdict<'a> {
    name: &'a str,
    lesson: &'a str,
    /// passed | not-started | failed | checks-edited
    status: &'static str,
    /// compile | check | timeout | flood | memory | crash | setup, when failed
    failure: Option<&'static str>,
    /// Tests that passed, and how many there are (null when none ran, or the count is unknown).
    tests_passed: Option<usize>,
    tests_total: Option<usize>,
    /// How many of its three hint steps the learner has asked for.
    hints_used: usize,
    /// When it was graded (UTC, RFC 3339), and whether that was an earlier check's verdict on
    /// the same code.
    graded_at: String,
    unchanged: bool,
    duration_ms: u128,
    first_error: Option<&'a str>,
}

/// `check --json`: one line per exercise.
pub fn print_json(course: &Course, verdicts: &[Verdict], hints_used: impl Fn(&str) -> usize) {
    for verdict in verdicts {
        let line = json_line(course, verdict, hints_used(&verdict.name));
        match line {
            Ok(json) => println!("{json}"),
            Err(error) => eprintln!("error: cannot write JSON: {error}"),
        }
    }
}

fn json_line(course: &Course, verdict: &Verdict, hints_used: usize) -> serde_json::Result<String> {
    let standing = Standing::of(verdict);
    // A starter the learner hasn't touched is not started, whatever its checks say.
    let (failure, first_error) = match &verdict.status {
        Status::Failed(failure) if standing == Standing::Failed => {
            (Some(failure.kind.key()), Some(failure.detail.as_str()))
        }
        _ => (None, None),
    };
    let tests = verdict.tests.filter(|_| standing != Standing::NotStarted);
    serde_json::to_string(&JsonVerdict {
        name: &verdict.name,
        lesson: lesson_of(course, verdict),
        status: standing.key(),
        failure,
        tests_passed: tests.map(|tally| tally.passed),
        tests_total: tests.and_then(|tally| tally.total),
        hints_used,
        graded_at: Utc::of(verdict.graded_at).rfc3339(),
        unchanged: verdict.reused,
        duration_ms: verdict.duration.as_millis(),
        first_error,
    })
}

/// `list`: a line per exercise with where it stands, then the progress bar.
pub fn print_list(rows: &[(&Exercise, Standing)]) {
    let style = Style::for_stdout();
    let width = rows.iter().map(|(e, _)| e.name.len()).max().unwrap_or(0);
    let lesson_width = rows
        .iter()
        .map(|(e, _)| e.lesson.len())
        .chain([6])
        .max()
        .unwrap_or(0);
    println!(
        "  {:width$}  {:lesson_width$}  {:24}  status",
        "exercise", "lesson", "checked by"
    );
    for (exercise, standing) in rows {
        let kinds: Vec<String> = exercise.checks.iter().map(ToString::to_string).collect();
        let word = standing.word();
        let word = match standing {
            Standing::Passed => style.green(word),
            Standing::ChecksEdited | Standing::InProgress => style.yellow(word),
            Standing::NotStarted | Standing::Failed => style.dim(word),
        };
        println!(
            "  {:width$}  {:lesson_width$}  {:24}  {word}",
            exercise.name,
            exercise.lesson,
            kinds.join(", ")
        );
    }
    let done = rows.iter().filter(|(_, s)| *s == Standing::Passed).count();
    println!();
    println!(
        "{} {done} of {} done (as of each exercise's last check; `cargo xtask check` grades them now)",
        progress_bar(done, rows.len(), 30),
        rows.len()
    );
}

/// One exercise's standing for a teacher's autograder, in the words `check --json` uses.
#[derive(Serialize)]
struct JsonStanding<'a> {
    name: &'a str,
    lesson: &'a str,
    checks: Vec<String>,
    /// passed | not-started | in-progress | checks-edited
    status: &'static str,
}

/// `list --json`: one line per exercise, as `check --json` prints them.
pub fn print_list_json(rows: &[(&Exercise, Standing)]) -> anyhow::Result<()> {
    println!("{}", list_json(rows)?);
    Ok(())
}

fn list_json(rows: &[(&Exercise, Standing)]) -> anyhow::Result<String> {
    let lines = rows
        .iter()
        .map(|(exercise, standing)| {
            serde_json::to_string(&JsonStanding {
                name: &exercise.name,
                lesson: &exercise.lesson,
                checks: exercise.checks.iter().map(ToString::to_string).collect(),
                status: standing.key(),
            })
        })
        .collect::<serde_json::Result<Vec<String>>>()
        .context("cannot write JSON")?;
    Ok(lines.join("\n"))
}

/// Draws grading progress on stderr, on one line, when stderr is a terminal.
pub fn show_progress(receiver: Receiver<Progress>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let terminal = std::io::stderr().is_terminal();
        let mut stderr = std::io::stderr();
        for progress in receiver {
            if !terminal {
                continue;
            }
            let line = match progress {
                Progress::Compiled(name) => format!("building  {name}"),
                Progress::Running { name, index, total } => {
                    format!("{} {index}/{total}  {name}", progress_bar(index, total, 24))
                }
            };
            // Progress is decoration: a failed write to stderr changes nothing.
            let _ = write!(stderr, "\r\x1b[2K{line:.70}");
            let _ = stderr.flush();
        }
        if terminal {
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::CheckKind;

    #[test]
    fn list_json_has_one_line_per_exercise_with_its_standing() {
        let exercise = Exercise {
            name: "01-demo".to_string(),
            package: "demo".to_string(),
            lesson: "threads".to_string(),
            checks: vec![CheckKind::Test, CheckKind::Snapshot],
            hint: String::new(),
            timeout: None,
        };
        let json = list_json(&[
            (&exercise, Standing::InProgress),
            (&exercise, Standing::Passed),
        ])
        .expect("JSON");
        let line = r#"{"name":"01-demo","lesson":"threads","checks":["test","snapshot"],"status":"#;
        assert_eq!(json, format!("{line}\"in-progress\"}}\n{line}\"passed\"}}"));
    }

    fn verdict(name: &str, status: Status) -> Verdict {
        Verdict {
            name: name.to_string(),
            status,
            duration: std::time::Duration::from_millis(250),
            untouched: false,
            fingerprints: crate::grade::Fingerprints::default(),
            tests: None,
            graded_at: std::time::SystemTime::UNIX_EPOCH,
            reused: false,
            limited_time: None,
        }
    }

    #[test]
    fn the_status_column_lines_up_whatever_the_lessons_names() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let course = Course::load(&root).expect("the course");
        let names = ["01-spawn-join", "16-semaphore-bound"];
        let verdicts: Vec<Verdict> = names
            .iter()
            .map(|name| verdict(name, Status::Passed))
            .collect();
        let lines = verdict_lines(&course, &verdicts, &Style { color: false });
        let columns: Vec<usize> = lines.iter().filter_map(|line| line.find('✓')).collect();
        assert_eq!(columns.len(), 2, "{lines:?}");
        assert_eq!(columns[0], columns[1], "{lines:#?}");
        assert!(lines[1].contains("semaphores  ✓ done"), "{lines:?}");
    }

    #[test]
    fn json_lines_say_not_started_without_a_failure_and_carry_the_tally() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let course = Course::load(&root).expect("the course");
        let failure = Status::Failed(crate::grade::Failure {
            kind: FailureKind::Check,
            detail: "test `t` failed".to_string(),
            warnings: Vec::new(),
        });
        let mut untouched = verdict("01-spawn-join", failure.clone());
        untouched.untouched = true;
        let line = json_line(&course, &untouched, 0).expect("JSON");
        assert!(
            line.contains(r#""status":"not-started","failure":null"#),
            "{line}"
        );
        assert!(line.contains(r#""first_error":null"#), "{line}");

        let mut failing = verdict("01-spawn-join", failure);
        failing.tests = Some(crate::grade::Tally {
            passed: 2,
            total: Some(3),
        });
        let line = json_line(&course, &failing, 2).expect("JSON");
        assert!(!line.contains('\n'), "one line: {line}");
        for field in [
            r#""status":"failed","failure":"check""#,
            r#""tests_passed":2,"tests_total":3,"hints_used":2"#,
            r#""graded_at":"1970-01-01T00:00:00Z""#,
            r#""first_error":"test `t` failed""#,
        ] {
            assert!(line.contains(field), "{field} in {line}");
        }
    }

    #[test]
    fn progress_bars_fill_in_proportion() {
        assert_eq!(progress_bar(0, 4, 8), "[--------]");
        assert_eq!(progress_bar(1, 4, 8), "[##------]");
        assert_eq!(progress_bar(4, 4, 8), "[########]");
        assert_eq!(progress_bar(0, 0, 4), "[----]");
    }
}
