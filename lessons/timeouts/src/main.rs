//! `cargo run -p lesson-timeouts`: timeouts and cancellation, narrated and measured on this machine.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_kit::narrate;
use lesson_timeouts::{Settings, cancel, deadline, http_timeouts, shutdown};

/// Timeouts and cancellation: timeout, Drop as cleanup, abort, select!, graceful shutdown, and
/// the HTTP client's own limits.
///
/// Every claim is measured on this machine and printed beside its ideal. Nothing needs the
/// internet: HTTP goes to a server the lesson starts on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "lesson-timeouts")]
struct Cli {
    /// A small version of every section: a few seconds in all.
    #[arg(long)]
    quick: bool,
    /// Run only this section (1 to 4).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=4))]
    section: Option<u8>,
    /// Sections 1 and 4: the time limit on requests, in ms [default: 500, quick: 200].
    #[arg(long, value_parser = clap::value_parser!(u64).range(20..=10_000))]
    timeout_ms: Option<u64>,
    /// Section 1: how many requests the batch sends [default: 10].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1000))]
    requests: Option<u64>,
    /// Section 3: how many workers share the jobs [default: 4].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=16))]
    workers: Option<u64>,
    /// Section 3: the grace period for jobs in hand at shutdown, in ms [default: 250, quick: 60].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=10_000))]
    grace_ms: Option<u64>,
}

impl Cli {
    fn settings(&self) -> Settings {
        let mut settings = if self.quick {
            Settings::quick()
        } else {
            Settings::full()
        };
        // The ranges above were checked by clap, so these conversions cannot truncate.
        if let Some(timeout_ms) = self.timeout_ms {
            settings.limit = Duration::from_millis(timeout_ms);
        }
        if let Some(requests) = self.requests {
            settings.requests = requests as usize;
        }
        if let Some(workers) = self.workers {
            settings.workers = workers as usize;
        }
        if let Some(grace_ms) = self.grace_ms {
            settings.grace = Duration::from_millis(grace_ms);
        }
        settings
    }

    fn runs(&self, section: u8) -> bool {
        self.section.is_none_or(|only| only == section)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // One thread runs everything: whatever runs concurrently here is async, not threads.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let result = match runtime {
        Ok(runtime) => runtime.block_on(run(&cli)),
        Err(error) => Err(error.into()),
    };
    narrate::finish(result)
}

async fn run(cli: &Cli) -> Result<()> {
    let settings = cli.settings();
    narrate::title(
        "Lesson: timeouts and cancellation",
        "Putting time limits on async work, what cancelling a future really does, stopping \
         many workers cleanly, and the HTTP client's own limits, measured on this machine. \
         `--quick` for a short run, `--section N` for one section, `--help` for more.",
    );
    if cli.runs(1) {
        deadline::demo(&settings).await?;
    }
    if cli.runs(2) {
        cancel::demo(&settings).await?;
    }
    if cli.runs(3) {
        shutdown::demo(&settings).await?;
    }
    if cli.runs(4) {
        http_timeouts::demo(&settings).await?;
    }
    println!();
    narrate::say(
        "Next: the exercises of this lesson (`cargo xtask list`), \
         then `cargo run -p lesson-pitfalls`.",
    );
    Ok(())
}
