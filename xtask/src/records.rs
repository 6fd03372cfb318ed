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

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::course::Course;
use crate::grade::{Fingerprints, Status, Tally, Verdict};

/// Everything remembered, by exercise name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Records {
    #[serde(default)]
    exercises: BTreeMap<String, Record>,
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
        std::fs::read_to_string(path(course))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
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
        let record = self.exercises.entry(verdict.name.clone()).or_default();
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
        self.exercises.get(name)?.last.as_ref()
    }

    pub fn hints_seen(&self, name: &str) -> usize {
        self.exercises
            .get(name)
            .map_or(0, |record| record.hints_seen)
    }

    pub fn set_hints_seen(&mut self, name: &str, steps: usize) {
        self.exercises
            .entry(name.to_string())
            .or_default()
            .hints_seen = steps;
    }
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
