//! `cargo run -p lesson-processes`: processes in Rust, narrated and measured on this machine.
//!
//! The same binary is also the lesson's worker: started with the hidden `--worker` flag, it serves
//! one job on stdin and stdout (see `worker.rs`) instead of narrating.

use std::io;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_kit::lesson::{self, CommonFlags};
use lesson_kit::narrate;
use lesson_processes::{Flags, Lesson, SECTIONS, worker};

/// Processes: rayon for CPU work, child processes, what they cost and what they buy.
///
/// Every claim is measured on this machine and printed beside its ideal.
#[derive(Parser, Debug)]
#[command(name = "lesson-processes")]
struct Cli {
    #[command(flatten)]
    common: CommonFlags,
    #[command(flatten)]
    flags: Flags,
    /// Serve one job from stdin as a worker process (the lesson starts itself this way).
    #[arg(long, hide = true)]
    worker: bool,
}

fn main() -> ExitCode {
    let cli: Cli = lesson::parse(SECTIONS);
    let result = if cli.worker {
        // ANCHOR: worker_mode
        // A worker: one job in on stdin, one reply out on stdout, and nothing else on stdout.
        worker::serve(io::stdin().lock(), io::stdout().lock())
        // ANCHOR_END: worker_mode
    } else {
        run(&cli)
    };
    narrate::finish(result)
}

fn run(cli: &Cli) -> Result<()> {
    // ANCHOR: current_exe
    // The path of the program running now: the lesson starts copies of itself as workers.
    let program = std::env::current_exe().context("cannot find this program's own path")?;
    // ANCHOR_END: current_exe
    narrate::title(
        "Lesson: processes",
        "When a Rust program still wants processes: not for CPU work, which threads do, but \
         for isolation. Measured on this machine. `--quick` for a short run, `--section N` for \
         one section, `--help` for more.",
    );
    let settings = cli.flags.settings(cli.common.quick);
    lesson::run_sections(SECTIONS, &cli.common, &Lesson { program, settings })?;
    narrate::next(Some("lesson-async"));
    Ok(())
}
