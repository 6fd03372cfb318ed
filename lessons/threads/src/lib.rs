//! Lesson: threads.
//!
//! Run it with `cargo run -p lesson-threads` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one page of the book's chapter; read them in this order.

pub mod no_gil;
pub mod shared_state;
pub mod spawn;
pub mod worker_pool;

pub mod settings;

pub use settings::Settings;
