//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use std::time::Duration;

use clap::Args;
use lesson_kit::lesson::{count, millis};

/// Everything a section needs to know about its size.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Section 1: how many times each thing is started; the median is printed.
    pub starts: usize,
    /// Sections 2 and 3: how many times each batch of calls is timed; the median is printed.
    pub rounds: usize,
    /// Section 2: how long each call waits for the local server.
    pub delay: Duration,
}

impl Settings {
    /// The full-size lesson: about ten seconds.
    pub fn full() -> Self {
        Settings {
            starts: 100,
            rounds: 3,
            delay: Duration::from_millis(100),
        }
    }

    /// The same lesson in a few seconds, for a first look and for tests.
    pub fn quick() -> Self {
        Settings {
            starts: 20,
            rounds: 2,
            delay: Duration::from_millis(20),
        }
    }
}

/// The learner's own sizes: each flag, when given, replaces one setting of the full or quick run.
#[derive(Args, Debug, Clone, Default)]
pub struct Flags {
    /// Section 1: how many times each thing is started [default: 100, quick: 20].
    #[arg(long, value_parser = count(1..=10_000))]
    pub starts: Option<usize>,
    /// Sections 2 and 3: how many times each batch is timed [default: 3, quick: 2].
    #[arg(long, value_parser = count(1..=100))]
    pub rounds: Option<usize>,
    /// Section 2: how long each call waits for the local server, in ms [default: 100,
    /// quick: 20].
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
            starts: self.starts.unwrap_or(base.starts),
            rounds: self.rounds.unwrap_or(base.rounds),
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
            rounds: Some(7),
            ..Flags::default()
        };
        let settings = flags.settings(true);
        assert_eq!(settings.rounds, 7);
        assert_eq!(settings.delay, Settings::quick().delay);
        assert_eq!(
            Flags::default().settings(false).starts,
            Settings::full().starts
        );
    }
}
