//! `cargo run -p lesson-processes`: processes in Rust, narrated and measured on this machine.
//!
//! The same binary is also the lesson's worker: started with the hidden `--worker` flag, it serves
//! one job on stdin and stdout (see `worker.rs`) instead of narrating.

use std::io;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_kit::narrate;
use lesson_processes::{
    Settings, child_processes, isolation, parallel_hashing, start_cost, worker,
};

/// Processes: rayon for CPU work, child processes, what they cost and what they buy.
///
/// Every claim is measured on this machine and printed beside its ideal.
#[derive(Parser, Debug)]
#[command(name = "lesson-processes")]
struct Cli {
    /// A small version of every section: a few seconds in all.
    #[arg(long)]
    quick: bool,
    /// Run only this section (1 to 4).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=4))]
    section: Option<u8>,
    /// Sections 1 and 2: how much data to hash, in MiB [default: 256, quick: 32].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=4_096))]
    megabytes: Option<u64>,
    /// Section 2: how many worker processes to run at once [default: the number of cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=64))]
    workers: Option<u64>,
    /// Section 3: how many processes, threads and tasks to start [default: 200, quick: 30].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    starts: Option<u64>,
    /// Serve one job from stdin as a worker process (the lesson starts itself this way).
    #[arg(long, hide = true)]
    worker: bool,
}

impl Cli {
    fn settings(&self) -> Settings {
        let mut settings = if self.quick {
            Settings::quick()
        } else {
            Settings::full()
        };
        // The ranges above were checked by clap, so these conversions cannot truncate.
        if let Some(megabytes) = self.megabytes {
            settings.megabytes = megabytes as usize;
        }
        if let Some(workers) = self.workers {
            settings.workers = workers as usize;
        }
        if let Some(starts) = self.starts {
            settings.starts = starts as usize;
        }
        settings
    }

    fn runs(&self, section: u8) -> bool {
        self.section.is_none_or(|only| only == section)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    let settings = cli.settings();
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
    if cli.runs(1) {
        parallel_hashing::demo(settings.megabytes);
    }
    if cli.runs(2) {
        child_processes::demo(&program, settings.megabytes, settings.workers)?;
    }
    if cli.runs(3) {
        start_cost::demo(&program, settings.starts)?;
    }
    if cli.runs(4) {
        isolation::demo(&program)?;
    }
    println!();
    narrate::say(
        "Next: the exercises of this lesson (`cargo xtask list`), \
         then `cargo run -p lesson-async`.",
    );
    Ok(())
}
