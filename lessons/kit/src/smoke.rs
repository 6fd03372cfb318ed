//! For the lessons' smoke tests: run a lesson's binary as a learner would, and read what it printed.
//!
//! Every lesson prints its sections as `── N. Title ───` headings, each followed by at least one
//! `  → label: value` result line (see [`crate::narrate`]). These helpers check exactly that
//! against the lesson's own list of sections ([`crate::lesson`]), so each lesson's smoke test only
//! has to say which results matter.
//!
//! They panic with the lesson's whole output when something is off: they are for tests. A lesson
//! still running after [`TIME_LIMIT`] is killed, so a deadlocked lesson fails its test instead of
//! hanging `cargo test`.

use std::process::{Command, ExitStatus};
use std::time::Duration;

use runner::{Limits, Runner};

use crate::lesson::{self, Section};

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

    /// Panics unless the lesson printed every one of `sections`, in order, under its numbered
    /// heading, each with a result: see [`assert_every_section_measured`].
    pub fn assert_every_section_measured<Context>(&self, sections: &[Section<Context>]) -> &Self {
        assert_every_section_measured(&self.stdout, sections);
        self
    }

    /// Panics unless stdout holds each of `texts`, naming the first one missing.
    pub fn assert_printed(&self, texts: &[&str]) -> &Self {
        for text in texts {
            assert!(
                self.stdout.contains(text),
                "missing {text:?}:\n{}",
                self.stdout
            );
        }
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
pub struct PrintedSection {
    pub number: String,
    pub heading: String,
    pub body: String,
}

/// The sections in a lesson's output, in order.
pub fn sections(stdout: &str) -> Vec<PrintedSection> {
    stdout
        .split("\n── ")
        .skip(1)
        .map(|chunk| {
            let (heading, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
            let (number, title) = heading.split_once(". ").unwrap_or(("", heading));
            PrintedSection {
                number: number.to_string(),
                heading: title.trim_end_matches(['─', ' ']).to_string(),
                body: body.to_string(),
            }
        })
        .collect()
}

/// Panics unless the output has every one of the lesson's `sections`, in order, each under its
/// heading (`── 2. Title ──`) and each with a result.
pub fn assert_every_section_measured<Context>(stdout: &str, sections: &[Section<Context>]) {
    let expected: Vec<(String, &str)> = lesson::numbered(sections)
        .map(|(number, section)| (number.to_string(), section.title))
        .collect();
    assert_measured(stdout, &expected);
}

/// Panics unless the output has exactly the headings `expected` (number and title), in order,
/// each section with a result.
fn assert_measured(stdout: &str, expected: &[(String, &str)]) {
    let printed = sections(stdout);
    let headings: Vec<(String, &str)> = printed
        .iter()
        .map(|section| (section.number.clone(), section.heading.as_str()))
        .collect();
    assert_eq!(headings, expected, "the sections printed:\n{stdout}");
    for section in &printed {
        assert!(
            section.body.contains("  → "),
            "section {} ({}) printed no result:\n{}",
            section.number,
            section.heading,
            section.body
        );
    }
}

/// The number of the section titled `title`, as `--section` takes it.
///
/// # Panics
/// If no section has that title: the panic lists the titles there are.
pub fn section_number<Context>(sections: &[Section<Context>], title: &str) -> usize {
    lesson::numbered(sections)
        .find(|(_, section)| section.title == title)
        .map(|(number, _)| number)
        .unwrap_or_else(|| {
            panic!(
                "no section is titled {title:?}; the lesson has:\n{}",
                lesson::list(sections)
            )
        })
}

/// Runs `binary` with `--section N` for the section titled `title`, then `args`; checks that it
/// succeeded and printed that section alone, with a result. Returns the run, for more checks.
pub fn run_section<Context>(
    binary: &str,
    sections: &[Section<Context>],
    title: &str,
    args: &[&str],
) -> Run {
    let number = section_number(sections, title).to_string();
    let mut all_args = vec!["--section", &number];
    all_args.extend_from_slice(args);
    let run = run(binary, &all_args);
    run.assert_success();
    assert_measured(&run.stdout, &[(number.clone(), title)]);
    run
}

/// The printed section titled `title`.
///
/// # Panics
/// If the output has no such section.
pub fn section(stdout: &str, title: &str) -> PrintedSection {
    sections(stdout)
        .into_iter()
        .find(|section| section.heading == title)
        .unwrap_or_else(|| panic!("no section {title:?} in:\n{stdout}"))
}

/// Checks the flags every lesson gets from the kit, against its list of sections:
/// `--list-sections` prints them, `--section` refuses 0 and one past the last, saying so, and the
/// sections `--help` says the lesson's own flags change ("Section 4: ...") exist.
pub fn assert_section_flags<Context>(binary: &str, sections: &[Section<Context>]) {
    let listed = run(binary, &["--list-sections"]);
    listed.assert_success();
    assert_eq!(listed.stdout, lesson::list(sections));
    let count = sections.len();
    for wrong in [0, count + 1] {
        let refused = run(binary, &["--section", &wrong.to_string()]);
        assert_refused(&refused, &format!("{wrong} is not in 1..={count}"));
    }
    let help = run(binary, &["--help"]);
    help.assert_success();
    for number in sections_named_in(&help.stdout) {
        assert!(
            (1..=count).contains(&number),
            "--help names section {number}, but the lesson has {count}:\n{}",
            help.stdout
        );
    }
}

/// The section numbers a lesson's help names at the start of its flags' descriptions:
/// `Section 4: ...`, `Sections 1 and 2: ...`, `Sections 1, 3 and 4: ...`.
fn sections_named_in(help: &str) -> Vec<usize> {
    help.lines()
        .filter_map(|line| line.trim_start().strip_prefix("Section"))
        .filter_map(|rest| rest.split_once(':').map(|(numbers, _)| numbers))
        .flat_map(|numbers| {
            numbers
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|number| number.parse().ok())
                .collect::<Vec<usize>>()
        })
        .collect()
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

    /// The sections `OUTPUT` was printed from; they do nothing here.
    const SECTIONS: &[Section<()>] = &[
        Section {
            title: "First",
            run: |()| Ok(()),
        },
        Section {
            title: "Second",
            run: |()| Ok(()),
        },
    ];

    #[test]
    fn every_section_has_a_result() {
        assert_every_section_measured(OUTPUT, SECTIONS);
        assert_eq!(section_number(SECTIONS, "Second"), 2);
        assert!(section(OUTPUT, "Second").body.contains("→ two: 2"));
    }

    #[test]
    #[should_panic(expected = "the sections printed")]
    fn a_missing_section_is_caught() {
        assert_every_section_measured(OUTPUT, &SECTIONS[..1]);
    }

    #[test]
    #[should_panic(expected = "the sections printed")]
    fn a_heading_that_is_not_the_title_is_caught() {
        let renamed = OUTPUT.replace("2. Second", "2. Later");
        assert_every_section_measured(&renamed, SECTIONS);
    }

    #[test]
    #[should_panic(expected = "no section is titled \"Third\"")]
    fn an_unknown_title_is_caught() {
        section_number(SECTIONS, "Third");
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
    fn the_sections_a_help_text_names_are_read() {
        let help = "Options:\n      --quick\n          A small version\n      --jobs <JOBS>\n          \
                    Section 3: how many jobs\n      --size\n          Sections 1, 2 and 5: how \
                    much, in MiB [default: 256]\n";
        assert_eq!(sections_named_in(help), [3, 1, 2, 5]);
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
        let empty = "# Lesson\n\n── 1. First ──\nClaim: nothing\n── 2. Second ──\n  → two: 2\n";
        assert_every_section_measured(empty, SECTIONS);
    }
}
