//! Lesson: timeouts and cancellation.
//!
//! Run it with `cargo run -p lesson-timeouts` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one page of the book's chapter; read them in this order:
//!
//! 1. [`deadline`]: `tokio::time::timeout` around one call and around a batch.
//! 2. [`cancel`]: cancelling is dropping the future; cleanup in `Drop`; `JoinHandle::abort`.
//! 3. [`shutdown`]: `select!` against a deadline or a shutdown signal; graceful shutdown.
//! 4. [`http_timeouts`]: the HTTP client's connect limit versus its whole-request limit.

pub mod cancel;
pub mod deadline;
pub mod http_timeouts;
pub mod shutdown;

pub mod settings;

pub use settings::Settings;
