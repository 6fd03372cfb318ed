//! `cargo run -p lesson-pitfalls`: async pitfalls, each shown live on this machine, then fixed.

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_kit::narrate;
use lesson_pitfalls::{
    Settings, blocking, cancel_safety, clients, mutex_guard, never_awaited, paused_clock, swallowed,
};

/// Async pitfalls: each one shown live, its symptom measured, and then fixed.
///
/// Nothing needs the internet: HTTP goes to a server the lesson starts on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "lesson-pitfalls")]
struct Cli {
    /// A small version of every section: a few seconds in all.
    #[arg(long)]
    quick: bool,
    /// Run only this section (1 to 7).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=7))]
    section: Option<u8>,
    /// Section 2: how many readings the JSON upload holds [default: 100000, quick: 50000].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=5_000_000))]
    readings: Option<u64>,
    /// Section 3: how many tasks add to the shared total [default: 10].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1000))]
    tasks: Option<u64>,
    /// Section 4: how many GET requests each client sends [default: 500, quick: 100].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    requests: Option<u64>,
}

impl Cli {
    fn settings(&self) -> Settings {
        let mut settings = if self.quick {
            Settings::quick()
        } else {
            Settings::full()
        };
        // The ranges above were checked by clap, so these conversions cannot truncate.
        if let Some(readings) = self.readings {
            settings.readings = readings as usize;
        }
        if let Some(tasks) = self.tasks {
            settings.tasks = tasks as usize;
        }
        if let Some(requests) = self.requests {
            settings.requests = requests as usize;
        }
        settings
    }

    fn runs(&self, section: u8) -> bool {
        self.section.is_none_or(|only| only == section)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // One thread runs everything, so a task that blocks it blocks all the others (section 2).
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
        "Lesson: async pitfalls",
        "The mistakes async Rust makes easy, each shown live with its symptom measured on this \
         machine, then fixed. `--quick` for a short run, `--section N` for one section, \
         `--help` for more.",
    );
    if cli.runs(1) {
        never_awaited::demo().await;
    }
    if cli.runs(2) {
        blocking::demo(settings.readings, settings.heartbeat).await?;
    }
    if cli.runs(3) {
        mutex_guard::demo(settings.tasks, settings.latency).await?;
    }
    if cli.runs(4) {
        clients::demo(settings.requests).await?;
    }
    if cli.runs(5) {
        swallowed::demo().await?;
    }
    if cli.runs(6) {
        cancel_safety::demo(settings.lines, settings.tick).await?;
    }
    if cli.runs(7) {
        paused_clock::demo(settings.answer_after).await?;
    }
    println!();
    narrate::say("Next: the exercises of this lesson (`cargo xtask list`).");
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn flags_override_the_sizes() {
        let cli = Cli::parse_from(["lesson-pitfalls", "--quick", "--tasks", "3"]);
        let settings = cli.settings();
        assert_eq!(settings.tasks, 3);
        assert_eq!(settings.heartbeat, Duration::from_millis(10));
    }
}
