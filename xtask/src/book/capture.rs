//! `cargo xtask book capture [LESSON...]`: runs each section of the lessons, as a learner would
//! (`cargo run -p lesson-NAME -- --section N`), and saves what it printed into
//! `book/src/captures/NAME-N.txt` for the book to show: the results and the timelines, without the
//! code listings (the book includes those from the source), with the command and the machine on
//! top. Run it again after a lesson changes; the figures are this machine's, and say so.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::compile::cargo;
use crate::course::Course;
use runner::{Ending, Limits};

use super::anchors;
use super::check::{files_under, lesson_names};
use super::expand::CAPTURES_DIR;
use super::sections;
use super::source::{BOOK_DIR, SRC_DIR};

// The bench's CPU model and date, so that the book and the bench's report describe a machine
// alike; the file says why it is shared this way.
#[path = "../../../bench/src/machine/facts.rs"]
mod facts;

/// Wide enough for the timelines, narrow enough for a page of the book.
const COLUMNS: &str = "80";

/// A section runs for seconds (the lessons that show a deadlock time it out themselves), and
/// prints a few kilobytes: ten minutes means it hangs, megabytes that it has gone wrong.
const SECTION_LIMITS: Limits = Limits {
    timeout: Duration::from_secs(10 * 60),
    output_cap: 4 << 20,
};

pub fn capture(course: &Course, lessons: &[String]) -> Result<()> {
    let all = lesson_names(course);
    let lessons: Vec<String> = if lessons.is_empty() {
        all
    } else {
        for lesson in lessons {
            if !all.contains(lesson) {
                bail!(
                    "there is no lesson `{lesson}`; the lessons are {}",
                    all.join(", ")
                );
            }
        }
        lessons.to_vec()
    };
    let dir = course.root.join(BOOK_DIR).join(SRC_DIR).join(CAPTURES_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let machine = machine();
    for lesson in &lessons {
        let listings = listings_of(&course.root.join("lessons").join(lesson));
        build_lesson(course, lesson)?;
        let sections = sections::list(course, lesson)?.len();
        for section in 1..=sections {
            let command = format!("cargo run -p lesson-{lesson} -- --section {section}");
            eprintln!("capturing: {command}");
            let output = run_lesson(course, lesson, &["--section", &section.to_string()])?;
            let text = format!("# {command}\n# {machine}\n\n{}\n", tidy(&output, &listings));
            let path = dir.join(format!("{lesson}-{section}.txt"));
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(())
}

/// Builds a lesson where the maintainer sees cargo's progress (a cold build takes minutes), so
/// that the timed runs after it only run.
fn build_lesson(course: &Course, lesson: &str) -> Result<()> {
    let status = cargo()
        .args(["build", "--package", &format!("lesson-{lesson}")])
        .current_dir(&course.root)
        .stdin(Stdio::null())
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("`cargo build -p lesson-{lesson}` failed ({status}); see above");
    }
    Ok(())
}

/// What `cargo run -p lesson-NAME -- ARGS` prints on stdout, within [`SECTION_LIMITS`].
pub fn run_lesson(course: &Course, lesson: &str, args: &[&str]) -> Result<String> {
    let mut command = cargo();
    command
        .args([
            "run",
            "--quiet",
            "--package",
            &format!("lesson-{lesson}"),
            "--",
        ])
        .args(args)
        .current_dir(&course.root)
        .env("COLUMNS", COLUMNS)
        .env("NO_COLOR", "1")
        // A lesson that shows a panic shows its message; a backtrace would bury it.
        .env_remove("RUST_BACKTRACE");
    let finished = runner::run(&mut command, SECTION_LIMITS).context("cannot run cargo")?;
    // What a lesson says on stderr (the panic it demonstrates, say) is for the maintainer to see,
    // as when they run it themselves; only stdout goes into the book.
    eprint!("{}", finished.stderr.text);
    let shown = format!("`cargo run -p lesson-{lesson} -- {}`", args.join(" "));
    let failure = match finished.ending {
        Ending::Exited(0) if finished.stdout.dropped == 0 => return Ok(finished.stdout.text),
        Ending::Exited(0) => format!(
            "printed more than {} bytes, which is no section's output",
            SECTION_LIMITS.output_cap
        ),
        Ending::Exited(code) => format!("failed (exit code {code})"),
        Ending::Signaled(signal) => format!("was killed by signal {signal}"),
        Ending::TimedOut => format!(
            "still ran after {} s, so it was stopped",
            SECTION_LIMITS.timeout.as_secs()
        ),
    };
    bail!("{shown} {failure}")
}

/// A section's output as the book shows it: from below its heading, without its claim and
/// Python lines (the chapter says those in its own words), without the code `listings` it printed
/// (the book includes them from the source instead), and without the closing "Next:" line.
pub fn tidy(output: &str, listings: &[Vec<String>]) -> String {
    let lines: Vec<&str> = output.lines().map(str::trim_end).collect();
    let start = lines
        .iter()
        .position(|line| line.starts_with("── "))
        .map_or(0, |heading| heading + 1);
    let mut kept: Vec<&str> = Vec::new();
    let mut index = start;
    let mut skipping_paragraph: Option<usize> = None;
    while index < lines.len() {
        let line = lines[index];
        if line.starts_with("Next: ") {
            break;
        }
        if let Some(indent) = skipping_paragraph {
            if !line.is_empty() && line.starts_with(&" ".repeat(indent)) {
                index += 1;
                continue;
            }
            skipping_paragraph = None;
        }
        if let Some(lead) = ["Claim: ", "Python: "]
            .into_iter()
            .find(|lead| line.starts_with(lead))
        {
            skipping_paragraph = Some(lead.len());
            index += 1;
            continue;
        }
        // A compiler error the lesson prints from its trybuild case: the book includes the
        // `.stderr` file itself, beside the case.
        if line.starts_with("    error") {
            drop_introduction(&mut kept);
            index += 1;
            while index < lines.len() && lines[index].starts_with("    ") {
                index += 1;
            }
            continue;
        }
        if let Some(end) = listing_end(&lines, index, listings) {
            drop_introduction(&mut kept);
            index = end;
            continue;
        }
        kept.push(line);
        index += 1;
    }
    let mut out: Vec<&str> = Vec::new();
    for line in kept {
        if line.is_empty() && out.last().is_none_or(|last| last.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|last| last.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// Drops the sentence that introduced a listing ("The parent's side:"), which would dangle
/// without it: the lines of the last paragraph, if it ends with a colon.
fn drop_introduction(kept: &mut Vec<&str>) {
    if !kept.last().is_some_and(|last| last.ends_with(':')) {
        return;
    }
    kept.pop();
    while let Some(line) = kept.last() {
        let ends_a_sentence = line.ends_with(['.', ':', '!', '?']);
        let is_prose = !line.is_empty() && !line.starts_with(' ') && !line.contains(" |");
        if !is_prose || ends_a_sentence {
            break;
        }
        kept.pop();
    }
}

/// A listing as the lessons print it: an empty line, the listing indented by four spaces, an
/// empty line. Returns the index of that closing empty line.
fn listing_end(lines: &[&str], index: usize, listings: &[Vec<String>]) -> Option<usize> {
    if !lines[index].is_empty() {
        return None;
    }
    listings.iter().find_map(|listing| {
        let end = index + 1 + listing.len();
        let printed = lines.get(index + 1..end)?;
        let same = printed.iter().zip(listing).all(|(line, code)| {
            if code.is_empty() {
                line.is_empty()
            } else {
                line.strip_prefix("    ") == Some(code.as_str())
            }
        });
        (same && lines.get(end).is_some_and(|line| line.is_empty())).then_some(end)
    })
}

/// Every anchored listing in the `.rs` files of a lesson, as `narrate::code` prints them
/// ([`anchors::listings`]). The longest first, so that a listing that contains another is matched
/// whole.
fn listings_of(lesson_dir: &Path) -> Vec<Vec<String>> {
    let mut listings: Vec<Vec<String>> = files_under(lesson_dir)
        .into_iter()
        .filter(|path| path.extension().is_some_and(|extension| extension == "rs"))
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .flat_map(|source| anchors::listings(&source))
        .collect();
    listings.sort_by_key(|listing| std::cmp::Reverse(listing.len()));
    listings
}

/// "2 cores (CPU model), linux x86_64, debug build, 2026-05-14".
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let model = facts::cpu_model()
        .map(|model| format!(" ({model})"))
        .unwrap_or_default();
    format!(
        "{cores} cores{model}, {} {}, debug build, {}",
        std::env::consts::OS,
        std::env::consts::ARCH,
        facts::today_utc()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_claims_and_the_closing_line_are_left_out() {
        let output = "# Lesson\nabout\n\n── 1. Title ──\nClaim: one\n       two\nPython: three\n        four\nDone.\nThe code,\nwhich is:\n\n    fn listing() {\n\n        body\n    }\n\n  → result: 1 s\n    at 5 ms: kept, no blank line before\nchart |###|\n\nNext: the exercises\n";
        let listings = anchors::listings(
            "// ANCHOR: one\n    fn listing() {\n\n        body\n    }\n// ANCHOR_END: one\n",
        );
        assert_eq!(
            tidy(output, &listings),
            "Done.\n\n  → result: 1 s\n    at 5 ms: kept, no blank line before\nchart |###|"
        );
    }
}
