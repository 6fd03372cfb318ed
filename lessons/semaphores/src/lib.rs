//! Lesson: bounding concurrency.
//!
//! Run it with `cargo run -p lesson-semaphores` (add `-- --help` for the flags). Each module is one
//! section of the lesson and one section of the book's chapter; [`SECTIONS`] lists them in the order
//! they run, which is the order to read them in:
//!
//! - [`flood`]: every request at once, until the process runs out of files and the server says 429.
//! - [`semaphore`]: a `Semaphore` bounds the requests in flight.
//! - [`streams`]: the same bound in one line with `buffer_unordered`, and what `buffered` costs.
//! - [`clients`]: one shared client, or a client per request.
//! - [`retry`]: retry with backoff and jitter when the server answers 429 (counted by
//!   [`retry::RetryTally`]).
//! - [`http2`]: HTTP/2 carries every request in flight on one connection, and the bound still
//!   matters.
//!
//! Every section GETs with the kit's [`lesson_kit::http::get_status`] and makes room for its
//! requests with [`open_files`].

pub mod clients;
pub mod flood;
pub mod http2;
pub mod retry;
pub mod semaphore;
pub mod streams;

pub mod open_files;
pub mod settings;

pub use settings::{Flags, Settings};

use lesson_kit::lesson::Section;
use tokio::runtime::Runtime;

/// What every section is given: the runtime the whole lesson runs on, and its sizes.
pub struct Lesson {
    pub runtime: Runtime,
    pub settings: Settings,
}

/// The lesson's sections, in order: the heading of each, and what runs under it. Each section is
/// async code, run to its end on the lesson's runtime by `block_on`.
pub const SECTIONS: &[Section<Lesson>] = &[
    Section {
        title: "The flood: every request at once",
        run: |lesson| lesson.runtime.block_on(flood::demo(&lesson.settings)),
    },
    Section {
        title: "A semaphore bounds the flood",
        run: |lesson| lesson.runtime.block_on(semaphore::demo(&lesson.settings)),
    },
    Section {
        title: "The stream form: buffer_unordered and buffered",
        run: |lesson| lesson.runtime.block_on(streams::demo(&lesson.settings)),
    },
    Section {
        title: "One shared client, or a client per request",
        run: |lesson| lesson.runtime.block_on(clients::demo(&lesson.settings)),
    },
    Section {
        title: "Retry with backoff on 429",
        run: |lesson| lesson.runtime.block_on(retry::demo(&lesson.settings)),
    },
    Section {
        title: "HTTP/2: many requests on one connection",
        run: |lesson| lesson.runtime.block_on(http2::demo(&lesson.settings)),
    },
];
