//! Exercise 27 · pitfalls · a blocking wait hidden in async code
//!
//! Lesson: `cargo run -p lesson-pitfalls -- --section 2` ("Blocking the runtime without noticing")
//!
//! A `PriceService` answers price queries through a backend task, which owns the connection to a
//! slow price backend. `price_of` sends the backend a request with a channel for the reply, and
//! waits for the reply. That reply channel is `std::sync::mpsc`, and its `recv()` *blocks* the
//! thread it is called on: no other task on that thread moves until the reply comes. On a runtime
//! of one thread (a `#[tokio::test]`, a `current_thread` service) the backend task is one of those
//! tasks, so the reply never comes, and `price_of` never returns. On a runtime of several threads
//! it seems to work, until as many callers wait as there are threads.
//!
//! Make `price_of` wait in a way that leaves the thread to other tasks while it waits. Keep the
//! backend task and the shape of the service: a request that carries its reply channel.
//!
//! The checks run on a runtime of one thread, on tokio's paused clock (the backend takes 20 ms of
//! it): one call must get its price, within a second of real time, and ten calls at once must all
//! be answered after 20 ms, together. Moving the blocking wait to `spawn_blocking` would hold a
//! thread per waiting call, and does not pass: tokio's paused clock stands still while a blocking
//! job runs, so the backend's answer never comes.
//!
//! Grade it with `cargo xtask check blocking-in-async`; `cargo xtask hint blocking-in-async` when
//! stuck.

use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use tokio::sync::mpsc;

/// How long the backend takes to answer one query.
pub const BACKEND_LATENCY: Duration = Duration::from_millis(20);

/// A query for the backend task, with where to send its answer.
struct Request {
    item: u32,
    reply: std_mpsc::Sender<u64>,
}

/// Prices, from the backend task.
#[derive(Debug, Clone)]
pub struct PriceService {
    requests: mpsc::Sender<Request>,
}

impl PriceService {
    /// Starts the backend task, on the runtime this is called on.
    pub fn start() -> Self {
        let (requests, mut incoming) = mpsc::channel::<Request>(64);
        tokio::spawn(async move {
            while let Some(request) = incoming.recv().await {
                // Each query is answered by a task of its own, so that many run at once.
                tokio::spawn(async move {
                    tokio::time::sleep(BACKEND_LATENCY).await; // the backend's round trip
                    // The caller may have stopped waiting; then nobody needs the answer.
                    let _ = request.reply.send(price_list(request.item));
                });
            }
        });
        PriceService { requests }
    }

    /// The price of `item`, in cents; `None` if the backend has stopped.
    pub async fn price_of(&self, item: u32) -> Option<u64> {
        let (reply, answer) = std_mpsc::channel();
        self.requests.send(Request { item, reply }).await.ok()?;
        // TODO: this waits by blocking the thread, and every task on it, the backend included.
        answer.recv().ok()
    }
}

/// The backend's price list.
fn price_list(item: u32) -> u64 {
    u64::from(item) * 100 + 99
}
