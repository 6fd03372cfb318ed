//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use lesson_kit::system;

/// Everything a section needs to know about its size.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Sections 1 and 2: how much data to hash, in MiB.
    pub megabytes: usize,
    /// Section 2: how many worker processes run at once (one job each).
    pub workers: usize,
    /// Section 3: how many processes, threads and tasks to start, one after another.
    pub starts: usize,
}

impl Settings {
    /// The full-size lesson: well under half a minute.
    pub fn full() -> Self {
        Settings {
            megabytes: 256,
            workers: system::available_cores(),
            starts: 200,
        }
    }

    /// The same lesson in a few seconds, for a first look and for tests.
    pub fn quick() -> Self {
        Settings {
            megabytes: 32,
            workers: system::available_cores(),
            starts: 30,
        }
    }
}
