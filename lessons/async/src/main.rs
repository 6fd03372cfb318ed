//! `cargo run -p lesson-async`: async basics, narrated and measured on this machine.

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_async::{Flags, Lesson, SECTIONS};
use lesson_kit::lesson::{self, CommonFlags};
use lesson_kit::memory::CountingAllocator;
use lesson_kit::narrate;

// Counts every heap allocation, so that "Tasks versus threads" can say exactly how much memory a
// task takes.
#[global_allocator]
static HEAP: CountingAllocator = CountingAllocator;

/// Async basics: lazy futures, join, JoinSet, async HTTP, tasks versus threads.
///
/// Every claim is measured on this machine and printed beside its ideal. Nothing needs the
/// internet: HTTP goes to a server the lesson starts on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "lesson-async")]
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
    // ANCHOR: runtime
    // One thread runs everything, so whatever runs concurrently here is async, not threads.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all() // timers and sockets
        .build();
    // ANCHOR_END: runtime
    let runtime = runtime.context("cannot start tokio's runtime")?;
    narrate::title(
        "Lesson: async basics",
        "Futures, join, tasks and async HTTP on a single-threaded tokio runtime, measured on \
         this machine. `--quick` for a short run, `--section N` for one section, `--help` for more.",
    );
    narrate::say("The whole lesson runs on a runtime with one thread:");
    narrate::code(include_str!("main.rs"), "runtime");
    let settings = cli.flags.settings(cli.common.quick);
    lesson::run_sections(SECTIONS, &cli.common, &Lesson { runtime, settings })?;
    narrate::next(Some("lesson-semaphores"));
    Ok(())
}
