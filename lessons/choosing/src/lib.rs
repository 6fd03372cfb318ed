//! Lesson: choosing, and when not to bother.
//!
//! Run it with `cargo run -p lesson-choosing` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one section of the book's chapter; [`SECTIONS`] lists them in the
//! order they run, which is the order to read them in:
//!
//! - [`fixed_costs`]: what a runtime, a thread, a pool and a process cost to start.
//! - [`few_calls`]: one call, two, four: one by one, a thread each, or async.
//! - [`break_even`]: the wait per call above which concurrency pays, measured.
//! - [`small_work`]: CPU work too small to split over the cores.

pub mod break_even;
pub mod few_calls;
pub mod fixed_costs;
pub mod small_work;

pub mod settings;

pub use settings::{Flags, Settings};

use std::path::PathBuf;

use lesson_kit::lesson::Section;

/// What every section is given.
pub struct Lesson {
    /// This lesson's own program, which the first section starts again as a process.
    pub program: PathBuf,
    pub settings: Settings,
    /// Whether the run is `--quick`: the last section sizes its work by it.
    pub quick: bool,
}

/// The lesson's sections, in order: the heading of each, and what runs under it. No section
/// runs inside a runtime: starting one is part of what they measure.
pub const SECTIONS: &[Section<Lesson>] = &[
    Section {
        title: "Fixed costs: a runtime, a thread, a pool, a process",
        run: |lesson| {
            let settings = &lesson.settings;
            fixed_costs::demo(&lesson.program, settings.starts, settings.delay)
        },
    },
    Section {
        title: "One call, two, a few: sequential or concurrent",
        run: |lesson| few_calls::demo(lesson.settings.delay, lesson.settings.rounds),
    },
    Section {
        title: "The break-even wait: where concurrency starts to pay",
        run: |lesson| break_even::demo(lesson.settings.rounds),
    },
    Section {
        title: "CPU work too small to split",
        run: |lesson| small_work::demo(lesson.quick),
    },
];
