//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use std::time::Duration;

/// Everything a section needs to know about its size.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Section 1: how many requests the flood starts at once.
    pub flood: usize,
    /// Section 1: the open-file limit of the process that floods.
    pub open_files: u64,
    /// Sections 1 to 5: how many GET requests a batch sends.
    pub requests: usize,
    /// Sections 1 to 5: the bound on requests in flight, and the server's 429 limit.
    pub concurrency: usize,
    /// Sections 1 to 5: how long the local server takes to answer each request.
    pub delay: Duration,
    /// Section 5: the most times one request is sent, the first time included.
    pub max_attempts: u32,
    /// Section 5: the limit on the first wait after a 429; it doubles after each later one.
    pub first_wait: Duration,
    /// Section 5: also retry the flood with exact waits, to show the retries in lockstep. It
    /// needs a batch many times the server's limit to show, so it takes seconds.
    pub show_lockstep: bool,
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
