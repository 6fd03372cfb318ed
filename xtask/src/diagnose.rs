//! Turning a failed check's output into the few lines a learner needs: which test failed and
//! why, not a wall of cargo output.

use runner::{Ending, Finished};

/// The longest diagnosis shown; the rest is elided with a note.
const MAX_LINES: usize = 40;

/// Why a check failed, in a few lines.
pub fn diagnose(finished: &Finished, timeout_secs: u64) -> String {
    let stdout = strip_ansi(&finished.stdout.text);
    let stderr = strip_ansi(&finished.stderr.text);
    let text = match finished.ending {
        Ending::TimedOut => timed_out(timeout_secs),
        Ending::Signaled(signal) => crashed(signal, &stderr),
        Ending::Exited(_) => failed_tests(&stdout, &stderr),
    };
    let mut text = limit_lines(&text, MAX_LINES);
    if finished.stdout.dropped + finished.stderr.dropped > 0 {
        text.push_str(&format!(
            "\n(the check printed a lot: {} more bytes of output were dropped)",
            finished.stdout.dropped + finished.stderr.dropped
        ));
    }
    text
}

fn timed_out(timeout_secs: u64) -> String {
    format!(
        "timed out after {timeout_secs} s: likely a deadlock or an endless loop. Usual causes:\n\
         - a channel receiver waits for ever because a Sender (or a clone of it) was never dropped\n\
         - a lock is held while waiting for something that needs the same lock\n\
         - a task or thread joins (or awaits) another that is waiting for it\n\
         - blocking code (std::thread::sleep, a blocking recv, a std Mutex) on an async runtime's \
           only thread\n\
         - a loop whose exit condition never comes true"
    )
}

fn crashed(signal: i32, stderr: &str) -> String {
    if stderr.contains("has overflowed its stack") {
        return "crashed: a stack overflow (endless recursion, or a huge value on the stack)"
            .to_string();
    }
    let what = match signal {
        libc::SIGABRT => "aborted (std::process::abort, or a panic while already panicking)",
        libc::SIGSEGV => "crashed with a segmentation fault",
        libc::SIGKILL => "was killed (out of memory?)",
        _ => "was killed by a signal",
    };
    let last_lines: Vec<&str> = stderr.lines().rev().take(10).collect();
    let tail: Vec<&str> = last_lines.into_iter().rev().collect();
    format!("the check {what} (signal {signal})\n{}", tail.join("\n"))
}

/// The first failed test's section of libtest's report, plus trybuild's verdict if it was one.
fn failed_tests(stdout: &str, stderr: &str) -> String {
    let mut text = match first_failure_section(stdout) {
        Some((name, body)) => format!("test `{name}` failed:\n{body}"),
        None => String::new(),
    };
    if let Some(trybuild) = trybuild_report(stdout, stderr) {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&trybuild);
    }
    if text.trim().is_empty() {
        // Not libtest's usual report: show the end of what it printed.
        let combined = format!("{stdout}\n{stderr}");
        let lines: Vec<&str> = combined.lines().filter(|l| !l.trim().is_empty()).collect();
        let start = lines.len().saturating_sub(15);
        text = lines[start..].join("\n");
    }
    text
}

/// `("name", body)` of the first `---- name stdout ----` section.
fn first_failure_section(stdout: &str) -> Option<(String, String)> {
    let start = stdout.find("\n---- ")? + 1;
    let rest = &stdout[start..];
    let header_end = rest.find('\n')?;
    let header = &rest[..header_end];
    let name = header
        .trim_start_matches("---- ")
        .trim_end_matches(" ----")
        .trim_end_matches(" stdout")
        .to_string();
    let body = &rest[header_end + 1..];
    let end = [body.find("\n---- "), body.find("\nfailures:\n")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(body.len());
    let body: Vec<&str> = body[..end]
        .lines()
        .filter(|line| !line.starts_with("note: run with `RUST_BACKTRACE=1`"))
        .collect();
    Some((name, body.join("\n").trim().to_string()))
}

/// trybuild prints straight to the terminal, outside libtest's capture: pick out its cases.
fn trybuild_report(stdout: &str, stderr: &str) -> Option<String> {
    let combined = format!("{stdout}\n{stderr}");
    let start = combined.find("\ntest tests/")?;
    let report = &combined[start + 1..];
    let end = report
        .find("\n\n\n")
        .or_else(|| report.find("test result:"))
        .unwrap_or(report.len());
    let lines: Vec<&str> = report[..end]
        .lines()
        .filter(|line| !line.starts_with("note: run with `RUST_BACKTRACE=1`"))
        .collect();
    Some(format!(
        "the compiler's verdict:\n{}",
        lines.join("\n").trim()
    ))
}

/// The text without terminal colour codes (`ESC [ ... letter`), which would garble a report that
/// is not on a terminal and break the search for markers.
fn strip_ansi(text: &str) -> String {
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

/// At most `max` lines of at most `MAX_LINE` characters each.
fn limit_lines(text: &str, max: usize) -> String {
    let lines: Vec<String> = text.trim_end().lines().map(limit_line).collect();
    if lines.len() <= max {
        return lines.join("\n");
    }
    format!(
        "{}\n... ({} more lines)",
        lines[..max].join("\n"),
        lines.len() - max
    )
}

/// The longest line shown: a line of a megabyte (a flood with no newlines) is cut.
const MAX_LINE: usize = 300;

fn limit_line(line: &str) -> String {
    match line.char_indices().nth(MAX_LINE) {
        Some((cut, _)) => format!("{}... ({} more bytes)", &line[..cut], line.len() - cut),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runner::Captured;

    fn finished(ending: Ending, stdout: &str, stderr: &str) -> Finished {
        Finished {
            ending,
            stdout: Captured {
                text: stdout.to_string(),
                ..Captured::default()
            },
            stderr: Captured {
                text: stderr.to_string(),
                ..Captured::default()
            },
        }
    }

    const LIBTEST: &str = "
running 2 tests
test fine ... ok
test broken ... FAILED

failures:

---- broken stdout ----

thread 'broken' panicked at tests/check.rs:9:5:
not yet implemented: spawn one thread per buffer
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    broken

test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

    #[test]
    fn a_failed_test_shows_its_panic() {
        let text = diagnose(&finished(Ending::Exited(101), LIBTEST, ""), 60);
        assert_eq!(
            text,
            "test `broken` failed:\nthread 'broken' panicked at tests/check.rs:9:5:\n\
             not yet implemented: spawn one thread per buffer"
        );
    }

    #[test]
    fn a_timeout_names_the_usual_causes() {
        let text = diagnose(&finished(Ending::TimedOut, "", ""), 60);
        assert!(
            text.starts_with("timed out after 60 s: likely a deadlock"),
            "{text}"
        );
        assert!(text.contains("Sender"), "{text}");
    }

    #[test]
    fn a_stack_overflow_is_named() {
        let stderr =
            "\nthread 'deep' has overflowed its stack\nfatal runtime error: stack overflow\n";
        let text = diagnose(&finished(Ending::Signaled(libc::SIGABRT), "", stderr), 60);
        assert!(text.contains("stack overflow"), "{text}");
    }

    #[test]
    fn trybuild_verdicts_are_shown() {
        let stdout = "\nrunning 1 test\n\ntest tests/ui/send.rs ... error\n\
                      Expected test case to fail to compile, but it succeeded.\n\n\n\n\
                      test ui ... FAILED\n\nfailures:\n\n---- ui stdout ----\n\
                      thread 'ui' panicked at trybuild:1:1:\n1 of 1 tests failed\n\nfailures:\n    ui\n";
        let text = diagnose(&finished(Ending::Exited(101), stdout, ""), 60);
        assert!(text.contains("1 of 1 tests failed"), "{text}");
        assert!(
            text.contains("Expected test case to fail to compile"),
            "{text}"
        );
    }

    #[test]
    fn colour_codes_are_removed() {
        assert_eq!(
            strip_ansi("test \x1b[1mtests/ui/a.rs\x1b[0m ... \x1b[1m\x1b[31merror"),
            "test tests/ui/a.rs ... error"
        );
    }

    #[test]
    fn floods_are_cut_short() {
        let long: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let text = diagnose(&finished(Ending::Exited(1), &long, ""), 60);
        assert!(text.lines().count() <= MAX_LINES + 1, "{text}");
    }
}
