//! Lesson: async basics.
//!
//! Run it with `cargo run -p lesson-async` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one page of the book's chapter; read them in this order.

pub mod collect;
pub mod http;
pub mod join;
pub mod lazy;
pub mod tasks_vs_threads;

pub mod settings;

pub use settings::Settings;
