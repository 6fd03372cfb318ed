//! The look of a lesson: a heading per section, the claim it makes, the Python idiom it replaces,
//! the code that demonstrates it, and the results that prove it.
//!
//! Code listings are cut from the lesson's own source between `// ANCHOR: name` and
//! `// ANCHOR_END: name` lines, the same markers the book includes listings by, so the terminal, the
//! book and the compiled program always show the same code.

use std::fmt::Display;
use std::process::ExitCode;

use crate::system;

/// Widest a paragraph gets, even on a wide terminal: long lines are hard to read.
const TEXT_WIDTH: usize = 96;

/// Prints the lesson's title and what it is about.
pub fn title(title: &str, about: &str) {
    let style = Style::for_stdout();
    println!("{}", style.bold(&format!("# {title}")));
    print_wrapped("", about);
    println!();
}

/// Prints a section heading: `── 2. Sequential vs concurrent ──────`.
pub fn section(number: usize, title: &str) {
    let style = Style::for_stdout();
    let heading = format!("── {number}. {title} ");
    let width = system::terminal_width().min(TEXT_WIDTH);
    let rule = "─".repeat(width.saturating_sub(heading.chars().count()));
    println!();
    println!("{}", style.bold(&format!("{heading}{rule}")));
}

/// The claim the section sets out to prove.
pub fn claim(text: &str) {
    print_wrapped("Claim: ", text);
}

/// What a Python programmer would write for the same thing.
pub fn python(text: &str) {
    print_wrapped("Python: ", text);
}

/// A paragraph of explanation.
pub fn say(text: &str) {
    print_wrapped("", text);
}

/// Prints the listing between `// ANCHOR: anchor` and `// ANCHOR_END: anchor` in `source`
/// (usually `include_str!` of the lesson's own file), indented as a code block.
pub fn code(source: &str, anchor: &str) {
    let style = Style::for_stdout();
    println!();
    for line in listing(source, anchor).lines() {
        if line.is_empty() {
            println!();
        } else {
            println!("    {}", style.dim(line));
        }
    }
    println!();
}

/// Prints one result: `  → joined: measured 1.00 s, ideal 1.00 s (100 %)`.
///
/// Every section prints at least one; the lessons' smoke tests look for them.
pub fn result(label: &str, value: impl Display) {
    let style = Style::for_stdout();
    println!("  {} {label}: {value}", style.green("→"));
}

/// The lesson's last words: its exercises, then the lesson to run next, if there is one
/// (`lesson-semaphores`).
pub fn next(next_lesson: Option<&str>) {
    println!();
    match next_lesson {
        Some(lesson) => say(&format!(
            "Next: the exercises of this lesson (`cargo xtask list`), then `cargo run -p {lesson}`."
        )),
        None => say("Next: the exercises of this lesson (`cargo xtask list`)."),
    }
}

/// How a lesson's `main` ends: success, or the error and every cause under it printed as
/// `error: cannot reach http://...: error sending request: Connection refused`, and a failing exit
/// code (clap already exits with 2 for bad flags, so 1 means "the lesson itself could not go on").
pub fn finish(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", error_chain(error.as_ref()));
            ExitCode::FAILURE
        }
    }
}

/// Prints compiler output saved by a lesson's trybuild tests (a `.stderr` file), indented like a
/// listing, so the learner reads rustc's own words for a mistake the lesson cannot compile.
pub fn compiler_output(stderr: &str) {
    for line in stderr.lines() {
        println!("    {line}");
    }
    println!();
}

/// The text a panic carried: `panic!("...")` and `expect("...")` carry a `&str` or a `String`.
/// Takes what `JoinHandle::join`, `catch_unwind` or tokio's `JoinError::into_panic` hand back.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}

/// An error and its causes on one line. HTTP clients wrap the interesting part (`Connection
/// refused`, `Too many open files`) a few causes deep under "error sending request".
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The lines of `source` between the anchor markers, without the markers of any other anchor and
/// without their common indentation.
///
/// # Panics
/// If the anchor is missing: that is a bug in the lesson, caught by its smoke test.
pub fn listing(source: &str, anchor: &str) -> String {
    let start = format!("ANCHOR: {anchor}");
    let end = format!("ANCHOR_END: {anchor}");
    let mut lines = source.lines();
    let found = lines.any(|line| is_marker(line, &start));
    assert!(found, "no `// {start}` in this lesson's source");
    let body: Vec<&str> = lines
        .take_while(|line| !is_marker(line, &end))
        .filter(|line| !is_any_marker(line))
        .collect();
    let indent = body
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    body.iter()
        .map(|line| line.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_marker(line: &str, marker: &str) -> bool {
    line.trim()
        .strip_prefix("//")
        .is_some_and(|rest| rest.trim() == marker)
}

fn is_any_marker(line: &str) -> bool {
    line.trim().strip_prefix("//").is_some_and(|rest| {
        let rest = rest.trim_start();
        rest.starts_with("ANCHOR: ") || rest.starts_with("ANCHOR_END: ")
    })
}

fn print_wrapped(lead: &str, text: &str) {
    let style = Style::for_stdout();
    let width = system::terminal_width().min(TEXT_WIDTH);
    let lines = wrap(text, width.saturating_sub(lead.len()).max(20));
    let padding = " ".repeat(lead.len());
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            println!("{}{line}", style.bold(lead));
        } else {
            println!("{padding}{line}");
        }
    }
}

/// Breaks `text` into lines of at most `width` characters at spaces (a longer word gets a line of
/// its own).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = line.chars().count() + word.chars().count() + usize::from(!line.is_empty());
        if !line.is_empty() && needed > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// ANSI styling, or none when stdout is not a terminal or `NO_COLOR` is set.
struct Style {
    enabled: bool,
}

impl Style {
    fn for_stdout() -> Self {
        Style {
            enabled: system::color_enabled(),
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.enabled && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    fn green(&self, text: &str) -> String {
        self.paint("32", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "\
fn outer() {
    // ANCHOR: whole
    let a = 1;
    // ANCHOR: part
    let b = 2;
    // ANCHOR_END: part
    let c = a + b;
    // ANCHOR_END: whole
}
";

    #[test]
    fn a_listing_is_cut_at_its_anchors_and_dedented() {
        assert_eq!(listing(SOURCE, "part"), "let b = 2;");
    }

    #[test]
    fn inner_anchor_lines_are_left_out() {
        assert_eq!(
            listing(SOURCE, "whole"),
            "let a = 1;\nlet b = 2;\nlet c = a + b;"
        );
    }

    #[test]
    #[should_panic(expected = "no `// ANCHOR: missing`")]
    fn a_missing_anchor_is_a_bug() {
        listing(SOURCE, "missing");
    }

    /// An error that wraps another, as HTTP clients' errors do.
    #[derive(Debug)]
    struct Wrapped(std::io::Error);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("error sending request")
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn an_error_chain_names_every_cause() {
        let error = Wrapped(std::io::Error::other("connection refused"));
        assert_eq!(
            error_chain(&error),
            "error sending request: connection refused"
        );
        assert_eq!(error_chain(&std::io::Error::other("plain")), "plain");
    }

    #[test]
    fn an_error_with_context_names_every_cause() {
        let error = anyhow::Error::new(Wrapped(std::io::Error::other("connection refused")))
            .context("cannot reach http://127.0.0.1:1/");
        assert_eq!(
            error_chain(error.as_ref()),
            "cannot reach http://127.0.0.1:1/: error sending request: connection refused"
        );
    }

    #[test]
    fn a_panic_message_is_read_from_either_kind_of_string() {
        let formatted = std::panic::catch_unwind(|| panic!("at {}", "the disco"));
        assert_eq!(panic_message(&*formatted.unwrap_err()), "at the disco");
        let plain = std::thread::spawn(|| panic!("plain")).join();
        assert_eq!(panic_message(&*plain.unwrap_err()), "plain");
        let other: Box<dyn std::any::Any + Send> = Box::new(42);
        assert_eq!(panic_message(&*other), "(a panic without a message)");
    }

    #[test]
    fn text_wraps_at_spaces() {
        assert_eq!(
            wrap("three one-second waits take one second", 16),
            ["three one-second", "waits take one", "second"]
        );
        assert_eq!(wrap("", 10), Vec::<String>::new());
    }
}
