//! `cargo run -p lesson-pitfalls`: async pitfalls, each shown live on this machine, then fixed.

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_kit::lesson::{self, CommonFlags};
use lesson_kit::narrate;
use lesson_pitfalls::{Flags, Lesson, SECTIONS};

/// Async pitfalls: each one shown live, its symptom measured, and then fixed.
///
/// Nothing needs the internet: HTTP goes to a server the lesson starts on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "lesson-pitfalls")]
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
    // One thread runs everything, so a task that blocks it blocks all the others ("Blocking the
    // runtime without noticing").
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start tokio's runtime")?;
    narrate::title(
        "Lesson: async pitfalls",
        "The mistakes async Rust makes easy, each shown live with its symptom measured on this \
         machine, then fixed. `--quick` for a short run, `--section N` for one section, \
         `--help` for more.",
    );
    let settings = cli.flags.settings(cli.common.quick);
    lesson::run_sections(SECTIONS, &cli.common, &Lesson { runtime, settings })?;
    narrate::next(Some("lesson-choosing"));
    Ok(())
}
