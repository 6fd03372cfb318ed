//! Finding an exercise's shipped starter in git history, for `reset`.
//!
//! The starter's fingerprint is sealed in `exercises/checks.lock`, so `reset` looks back through
//! the commits that touched the exercise's `src/` for the newest version with that fingerprint.
//! That works whether or not the learner has committed their own work on top.

use std::process::Command;

use anyhow::{Context as _, bail};

use crate::course::{Course, Exercise};
use crate::seal::fingerprint_of;

/// How far back to look: far more commits than any learner makes on one exercise.
const MAX_COMMITS: usize = 200;

/// The starter's files as `(path relative to the exercise, contents)`.
pub fn find_starter(
    course: &Course,
    exercise: &Exercise,
    sealed: &str,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let src = format!("exercises/{}/src", exercise.name);
    let log = git(
        course,
        &[
            "log",
            "--format=%H",
            "-n",
            &MAX_COMMITS.to_string(),
            "--",
            &src,
        ],
    )
    .with_context(|| {
        format!(
            "the starter of {} is looked for in git history, and there is none here (is the \
             course a git clone?)",
            exercise.name
        )
    })?;
    for commit in String::from_utf8_lossy(&log).lines() {
        let listing = git(
            course,
            &["ls-tree", "-r", "--name-only", commit, "--", &src],
        )?;
        let mut files = Vec::new();
        for path in String::from_utf8_lossy(&listing).lines() {
            // `./` makes git read the path relative to the course, which may sit inside a larger
            // repository, as `ls-tree` printed it.
            let contents = git(course, &["show", &format!("{commit}:./{path}")])?;
            let relative = path
                .strip_prefix(&format!("exercises/{}/", exercise.name))
                .unwrap_or(path)
                .to_string();
            files.push((relative, contents));
        }
        if !files.is_empty() && fingerprint_of(&files) == sealed {
            return Ok(files);
        }
    }
    bail!(
        "the starter of {} is not in this repository's git history, so it cannot be restored \
         (was the repository cloned without history?)",
        exercise.name
    )
}

fn git(course: &Course, args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let output = Command::new("git")
        .current_dir(&course.root)
        .args(args)
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(output.stdout)
}
