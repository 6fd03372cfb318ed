//! Lesson: blocking work inside async code.
//!
//! Run it with `cargo run -p lesson-blocking` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one section of the book's chapter; [`SECTIONS`] lists them in the order
//! they run, which is the order to read them in, after the two tools every section uses:
//! [`watch`] (work run beside the kit's heartbeat) and [`work`].
//!
//! - [`stall`]: blocking code inside async code stops every task on its thread.
//! - [`offload`]: `spawn_blocking` moves blocking work off the runtime.
//! - [`cpu`]: CPU-heavy work belongs on rayon, awaited over a oneshot channel.
//! - [`bridge`]: the other direction, async code called from sync code.

pub mod watch;
pub mod work;

pub mod bridge;
pub mod cpu;
pub mod offload;
pub mod stall;

pub mod settings;

pub use settings::{Flags, Settings};

use std::io;
use std::sync::Arc;

use lesson_kit::lesson::Section;
use tokio::runtime::{Builder, Runtime};

/// What every section is given.
pub struct Lesson {
    pub settings: Settings,
    /// The "file" every CPU job hashes, shared by all of them (an Arc, since jobs run on other
    /// threads that may outlive any one borrow).
    pub buffer: Arc<Vec<u8>>,
}

/// The lesson's sections, in order: the heading of each, and what runs under it.
pub const SECTIONS: &[Section<Lesson>] = &[
    Section {
        title: "The stall: blocking code inside async code",
        run: |lesson| stall::demo(&lesson.settings, &lesson.buffer),
    },
    Section {
        title: "spawn_blocking moves blocking work off the runtime",
        run: |lesson| offload::demo(&lesson.settings, &lesson.buffer),
    },
    Section {
        title: "CPU-heavy work: rayon, and a oneshot back to async",
        run: |lesson| cpu::demo(&lesson.settings, &lesson.buffer),
    },
    Section {
        title: "The other direction: async called from sync code",
        run: |lesson| bridge::demo(&lesson.settings),
    },
];

// ANCHOR: runtimes
/// One thread runs every task: a task that blocks it stops everything else.
pub fn current_thread_runtime() -> io::Result<Runtime> {
    Builder::new_current_thread().enable_all().build()
}

/// `workers` threads share the tasks (what `#[tokio::main]` builds, with a worker per core).
pub fn multi_thread_runtime(workers: usize) -> io::Result<Runtime> {
    Builder::new_multi_thread()
        .worker_threads(workers.max(1))
        .enable_all()
        .build()
}
// ANCHOR_END: runtimes
