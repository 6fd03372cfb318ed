//! Calls to `price_of` on a runtime of one thread, on tokio's paused clock. The runtime runs on a
//! thread of the check's own, so that a call that never returns fails the check after a second
//! instead of hanging it.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use blocking_in_async::{BACKEND_LATENCY, PriceService};
use futures::future::join_all;

/// Real time far longer than these calls need (milliseconds, on the paused clock).
const PATIENCE: Duration = Duration::from_secs(1);

const NEVER_RETURNED: &str = "price_of never returned.\n\
    A blocking `recv()` blocks the runtime's only thread: the backend task, on that same thread, \
    never runs to answer.\n\
    A loop that polls for the answer never lets the runtime wait for the backend's timer.\n\
    A wait moved to the blocking pool (spawn_blocking) holds a thread per waiting call, and \
    stops tokio's paused clock while it runs.\n\
    Wait for the reply in a way that gives the thread back to other tasks meanwhile: an async \
    channel, awaited.";

/// Runs `check` on a runtime of one thread, paused, on a thread of its own; its result, or a
/// failure that says `price_of` never returned.
fn on_one_thread<T: Send + 'static>(check: impl AsyncFnOnce() -> T + Send + 'static) -> T {
    let (done, result) = mpsc::channel();
    thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("a runtime");
        // The check may have given up waiting; then nobody needs the result.
        let _ = done.send(runtime.block_on(check()));
    });
    result.recv_timeout(PATIENCE).expect(NEVER_RETURNED)
}

#[test]
fn a_call_gets_its_price() {
    let price = on_one_thread(async || PriceService::start().price_of(3).await);
    assert_eq!(price, Some(399), "item 3 costs 399 cents");
}

#[test]
fn ten_calls_wait_together() {
    let (prices, took) = on_one_thread(async || {
        let service = PriceService::start();
        let started = tokio::time::Instant::now();
        let prices = join_all((1..=10).map(|item| service.price_of(item))).await;
        (prices, started.elapsed())
    });
    let expected: Vec<Option<u64>> = (1..=10).map(|item| Some(item * 100 + 99)).collect();
    assert_eq!(prices, expected, "each item's price, in the order asked");
    assert_eq!(
        took, BACKEND_LATENCY,
        "ten calls at once took {took:?} of tokio's clock; the backend answers each in \
         {BACKEND_LATENCY:?}, and they wait together"
    );
}
