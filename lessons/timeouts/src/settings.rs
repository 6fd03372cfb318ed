//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use std::time::Duration;

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
