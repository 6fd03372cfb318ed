//! Ten handlers on one thread must wait together, and leave the thread free while they wait.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use blocking_in_async::{BACKEND_LATENCY, Reply, handle};
use futures::future::join_all;

const HANDLERS: u32 = 10;

#[tokio::test(start_paused = true)]
async fn each_handler_answers_its_own_item() {
    let replies = join_all((1..=3).map(handle)).await;
    let expected: Vec<Reply> = [(1, 199), (2, 299), (3, 399)]
        .into_iter()
        .map(|(item, price_cents)| Reply { item, price_cents })
        .collect();
    assert_eq!(replies, expected);
}

/// On tokio's paused clock, time moves only through tokio's timers: ten handlers that each wait
/// 100 ms *with tokio* take exactly 100 ms of it, together.
#[tokio::test(start_paused = true)]
async fn ten_handlers_wait_together_on_tokios_clock() {
    let started = tokio::time::Instant::now();
    join_all((0..HANDLERS).map(handle)).await;
    let elapsed = started.elapsed();
    assert_eq!(
        elapsed, BACKEND_LATENCY,
        "{HANDLERS} handlers took {elapsed:?} on tokio's clock; waiting together they take \
         {BACKEND_LATENCY:?}. (0 ms means the waiting didn't go through tokio at all: a blocking \
         call stopped the thread instead.)"
    );
}

/// Another task on the same thread, ticking every 10 ms, keeps ticking while the handlers wait.
#[tokio::test(start_paused = true)]
async fn a_heartbeat_keeps_ticking_while_handlers_wait() {
    let beats = Arc::new(AtomicU32::new(0));
    let heartbeat = tokio::spawn({
        let beats = Arc::clone(&beats);
        async move {
            let mut ticker = tokio::time::interval(Duration::from_millis(10));
            loop {
                ticker.tick().await;
                beats.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    // Let the heartbeat start before the handlers do.
    tokio::task::yield_now().await;
    let before = beats.load(Ordering::Relaxed);

    let handlers: Vec<_> = (0..HANDLERS)
        .map(|item| tokio::spawn(handle(item)))
        .collect();
    for handler in handlers {
        handler.await.expect("a handler panicked");
    }
    let during = beats.load(Ordering::Relaxed) - before;
    heartbeat.abort();

    // 100 ms of waiting, a beat every 10 ms: 10 beats (the runtime may fit one more at the edge).
    assert!(
        during >= 9,
        "the heartbeat beat {during} times while {HANDLERS} handlers waited {BACKEND_LATENCY:?}; \
         it should beat every 10 ms. Something in the handler blocks the thread, so no other task \
         can run until it returns."
    );
}

/// The same on the real clock: ten handlers on one thread, in well under five times one handler's
/// wait (run one after another they take ten times).
#[tokio::test]
async fn ten_handlers_take_about_as_long_as_one() {
    let started = std::time::Instant::now();
    join_all((0..HANDLERS).map(handle)).await;
    let elapsed = started.elapsed();
    let limit = 5 * BACKEND_LATENCY;
    assert!(
        elapsed < limit,
        "{HANDLERS} handlers of {BACKEND_LATENCY:?} each took {elapsed:?} on one thread (limit \
         {limit:?}): they ran one after another, because each blocked the thread while it waited"
    );
}
