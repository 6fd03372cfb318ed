//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use std::time::Duration;

use clap::Args;
use lesson_kit::lesson::count;

/// Everything a section needs to know about its size.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Section 2: how many readings the JSON upload holds.
    pub readings: usize,
    /// Section 2: how often the heartbeat should tick.
    pub heartbeat: Duration,
    /// Section 3: how many tasks add to the shared total.
    pub tasks: usize,
    /// Section 3: how long each task's slow call takes.
    pub latency: Duration,
    /// Section 4: how many GET requests each client sends.
    pub requests: usize,
    /// Section 6: how many readings the sensor sends.
    pub lines: usize,
    /// Section 6: how often the reading loop ticks its status report.
    pub tick: Duration,
    /// Section 7: how long the server takes to answer the request made under the paused clock.
    pub answer_after: Duration,
    /// Section 8: how long each job of the supervised worker takes.
    pub job_time: Duration,
}

impl Settings {
    /// The full-size lesson: about fifteen seconds.
    pub fn full() -> Self {
        Settings {
            readings: 100_000,
            heartbeat: Duration::from_millis(10),
            tasks: 10,
            latency: Duration::from_millis(100),
            requests: 500,
            lines: 8,
            tick: Duration::from_millis(100),
            answer_after: Duration::from_millis(500),
            job_time: Duration::from_millis(100),
        }
    }

    /// The same lesson in a few seconds, for a first look and for tests.
    pub fn quick() -> Self {
        Settings {
            readings: 50_000,
            heartbeat: Duration::from_millis(10),
            tasks: 10,
            latency: Duration::from_millis(50),
            requests: 100,
            lines: 4,
            tick: Duration::from_millis(40),
            answer_after: Duration::from_millis(200),
            job_time: Duration::from_millis(40),
        }
    }
}

/// The learner's own sizes: each flag, when given, replaces one setting of the full or quick run.
#[derive(Args, Debug, Clone, Default)]
pub struct Flags {
    /// Section 2: how many readings the JSON upload holds [default: 100000, quick: 50000].
    #[arg(long, value_parser = count(1..=5_000_000))]
    pub readings: Option<usize>,
    /// Section 3: how many tasks add to the shared total [default: 10].
    #[arg(long, value_parser = count(1..=1000))]
    pub tasks: Option<usize>,
    /// Section 4: how many GET requests each client sends [default: 500, quick: 100].
    #[arg(long, value_parser = count(1..=10_000))]
    pub requests: Option<usize>,
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
            readings: self.readings.unwrap_or(base.readings),
            tasks: self.tasks.unwrap_or(base.tasks),
            requests: self.requests.unwrap_or(base.requests),
            ..base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_sizes() {
        let flags = Flags {
            tasks: Some(3),
            ..Flags::default()
        };
        let settings = flags.settings(true);
        assert_eq!(settings.tasks, 3);
        assert_eq!(settings.heartbeat, Duration::from_millis(10));
    }
}
