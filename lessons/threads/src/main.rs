//! `cargo run -p lesson-threads`: threads, narrated and measured on this machine.

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_kit::lesson::{self, CommonFlags};
use lesson_kit::narrate;
use lesson_threads::{Flags, SECTIONS};

/// Threads: spawn and scope, a worker pool for blocking I/O, no GIL, shared state, atomics, two
/// locks in one order, and a bounded channel's backpressure.
///
/// Every claim is measured on this machine and printed beside its ideal. Nothing needs the
/// internet: HTTP goes to a server the lesson starts on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "lesson-threads")]
struct Cli {
    #[command(flatten)]
    common: CommonFlags,
    #[command(flatten)]
    flags: Flags,
}

fn main() -> ExitCode {
    let cli: Cli = lesson::parse(SECTIONS);
    narrate::finish(run(&cli))
}

fn run(cli: &Cli) -> Result<()> {
    let settings = cli.flags.settings(cli.common.quick);
    narrate::title(
        "Lesson: threads",
        "OS threads for blocking I/O and for CPU work, and how threads share results, measured \
         on this machine. No async runtime anywhere in this lesson. `--quick` for a short run, \
         `--section N` for one section, `--help` for more.",
    );
    lesson::run_sections(SECTIONS, &cli.common, &settings)?;
    narrate::next(Some("lesson-processes"));
    Ok(())
}
