//! `cargo run -p lesson-choosing`: what concurrency costs, and when not to bother, measured.
//!
//! The same binary is also what the first section starts as a process: started with the hidden
//! `--exit-at-once` flag, it does nothing and exits.

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_choosing::{Flags, Lesson, SECTIONS};
use lesson_kit::lesson::{self, CommonFlags};
use lesson_kit::narrate;

/// Choosing: what a runtime, a thread, a pool and a process cost, and when not to bother.
///
/// Every claim is measured on this machine. Nothing needs the internet: HTTP goes to a server
/// the lesson starts on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "lesson-choosing")]
struct Cli {
    #[command(flatten)]
    common: CommonFlags,
    #[command(flatten)]
    flags: Flags,
    /// Exit at once: the process whose start the first section times.
    #[arg(long, hide = true)]
    exit_at_once: bool,
}

fn main() -> ExitCode {
    let cli: Cli = lesson::parse(SECTIONS);
    if cli.exit_at_once {
        return ExitCode::SUCCESS;
    }
    narrate::finish(run(&cli))
}

fn run(cli: &Cli) -> Result<()> {
    let program = std::env::current_exe().context("cannot find this program's own path")?;
    narrate::title(
        "Lesson: choosing, and when not to bother",
        "What each way of running things at once costs before it does any work, and how much \
         work it takes to pay that back, measured on this machine. `--quick` for a short run, \
         `--section N` for one section, `--help` for more.",
    );
    let lesson = Lesson {
        program,
        settings: cli.flags.settings(cli.common.quick),
        quick: cli.common.quick,
    };
    lesson::run_sections(SECTIONS, &cli.common, &lesson)?;
    narrate::next(None);
    Ok(())
}
