//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use std::time::Duration;

use clap::Args;
use lesson_kit::lesson::{count, millis};
use lesson_kit::system;

use crate::work::rounds_for;

/// Everything a section needs to know about its size.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How often the heartbeat should tick.
    pub period: Duration,
    /// Sections 1 and 2: how long the blocking wait holds its thread.
    pub block: Duration,
    /// Sections 1 to 3: how many MiB one CPU job hashes.
    pub job_mib: usize,
    /// Section 3: how many CPU jobs run at once.
    pub jobs: usize,
    /// Section 4: how many plain threads call into the runtime.
    pub threads: usize,
    /// Section 4: how long the local server takes to answer them.
    pub delay: Duration,
}

impl Settings {
    /// The full-size lesson: about ten seconds.
    pub fn full() -> Self {
        Settings {
            period: Duration::from_millis(10),
            block: Duration::from_millis(300),
            // About 190 ms of hashing on the course's 2-core reference machine. Section 3 needs
            // jobs that long (150 ms or more) even in a quick run: shorter ones end within the
            // scheduler's time slices and the threads' start-up, and the two pools look alike.
            job_mib: 256,
            // More jobs than cores, or spawn_blocking and rayon behave the same (section 3).
            jobs: 2 * system::available_cores(),
            threads: 10,
            delay: Duration::from_millis(100),
        }
    }

    /// The same lesson in a few seconds, for a first look and for tests.
    pub fn quick() -> Self {
        Settings {
            block: Duration::from_millis(150),
            ..Settings::full()
        }
    }

    /// How many times a CPU job hashes the shared buffer.
    pub fn rounds(&self) -> usize {
        rounds_for(self.job_mib)
    }
}

/// The learner's own sizes: each flag, when given, replaces one setting of the full or quick run.
#[derive(Args, Debug, Clone, Default)]
pub struct Flags {
    /// How often the heartbeat ticks, in ms [default: 10].
    #[arg(long, value_parser = millis(1..=1000))]
    pub period_ms: Option<Duration>,
    /// Sections 1 and 2: how long the blocking wait lasts, in ms [default: 300, quick: 150].
    #[arg(long, value_parser = millis(1..=10_000))]
    pub block_ms: Option<Duration>,
    /// Sections 1 to 3: how many MiB one CPU job hashes [default: 256].
    #[arg(long, value_parser = count(1..=4096))]
    pub job_mib: Option<usize>,
    /// Section 3: how many CPU jobs run at once [default: twice the number of cores].
    #[arg(long, value_parser = count(1..=64))]
    pub jobs: Option<usize>,
    /// Section 4: how many plain threads call into the runtime [default: 10].
    #[arg(long, value_parser = count(1..=200))]
    pub threads: Option<usize>,
    /// Section 4: how long the local server takes to answer them, in ms [default: 100].
    #[arg(long, value_parser = millis(0..=10_000))]
    pub delay_ms: Option<Duration>,
}

impl Flags {
    /// The full lesson, or the quick one, with these flags' sizes instead of its own.
    pub fn settings(&self, quick: bool) -> Settings {
        let base = if quick {
            Settings::quick()
        } else {
            Settings::full()
        };
        Settings {
            period: self.period_ms.unwrap_or(base.period),
            block: self.block_ms.unwrap_or(base.block),
            job_mib: self.job_mib.unwrap_or(base.job_mib),
            jobs: self.jobs.unwrap_or(base.jobs),
            threads: self.threads.unwrap_or(base.threads),
            delay: self.delay_ms.unwrap_or(base.delay),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_replace_only_the_sizes_they_name() {
        let flags = Flags {
            jobs: Some(3),
            period_ms: Some(Duration::from_millis(5)),
            ..Flags::default()
        };
        let settings = flags.settings(true);
        assert_eq!(
            (settings.jobs, settings.period),
            (3, Duration::from_millis(5))
        );
        assert_eq!(settings.block, Settings::quick().block);
    }
}
