//! Lesson: processes, and when you still want them in Rust.
//!
//! Run it with `cargo run -p lesson-processes` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one page of the book's chapter; read them in this order:
//!
//! 1. [`parallel_hashing`]: CPU-bound work on every core with rayon, no processes needed.
//! 2. [`child_processes`]: the lesson's own binary as a worker; jobs and results as bytes
//!    (the worker's side is [`worker`]).
//! 3. [`start_cost`]: what starting a process, a thread and a task costs.
//! 4. [`isolation`]: a worker that panics or aborts, and the exit status its parent reads.

pub mod child_processes;
pub mod isolation;
pub mod parallel_hashing;
pub mod start_cost;
pub mod worker;

pub mod settings;

pub use settings::Settings;
