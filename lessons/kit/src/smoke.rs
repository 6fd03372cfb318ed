//! For the lessons' smoke tests: run a lesson's binary as a learner would, and read what it printed.
//!
//! Every lesson prints its sections as `── N. Title ───` headings, each followed by at least one
//! `  → label: value` result line (see [`crate::narrate`]). These helpers check exactly that, so each
//! lesson's smoke test only has to say which sections it has and which results matter.
//!
//! They panic with the lesson's whole output when something is off: they are for tests. A lesson
//! still running after [`TIME_LIMIT`] is killed, so a deadlocked lesson fails its test instead of
//! hanging `cargo test`.

use std::process::{Command, ExitStatus};
use std::time::Duration;

use runner::{Limits, Runner};

/// How long a lesson may run in a smoke test before it is taken for hung and killed. A quick run
/// takes seconds; this only stops a deadlocked lesson from hanging `cargo test` for ever.
pub const TIME_LIMIT: Duration = Duration::from_secs(120);

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
///
/// # Panics
/// If it cannot start, or if it is still running after [`TIME_LIMIT`]: then it is killed, and
/// the panic shows what it had printed.
pub fn run(binary: &str, args: &[&str]) -> Run {
    run_within(binary, args, TIME_LIMIT)
}

/// [`run`], with a time limit of your choosing.
pub fn run_within(binary: &str, args: &[&str], limit: Duration) -> Run {
    let mut command = Command::new(binary);
    command.args(args).env("NO_COLOR", "1");
    // The runner reads both pipes as they fill, and at the limit kills the lesson with every
    // process it started, so none of them outlives the test.
    let limits = Limits {
        timeout: limit,
        output_cap: OUTPUT_CAP,
    };
    let finished = Runner::new(limits)
        .keep_tail(OUTPUT_CAP / 4)
        .run(&mut command)
        .unwrap_or_else(|error| panic!("cannot run {binary}: {error}"));
    let stdout = finished.stdout.with_gap_marked();
    let stderr = finished.stderr.with_gap_marked();
    match finished.ending.exit_status() {
        Some(status) => Run {
            status,
            stdout,
            stderr,
        },
        None => panic!(
            "{binary} {args:?} was still running after {limit:?} and was killed (a deadlock?). \
             It printed:\n{stdout}\n{stderr}"
        ),
    }
}

/// Bytes kept of the start of each of a lesson's streams (and a quarter of that of the end): a
/// quick run prints kilobytes, so only a lesson gone wrong reaches it.
const OUTPUT_CAP: usize = 4 << 20;

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

/// The whole number printed right after `label`, for checking a figure against a bound.
///
/// # Panics
/// If `label` is not in `text` or no number follows it.
pub fn number_after(text: &str, label: &str) -> u64 {
    let (_, rest) = text
        .split_once(label)
        .unwrap_or_else(|| panic!("no {label:?} in:\n{text}"));
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after {label:?} in:\n{text}"))
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
    fn a_run_collects_both_streams_and_the_status() {
        let run = run("sh", &["-c", "echo out; echo err >&2; exit 3"]);
        assert_eq!(run.stdout, "out\n");
        assert_eq!(run.stderr, "err\n");
        assert_eq!(run.status.code(), Some(3));
    }

    #[test]
    #[should_panic(expected = "was still running after 200ms and was killed")]
    fn a_hung_lesson_is_killed_at_the_time_limit() {
        run_within(
            "sh",
            &["-c", "echo started; exec sleep 600"],
            Duration::from_millis(200),
        );
    }

    #[test]
    fn a_number_is_read_after_its_label() {
        assert_eq!(number_after(OUTPUT, "→ two: "), 2);
    }

    #[test]
    #[should_panic(expected = "no number after")]
    fn a_label_without_a_number_is_caught() {
        number_after(OUTPUT, "Claim: ");
    }

    #[test]
    #[should_panic(expected = "printed no result")]
    fn a_section_without_a_result_is_caught() {
        assert_every_section_measured("# Lesson\n\n── 1. Empty ──\nClaim: nothing\n", &["1"]);
    }
}
