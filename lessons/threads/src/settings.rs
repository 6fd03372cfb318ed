//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use std::time::Duration;

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
    /// Sections 1, 3 and 4: how many threads share the work.
    pub threads: usize,
    /// Section 4: how many times each thread adds one.
    pub increments: u64,
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
        }
    }
}
