//! Lesson: bounding concurrency.
//!
//! Run it with `cargo run -p lesson-semaphores` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one page of the book's chapter; read them in this order:
//!
//! 1. [`flood`]: every request at once, until the process runs out of files and the server says 429.
//! 2. [`semaphore`]: a `Semaphore` bounds the requests in flight.
//! 3. [`streams`]: the same bound in one line with `buffer_unordered`, and what `buffered` costs.
//! 4. [`clients`]: one shared client, or a client per request.
//! 5. [`retry`]: retry with backoff and jitter when the server answers 429 (counted by
//!    [`retry::RetryTally`]).
//!
//! Every section GETs with the kit's [`lesson_kit::http::get_status`] and makes room for its
//! requests with [`open_files`].

pub mod clients;
pub mod flood;
pub mod retry;
pub mod semaphore;
pub mod streams;

pub mod open_files;
pub mod settings;

pub use settings::Settings;
