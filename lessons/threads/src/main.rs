//! `cargo run -p lesson-threads`: threads, narrated and measured on this machine.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_kit::narrate;
use lesson_threads::{Settings, no_gil, shared_state, spawn, worker_pool};

/// Threads: spawn and scope, a worker pool for blocking I/O, no GIL, shared state.
///
/// Every claim is measured on this machine and printed beside its ideal. Nothing needs the
/// internet: HTTP goes to a server the lesson starts on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "lesson-threads")]
struct Cli {
    /// A small version of every section: a few seconds in all.
    #[arg(long)]
    quick: bool,
    /// Run only this section (1 to 4).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=4))]
    section: Option<u8>,
    /// Section 2: how many GET requests each pool sends [default: 200, quick: 50].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    requests: Option<u64>,
    /// Section 2: how long the local server takes to answer, in ms [default: 100].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    delay_ms: Option<u64>,
    /// Section 2: the size of the bigger pool, compared with a pool of 10 [default: 50].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=2_000))]
    workers: Option<u64>,
    /// Section 3: how much data to hash, in MiB [default: 256, quick: 32].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=4_096))]
    megabytes: Option<u64>,
    /// Sections 1, 3 and 4: how many threads share the work [default: the number of cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    threads: Option<u64>,
    /// Section 4: how many times each thread adds one [default: 1000000, quick: 100000].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    increments: Option<u64>,
}

impl Cli {
    fn settings(&self) -> Settings {
        let mut settings = if self.quick {
            Settings::quick()
        } else {
            Settings::full()
        };
        // The ranges above were checked by clap, so these conversions cannot truncate.
        if let Some(requests) = self.requests {
            settings.requests = requests as usize;
        }
        if let Some(delay_ms) = self.delay_ms {
            settings.delay = Duration::from_millis(delay_ms);
        }
        if let Some(workers) = self.workers {
            settings.workers = workers as usize;
        }
        if let Some(megabytes) = self.megabytes {
            settings.megabytes = megabytes as usize;
        }
        if let Some(threads) = self.threads {
            settings.threads = threads as usize;
        }
        if let Some(increments) = self.increments {
            settings.increments = increments;
        }
        settings
    }

    fn runs(&self, section: u8) -> bool {
        self.section.is_none_or(|only| only == section)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    narrate::finish(run(&cli))
}

fn run(cli: &Cli) -> Result<()> {
    let settings = cli.settings();
    narrate::title(
        "Lesson: threads",
        "OS threads for blocking I/O and for CPU work, and how threads share results, measured \
         on this machine. No async runtime anywhere in this lesson. `--quick` for a short run, \
         `--section N` for one section, `--help` for more.",
    );
    if cli.runs(1) {
        spawn::demo(settings.wait, settings.threads);
    }
    if cli.runs(2) {
        worker_pool::demo(&settings)?;
    }
    if cli.runs(3) {
        no_gil::demo(settings.megabytes, settings.threads);
    }
    if cli.runs(4) {
        shared_state::demo(settings.threads, settings.increments);
    }
    println!();
    narrate::say(
        "Next: the exercises of this lesson (`cargo xtask list`), \
         then `cargo run -p lesson-processes`.",
    );
    Ok(())
}
