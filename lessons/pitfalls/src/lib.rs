//! Lesson: async pitfalls, each shown live and then fixed.
//!
//! Run it with `cargo run -p lesson-pitfalls` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one page of the book's chapter; read them in this order:
//!
//! 1. [`never_awaited`]: a future that is never awaited does nothing.
//! 2. [`blocking`]: blocking the runtime without noticing.
//! 3. [`mutex_guard`]: a `std::sync::MutexGuard` held across `.await`.
//! 4. [`clients`]: a client per request; a client that outlives its runtime.
//! 5. [`swallowed`]: failures that vanish.
//! 6. [`cancel_safety`]: a `select!` loop that loses data.
//! 7. [`paused_clock`]: a testing pitfall: the paused clock and real sockets.

pub mod blocking;
pub mod cancel_safety;
pub mod clients;
pub mod mutex_guard;
pub mod never_awaited;
pub mod paused_clock;
pub mod swallowed;

pub mod settings;

pub use settings::Settings;
