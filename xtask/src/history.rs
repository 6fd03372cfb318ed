//! What the grader remembers between runs: which exercises passed, and with which `src/`.
//!
//! `cargo xtask list` uses it to show progress without grading everything again. It lives in the
//! target directory (it can always be rebuilt by a `check`), is written whole to a temporary file
//! and renamed into place (so Ctrl-C mid-write cannot corrupt it), and a file that is somehow
//! unreadable is treated as empty rather than as an error.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::course::Course;

fn path(course: &Course) -> PathBuf {
    course.target_dir().join("xtask").join("passed.json")
}

/// Exercise name → fingerprint of the `src/` that passed.
pub fn load(course: &Course) -> BTreeMap<String, String> {
    std::fs::read_to_string(path(course))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Saves the record, quietly: losing it costs only a re-check, so it never fails a command.
pub fn save(course: &Course, passed: &BTreeMap<String, String>) {
    let path = path(course);
    let Some(dir) = path.parent() else {
        return;
    };
    let Ok(json) = serde_json::to_string_pretty(passed) else {
        return;
    };
    // One fixed name: a temporary file left by an interrupted save is simply overwritten next time.
    let temporary = dir.join("passed.json.tmp");
    let saved = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&temporary, json))
        .and_then(|()| std::fs::rename(&temporary, &path));
    if saved.is_err() {
        // Leave no half-written temporary file behind.
        let _ = std::fs::remove_file(&temporary);
    }
}
