//! Lesson: threads.
//!
//! Run it with `cargo run -p lesson-threads` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one section of the book's chapter; [`SECTIONS`] lists them in the order
//! they run, which is the order to read them in:
//!
//! - [`spawn`]: `thread::spawn`, `join` and `thread::scope`.
//! - [`worker_pool`]: a pool of threads for blocking I/O, built from crossbeam channels.
//! - [`no_gil`]: CPU-bound hashing on every core.
//! - [`shared_state`]: `Arc<Mutex<_>>`, channels, and why `Rc` stays on its thread.
//! - [`atomics`]: a counter shared with no lock: `AtomicU64`, and which `Ordering`.
//! - [`lock_order`]: two locks taken in opposite orders deadlock; one order for all does not.
//! - [`backpressure`]: a bounded channel holds a fast producer to a slow consumer's pace.

pub mod atomics;
pub mod backpressure;
pub mod lock_order;
pub mod no_gil;
pub mod shared_state;
pub mod spawn;
pub mod worker_pool;

pub mod settings;

pub use settings::{Flags, Settings};

use lesson_kit::lesson::Section;

/// The lesson's sections, in order: the heading of each, and what runs under it. No async runtime
/// anywhere: each section gets only the settings.
pub const SECTIONS: &[Section<Settings>] = &[
    Section {
        title: "Threads: spawn, join, scope",
        run: |settings| spawn::demo(settings.wait, settings.threads),
    },
    Section {
        title: "A worker pool for blocking I/O",
        run: worker_pool::demo,
    },
    Section {
        title: "No GIL: CPU-bound work on every core",
        run: |settings| no_gil::demo(settings.megabytes, settings.threads),
    },
    Section {
        title: "Shared state: Arc<Mutex<_>> and channels",
        run: |settings| shared_state::demo(settings.threads, settings.increments),
    },
    Section {
        title: "Atomics: a counter without a lock",
        run: |settings| atomics::demo(settings.threads, settings.increments),
    },
    Section {
        title: "Two locks: a deadlock, and one order for every thread",
        run: |settings| lock_order::demo(settings.rounds),
    },
    Section {
        title: "A bounded channel: backpressure",
        run: |settings| backpressure::demo(settings.chunks),
    },
];

/// "1 thread", "4 threads": for sentences that print a thread count.
pub(crate) fn threads(count: usize) -> String {
    match count {
        1 => "1 thread".to_string(),
        count => format!("{count} threads"),
    }
}
