//! Lesson: threads.
//!
//! Run it with `cargo run -p lesson-threads` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one page of the book's chapter; read them in this order:
//!
//! 1. [`spawn`]: `thread::spawn`, `join` and `thread::scope`.
//! 2. [`worker_pool`]: a pool of threads for blocking I/O, built from crossbeam channels.
//! 3. [`no_gil`]: CPU-bound hashing on every core.
//! 4. [`shared_state`]: `Arc<Mutex<_>>`, channels, and why `Rc` stays on its thread.

pub mod no_gil;
pub mod shared_state;
pub mod spawn;
pub mod worker_pool;

pub mod settings;

pub use settings::Settings;

/// "1 thread", "4 threads": for sentences that print a thread count.
pub(crate) fn threads(count: usize) -> String {
    match count {
        1 => "1 thread".to_string(),
        count => format!("{count} threads"),
    }
}
