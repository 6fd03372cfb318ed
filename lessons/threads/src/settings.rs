//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use std::time::Duration;

use clap::Args;
use lesson_kit::lesson::{count, millis};
use lesson_kit::system;

/// Everything a section needs to know about its size.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Section 1: how long each of the three threads blocks.
    pub wait: Duration,
    /// Section 2: how many GET requests each pool sends.
    pub requests: usize,
    /// Section 2: how long the local server takes to answer each one.
    pub delay: Duration,
    /// Section 2: how many requests the one-by-one run sends (the rest is extrapolated).
    pub sequential_sample: usize,
    /// Section 2: the bigger pool's size (the smaller has ten workers, like Python's example).
    pub workers: usize,
    /// Section 3: how much data to hash, in MiB.
    pub megabytes: usize,
    /// Sections 1, 3, 4 and 5: how many threads share the work.
    pub threads: usize,
    /// Sections 4 and 5: how many times each thread adds one.
    pub increments: u64,
    /// Section 6: how many rounds of two opposite transfers.
    pub rounds: usize,
    /// Section 7: how many chunks the producer sends.
    pub chunks: usize,
}

impl Settings {
    /// The full-size lesson: under half a minute.
    pub fn full() -> Self {
        Settings {
            wait: Duration::from_secs(1),
            requests: 200,
            delay: Duration::from_millis(100),
            sequential_sample: 10,
            workers: 50,
            megabytes: 256,
            threads: system::available_cores(),
            increments: 1_000_000,
            rounds: 20,
            chunks: 300,
        }
    }

    /// The same lesson in a few seconds, for a first look and for tests.
    pub fn quick() -> Self {
        Settings {
            wait: Duration::from_millis(200),
            requests: 50,
            delay: Duration::from_millis(100),
            sequential_sample: 5,
            workers: 50,
            megabytes: 32,
            threads: system::available_cores(),
            increments: 100_000,
            rounds: 5,
            chunks: 60,
        }
    }
}

/// The learner's own sizes: each flag, when given, replaces one setting of the full or quick run.
#[derive(Args, Debug, Clone, Default)]
pub struct Flags {
    /// Section 2: how many GET requests each pool sends [default: 200, quick: 50].
    #[arg(long, value_parser = count(1..=100_000))]
    pub requests: Option<usize>,
    /// Section 2: how long the local server takes to answer, in ms [default: 100].
    #[arg(long, value_parser = millis(1..=60_000))]
    pub delay_ms: Option<Duration>,
    /// Section 2: the size of the bigger pool, compared with a pool of 10 [default: 50].
    #[arg(long, value_parser = count(1..=2_000))]
    pub workers: Option<usize>,
    /// Section 3: how much data to hash, in MiB [default: 256, quick: 32].
    #[arg(long, value_parser = count(1..=4_096))]
    pub megabytes: Option<usize>,
    /// Sections 1, 3, 4 and 5: how many threads share the work [default: the number of cores].
    #[arg(long, value_parser = count(1..=256))]
    pub threads: Option<usize>,
    /// Sections 4 and 5: how many times each thread adds one [default: 1000000, quick: 100000].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub increments: Option<u64>,
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
            requests: self.requests.unwrap_or(base.requests),
            delay: self.delay_ms.unwrap_or(base.delay),
            workers: self.workers.unwrap_or(base.workers),
            megabytes: self.megabytes.unwrap_or(base.megabytes),
            threads: self.threads.unwrap_or(base.threads),
            increments: self.increments.unwrap_or(base.increments),
            ..base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_replace_only_the_sizes_they_name() {
        let flags = Flags {
            workers: Some(4),
            delay_ms: Some(Duration::from_millis(20)),
            ..Flags::default()
        };
        let settings = flags.settings(true);
        assert_eq!(
            (settings.workers, settings.delay),
            (4, Duration::from_millis(20))
        );
        assert_eq!(settings.requests, Settings::quick().requests);
        assert_eq!(
            Flags::default().settings(false).requests,
            Settings::full().requests
        );
    }
}
