//! `cargo run -p lesson-semaphores`: bounding concurrency, narrated and measured on this machine.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_kit::narrate;
use lesson_semaphores::flood;
use lesson_semaphores::{Settings, clients, retry, semaphore, streams};

/// Bounding concurrency: the flood, Semaphore, buffer_unordered, one shared client, retry on 429.
///
/// Every claim is measured on this machine and printed beside its ideal. Nothing needs the
/// internet: HTTP goes to a server the lesson starts on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "lesson-semaphores")]
struct Cli {
    /// A small version of every section: a few seconds in all.
    #[arg(long)]
    quick: bool,
    /// Run only this section (1 to 5).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    section: Option<u8>,
    /// Section 1: how many requests the flood starts at once [default: 50000, quick: 10000].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=200_000))]
    flood: Option<u64>,
    /// Section 1: the open-file limit of the process that floods [default: 256].
    #[arg(long, value_parser = clap::value_parser!(u64).range(16..=65_536))]
    open_files: Option<u64>,
    /// Sections 1 to 5: how many GET requests each batch sends [default: 1000, quick: 200].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=20_000))]
    requests: Option<u64>,
    /// Sections 1 to 5: the most requests in flight at once, and the server's 429 limit
    /// [default: 50].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1000))]
    concurrency: Option<u64>,
    /// Sections 1 to 5: how long the local server takes to answer, in ms [default: 100].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=10_000))]
    delay_ms: Option<u64>,
    /// Section 5: the most times one request is sent, retries included [default: 20].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=30))]
    max_attempts: Option<u32>,
    /// Section 5: the limit on the first wait after a 429, in ms; it doubles after each later
    /// 429, up to 8 times this [default: 50].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    first_wait_ms: Option<u64>,
    /// Internal: flood this URL as section 1's child process and print a report. (The same
    /// spelling as `flood::FLOOD_WORKER_FLAG`; the smoke test runs the worker by that name.)
    #[arg(long = "flood-worker", hide = true, value_name = "URL")]
    flood_worker: Option<String>,
}

impl Cli {
    fn settings(&self) -> Settings {
        let mut settings = if self.quick {
            Settings::quick()
        } else {
            Settings::full()
        };
        // The ranges above were checked by clap, so these conversions cannot truncate.
        if let Some(flood) = self.flood {
            settings.flood = flood as usize;
        }
        if let Some(open_files) = self.open_files {
            settings.open_files = open_files;
        }
        if let Some(requests) = self.requests {
            settings.requests = requests as usize;
        }
        if let Some(concurrency) = self.concurrency {
            settings.concurrency = concurrency as usize;
        }
        if let Some(delay_ms) = self.delay_ms {
            settings.delay = Duration::from_millis(delay_ms);
        }
        if let Some(max_attempts) = self.max_attempts {
            settings.max_attempts = max_attempts;
        }
        if let Some(first_wait_ms) = self.first_wait_ms {
            settings.first_wait = Duration::from_millis(first_wait_ms);
        }
        settings
    }

    fn runs(&self, section: u8) -> bool {
        self.section.is_none_or(|only| only == section)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.flood_worker {
        Some(url) => run_as_flood_worker(url, &cli.settings()),
        None => run_lesson(&cli),
    };
    narrate::finish(result)
}

/// Section 1's child process: flood, then print the report for the lesson to read.
fn run_as_flood_worker(url: &str, settings: &Settings) -> Result<()> {
    let report = flood::run_flood_worker(url, settings.flood, settings.open_files)?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

fn run_lesson(cli: &Cli) -> Result<()> {
    // One thread runs every request, as in lesson-async: the bounds below are the program's own
    // doing, not a side effect of a thread pool's size.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(cli))
}

async fn run(cli: &Cli) -> Result<()> {
    let settings = cli.settings();
    lesson_semaphores::open_files::ensure_room_for(settings.concurrency)?;
    narrate::title(
        "Lesson: bounding concurrency",
        "What an unbounded flood of requests does, three ways to bound it, and how to retry \
         when the server says no, measured on this machine against a local server. `--quick` \
         for a short run, `--section N` for one section, `--help` for more.",
    );
    if cli.runs(1) {
        flood::demo(&settings).await?;
    }
    if cli.runs(2) {
        semaphore::demo(&settings).await?;
    }
    if cli.runs(3) {
        streams::demo(&settings).await?;
    }
    if cli.runs(4) {
        clients::demo(&settings).await?;
    }
    if cli.runs(5) {
        retry::demo(&settings).await?;
    }
    println!();
    narrate::say(
        "Next: the exercises of this lesson (`cargo xtask list`), \
         then `cargo run -p lesson-blocking`.",
    );
    Ok(())
}
