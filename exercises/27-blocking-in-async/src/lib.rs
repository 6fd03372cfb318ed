//! Exercise 27 · pitfalls · blocking inside async code
//!
//! Lesson: `cargo run -p lesson-pitfalls -- --section 2` ("Blocking the runtime without noticing")
//!
//! `handle` answers one request of a small service: it asks a slow backend for a price, which
//! takes `BACKEND_LATENCY`. A server runs many handlers at once on a few threads (the checks use a
//! single-threaded runtime, like `#[tokio::test]`), so ten requests should take about as long as
//! one. They take ten times as long: `query_backend` is an `async fn`, but its body *blocks* the
//! thread it runs on, and while it does, no other task on that thread moves. `async` on the
//! outside doesn't make the inside wait politely.
//!
//! Make the wait one that lets the thread run other tasks meanwhile: the async equivalent of the
//! blocking call, awaited. The checks run ten handlers together on tokio's paused clock, where time
//! moves only through tokio's timers: ten waits of 20 ms must take 20 ms of it, and a heartbeat
//! task on the same thread must keep ticking while the handlers wait. (They time the real clock
//! too, only to tell you what went wrong.)
//!
//! `spawn_blocking` would free the runtime's thread as well, at the cost of a thread per waiting
//! request; it doesn't pass here, because tokio's paused clock can't see time that passes on other
//! threads. What the checks cannot see: other blocking calls a real handler might make (file
//! reads, a mutex held a long time, heavy loops). The lesson names them and their remedies.
//!
//! Grade it with `cargo xtask check blocking-in-async`; `cargo xtask hint blocking-in-async` when stuck.

use std::time::Duration;

/// How long the backend takes to answer a query.
pub const BACKEND_LATENCY: Duration = Duration::from_millis(20);

/// What a handler answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub item: u32,
    pub price_cents: u64,
}

/// Answers a request for the price of `item`.
pub async fn handle(item: u32) -> Reply {
    let price_cents = query_backend(item).await;
    Reply { item, price_cents }
}

/// Asks the (simulated) backend for the price of `item`; it answers after `BACKEND_LATENCY`.
async fn query_backend(item: u32) -> u64 {
    // TODO: this puts the whole thread to sleep, with every other task on it. Wait the async way.
    std::thread::sleep(BACKEND_LATENCY);
    price_of(item)
}

/// The backend's price list.
fn price_of(item: u32) -> u64 {
    u64::from(item) * 100 + 99
}
