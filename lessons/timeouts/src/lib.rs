//! Lesson: timeouts and cancellation.
//!
//! Run it with `cargo run -p lesson-timeouts` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one section of the book's chapter; [`SECTIONS`] lists them in the order
//! they run, which is the order to read them in:
//!
//! - [`deadline`]: `tokio::time::timeout` around one call and around a batch.
//! - [`cancel`]: cancelling is dropping the future; cleanup in `Drop`; `JoinHandle::abort`.
//! - [`shutdown`]: `select!` against a deadline or a shutdown signal; graceful shutdown.
//! - [`http_timeouts`]: the HTTP client's connect limit versus its whole-request limit.

pub mod cancel;
pub mod deadline;
pub mod http_timeouts;
pub mod shutdown;

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
        title: "A time limit around one call, and around a batch",
        run: |lesson| lesson.runtime.block_on(deadline::demo(&lesson.settings)),
    },
    Section {
        title: "Cancelling is dropping; cleanup goes in Drop",
        run: |lesson| lesson.runtime.block_on(cancel::demo(&lesson.settings)),
    },
    Section {
        title: "select! against a deadline or a shutdown; graceful shutdown",
        run: |lesson| lesson.runtime.block_on(shutdown::demo(&lesson.settings)),
    },
    Section {
        title: "The HTTP client's limits: connecting versus the whole request",
        run: |lesson| {
            let demo = http_timeouts::demo(&lesson.settings);
            lesson.runtime.block_on(demo)
        },
    },
];
