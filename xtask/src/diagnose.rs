//! Turning how a check program ended into the few lines a learner needs: which test failed and
//! why, which bound it hit, what a hung program was doing; not a wall of cargo output.

use crate::checking::{Bounds, Outcome, Report};
use crate::grade::FailureKind;
use crate::hang::{self, Hang, Thread};

/// The longest diagnosis shown (in lines), before the rest is elided with a note.
const MAX_LINES: usize = 40;

/// Why a check program failed, in a few lines, and what kind of failure it was.
pub fn describe(report: &Report) -> (FailureKind, String) {
    let bounds = &report.bounds;
    let (kind, text) = match &report.outcome {
        Outcome::TestFailed { test, text, output } => (
            FailureKind::Check,
            test_failed(test, text.as_deref(), output),
        ),
        Outcome::Flood {
            bytes,
            after,
            first_lines,
        } => (
            FailureKind::Flood,
            format!(
                "flood: the check printed {} in {:.1} s and was stopped there (the grader keeps at \
                 most {}). Its first lines:\n{}\nA print inside a loop that never ends?",
                megabytes(*bytes),
                after.as_secs_f64(),
                megabytes(bounds.flood),
                indented(first_lines)
            ),
        ),
        Outcome::TimedOut { hang, unfinished } => {
            (FailureKind::Timeout, timed_out(hang, unfinished, bounds))
        }
        Outcome::OutOfMemory { text } => (
            FailureKind::Memory,
            format!(
                "out of memory: the check used the {} of memory the grader allows it, and an \
                 allocation failed:\n{text}\nA collection that grows without end, or a copy of \
                 something huge in a loop?",
                megabytes(bounds.memory)
            ),
        ),
        Outcome::Crashed { signal, stderr } => (FailureKind::Crash, crashed(*signal, stderr)),
        Outcome::ExitedBadly { code, output } => (
            FailureKind::Check,
            format!(
                "the check `{}` failed (exit code {code}):\n{output}",
                report.name
            ),
        ),
        Outcome::NotRun(why) => (FailureKind::Setup, why.clone()),
        Outcome::Passed | Outcome::Stopped => (FailureKind::Setup, String::new()),
    };
    (kind, limit_lines(&strip_ansi(&text), MAX_LINES))
}

/// Every compile error, in the compiler's words.
pub fn compile_errors(errors: &[String]) -> String {
    let text: Vec<String> = errors
        .iter()
        .map(|error| strip_ansi(error).trim_end().to_string())
        .collect();
    text.join("\n\n")
}

fn test_failed(test: &str, text: Option<&str>, output: &[String]) -> String {
    let mut out = format!("test `{test}` failed");
    match text {
        Some(text) => {
            out.push_str(":\n");
            out.push_str(text);
        }
        None => out.push('.'),
    }
    if let Some(trybuild) = trybuild_report(output) {
        out.push('\n');
        out.push_str(&trybuild);
    }
    out
}

/// trybuild prints its own report of each case it compiled: pick out the cases.
fn trybuild_report(output: &[String]) -> Option<String> {
    let start = output
        .iter()
        .position(|line| line.starts_with("test tests/"))?;
    let lines: Vec<&str> = output[start..]
        .iter()
        .map(String::as_str)
        .filter(|line| !line.starts_with("note: run with `RUST_BACKTRACE=1`"))
        .collect();
    Some(format!(
        "the compiler's verdict:\n{}",
        lines.join("\n").trim()
    ))
}

fn timed_out(hang: &Hang, unfinished: &[String], bounds: &Bounds) -> String {
    let limit = bounds.time_limit.as_secs_f64();
    let hung = match unfinished {
        [] => String::new(),
        [test] => format!(" The test that hung: `{test}`."),
        tests => format!(
            " The tests that had not ended: {}.",
            tests
                .iter()
                .map(|test| format!("`{test}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    match hang {
        Hang::Deadlock { waiting } => format!(
            "deadlock: {} waiting, none running, at the time limit ({limit:.0} s).{hung}\n{}\n\
             Usual causes:\n{DEADLOCK_CAUSES}",
            count(waiting.len(), "thread", "threads"),
            thread_lines(waiting)
        ),
        Hang::Loop { burning } => {
            let names: Vec<String> = burning
                .iter()
                .map(|(name, share)| format!("'{name}' ({:.0} % of a core)", share * 100.0))
                .collect();
            format!(
                "endless loop: {} burning a core at the time limit ({limit:.0} s): {}.{hung}\n\
                 A loop whose exit condition never comes true, or a spin that waits for something \
                 without ever sleeping?",
                if burning.len() == 1 {
                    "a thread was"
                } else {
                    "threads were"
                },
                names.join(", ")
            )
        }
        Hang::Flood => format!(
            "flood: the check was still printing at the time limit ({limit:.0} s).{hung}\n\
             A print inside a loop that never ends?"
        ),
        Hang::Unknown => format!(
            "timed out after {limit:.0} s: a deadlock or an endless loop (the grader cannot look \
             inside a running program on this system).{hung}\nUsual causes:\n{DEADLOCK_CAUSES}\n\
             - a loop whose exit condition never comes true"
        ),
    }
}

const DEADLOCK_CAUSES: &str = "\
- a channel receiver waits for ever because a Sender (or a clone of it) was never dropped
- a lock is held while waiting for something that needs the same lock
- two threads take the same two locks in opposite orders, each holding the one the other waits for
- a task or thread joins (or awaits) another that is waiting for it
- blocking code (std::thread::sleep, a blocking recv, a std Mutex) on an async runtime's only \
thread";

fn thread_lines(threads: &[Thread]) -> String {
    const SHOWN: usize = 8;
    let mut lines: Vec<String> = threads
        .iter()
        .take(SHOWN)
        .map(|thread| format!("  thread '{}': {}", thread.name, hang::waiting_for(thread)))
        .collect();
    if threads.len() > SHOWN {
        lines.push(format!("  ... and {} more", threads.len() - SHOWN));
    }
    lines.join("\n")
}

fn crashed(signal: i32, stderr: &str) -> String {
    if stderr.contains("has overflowed its stack") {
        return "crashed: a stack overflow (endless recursion, or a huge value on the stack)"
            .to_string();
    }
    let what = match signal {
        libc::SIGABRT => "aborted (std::process::abort, or a panic while already panicking)",
        libc::SIGSEGV => "crashed with a segmentation fault",
        libc::SIGKILL => "was killed (by the system: out of memory?)",
        _ => "was killed by a signal",
    };
    format!("the check {what} (signal {signal})\n{stderr}")
        .trim_end()
        .to_string()
}

fn indented(lines: &[String]) -> String {
    let lines: Vec<String> = lines.iter().map(|line| format!("  {line}")).collect();
    lines.join("\n")
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `8 MiB`, `8.3 MiB`, `2 GiB`: sizes in the units the grader's bounds are set in.
fn megabytes(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        return format!("{} GiB", bytes / GIB);
    }
    if bytes.is_multiple_of(MIB) {
        return format!("{} MiB", bytes / MIB);
    }
    format!("{:.1} MiB", bytes as f64 / MIB as f64)
}

/// The text without terminal colour codes (`ESC [ ... letter`), which would garble a report that
/// is not on a terminal and break the search for markers.
pub fn strip_ansi(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // Skip the '[' and parameters up to the final letter.
            for code in chars.by_ref() {
                if code.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

/// At most `max` lines of at most [`MAX_LINE`] characters each. Text only a little over either
/// is kept whole: a note saying "2 more lines" would take the room they take.
pub fn limit_lines(text: &str, max: usize) -> String {
    let lines: Vec<String> = text.trim_end().lines().map(limit_line).collect();
    if lines.len() <= max + SLACK_LINES {
        return lines.join("\n");
    }
    format!(
        "{}\n... ({} more lines)",
        lines[..max].join("\n"),
        lines.len() - max
    )
}

/// Lines over the limit that are shown rather than elided.
const SLACK_LINES: usize = 5;

/// The longest line shown: a line of a megabyte (a flood with no newlines) is cut.
const MAX_LINE: usize = 300;
/// Characters over the limit that are shown rather than cut.
const SLACK_CHARS: usize = 60;

fn limit_line(line: &str) -> String {
    match line.char_indices().nth(MAX_LINE) {
        Some((cut, _)) if line[cut..].chars().count() > SLACK_CHARS => {
            format!("{}... ({} more bytes)", &line[..cut], line.len() - cut)
        }
        _ => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const BOUNDS: Bounds = Bounds {
        time_limit: Duration::from_secs(5),
        memory: 2 << 30,
        flood: 8 << 20,
    };

    fn report(outcome: Outcome) -> Report {
        Report {
            name: "check".to_string(),
            outcome,
            bounds: BOUNDS,
            elapsed: Duration::ZERO,
            passed: 0,
            total: Some(1),
        }
    }

    fn waiting(name: &str) -> Thread {
        Thread {
            pid: 1,
            tid: 2,
            name: name.to_string(),
            state: 'S',
            waits_in: Some("futex_wait_queue".to_string()),
            ticks: 0,
        }
    }

    #[test]
    fn a_failed_test_shows_its_panic() {
        let (kind, text) = describe(&report(Outcome::TestFailed {
            test: "broken".to_string(),
            text: Some("thread 'broken' panicked at tests/check.rs:9:5:\nnot yet".to_string()),
            output: Vec::new(),
        }));
        assert_eq!(kind, FailureKind::Check);
        assert_eq!(
            text,
            "test `broken` failed:\nthread 'broken' panicked at tests/check.rs:9:5:\nnot yet"
        );
    }

    #[test]
    fn a_deadlock_names_the_waiting_threads_the_hung_test_and_the_causes() {
        let (kind, text) = describe(&report(Outcome::TimedOut {
            hang: Hang::Deadlock {
                waiting: vec![waiting("the_answer")],
            },
            unfinished: vec!["the_answer".to_string()],
        }));
        assert_eq!(kind, FailureKind::Timeout);
        assert!(
            text.starts_with(
                "deadlock: 1 thread waiting, none running, at the time limit (5 s). \
                 The test that hung: `the_answer`."
            ),
            "{text}"
        );
        assert!(
            text.contains("thread 'the_answer': waiting on a lock"),
            "{text}"
        );
        assert!(text.contains("Sender"), "{text}");
        assert!(text.contains("opposite orders"), "{text}");
    }

    #[test]
    fn an_endless_loop_names_the_busy_thread() {
        let (_, text) = describe(&report(Outcome::TimedOut {
            hang: Hang::Loop {
                burning: vec![("spins".to_string(), 0.97)],
            },
            unfinished: Vec::new(),
        }));
        assert!(
            text.starts_with("endless loop: a thread was burning a core at the time limit (5 s): 'spins' (97 % of a core)."),
            "{text}"
        );
    }

    #[test]
    fn a_flood_says_how_much_how_fast_and_how_it_began() {
        let (kind, text) = describe(&report(Outcome::Flood {
            bytes: 8_400_000,
            after: Duration::from_millis(640),
            first_lines: vec!["flooding".to_string()],
        }));
        assert_eq!(kind, FailureKind::Flood);
        assert!(
            text.starts_with("flood: the check printed 8.0 MiB in 0.6 s and was stopped there (the grader keeps at most 8 MiB)"),
            "{text}"
        );
        assert!(text.contains("\n  flooding\n"), "{text}");
    }

    #[test]
    fn a_stack_overflow_is_named() {
        let (kind, text) = describe(&report(Outcome::Crashed {
            signal: libc::SIGABRT,
            stderr: "thread 'deep' has overflowed its stack".to_string(),
        }));
        assert_eq!(kind, FailureKind::Crash);
        assert!(text.contains("stack overflow"), "{text}");
    }

    #[test]
    fn running_out_of_memory_names_the_bound() {
        let (kind, text) = describe(&report(Outcome::OutOfMemory {
            text: "memory allocation of 4294967296 bytes failed".to_string(),
        }));
        assert_eq!(kind, FailureKind::Memory);
        assert!(
            text.contains("the 2 GiB of memory the grader allows"),
            "{text}"
        );
    }

    #[test]
    fn trybuild_verdicts_are_shown() {
        let output: Vec<String> = [
            "",
            "test tests/ui/send.rs ... error",
            "Expected test case to fail to compile, but it succeeded.",
        ]
        .map(String::from)
        .to_vec();
        let text = test_failed("ui", Some("1 of 1 tests failed"), &output);
        assert!(text.contains("1 of 1 tests failed"), "{text}");
        assert!(
            text.contains("the compiler's verdict:\ntest tests/ui/send.rs ... error"),
            "{text}"
        );
    }

    #[test]
    fn every_compile_error_is_shown() {
        let text = compile_errors(&["error[E1]: one\n".to_string(), "error[E2]: two".to_string()]);
        assert_eq!(text, "error[E1]: one\n\nerror[E2]: two");
    }

    #[test]
    fn colour_codes_are_removed() {
        assert_eq!(
            strip_ansi("test \x1b[1mtests/ui/a.rs\x1b[0m ... \x1b[1m\x1b[31merror"),
            "test tests/ui/a.rs ... error"
        );
    }

    #[test]
    fn long_text_is_cut_but_not_for_a_few_lines_or_bytes() {
        let long: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let text = limit_lines(&long, MAX_LINES);
        assert_eq!(text.lines().count(), MAX_LINES + 1, "{text}");
        assert!(text.ends_with("... (60 more lines)"), "{text}");
        let a_little_over: String = (0..MAX_LINES + 2).map(|i| format!("line {i}\n")).collect();
        assert_eq!(
            limit_lines(&a_little_over, MAX_LINES),
            a_little_over.trim_end()
        );
        let slightly_long = "x".repeat(MAX_LINE + 10);
        assert_eq!(limit_line(&slightly_long), slightly_long);
        let very_long = "x".repeat(MAX_LINE + 1000);
        assert!(limit_line(&very_long).ends_with("... (1000 more bytes)"));
    }
}
