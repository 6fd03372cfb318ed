//! Reading a check program's output as it arrives. A check program is a libtest binary (an
//! exercise's `tests/*.rs`), run with `--nocapture`: each test's own output then streams to the
//! grader, which keeps only a head and a tail of it, instead of piling up in libtest's memory (a
//! flood of `println!` once took the whole machine that way). Without libtest's capture, its
//! report no longer holds each failure's output; so the grader follows the stream instead:
//!
//! - stdout carries libtest's `running 3 tests` and a `test NAME ... ok` (or `FAILED`) line as
//!   each test ends, mixed with whatever the tests print;
//! - stderr carries each panic as it happens, headed `thread 'NAME' panicked at FILE:LINE:COL:`,
//!   and libtest names each test's thread after the test.

use std::time::Duration;

/// What has been seen of one check program's output so far.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// How many tests libtest said it would run.
    pub announced: Option<usize>,
    /// The tests that ended, with how.
    pub ended: Vec<(String, Ending)>,
    /// The panics, in the order they happened (the first [`MAX_PANICS`]).
    pub panics: Vec<Panic>,
    /// `Error: ...` lines: what a test that returned `Err` printed.
    pub errors: Vec<String>,
    /// Bytes printed on both streams.
    pub printed: u64,
    /// The first lines the tests themselves printed (not libtest's, nor a panic's): a flood's
    /// first lines, or the report of a harness that prints its own (trybuild).
    pub output: Vec<String>,
    /// When the printing passed the flood cap, after the program started.
    pub flooded_after: Option<Duration>,
    /// The panic whose lines are still arriving.
    open_panic: Option<usize>,
}

/// How a test ended, as libtest says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Passed,
    Failed,
    Ignored,
}

/// One panic: the thread it happened on, and what it said (the header line included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panic {
    pub thread: String,
    pub text: String,
}

/// The longest line kept of the tests' own output.
const MAX_LINE: usize = 500;
/// Panics kept per program; the first failure is what is reported.
const MAX_PANICS: usize = 20;
/// Lines kept of one panic's message: an `assert_eq!` of two long values is a few dozen.
const MAX_PANIC_LINES: usize = 40;
/// Lines of the tests' own output kept.
const OUTPUT_LINES: usize = 300;

impl Seen {
    /// Takes one line of stdout; returns the name of a test that just failed.
    pub fn stdout_line(&mut self, line: &str) -> Option<String> {
        self.printed += line.len() as u64 + 1;
        if let Some(count) = line
            .strip_prefix("running ")
            .and_then(|rest| rest.strip_suffix(" tests").or(rest.strip_suffix(" test")))
            .and_then(|count| count.parse::<usize>().ok())
        {
            self.announced = Some(self.announced.unwrap_or(0) + count);
            return None;
        }
        if let Some((name, ending)) = test_ending(line) {
            self.ended.push((name.to_string(), ending));
            return (ending == Ending::Failed).then(|| name.to_string());
        }
        if !is_libtest_chatter(line) {
            self.keep_first_line(line);
        }
        None
    }

    /// Takes one line of stderr.
    pub fn stderr_line(&mut self, line: &str) {
        self.printed += line.len() as u64 + 1;
        if let Some((thread, header)) = panic_header(line) {
            self.open_panic = None;
            if self.panics.len() < MAX_PANICS {
                self.panics.push(Panic {
                    thread,
                    text: header,
                });
                self.open_panic = Some(self.panics.len() - 1);
            }
            return;
        }
        if line.starts_with("note: run with `RUST_BACKTRACE=1`") {
            self.open_panic = None;
            return;
        }
        if let Some(error) = line.strip_prefix("Error: ") {
            self.open_panic = None;
            self.errors.push(error.to_string());
            return;
        }
        match self.open_panic.map(|index| &mut self.panics[index]) {
            Some(panic) if panic.text.lines().count() < MAX_PANIC_LINES => {
                panic.text.push('\n');
                panic.text.push_str(line);
            }
            Some(_) => {}
            None => self.keep_first_line(line),
        }
    }

    fn keep_first_line(&mut self, line: &str) {
        if self.output.len() < OUTPUT_LINES {
            self.output.push(line.chars().take(MAX_LINE).collect());
        }
    }

    /// The first `count` lines with something on them that the tests printed.
    pub fn first_lines(&self, count: usize) -> Vec<String> {
        self.output
            .iter()
            .filter(|line| !line.trim().is_empty())
            .take(count)
            .cloned()
            .collect()
    }

    /// The tests that passed.
    pub fn passed(&self) -> usize {
        self.ended
            .iter()
            .filter(|(_, ending)| *ending == Ending::Passed)
            .count()
    }

    /// The first test that failed.
    pub fn first_failed(&self) -> Option<&str> {
        self.ended
            .iter()
            .find(|(_, ending)| *ending == Ending::Failed)
            .map(|(name, _)| name.as_str())
    }

    /// What the failed test's own thread said when it panicked (the last time: a test may catch a
    /// panic of the learner's code first, and then fail with its own message); else the first
    /// `Error:` a test returned; else the first panic of all (a failure inside a thread the test
    /// started).
    pub fn failure_text(&self, test: &str) -> Option<String> {
        let own = self.panics.iter().rev().find(|panic| panic.thread == test);
        own.map(|panic| panic.text.trim_end().to_string())
            .or_else(|| self.errors.first().map(|error| format!("Error: {error}")))
            .or_else(|| {
                self.panics
                    .first()
                    .map(|panic| panic.text.trim_end().to_string())
            })
    }
}

/// `("name", ending)` of libtest's `test name ... ok` line.
fn test_ending(line: &str) -> Option<(&str, Ending)> {
    let (head, word) = line.rsplit_once(" ... ")?;
    let ending = match word.trim_end() {
        "ok" => Ending::Passed,
        "FAILED" => Ending::Failed,
        word if word.starts_with("ignored") => Ending::Ignored,
        _ => return None,
    };
    // A test's own output may have begun the line: the name follows the last `test `.
    let start = head.rfind("test ")?;
    Some((&head[start + "test ".len()..], ending))
}

/// The lines of libtest's own report that are not a test's ending.
fn is_libtest_chatter(line: &str) -> bool {
    line.is_empty()
        || line.starts_with("test result: ")
        || line.starts_with("failures:")
        || line.starts_with("    ")
        || line.starts_with("successes:")
}

/// `("thread name", header)` of a panic's first line, `thread 'NAME' panicked at FILE:L:C:`. Rust
/// 1.92 and later put the thread's id after its name (`thread 'NAME' (12345) panicked`): it
/// differs on every run, so the header is given without it.
fn panic_header(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix("thread '")?;
    let (name, after_name) = rest.split_once('\'')?;
    let after_id = match after_name.strip_prefix(" (") {
        Some(id) => {
            let (digits, rest) = id.split_once(')')?;
            digits.bytes().all(|b| b.is_ascii_digit()).then_some(rest)?
        }
        None => after_name,
    };
    let location = after_id.strip_prefix(" panicked at ")?;
    Some((
        name.to_string(),
        format!("thread '{name}' panicked at {location}"),
    ))
}

/// Strips thread ids from a whole text (`thread 'x' (123) panicked`), so that what the grader
/// reports is the same on every run.
pub fn without_thread_ids(text: &str) -> String {
    text.lines()
        .map(|line| match panic_header(line) {
            Some((_, header)) => header,
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The test names in `binary --list` output (`name: test` lines).
pub fn listed_tests(listing: &str) -> Vec<String> {
    listing
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(stdout: &str, stderr: &str) -> Seen {
        let mut seen = Seen::default();
        for line in stderr.lines() {
            seen.stderr_line(line);
        }
        for line in stdout.lines() {
            seen.stdout_line(line);
        }
        seen
    }

    #[test]
    fn tests_are_counted_as_they_end() {
        let seen = seen(
            "\nrunning 3 tests\ntest a ... ok\ntest b ... FAILED\ntest c ... ignored, slow\n",
            "",
        );
        assert_eq!(seen.announced, Some(3));
        assert_eq!(seen.passed(), 1);
        assert_eq!(seen.first_failed(), Some("b"));
        assert_eq!(seen.ended.len(), 3);
    }

    #[test]
    fn a_failure_is_reported_as_it_happens() {
        let mut seen = Seen::default();
        assert_eq!(seen.stdout_line("test fine ... ok"), None);
        assert_eq!(
            seen.stdout_line("printed by a testtest broken ... FAILED"),
            Some("broken".to_string())
        );
    }

    #[test]
    fn the_failed_tests_own_panic_is_its_failure_without_the_thread_id() {
        let stderr = "thread '<unnamed>' panicked at src/lib.rs:3:5:\nthe learner's thread\n\
                      note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\
                      thread 'broken' (4242) panicked at tests/check.rs:9:5:\n\
                      assertion `left == right` failed: two threads\n  left: 1\n right: 2\n";
        let seen = seen("test broken ... FAILED\n", stderr);
        assert_eq!(
            seen.failure_text("broken").as_deref(),
            Some(
                "thread 'broken' panicked at tests/check.rs:9:5:\n\
                 assertion `left == right` failed: two threads\n  left: 1\n right: 2"
            )
        );
        assert_eq!(seen.panics.len(), 2);
    }

    #[test]
    fn a_panic_the_test_caught_is_not_its_failure() {
        let stderr = "thread 'refuses' panicked at src/lib.rs:95:13:\n\
                      Cannot start a runtime from within a runtime.\n\
                      thread 'refuses' panicked at tests/check.rs:40:5:\n\
                      inside a runtime, ask Handle::try_current() first\n";
        let seen = seen("test refuses ... FAILED\n", stderr);
        assert_eq!(
            seen.failure_text("refuses").as_deref(),
            Some(
                "thread 'refuses' panicked at tests/check.rs:40:5:\n\
                 inside a runtime, ask Handle::try_current() first"
            )
        );
    }

    #[test]
    fn a_test_that_returned_an_error_shows_it() {
        let seen = seen("test returns ... FAILED\n", "Error: \"no answer\"\n");
        assert_eq!(
            seen.failure_text("returns").as_deref(),
            Some("Error: \"no answer\"")
        );
    }

    #[test]
    fn the_tests_own_output_is_counted_and_its_first_lines_kept() {
        let seen = seen("running 1 test\nflood\n\nflood\n", "more\n");
        assert_eq!(seen.first_lines(2), ["more", "flood"]);
        assert_eq!(
            seen.printed,
            ("running 1 test\nflood\n\nflood\nmore\n").len() as u64
        );
    }

    #[test]
    fn thread_ids_are_removed_from_any_text() {
        assert_eq!(
            without_thread_ids("a\nthread 'main' (77) panicked at x.rs:1:2:\nboom"),
            "a\nthread 'main' panicked at x.rs:1:2:\nboom"
        );
        assert_eq!(
            without_thread_ids("thread 'main' (not an id) panicked at"),
            "thread 'main' (not an id) panicked at"
        );
    }

    #[test]
    fn a_listing_names_its_tests() {
        let listing = "first: test\nmodule::second: test\n\n2 tests, 0 benchmarks\n";
        assert_eq!(listed_tests(listing), ["first", "module::second"]);
    }
}
