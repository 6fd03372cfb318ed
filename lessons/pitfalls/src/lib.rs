//! Lesson: async pitfalls, each shown live and then fixed.
//!
//! Run it with `cargo run -p lesson-pitfalls` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one section of the book's chapter; [`SECTIONS`] lists them in the order
//! they run, which is the order to read them in:
//!
//! - [`never_awaited`]: a future that is never awaited does nothing.
//! - [`blocking`]: blocking the runtime without noticing.
//! - [`mutex_guard`]: a `std::sync::MutexGuard` held across `.await`.
//! - [`clients`]: a client per request; a client that outlives its runtime.
//! - [`swallowed`]: failures that vanish.
//! - [`cancel_safety`]: a `select!` loop that loses data.
//! - [`paused_clock`]: a testing pitfall: the paused clock and real sockets.
//! - [`shutdown_as_failure`]: a shutdown mistaken for a failure (a cancelled `JoinError` is not a
//!   panicked one).
//! - [`send_bounds`]: what a spawned task holds across `.await` must be `Send`: an `Rc` is refused.

pub mod blocking;
pub mod cancel_safety;
pub mod clients;
pub mod mutex_guard;
pub mod never_awaited;
pub mod paused_clock;
pub mod send_bounds;
pub mod shutdown_as_failure;
pub mod swallowed;

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
        title: "A future that is never awaited does nothing",
        run: |lesson| lesson.runtime.block_on(never_awaited::demo()),
    },
    Section {
        title: "Blocking the runtime without noticing",
        run: |lesson| {
            let settings = &lesson.settings;
            let demo = blocking::demo(settings.readings, settings.heartbeat);
            lesson.runtime.block_on(demo)
        },
    },
    Section {
        title: "A std::sync::MutexGuard held across .await",
        run: |lesson| {
            let settings = &lesson.settings;
            let demo = mutex_guard::demo(settings.tasks, settings.latency);
            lesson.runtime.block_on(demo)
        },
    },
    Section {
        title: "A client per request; a client that outlives its runtime",
        run: |lesson| {
            let demo = clients::demo(lesson.settings.requests);
            lesson.runtime.block_on(demo)
        },
    },
    Section {
        title: "Failures that vanish",
        run: |lesson| lesson.runtime.block_on(swallowed::demo()),
    },
    Section {
        title: "A select! loop that loses data",
        run: |lesson| {
            let settings = &lesson.settings;
            let demo = cancel_safety::demo(settings.lines, settings.tick);
            lesson.runtime.block_on(demo)
        },
    },
    Section {
        title: "A testing pitfall: the paused clock and real sockets",
        run: |lesson| {
            let demo = paused_clock::demo(lesson.settings.answer_after);
            lesson.runtime.block_on(demo)
        },
    },
    Section {
        title: "A shutdown mistaken for a failure",
        run: |lesson| {
            let demo = shutdown_as_failure::demo(lesson.settings.job_time);
            lesson.runtime.block_on(demo)
        },
    },
    Section {
        title: "Send bounds: an Rc held across .await",
        // Not on the lesson's runtime, which has one thread: this section starts a runtime of
        // several, where tasks move between threads.
        run: |lesson| send_bounds::demo(lesson.settings.tasks),
    },
];
