//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use std::time::Duration;

use clap::Args;
use lesson_kit::lesson::{count, millis};

/// Everything a section needs to know about its size.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Sections 1 and 4: the time limit put on requests.
    pub limit: Duration,
    /// Section 1: how many requests the batch sends.
    pub requests: usize,
    /// Section 2: how long each part of the upload takes.
    pub step: Duration,
    /// Section 3: the time unit of the races, and of the jobs (which take 1 to 4 units).
    pub job_time: Duration,
    /// Section 3: how many workers share the jobs.
    pub workers: usize,
    /// Section 3: how long the workers run before shutdown is asked for.
    pub run_for: Duration,
    /// Section 3: how long a job in hand may still take once shutdown is asked for.
    pub grace: Duration,
}

impl Settings {
    /// The full-size lesson: about ten seconds.
    pub fn full() -> Self {
        Settings {
            limit: Duration::from_millis(500),
            requests: 10,
            step: Duration::from_millis(200),
            job_time: Duration::from_millis(200),
            workers: 4,
            run_for: Duration::from_millis(1300),
            grace: Duration::from_millis(250),
        }
    }

    /// The same lesson in a few seconds, for a first look and for tests.
    pub fn quick() -> Self {
        Settings {
            limit: Duration::from_millis(200),
            requests: 10,
            step: Duration::from_millis(50),
            job_time: Duration::from_millis(50),
            workers: 4,
            run_for: Duration::from_millis(325),
            grace: Duration::from_millis(60),
        }
    }
}

/// The learner's own sizes: each flag, when given, replaces one setting of the full or quick run.
#[derive(Args, Debug, Clone, Default)]
pub struct Flags {
    /// Sections 1 and 4: the time limit on requests, in ms [default: 500, quick: 200].
    #[arg(long, value_parser = millis(20..=10_000))]
    pub timeout_ms: Option<Duration>,
    /// Section 1: how many requests the batch sends [default: 10].
    #[arg(long, value_parser = count(1..=1000))]
    pub requests: Option<usize>,
    /// Section 3: how many workers share the jobs [default: 4].
    #[arg(long, value_parser = count(1..=16))]
    pub workers: Option<usize>,
    /// Section 3: the grace period for jobs in hand at shutdown, in ms [default: 250, quick: 60].
    #[arg(long, value_parser = millis(0..=10_000))]
    pub grace_ms: Option<Duration>,
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
            limit: self.timeout_ms.unwrap_or(base.limit),
            requests: self.requests.unwrap_or(base.requests),
            workers: self.workers.unwrap_or(base.workers),
            grace: self.grace_ms.unwrap_or(base.grace),
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
            timeout_ms: Some(Duration::from_millis(300)),
            ..Flags::default()
        };
        let settings = flags.settings(true);
        assert_eq!(settings.limit, Duration::from_millis(300));
        assert_eq!(settings.grace, Settings::quick().grace);
    }
}
