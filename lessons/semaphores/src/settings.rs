//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use std::time::Duration;

use clap::Args;
use lesson_kit::lesson::{count, millis};

/// Everything a section needs to know about its size.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Section 1: how many requests the flood starts at once.
    pub flood: usize,
    /// Section 1: the open-file limit of the process that floods.
    pub open_files: u64,
    /// Sections 1 to 5: how many GET requests a batch sends.
    pub requests: usize,
    /// Sections 1 to 6: the bound on requests in flight, and the server's 429 limit (section 6
    /// sends twice as many requests at once).
    pub concurrency: usize,
    /// Sections 1 to 6: how long the local server takes to answer each request.
    pub delay: Duration,
    /// Section 5: the most times one request is sent, the first time included.
    pub max_attempts: u32,
    /// Section 5: the limit on the first wait after a 429; it doubles after each later one.
    pub first_wait: Duration,
    /// Section 5: also retry the flood with exact waits, to show the retries in lockstep. It
    /// needs a batch many times the server's limit to show, so it takes seconds.
    pub show_lockstep: bool,
    /// Section 6: how many requests (streams) the server lets one HTTP/2 connection carry.
    pub http2_streams: u32,
}

impl Settings {
    /// The full-size lesson: about twenty-five seconds.
    pub fn full() -> Self {
        Settings {
            flood: 50_000,
            open_files: 256,
            requests: 1000,
            concurrency: 50,
            delay: Duration::from_millis(100),
            max_attempts: 20,
            first_wait: Duration::from_millis(50),
            show_lockstep: true,
            http2_streams: 20,
        }
    }

    /// The same lesson in a few seconds, for a first look and for tests.
    pub fn quick() -> Self {
        Settings {
            flood: 10_000,
            requests: 200,
            show_lockstep: false,
            ..Settings::full()
        }
    }
}

/// The learner's own sizes: each flag, when given, replaces one setting of the full or quick run.
#[derive(Args, Debug, Clone, Default)]
pub struct Flags {
    /// Section 1: how many requests the flood starts at once [default: 50000, quick: 10000].
    #[arg(long, value_parser = count(1..=200_000))]
    pub flood: Option<usize>,
    /// Section 1: the open-file limit of the process that floods [default: 256].
    #[arg(long, value_parser = clap::value_parser!(u64).range(16..=65_536))]
    pub open_files: Option<u64>,
    /// Sections 1 to 5: how many GET requests each batch sends [default: 1000, quick: 200].
    #[arg(long, value_parser = count(1..=20_000))]
    pub requests: Option<usize>,
    /// Sections 1 to 6: the most requests in flight at once, and the server's 429 limit;
    /// section 6 sends twice this many at once [default: 50].
    #[arg(long, value_parser = count(1..=1000))]
    pub concurrency: Option<usize>,
    /// Sections 1 to 6: how long the local server takes to answer, in ms [default: 100].
    #[arg(long, value_parser = millis(0..=10_000))]
    pub delay_ms: Option<Duration>,
    /// Section 5: the most times one request is sent, retries included [default: 20].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub max_attempts: Option<u32>,
    /// Section 5: the limit on the first wait after a 429, in ms; it doubles after each later
    /// 429, up to 8 times this [default: 50].
    #[arg(long, value_parser = millis(1..=10_000))]
    pub first_wait_ms: Option<Duration>,
    /// Section 6: how many requests the server lets one HTTP/2 connection carry at once
    /// [default: 20].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub streams: Option<u32>,
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
            flood: self.flood.unwrap_or(base.flood),
            open_files: self.open_files.unwrap_or(base.open_files),
            requests: self.requests.unwrap_or(base.requests),
            concurrency: self.concurrency.unwrap_or(base.concurrency),
            delay: self.delay_ms.unwrap_or(base.delay),
            max_attempts: self.max_attempts.unwrap_or(base.max_attempts),
            first_wait: self.first_wait_ms.unwrap_or(base.first_wait),
            http2_streams: self.streams.unwrap_or(base.http2_streams),
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
            flood: Some(3),
            first_wait_ms: Some(Duration::from_millis(10)),
            ..Flags::default()
        };
        let settings = flags.settings(false);
        assert_eq!(
            (settings.flood, settings.first_wait),
            (3, Duration::from_millis(10))
        );
        assert_eq!(settings.requests, Settings::full().requests);
        assert!(settings.show_lockstep, "no flag for it: the full run's");
    }
}
