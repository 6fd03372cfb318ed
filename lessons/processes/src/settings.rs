//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use clap::Args;
use lesson_kit::lesson::count;
use lesson_kit::system;

/// Everything a section needs to know about its size.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Sections 1, 2, 5 and 6: how much data to hash, in MiB (sections 5 and 6, which hash it
    /// several times over, a quarter of it).
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

/// The learner's own sizes: each flag, when given, replaces one setting of the full or quick run.
#[derive(Args, Debug, Clone, Default)]
pub struct Flags {
    /// Sections 1, 2, 5 and 6: how much data to hash, in MiB; sections 5 and 6 take a quarter
    /// of it [default: 256, quick: 32].
    #[arg(long, value_parser = count(1..=4_096))]
    pub megabytes: Option<usize>,
    /// Section 2: how many worker processes to run at once [default: the number of cores].
    #[arg(long, value_parser = count(1..=64))]
    pub workers: Option<usize>,
    /// Section 3: how many processes, threads and tasks to start [default: 200, quick: 30].
    #[arg(long, value_parser = count(1..=10_000))]
    pub starts: Option<usize>,
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
            megabytes: self.megabytes.unwrap_or(base.megabytes),
            workers: self.workers.unwrap_or(base.workers),
            starts: self.starts.unwrap_or(base.starts),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_replace_only_the_sizes_they_name() {
        let flags = Flags {
            workers: Some(3),
            ..Flags::default()
        };
        let settings = flags.settings(true);
        assert_eq!(settings.workers, 3);
        assert_eq!(settings.megabytes, Settings::quick().megabytes);
    }
}
