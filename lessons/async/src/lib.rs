//! Lesson: async basics.
//!
//! Run it with `cargo run -p lesson-async` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one part of the book's chapters; [`SECTIONS`] lists them in the order
//! they run, which is the order to read them in:
//!
//! - [`lazy`]: calling an async fn does nothing until the future is awaited.
//! - [`join`]: waits awaited one by one, or together with `join!`.
//! - [`collect`]: `join!`, `join_all`, `JoinSet` and `spawn`, and the order of their results.
//! - [`http`]: hundreds of requests in flight on one thread, with one shared client.
//! - [`tasks_vs_threads`]: what ten thousand waiting tasks and threads cost.

pub mod collect;
pub mod http;
pub mod join;
pub mod lazy;
pub mod tasks_vs_threads;

pub mod settings;

pub use settings::{Flags, Settings};

use lesson_kit::lesson::Section;
use tokio::runtime::Runtime;

/// What every section is given: the runtime the whole lesson runs on, and its sizes.
pub struct Lesson {
    pub runtime: Runtime,
    pub settings: Settings,
}

/// The lesson's sections, in order: the heading of each, and what runs under it. Each section is
/// async code, run to its end on the lesson's runtime by `block_on`.
pub const SECTIONS: &[Section<Lesson>] = &[
    Section {
        title: "Futures are lazy",
        run: |lesson| lesson.runtime.block_on(lazy::demo()),
    },
    Section {
        title: "Sequential versus concurrent",
        run: |lesson| lesson.runtime.block_on(join::demo(lesson.settings.wait)),
    },
    Section {
        title: "join!, join_all, JoinSet and spawn",
        run: |lesson| lesson.runtime.block_on(collect::demo(lesson.settings.wait)),
    },
    Section {
        title: "Async HTTP: many requests in flight on one thread",
        run: |lesson| lesson.runtime.block_on(http::demo(&lesson.settings)),
    },
    Section {
        title: "Tasks versus threads",
        run: |lesson| {
            let demo = tasks_vs_threads::demo(lesson.settings.tasks);
            lesson.runtime.block_on(demo)
        },
    },
];
