//! Lesson: bounding concurrency.
//!
//! Run it with `cargo run -p lesson-semaphores` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one page of the book's chapter; read them in this order.

pub mod clients;
pub mod flood;
pub mod retry;
pub mod semaphore;
pub mod streams;

pub mod requests;
pub mod settings;

pub use settings::Settings;
