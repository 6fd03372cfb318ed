//! For the lessons' smoke tests: run a lesson's binary as a learner would, and read what it printed.
//!
//! Every lesson prints its sections as `── N. Title ───` headings, each followed by at least one
//! `  → label: value` result line (see [`crate::narrate`]). These helpers check exactly that, so each
//! lesson's smoke test only has to say which sections it has and which results matter.
//!
//! They panic with the lesson's whole output when something is off: they are for tests.

use std::process::{Command, ExitStatus};

/// What a lesson printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics, showing everything printed, unless the lesson succeeded.
    pub fn assert_success(&self) -> &Self {
        assert!(
            self.status.success(),
            "the lesson failed ({}):\n{}\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
        self
    }
}

/// Runs `binary` (a lesson's `env!("CARGO_BIN_EXE_...")`) with `args`, without colours.
pub fn run(binary: &str, args: &[&str]) -> Run {
    let output = Command::new(binary)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|error| panic!("cannot run {binary}: {error}"));
    Run {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// One printed section: its number, its heading after the number, and everything up to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub number: String,
    pub heading: String,
    pub body: String,
}

/// The sections in a lesson's output, in order.
pub fn sections(stdout: &str) -> Vec<Section> {
    stdout
        .split("\n── ")
        .skip(1)
        .map(|chunk| {
            let (heading, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
            let (number, title) = heading.split_once(". ").unwrap_or(("", heading));
            Section {
                number: number.to_string(),
                heading: title.trim_end_matches(['─', ' ']).to_string(),
                body: body.to_string(),
            }
        })
        .collect()
}

/// Panics unless the output has exactly the sections `numbers`, in order, each with a result.
pub fn assert_every_section_measured(stdout: &str, numbers: &[&str]) {
    let sections = sections(stdout);
    let printed: Vec<&str> = sections.iter().map(|s| s.number.as_str()).collect();
    assert_eq!(printed, numbers, "the sections printed:\n{stdout}");
    for section in &sections {
        assert!(
            section.body.contains("  → "),
            "section {} ({}) printed no result:\n{}",
            section.number,
            section.heading,
            section.body
        );
    }
}

/// Panics unless `run` was refused as bad usage (exit code 2) with `message` in its error.
pub fn assert_refused(run: &Run, message: &str) {
    assert_eq!(run.status.code(), Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(message),
        "expected {message:?} in:\n{}",
        run.stderr
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "# Lesson\nintro\n\n── 1. First ─────\nClaim: x\n  → one: 1\n\n\
                          ── 2. Second ─────\n  → two: 2\n";

    #[test]
    fn sections_are_split_at_their_headings() {
        let sections = sections(OUTPUT);
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].number, "1");
        assert_eq!(sections[0].heading, "First");
        assert!(sections[0].body.contains("→ one: 1"));
        assert!(!sections[0].body.contains("two"));
    }

    #[test]
    fn every_section_has_a_result() {
        assert_every_section_measured(OUTPUT, &["1", "2"]);
    }

    #[test]
    #[should_panic(expected = "printed no result")]
    fn a_section_without_a_result_is_caught() {
        assert_every_section_measured("# Lesson\n\n── 1. Empty ──\nClaim: nothing\n", &["1"]);
    }
}
