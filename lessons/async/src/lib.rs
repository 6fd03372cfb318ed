//! Lesson: async basics.
//!
//! Run it with `cargo run -p lesson-async` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one part of the book's chapters; read them in this order:
//!
//! 1. [`lazy`]: calling an async fn does nothing until the future is awaited.
//! 2. [`join`]: waits awaited one by one, or together with `join!`.
//! 3. [`collect`]: `join!`, `join_all`, `JoinSet` and `spawn`, and the order of their results.
//! 4. [`http`]: hundreds of requests in flight on one thread, with one shared client.
//! 5. [`tasks_vs_threads`]: what ten thousand waiting tasks and threads cost.

pub mod collect;
pub mod http;
pub mod join;
pub mod lazy;
pub mod tasks_vs_threads;

pub mod settings;

pub use settings::Settings;
