//! The shape every lesson shares: its sections as a list, the flags every lesson takes
//! (`--quick`, `--section N`, `--help`), and the loop that runs the sections under numbered
//! headings.
//!
//! A lesson lists its sections once, in order: the title each heading shows and the function that
//! demonstrates it. Every number a section gets comes from that list: the headings
//! (`── 2. Sequential versus concurrent ──`), the range `--section` accepts, the smoke tests
//! ([`crate::smoke`]), and the hidden `--list-sections`, which `cargo xtask book` runs to check the
//! book's and the exercises' `--section N` mentions against the titles.
//!
//! A lesson's `main.rs`, in outline:
//!
//! ```ignore
//! #[derive(Parser)]
//! struct Cli {
//!     #[command(flatten)]
//!     common: CommonFlags, // --quick, --section
//!     #[command(flatten)]
//!     flags: Flags, // the lesson's own, from its settings.rs
//! }
//!
//! fn main() -> ExitCode {
//!     let cli: Cli = lesson::parse(SECTIONS);
//!     let settings = cli.flags.settings(cli.common.quick);
//!     narrate::title("Lesson: ...", "...");
//!     narrate::finish(lesson::run_sections(SECTIONS, &cli.common, &settings))
//! }
//! ```

use std::ops::RangeInclusive;
use std::time::Duration;

use clap::builder::{RangedU64ValueParser, TypedValueParser};
use clap::{Args, Command, Parser};

use crate::narrate;

/// One section of a lesson: the title of its heading, and the code that makes its claim,
/// demonstrates it and prints what it measured.
///
/// `Context` is what the lesson hands every section: its settings, and whatever else the sections
/// share (the runtime they run on, a buffer they all hash, the path of the lesson's own program).
pub struct Section<Context> {
    /// The heading after its number: `Sequential versus concurrent`.
    pub title: &'static str,
    /// Runs the section. Its heading is already printed.
    pub run: fn(&Context) -> anyhow::Result<()>,
}

/// The flags every lesson takes. A lesson's own command line includes them with
/// `#[command(flatten)] common: CommonFlags` and reads them with [`parse`].
#[derive(Args, Debug, Clone, Default)]
pub struct CommonFlags {
    /// A small version of every section: a few seconds in all.
    #[arg(long)]
    pub quick: bool,
    /// Run only this section (1 to N). [`parse`] sets N from the lesson's sections.
    #[arg(long)]
    pub section: Option<usize>,
    /// Print the sections, `N. Title` on a line each, and stop: for `cargo xtask book`.
    #[arg(long, hide = true)]
    pub list_sections: bool,
}

impl CommonFlags {
    /// Whether `--section` leaves section `number` in: it names none, or names this one.
    pub fn runs(&self, number: usize) -> bool {
        self.section.is_none_or(|only| only == number)
    }
}

/// Reads the command line of a lesson whose sections are `sections`, into its `Cli` (which must
/// flatten [`CommonFlags`]). `--section` accepts only their numbers; `--list-sections` prints
/// them and ends the program; `--help` and bad flags end it with clap's words (exit code 2 for a
/// bad flag, such as "9 is not in 1..=5").
pub fn parse<Cli: Parser, Context>(sections: &[Section<Context>]) -> Cli {
    let matches = command::<Cli, Context>(sections).get_matches();
    if matches.get_flag("list_sections") {
        print!("{}", list(sections));
        std::process::exit(0);
    }
    Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
}

/// The lesson's command, its `--section` bounded by the number of `sections`.
fn command<Cli: Parser, Context>(sections: &[Section<Context>]) -> Command {
    let count = sections.len() as u64;
    Cli::command().mut_arg("section", |section| {
        section
            .value_parser(RangedU64ValueParser::<usize>::new().range(1..=count))
            .help(format!("Run only this section (1 to {count})"))
    })
}

/// The sections as `--list-sections` prints them: `1. Futures are lazy`, one a line.
pub fn list<Context>(sections: &[Section<Context>]) -> String {
    numbered(sections)
        .map(|(number, section)| format!("{number}. {}\n", section.title))
        .collect()
}

/// Each section with its number, counted from 1, as the headings and `--section` count them.
pub fn numbered<Context>(
    sections: &[Section<Context>],
) -> impl Iterator<Item = (usize, &Section<Context>)> {
    (1..).zip(sections)
}

/// Runs the sections the flags chose (every one, or the one `--section` names) in order, each
/// under its numbered heading. Stops at the first that fails, with its error.
pub fn run_sections<Context>(
    sections: &[Section<Context>],
    flags: &CommonFlags,
    context: &Context,
) -> anyhow::Result<()> {
    for (number, section) in numbered(sections) {
        if flags.runs(number) {
            narrate::section(number, section.title);
            (section.run)(context)?;
        }
    }
    Ok(())
}

/// A flag that counts something, as a `usize` no smaller or larger than `range`:
/// `#[arg(long, value_parser = lesson::count(1..=10_000))] requests: Option<usize>`. Outside
/// the range, clap refuses it: "0 is not in 1..=10000".
pub fn count(range: RangeInclusive<u64>) -> impl TypedValueParser<Value = usize> {
    RangedU64ValueParser::<usize>::new().range(range)
}

/// A flag given in milliseconds (`--delay-ms 100`), as a `Duration`, within `range`.
pub fn millis(range: RangeInclusive<u64>) -> impl TypedValueParser<Value = Duration> {
    clap::value_parser!(u64)
        .range(range)
        .map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use clap::Parser;

    use super::*;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        common: CommonFlags,
        #[arg(long, value_parser = count(1..=10))]
        workers: Option<usize>,
        #[arg(long, value_parser = millis(0..=1000))]
        delay_ms: Option<Duration>,
    }

    /// What the sections below did, in order.
    type Log = RefCell<Vec<&'static str>>;

    const SECTIONS: &[Section<Log>] = &[
        Section {
            title: "First",
            run: |log| {
                log.borrow_mut().push("first");
                Ok(())
            },
        },
        Section {
            title: "Second",
            run: |_| anyhow::bail!("the second failed"),
        },
        Section {
            title: "Third",
            run: |log| {
                log.borrow_mut().push("third");
                Ok(())
            },
        },
    ];

    fn parse_from(args: &[&str]) -> Result<Cli, clap::Error> {
        let mut matches = command::<Cli, Log>(SECTIONS).try_get_matches_from(args)?;
        <Cli as clap::FromArgMatches>::from_arg_matches_mut(&mut matches)
    }

    #[test]
    fn the_section_flag_takes_the_numbers_of_the_list() {
        let cli = parse_from(&["lesson", "--section", "3"]).expect("a section of the list");
        assert_eq!(cli.common.section, Some(3));
        for (wrong, message) in [("4", "4 is not in 1..=3"), ("0", "0 is not in 1..=3")] {
            let error = parse_from(&["lesson", "--section", wrong]).expect_err("no such section");
            assert!(error.to_string().contains(message), "{error}");
        }
        let help = command::<Cli, Log>(SECTIONS).render_long_help().to_string();
        assert!(help.contains("Run only this section (1 to 3)"), "{help}");
        assert!(!help.contains("list-sections"), "{help}");
    }

    #[test]
    fn counts_and_milliseconds_are_read_within_their_ranges() {
        let cli = parse_from(&["lesson", "--workers", "4", "--delay-ms", "250"]).expect("flags");
        assert_eq!(cli.workers, Some(4));
        assert_eq!(cli.delay_ms, Some(Duration::from_millis(250)));
        let error = parse_from(&["lesson", "--workers", "11"]).expect_err("too many");
        assert!(error.to_string().contains("11 is not in 1..=10"), "{error}");
        let error = parse_from(&["lesson", "--delay-ms", "soon"]).expect_err("not a number");
        assert!(error.to_string().contains("invalid digit"), "{error}");
    }

    #[test]
    fn the_list_numbers_every_section_from_one() {
        assert_eq!(list(SECTIONS), "1. First\n2. Second\n3. Third\n");
    }

    #[test]
    fn sections_run_in_order_and_the_first_failure_stops_them() {
        let log = Log::default();
        let error = run_sections(SECTIONS, &CommonFlags::default(), &log).expect_err("fails");
        assert_eq!(error.to_string(), "the second failed");
        assert_eq!(*log.borrow(), ["first"], "the third never ran");
    }

    #[test]
    fn the_section_flag_runs_one_section_alone() {
        let log = Log::default();
        let only_third = CommonFlags {
            section: Some(3),
            ..CommonFlags::default()
        };
        run_sections(SECTIONS, &only_third, &log).expect("the third succeeds");
        assert_eq!(*log.borrow(), ["third"]);
    }
}
