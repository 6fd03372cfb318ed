//! Lesson: blocking work inside async code.
//!
//! Run it with `cargo run -p lesson-blocking` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one page of the book's chapter; read them in this order, after the
//! two tools every section uses: [`watch`] (work run beside the kit's heartbeat) and [`work`].
//!
//! 1. [`stall`]: blocking code inside async code stops every task on its thread.
//! 2. [`offload`]: `spawn_blocking` moves blocking work off the runtime.
//! 3. [`cpu`]: CPU-heavy work belongs on rayon, awaited over a oneshot channel.
//! 4. [`bridge`]: the other direction, async code called from sync code.

pub mod watch;
pub mod work;

pub mod bridge;
pub mod cpu;
pub mod offload;
pub mod stall;

pub mod settings;

pub use settings::Settings;

use std::io;

use tokio::runtime::{Builder, Runtime};

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
