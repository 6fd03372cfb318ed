//! `cargo run -p lesson-blocking`: blocking work inside async code, narrated and measured.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_blocking::work::BUFFER_LEN;
use lesson_blocking::{Settings, bridge, cpu, offload, stall};
use lesson_kit::{data, narrate};

/// Blocking work inside async code: the stall, spawn_blocking, rayon, and async from sync.
///
/// Every claim is measured on this machine. Nothing needs the internet: HTTP goes to a server
/// the lesson starts on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "lesson-blocking")]
struct Cli {
    /// A small version of every section: a few seconds in all.
    #[arg(long)]
    quick: bool,
    /// Run only this section (1 to 4).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=4))]
    section: Option<u8>,
    /// How often the heartbeat ticks, in ms [default: 10].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1000))]
    period_ms: Option<u64>,
    /// Sections 1 and 2: how long the blocking wait lasts, in ms [default: 300, quick: 150].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    block_ms: Option<u64>,
    /// Sections 1 to 3: how many MiB one CPU job hashes [default: 256].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=4096))]
    job_mib: Option<u64>,
    /// Section 3: how many CPU jobs run at once [default: twice the number of cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=64))]
    jobs: Option<u64>,
    /// Section 4: how many plain threads call into the runtime [default: 10].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=200))]
    threads: Option<u64>,
    /// Section 4: how long the local server takes to answer them, in ms [default: 100].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=10_000))]
    delay_ms: Option<u64>,
}

impl Cli {
    fn settings(&self) -> Settings {
        let mut settings = if self.quick {
            Settings::quick()
        } else {
            Settings::full()
        };
        // The ranges above were checked by clap, so these conversions cannot truncate.
        if let Some(period_ms) = self.period_ms {
            settings.period = Duration::from_millis(period_ms);
        }
        if let Some(block_ms) = self.block_ms {
            settings.block = Duration::from_millis(block_ms);
        }
        if let Some(job_mib) = self.job_mib {
            settings.job_mib = job_mib as usize;
        }
        if let Some(jobs) = self.jobs {
            settings.jobs = jobs as usize;
        }
        if let Some(threads) = self.threads {
            settings.threads = threads as usize;
        }
        if let Some(delay_ms) = self.delay_ms {
            settings.delay = Duration::from_millis(delay_ms);
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

/// Plain sync code: each section builds the runtime it needs, because the runtime's shape (one
/// thread or several) is part of what the section shows, and section 4 starts from sync code.
fn run(cli: &Cli) -> Result<()> {
    let settings = cli.settings();
    narrate::title(
        "Lesson: blocking work inside async code",
        "What a blocking call does to the tasks around it, and how to keep it off the \
         runtime, measured with a heartbeat on this machine. `--quick` for a short run, \
         `--section N` for one section, `--help` for more.",
    );
    narrate::say("The runtimes the sections build:");
    narrate::code(include_str!("lib.rs"), "runtimes");
    // The "file" every CPU job hashes, shared by all of them (an Arc, since jobs run on other
    // threads that may outlive any one borrow).
    let buffer = Arc::new(data::deterministic_bytes(0, BUFFER_LEN));
    if cli.runs(1) {
        stall::demo(&settings, &buffer)?;
    }
    if cli.runs(2) {
        offload::demo(&settings, &buffer)?;
    }
    if cli.runs(3) {
        cpu::demo(&settings, &buffer)?;
    }
    if cli.runs(4) {
        bridge::demo(&settings)?;
    }
    println!();
    narrate::say(
        "Next: the exercises of this lesson (`cargo xtask list`), \
         then `cargo run -p lesson-timeouts`.",
    );
    Ok(())
}
