//! Fingerprints of what the course ships: each exercise's checks (its `Cargo.toml` and everything
//! under `tests/`) and its starter (`src/`).
//!
//! `cargo xtask seal` writes them to `exercises/checks.lock`. The grader compares a learner's
//! checks with them, so an edited test or snapshot is reported rather than counted as a pass, and
//! compares the learner's `src/` to tell "not started" from "started but failing". `cargo xtask
//! verify` (in CI) fails when the file is out of date, so it cannot silently drift.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use sha2::{Digest, Sha256};

use crate::course::Course;

pub const LOCK_FILE: &str = "exercises/checks.lock";

/// The fingerprints of one exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    pub checks: String,
    pub starter: String,
}

/// Computes an exercise's fingerprints from the files on disk.
pub fn seal_of(exercise_dir: &Path) -> anyhow::Result<Seal> {
    let mut checks = vec![exercise_dir.join("Cargo.toml")];
    checks.extend(files_under(&exercise_dir.join("tests"))?);
    Ok(Seal {
        checks: fingerprint(exercise_dir, &checks)?,
        starter: fingerprint(exercise_dir, &files_under(&exercise_dir.join("src"))?)?,
    })
}

/// Reads `exercises/checks.lock`: exercise name → seal. A missing file is an empty map.
pub fn read_lock(course: &Course) -> anyhow::Result<BTreeMap<String, Seal>> {
    let path = course.root.join(LOCK_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    let mut seals = BTreeMap::new();
    for line in text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
    {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [name, checks, starter] = fields[..] else {
            bail!(
                "{} has a malformed line {line:?}; run `cargo xtask seal`",
                path.display()
            );
        };
        let seal = Seal {
            checks: checks.to_string(),
            starter: starter.to_string(),
        };
        seals.insert(name.to_string(), seal);
    }
    Ok(seals)
}

/// The lock file's text for the course as it is on disk now.
pub fn render_lock(course: &Course) -> anyhow::Result<String> {
    let mut text = String::from(
        "# Written by `cargo xtask seal`. The grader compares each exercise with these fingerprints\n\
         # to tell the shipped checks from edited ones, and an untouched starter from a started one.\n\
         # exercise  checks-sha256  starter-sha256\n",
    );
    for exercise in &course.exercises {
        let seal = seal_of(&course.exercise_dir(exercise))?;
        text.push_str(&format!(
            "{} {} {}\n",
            exercise.name, seal.checks, seal.starter
        ));
    }
    Ok(text)
}

/// `cargo xtask seal`: writes the lock file for the course as it is on disk now.
pub fn seal(course: &Course) -> anyhow::Result<ExitCode> {
    let path = course.root.join(LOCK_FILE);
    std::fs::write(&path, render_lock(course)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!("sealed {} exercises in {LOCK_FILE}", course.exercises.len());
    Ok(ExitCode::SUCCESS)
}

/// The files under `dir` that make up a check or a starter: leftovers of a snapshot review or of an
/// editor are not part of either.
fn files_under(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let files = crate::walk::files(dir)?;
    Ok(files
        .into_iter()
        .filter(|path| !is_leftover(path))
        .collect())
}

/// Whether a file is a leftover, not course content: a pending snapshot, an editor's backup or swap.
pub fn is_leftover(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("");
    name.ends_with(".snap.new")
        || name.ends_with(".pending-snap")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.starts_with(".#")
}

/// SHA-256 over each file's path (relative to `base`) and contents, in order.
fn fingerprint(base: &Path, files: &[PathBuf]) -> anyhow::Result<String> {
    let mut named = Vec::new();
    for file in files {
        let relative = file.strip_prefix(base).unwrap_or(file);
        let contents =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        named.push((relative.to_string_lossy().into_owned(), contents));
    }
    Ok(fingerprint_of(&named))
}

/// SHA-256 over `(path, contents)` pairs, sorted by path: the same answer for files on disk and
/// files read from git.
pub fn fingerprint_of(files: &[(String, Vec<u8>)]) -> String {
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut hasher = Sha256::new();
    for (path, contents) in sorted {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update((contents.len() as u64).to_le_bytes());
        hasher.update(contents);
    }
    format!("{:x}", hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-seal-{name}-{}", std::process::id()));
        // A leftover from an earlier run would only make the test start from a dirty folder.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("tests/snapshots")).expect("scratch dir");
        std::fs::create_dir_all(dir.join("src")).expect("scratch dir");
        std::fs::write(dir.join("Cargo.toml"), "[package]\n").expect("write");
        std::fs::write(dir.join("tests/check.rs"), "#[test] fn t() {}\n").expect("write");
        std::fs::write(dir.join("src/lib.rs"), "\n").expect("write");
        dir
    }

    #[test]
    fn editing_a_check_changes_the_checks_fingerprint_only() {
        let dir = scratch("edit");
        let before = seal_of(&dir).expect("seal");
        std::fs::write(dir.join("tests/check.rs"), "#[test] fn t() { }\n").expect("write");
        let after = seal_of(&dir).expect("seal");
        assert_ne!(before.checks, after.checks);
        assert_eq!(before.starter, after.starter);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_new_snapshot_file_changes_the_checks_but_a_pending_one_does_not() {
        let dir = scratch("snap");
        let before = seal_of(&dir).expect("seal");
        std::fs::write(dir.join("tests/snapshots/check__t.snap.new"), "x").expect("write");
        assert_eq!(seal_of(&dir).expect("seal"), before);
        std::fs::write(dir.join("tests/snapshots/check__t.snap"), "x").expect("write");
        assert_ne!(seal_of(&dir).expect("seal").checks, before.checks);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn editing_the_source_changes_the_starter_fingerprint_only() {
        let dir = scratch("src");
        let before = seal_of(&dir).expect("seal");
        std::fs::write(dir.join("src/lib.rs"), "pub fn f() {}\n").expect("write");
        let after = seal_of(&dir).expect("seal");
        assert_eq!(before.checks, after.checks);
        assert_ne!(before.starter, after.starter);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
