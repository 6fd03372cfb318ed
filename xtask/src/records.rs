//! What the grader remembers between runs, per exercise: its last verdict, with the fingerprints
//! of what was graded (so an unchanged exercise is not graded again, and `list` can tell what
//! passed without grading anything), and how many of its hint steps the learner has seen (which a
//! teacher's `check --json` reports).
//!
//! The records live in the course's own `target/xtask/records.json`, even when cargo builds into
//! another target directory (`CARGO_TARGET_DIR`): that one may be shared by several copies of the
//! course, whose exercises have the same names. They are written whole to a temporary file and
//! renamed into place, so Ctrl-C mid-write cannot corrupt them, and a file that is somehow
//! unreadable counts as empty: losing them costs a regrade, and the hint count.
//!
//! They are kept by each exercise's *package* name (`semaphore-bound`), which stays when the course
//! renumbers its folders (`12-semaphore-bound` becoming `16-semaphore-bound`): a learner's passes
//! and hints follow the exercise to its new number. Records written by folder name, as earlier
//! graders did, are moved to the package that folder's name ends with when they are read.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::course::{Course, Exercise};
use crate::grade::{Fingerprints, Status, Tally, Verdict};

/// Everything remembered, by exercise package. Callers name exercises by folder, as everywhere
/// else in the grader; the records translate.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Records {
    /// By package name (or, for an exercise the course does not list, whatever key it had).
    #[serde(default)]
    exercises: BTreeMap<String, Record>,
    /// Each listed exercise's package, by folder name: how callers' names become keys.
    #[serde(skip)]
    packages: BTreeMap<String, String>,
}

/// What is remembered of one exercise.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Record {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last: Option<Remembered>,
    /// How many hint steps `cargo xtask hint` has shown.
    #[serde(default)]
    hints_seen: usize,
}

/// A verdict, as remembered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    pub fingerprints: Fingerprints,
    #[serde(flatten)]
    pub status: Status,
    pub tests: Option<Tally>,
    pub duration_ms: u64,
    /// When it was graded, in seconds since 1970 (UTC).
    pub graded_at_unix: u64,
}

impl Remembered {
    pub fn graded_at(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(self.graded_at_unix)
    }
}

fn path(course: &Course) -> PathBuf {
    course
        .root
        .join("target")
        .join("xtask")
        .join("records.json")
}

impl Records {
    pub fn load(course: &Course) -> Records {
        let mut records: Records = std::fs::read_to_string(path(course))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        records.follow(&course.exercises);
        records
    }

    /// Keys the records by the packages of `exercises`. A record under a folder name (as earlier
    /// graders kept them) moves to the package of the exercise with that folder, or, if the folder
    /// was renumbered since, to the package its name ends with (`12-semaphore-bound` to
    /// `semaphore-bound`). One already kept by package wins over one found by folder name.
    fn follow(&mut self, exercises: &[Exercise]) {
        self.packages = exercises
            .iter()
            .map(|exercise| (exercise.name.clone(), exercise.package.clone()))
            .collect();
        let (by_package, by_folder): (BTreeMap<_, _>, BTreeMap<_, _>) =
            std::mem::take(&mut self.exercises)
                .into_iter()
                .partition(|(key, _)| exercises.iter().any(|e| &e.package == key));
        self.exercises = by_package;
        for (folder, record) in by_folder {
            let package = exercises
                .iter()
                .find(|e| e.name == folder || Some(e.package.as_str()) == numbered_slug(&folder))
                .map_or(folder, |exercise| exercise.package.clone());
            self.exercises.entry(package).or_insert(record);
        }
    }

    /// The key an exercise's record is kept under: its package, if the course lists it.
    fn key<'a>(&'a self, name: &'a str) -> &'a str {
        self.packages.get(name).map_or(name, String::as_str)
    }

    /// Saves the records, quietly: losing them costs only a regrade, so it never fails a command.
    pub fn save(&self, course: &Course) {
        let path = path(course);
        let Some(dir) = path.parent() else {
            return;
        };
        let Ok(json) = serde_json::to_string_pretty(self) else {
            return;
        };
        // A fixed name: a temporary file left by an interrupted save is overwritten next time.
        let temporary = dir.join("records.json.tmp");
        let saved = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&temporary, json))
            .and_then(|()| std::fs::rename(&temporary, &path));
        if saved.is_err() {
            // Leave no half-written temporary file behind.
            let _ = std::fs::remove_file(&temporary);
        }
    }

    /// Remembers `verdict` as the exercise's last. A verdict about no code of the learner's (not
    /// started, checks edited) is nothing to stand on: the exercise's last verdict is forgotten.
    pub fn remember(&mut self, verdict: &Verdict) {
        let key = self.key(&verdict.name).to_string();
        let record = self.exercises.entry(key).or_default();
        record.last = match verdict.status {
            Status::NotStarted | Status::ChecksEdited => None,
            _ => Some(Remembered {
                fingerprints: verdict.fingerprints.clone(),
                status: verdict.status.clone(),
                tests: verdict.tests,
                duration_ms: u64::try_from(verdict.duration.as_millis()).unwrap_or(u64::MAX),
                graded_at_unix: verdict
                    .graded_at
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |since| since.as_secs()),
            }),
        };
    }

    pub fn last_verdict(&self, name: &str) -> Option<&Remembered> {
        self.exercises.get(self.key(name))?.last.as_ref()
    }

    pub fn hints_seen(&self, name: &str) -> usize {
        self.exercises
            .get(self.key(name))
            .map_or(0, |record| record.hints_seen)
    }

    pub fn set_hints_seen(&mut self, name: &str, steps: usize) {
        let key = self.key(name).to_string();
        self.exercises.entry(key).or_default().hints_seen = steps;
    }
}

/// What follows the number in a numbered folder's name: `semaphore-bound` for
/// `12-semaphore-bound`; `None` for a name that is not a number, a dash and more.
fn numbered_slug(folder: &str) -> Option<&str> {
    let (number, slug) = folder.split_once('-')?;
    let numbered = !number.is_empty() && number.chars().all(|c| c.is_ascii_digit());
    (numbered && !slug.is_empty()).then_some(slug)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::{Failure, FailureKind};

    fn verdict(status: Status) -> Verdict {
        Verdict {
            name: "01-demo".to_string(),
            status,
            duration: Duration::from_millis(1500),
            untouched: false,
            fingerprints: Fingerprints {
                src: "s".to_string(),
                checks: "c".to_string(),
                surroundings: "e".to_string(),
            },
            tests: Some(Tally {
                passed: 1,
                total: Some(2),
            }),
            graded_at: SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
            reused: false,
            limited_time: None,
        }
    }

    #[test]
    fn a_verdict_survives_a_round_trip_through_the_file_format() {
        let failure = Status::Failed(Failure {
            kind: FailureKind::Check,
            detail: "test `t` failed".to_string(),
            warnings: vec!["warning: unused".to_string()],
        });
        let mut records = Records::default();
        records.remember(&verdict(failure.clone()));
        records.set_hints_seen("01-demo", 2);
        let json = serde_json::to_string(&records).expect("JSON");
        let back: Records = serde_json::from_str(&json).expect("read back");
        let last = back.last_verdict("01-demo").expect("remembered");
        assert_eq!(last.status, failure);
        assert_eq!(last.duration_ms, 1500);
        assert_eq!(last.graded_at(), verdict(Status::Passed).graded_at);
        assert_eq!(back.hints_seen("01-demo"), 2);
    }

    fn exercise(name: &str, package: &str) -> Exercise {
        Exercise {
            name: name.to_string(),
            package: package.to_string(),
            lesson: "demo".to_string(),
            checks: Vec::new(),
            hint: String::new(),
            timeout: None,
        }
    }

    /// Records as an earlier grader wrote them: by folder name.
    fn kept_by_folder(folders: &[&str]) -> Records {
        let mut records = Records::default();
        for (seen, folder) in folders.iter().enumerate() {
            records.remember(&Verdict {
                name: folder.to_string(),
                ..verdict(Status::Passed)
            });
            records.set_hints_seen(folder, seen + 1);
        }
        let json = serde_json::to_string(&records).expect("JSON");
        serde_json::from_str(&json).expect("read back")
    }

    #[test]
    fn records_follow_an_exercise_to_its_new_number() {
        let mut records = kept_by_folder(&["01-spawn-join", "12-semaphore-bound"]);
        records.follow(&[
            exercise("01-spawn-join", "spawn-join"),
            exercise("16-semaphore-bound", "semaphore-bound"),
        ]);
        for (name, hints) in [("01-spawn-join", 1), ("16-semaphore-bound", 2)] {
            let last = records.last_verdict(name).expect(name);
            assert_eq!(last.status, Status::Passed, "{name}");
            assert_eq!(records.hints_seen(name), hints, "{name}");
        }
        assert_eq!(records.last_verdict("12-semaphore-bound"), None);
        // Written back by package, so the next renumbering needs no guess.
        let json = serde_json::to_string(&records).expect("JSON");
        assert!(json.contains(r#""semaphore-bound":"#), "{json}");
        assert!(!json.contains("12-semaphore-bound"), "{json}");
    }

    #[test]
    fn a_record_kept_by_package_wins_and_unknown_ones_are_kept() {
        let mut records = kept_by_folder(&["07-gone", "12-semaphore-bound"]);
        records.follow(&[exercise("12-semaphore-bound", "semaphore-bound")]);
        records.set_hints_seen("12-semaphore-bound", 3);
        let json = serde_json::to_string(&records).expect("JSON");
        // Renumbered again, with a stale folder-named record lying about.
        let mut records: Records = serde_json::from_str(&json).expect("read back");
        records.exercises.insert(
            "16-semaphore-bound".to_string(),
            Record {
                last: None,
                hints_seen: 0,
            },
        );
        records.follow(&[exercise("16-semaphore-bound", "semaphore-bound")]);
        assert_eq!(records.hints_seen("16-semaphore-bound"), 3);
        assert!(records.last_verdict("16-semaphore-bound").is_some());
        // An exercise the course no longer lists keeps its record, under its old name.
        assert_eq!(records.hints_seen("07-gone"), 1);
    }

    #[test]
    fn only_a_numbered_folder_has_a_slug() {
        assert_eq!(numbered_slug("12-semaphore-bound"), Some("semaphore-bound"));
        assert_eq!(numbered_slug("semaphore-bound"), None);
        assert_eq!(numbered_slug("12-"), None);
        assert_eq!(numbered_slug("-x"), None);
    }

    #[test]
    fn not_started_forgets_the_last_verdict_but_not_the_hints() {
        let mut records = Records::default();
        records.remember(&verdict(Status::Passed));
        records.set_hints_seen("01-demo", 1);
        records.remember(&verdict(Status::NotStarted));
        assert_eq!(records.last_verdict("01-demo"), None);
        assert_eq!(records.hints_seen("01-demo"), 1);
    }
}
