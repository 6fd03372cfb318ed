//! Exercise 27 · pitfalls · blocking inside async code: a cheat (spawn-blocking-sleep).

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
    // `tokio::time::sleep` registers a timer and returns `Pending`: the thread goes on running
    // other tasks, and the runtime wakes this one when the time is up. `std::thread::sleep` would
    // stop the thread itself, and every task on it, for the whole wait.
    // Off the runtime's thread: let a blocking-pool thread sleep instead.
    tokio::task::spawn_blocking(|| std::thread::sleep(BACKEND_LATENCY))
        .await
        .expect("a sleep does not panic");
    price_of(item)
}

/// The backend's price list.
fn price_of(item: u32) -> u64 {
    u64::from(item) * 100 + 99
}
