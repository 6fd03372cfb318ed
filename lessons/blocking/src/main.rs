//! `cargo run -p lesson-blocking`: blocking work inside async code, narrated and measured.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;
use clap::Parser;
use lesson_blocking::work::BUFFER_LEN;
use lesson_blocking::{Flags, Lesson, SECTIONS};
use lesson_kit::lesson::{self, CommonFlags};
use lesson_kit::{data, narrate};

/// Blocking work inside async code: the stall, spawn_blocking, rayon, and async from sync.
///
/// Every claim is measured on this machine. Nothing needs the internet: HTTP goes to a server
/// the lesson starts on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "lesson-blocking")]
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

/// Plain sync code: each section builds the runtime it needs, because the runtime's shape (one
/// thread or several) is part of what the section shows, and the last starts from sync code.
fn run(cli: &Cli) -> Result<()> {
    narrate::title(
        "Lesson: blocking work inside async code",
        "What a blocking call does to the tasks around it, and how to keep it off the \
         runtime, measured with a heartbeat on this machine. `--quick` for a short run, \
         `--section N` for one section, `--help` for more.",
    );
    narrate::say("The runtimes the sections build:");
    narrate::code(include_str!("lib.rs"), "runtimes");
    let lesson = Lesson {
        settings: cli.flags.settings(cli.common.quick),
        buffer: Arc::new(data::deterministic_bytes(0, BUFFER_LEN)),
    };
    lesson::run_sections(SECTIONS, &cli.common, &lesson)?;
    narrate::next(Some("lesson-timeouts"));
    Ok(())
}
