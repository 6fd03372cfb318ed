//! `cargo run -p lesson-timeouts`: timeouts and cancellation, narrated and measured on this machine.

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_kit::lesson::{self, CommonFlags};
use lesson_kit::narrate;
use lesson_timeouts::{Flags, Lesson, SECTIONS};

/// Timeouts and cancellation: timeout, Drop as cleanup, abort, select!, graceful shutdown, and
/// the HTTP client's own limits.
///
/// Every claim is measured on this machine and printed beside its ideal. Nothing needs the
/// internet: HTTP goes to a server the lesson starts on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "lesson-timeouts")]
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
    // One thread runs everything: whatever runs concurrently here is async, not threads.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start tokio's runtime")?;
    narrate::title(
        "Lesson: timeouts and cancellation",
        "Putting time limits on async work, what cancelling a future really does, stopping \
         many workers cleanly, and the HTTP client's own limits, measured on this machine. \
         `--quick` for a short run, `--section N` for one section, `--help` for more.",
    );
    let settings = cli.flags.settings(cli.common.quick);
    lesson::run_sections(SECTIONS, &cli.common, &Lesson { runtime, settings })?;
    narrate::next(Some("lesson-pitfalls"));
    Ok(())
}
