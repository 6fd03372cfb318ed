//! `cargo run -p lesson-async`: async basics, narrated and measured on this machine.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use clap::Parser;
use lesson_async::{Settings, collect, http, join, lazy, tasks_vs_threads};
use lesson_kit::memory::CountingAllocator;
use lesson_kit::narrate;

// Counts every heap allocation, so section 5 can say exactly how much memory a task takes.
#[global_allocator]
static HEAP: CountingAllocator = CountingAllocator;

/// Async basics: lazy futures, join, JoinSet, async HTTP, tasks versus threads.
///
/// Every claim is measured on this machine and printed beside its ideal. Nothing needs the
/// internet: HTTP goes to a server the lesson starts on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "lesson-async")]
struct Cli {
    /// A small version of every section: a few seconds in all.
    #[arg(long)]
    quick: bool,
    /// Run only this section (1 to 5).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    section: Option<u8>,
    /// Section 4: how many GET requests to send [default: 1000, quick: 200].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    requests: Option<u64>,
    /// Section 4: how many requests may be in flight at once [default: 200, quick: 100].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    concurrency: Option<u64>,
    /// Section 4: how long the local server takes to answer, in ms [default: 1000, quick: 200].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    delay_ms: Option<u64>,
    /// Section 4: GET this URL instead of the local server (http://...; https needs
    /// `--features https`).
    #[arg(long, value_parser = parse_url)]
    url: Option<String>,
    /// Section 5: how many tasks and threads to start [default: 10000, quick: 1000].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    tasks: Option<u64>,
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
        if let Some(concurrency) = self.concurrency {
            settings.concurrency = concurrency as usize;
        }
        if let Some(delay_ms) = self.delay_ms {
            settings.delay = Duration::from_millis(delay_ms);
        }
        if let Some(tasks) = self.tasks {
            settings.tasks = tasks as usize;
        }
        settings.url.clone_from(&self.url);
        settings
    }

    fn runs(&self, section: u8) -> bool {
        self.section.is_none_or(|only| only == section)
    }
}

fn parse_url(text: &str) -> Result<String> {
    // clap shows only the top message of a flag's error, so the cause goes into it.
    let url = reqwest::Url::parse(text).map_err(|error| anyhow!("not a URL: {error}"))?;
    match url.scheme() {
        "http" => Ok(text.to_string()),
        "https" if cfg!(feature = "https") => Ok(text.to_string()),
        "https" => bail!(
            "this build has no TLS; for https URLs run \
             `cargo run -p lesson-async --features https -- --url ...`"
        ),
        other => bail!("{other}: is not http or https"),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // ANCHOR: runtime
    // One thread runs everything, so whatever runs concurrently here is async, not threads.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all() // timers and sockets
        .build();
    // ANCHOR_END: runtime
    let result = match runtime {
        Ok(runtime) => runtime.block_on(run(&cli)),
        Err(error) => Err(error.into()),
    };
    narrate::finish(result)
}

async fn run(cli: &Cli) -> Result<()> {
    let settings = cli.settings();
    narrate::title(
        "Lesson: async basics",
        "Futures, join, tasks and async HTTP on a single-threaded tokio runtime, measured on \
         this machine. `--quick` for a short run, `--section N` for one section, `--help` for more.",
    );
    narrate::say("The whole lesson runs on a runtime with one thread:");
    narrate::code(include_str!("main.rs"), "runtime");
    if cli.runs(1) {
        lazy::demo().await;
    }
    if cli.runs(2) {
        join::demo(settings.wait).await;
    }
    if cli.runs(3) {
        collect::demo(settings.wait).await;
    }
    if cli.runs(4) {
        http::demo(&settings).await?;
    }
    if cli.runs(5) {
        tasks_vs_threads::demo(settings.tasks).await?;
    }
    println!();
    narrate::say(
        "Next: the exercises of this lesson (`cargo xtask list`), \
         then `cargo run -p lesson-semaphores`.",
    );
    Ok(())
}
