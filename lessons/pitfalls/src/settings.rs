//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use std::time::Duration;

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
        }
    }
}
