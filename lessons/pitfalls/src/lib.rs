//! Lesson: async pitfalls, each shown live and then fixed.
//!
//! Run it with `cargo run -p lesson-pitfalls` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one page of the book's chapter; read them in this order.

pub mod blocking;
pub mod cancel_safety;
pub mod clients;
pub mod mutex_guard;
pub mod never_awaited;
pub mod paused_clock;
pub mod swallowed;

pub mod settings;

pub use settings::Settings;
