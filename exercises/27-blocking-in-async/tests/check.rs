//! Ten handlers on one thread must wait together, and leave the thread free while they wait.
//!
//! The checks run on tokio's paused clock, where time moves only through tokio's timers: ten
//! handlers that each wait `BACKEND_LATENCY` *with tokio* take exactly that, together, and a
//! heartbeat on the same thread keeps beating meanwhile. The real time they took is measured too,
//! only to say what went wrong.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use blocking_in_async::{BACKEND_LATENCY, Reply, handle};
use futures::future::join_all;

const HANDLERS: u32 = 10;

/// What the handlers' waiting looked like on the real clock, and what to do about it.
fn diagnose(real: Duration) -> &'static str {
    let one_wait = BACKEND_LATENCY * 8 / 10;
    if real >= one_wait * HANDLERS {
        "On the real clock they waited one after another: `std::thread::sleep` stops the thread \
         it runs on, here the runtime's only one, with every task on it."
    } else if real >= one_wait {
        "They did wait on the real clock, but not on tokio's: a blocking sleep on other threads \
         (spawn_blocking?) costs a thread per waiting request, and tokio's timer never sees it."
    } else {
        "They did not wait at all: `tokio::time::sleep(..)` only builds a future, which waits \
         when it is awaited."
    }
}

const FIX: &str = "Wait with `tokio::time::sleep(BACKEND_LATENCY).await`.";

#[tokio::test(start_paused = true)]
async fn each_handler_answers_its_own_item() {
    let replies = join_all((1..=3).map(handle)).await;
    let expected: Vec<Reply> = [(1, 199), (2, 299), (3, 399)]
        .into_iter()
        .map(|(item, price_cents)| Reply { item, price_cents })
        .collect();
    assert_eq!(replies, expected, "each item's price, from the backend");
}

#[tokio::test(start_paused = true)]
async fn ten_handlers_wait_together_on_tokios_clock() {
    let real = std::time::Instant::now();
    let started = tokio::time::Instant::now();
    join_all((0..HANDLERS).map(handle)).await;
    let elapsed = started.elapsed();
    assert_eq!(
        elapsed,
        BACKEND_LATENCY,
        "{HANDLERS} handlers took {elapsed:?} on tokio's clock; waiting together they take \
         {BACKEND_LATENCY:?}.\n{}\n{FIX}",
        diagnose(real.elapsed())
    );
}

/// Another task on the same thread, ticking every 2 ms, keeps ticking while the handlers wait.
#[tokio::test(start_paused = true)]
async fn a_heartbeat_keeps_ticking_while_handlers_wait() {
    const TICK: Duration = Duration::from_millis(2);
    let beats = Arc::new(AtomicU32::new(0));
    let heartbeat = tokio::spawn({
        let beats = Arc::clone(&beats);
        async move {
            let mut ticker = tokio::time::interval(TICK);
            loop {
                ticker.tick().await;
                beats.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    // Let the heartbeat start before the handlers do.
    tokio::task::yield_now().await;
    let before = beats.load(Ordering::Relaxed);

    let real = std::time::Instant::now();
    let handlers: Vec<_> = (0..HANDLERS)
        .map(|item| tokio::spawn(handle(item)))
        .collect();
    for handler in handlers {
        handler.await.expect("a handler panicked");
    }
    let real = real.elapsed();
    let during = beats.load(Ordering::Relaxed) - before;
    heartbeat.abort();

    // A wait of BACKEND_LATENCY, a beat every TICK: that many beats (give or take one at the edge).
    let due = (BACKEND_LATENCY.as_millis() / TICK.as_millis()) as u32;
    assert!(
        during + 1 >= due,
        "the heartbeat beat {during} times while {HANDLERS} handlers waited {BACKEND_LATENCY:?}; \
         it should beat every {TICK:?}.\n{}\n{FIX}",
        diagnose(real)
    );
}
