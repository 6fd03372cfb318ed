//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use std::time::Duration;

/// Everything a section needs to know about its size.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long each of the "three waits" of sections 2 and 3 lasts.
    pub wait: Duration,
    /// Section 4: how many GET requests to send.
    pub requests: usize,
    /// Section 4: how many of them may be in flight at once.
    pub concurrency: usize,
    /// Section 4: how long the local server takes to answer each one.
    pub delay: Duration,
    /// Section 4: a real server to send the requests to instead of the local one.
    pub url: Option<String>,
    /// Section 5: how many tasks, and how many threads, to start.
    pub tasks: usize,
}

impl Settings {
    /// The full-size lesson: about fifteen seconds.
    pub fn full() -> Self {
        Settings {
            wait: Duration::from_secs(1),
            requests: 1000,
            concurrency: 200,
            delay: Duration::from_millis(1000),
            url: None,
            tasks: 10_000,
        }
    }

    /// The same lesson in a few seconds, for a first look and for tests.
    pub fn quick() -> Self {
        Settings {
            wait: Duration::from_millis(200),
            requests: 200,
            concurrency: 100,
            delay: Duration::from_millis(200),
            url: None,
            tasks: 1000,
        }
    }
}
