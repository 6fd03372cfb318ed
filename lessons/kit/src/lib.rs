//! What every lesson and exercise of the course shares.
//!
//! - [`server`]: a real HTTP server on 127.0.0.1 that a program starts for itself, so every HTTP demo,
//!   exercise and test works offline. It can be slow on purpose (`/delay/{ms}`), fail on purpose
//!   (`/status/{code}`), rate-limit a flood (429 above a limit) and count what it saw (connections,
//!   requests, peak in flight), which lets a lesson *prove* what a client did.
//! - [`http`]: GET a URL and read the whole answer; count how a batch of GETs went.
//! - [`timeline`]: record which task ran when, and draw it as a chart in the terminal.
//! - [`heartbeat`]: a task that ticks on a runtime, so a stalled runtime shows as a gap.
//! - [`events`]: a log of what happened and when, shared by the work and whoever watches it.
//! - [`measure`]: the ideal a measurement should be compared with, the comparison, and ratios.
//! - [`memory`]: how much memory some work took, on the heap and in RAM.
//! - [`data`]: deterministic bytes to hash, identical on every machine; their SHA-256; and
//!   deterministic random numbers.
//! - [`lesson`]: the shape of a lesson: its sections as a list (title and function), the flags
//!   every lesson takes, and the loop that runs the sections under numbered headings.
//! - [`narrate`]: the look of a lesson: section headings, claims, code listings, results.
//! - [`smoke`]: for the lessons' smoke tests: run a lesson, check every section measured something.
//! - [`system`]: what the machine offers: cores, resident memory, open-file limits, sockets,
//!   terminal width.

pub mod data;
pub mod events;
pub mod heartbeat;
pub mod http;
pub mod lesson;
pub mod measure;
pub mod memory;
pub mod narrate;
pub mod server;
pub mod smoke;
pub mod system;
pub mod timeline;

pub use events::EventLog;
pub use measure::Versus;
pub use server::{LocalServer, ServerConfig, ServerStats};
pub use timeline::Timeline;
