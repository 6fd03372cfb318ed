//! `cargo run -p lesson-semaphores`: bounding concurrency, narrated and measured on this machine.

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_kit::lesson::{self, CommonFlags};
use lesson_kit::narrate;
use lesson_semaphores::{Flags, Lesson, SECTIONS, Settings, flood, open_files};

/// Bounding concurrency: the flood, Semaphore, buffer_unordered, one shared client, retry on 429,
/// HTTP/2.
///
/// Every claim is measured on this machine and printed beside its ideal. Nothing needs the
/// internet: HTTP goes to a server the lesson starts on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "lesson-semaphores")]
struct Cli {
    #[command(flatten)]
    common: CommonFlags,
    #[command(flatten)]
    flags: Flags,
    /// Internal: flood this URL as the flood's child process and print a report. (The same
    /// spelling as `flood::FLOOD_WORKER_FLAG`; the smoke test runs the worker by that name.)
    #[arg(long = "flood-worker", hide = true, value_name = "URL")]
    flood_worker: Option<String>,
}

fn main() -> ExitCode {
    let cli: Cli = lesson::parse(SECTIONS);
    let settings = cli.flags.settings(cli.common.quick);
    let result = match &cli.flood_worker {
        Some(url) => flood::report_as_worker(url, &settings),
        None => run_lesson(&cli.common, settings),
    };
    narrate::finish(result)
}

fn run_lesson(common: &CommonFlags, settings: Settings) -> Result<()> {
    // One thread runs every request, as in lesson-async: the bounds below are the program's own
    // doing, not a side effect of a thread pool's size.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start tokio's runtime")?;
    open_files::ensure_room_for(settings.concurrency)?;
    narrate::title(
        "Lesson: bounding concurrency",
        "What an unbounded flood of requests does, three ways to bound it, how to retry when \
         the server says no, and what HTTP/2 changes, measured on this machine against a local \
         server. `--quick` for a short run, `--section N` for one section, `--help` for more.",
    );
    lesson::run_sections(SECTIONS, common, &Lesson { runtime, settings })?;
    narrate::next(Some("lesson-blocking"));
    Ok(())
}
