//! Lesson: timeouts and cancellation.
//!
//! Run it with `cargo run -p lesson-timeouts` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one page of the book's chapter; read them in this order.

pub mod cancel;
pub mod deadline;
pub mod http_timeouts;
pub mod shutdown;

pub mod settings;

pub use settings::Settings;
