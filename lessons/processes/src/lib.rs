//! Lesson: processes, and when you still want them in Rust.
//!
//! Run it with `cargo run -p lesson-processes` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one section of the book's chapter; [`SECTIONS`] lists them in the order
//! they run, which is the order to read them in:
//!
//! - [`parallel_hashing`]: CPU-bound work on every core with rayon, no processes needed.
//! - [`child_processes`]: the lesson's own binary as a worker; jobs and results as bytes
//!   (the worker's side is [`worker`]).
//! - [`start_cost`]: what starting a process, a thread and a task costs.
//! - [`isolation`]: a worker that panics or aborts, and the exit status its parent reads.
//! - [`balance`]: enough pieces per thread to balance every core, against the machine's measured
//!   capacity.
//! - [`hash_files`]: the original's `hash_file`: files on disk, streamed into a hasher, rayon over
//!   the paths.

pub mod balance;
pub mod child_processes;
pub mod hash_files;
pub mod isolation;
pub mod parallel_hashing;
pub mod start_cost;
pub mod worker;

pub mod settings;

pub use settings::{Flags, Settings};

use std::path::PathBuf;

use lesson_kit::lesson::Section;

/// What every section is given.
pub struct Lesson {
    /// This lesson's own program, which the sections start again as worker processes.
    pub program: PathBuf,
    pub settings: Settings,
}

/// The lesson's sections, in order: the heading of each, and what runs under it.
pub const SECTIONS: &[Section<Lesson>] = &[
    Section {
        title: "CPU-bound work: rayon's par_iter",
        run: |lesson| parallel_hashing::demo(lesson.settings.megabytes),
    },
    Section {
        title: "Child processes: everything crosses as bytes",
        run: |lesson| {
            let settings = &lesson.settings;
            child_processes::demo(&lesson.program, settings.megabytes, settings.workers)
        },
    },
    Section {
        title: "The cost: starting a process, a thread, a task",
        run: |lesson| start_cost::demo(&lesson.program, lesson.settings.starts),
    },
    Section {
        title: "What processes buy: isolation",
        run: |lesson| isolation::demo(&lesson.program),
    },
    Section {
        title: "Enough pieces to balance every core",
        // A quarter of the data: this section and the next hash theirs over and over, in rounds.
        run: |lesson| balance::demo(lesson.settings.megabytes.div_ceil(4)),
    },
    Section {
        title: "The original's hash_file: rayon over file paths",
        run: |lesson| hash_files::demo(lesson.settings.megabytes.div_ceil(4)),
    },
];
