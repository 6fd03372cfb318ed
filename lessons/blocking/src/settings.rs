//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use std::time::Duration;

use lesson_kit::system;

use crate::work::rounds_for;

/// Everything a section needs to know about its size.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How often the heartbeat should tick.
    pub period: Duration,
    /// Sections 1 and 2: how long the blocking wait holds its thread.
    pub block: Duration,
    /// Sections 1 to 3: how many MiB one CPU job hashes.
    pub job_mib: usize,
    /// Section 3: how many CPU jobs run at once.
    pub jobs: usize,
    /// Section 4: how many plain threads call into the runtime.
    pub threads: usize,
    /// Section 4: how long the local server takes to answer them.
    pub delay: Duration,
}

impl Settings {
    /// The full-size lesson: about ten seconds.
    pub fn full() -> Self {
        Settings {
            period: Duration::from_millis(10),
            block: Duration::from_millis(300),
            // About 190 ms of hashing on the course's 2-core reference machine. Section 3 needs
            // jobs that long (150 ms or more) even in a quick run: shorter ones end within the
            // scheduler's time slices and the threads' start-up, and the two pools look alike.
            job_mib: 256,
            // More jobs than cores, or spawn_blocking and rayon behave the same (section 3).
            jobs: 2 * system::available_cores(),
            threads: 10,
            delay: Duration::from_millis(100),
        }
    }

    /// The same lesson in a few seconds, for a first look and for tests.
    pub fn quick() -> Self {
        Settings {
            block: Duration::from_millis(150),
            ..Settings::full()
        }
    }

    /// How many times a CPU job hashes the shared buffer.
    pub fn rounds(&self) -> usize {
        rounds_for(self.job_mib)
    }
}
