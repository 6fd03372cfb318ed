//! Futures are lazy.
//!
//! Calling an `async fn` runs none of its body. It returns a *future*: a value that describes the
//! work and does it only when something polls it, which is what `.await` does. Until then the
//! future is inert data you can store, pass around, or drop, and dropping it means the work never
//! happens at all.

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use lesson_kit::narrate;

// ANCHOR: record_visit
/// Counts one visit. The body runs only when the returned future is awaited.
pub async fn record_visit(visits: &AtomicUsize) {
    visits.fetch_add(1, Ordering::SeqCst);
}
// ANCHOR_END: record_visit

/// The visit counter before and after awaiting, and after a future that is dropped unawaited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visits {
    pub after_call: usize,
    pub after_await: usize,
    pub after_drop: usize,
}

pub async fn call_then_await() -> Visits {
    // ANCHOR: call_then_await
    let visits = AtomicUsize::new(0);

    let future = record_visit(&visits); // builds the future; the body has not run
    let after_call = visits.load(Ordering::SeqCst);

    future.await; // polls it to completion: now the body runs
    let after_await = visits.load(Ordering::SeqCst);

    drop(record_visit(&visits)); // a future dropped unawaited never runs
    let after_drop = visits.load(Ordering::SeqCst);
    // ANCHOR_END: call_then_await
    Visits {
        after_call,
        after_await,
        after_drop,
    }
}

pub async fn demo() -> Result<()> {
    narrate::claim(
        "Calling an async fn does nothing until the future it returns is awaited; \
         a future dropped without being awaited never runs at all.",
    );
    narrate::python(
        "the same as calling a coroutine function without `await` (Python warns \
         'coroutine was never awaited'). asyncio.create_task doesn't start it at once either: \
         it schedules it, to run when the caller next hands the event loop a turn, at an await \
         that suspends (awaiting a coroutine that finishes without waiting is not one; \
         `python3 bench/python/asyncio_semantics.py` shows both). tokio::spawn on this lesson's \
         current-thread runtime does the same (section 3).",
    );
    narrate::code(include_str!("lazy.rs"), "record_visit");
    narrate::code(include_str!("lazy.rs"), "call_then_await");
    let visits = call_then_await().await;
    narrate::result("visits after calling record_visit", visits.after_call);
    narrate::result("visits after .await", visits.after_await);
    narrate::result("visits after a dropped future", visits.after_drop);
    narrate::say(
        "Rust's compiler warns about a future you create and forget (`unused_must_use`), \
         because forgetting the .await is the most common async bug there is.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_counter_moves_only_on_await() {
        let visits = call_then_await().await;
        assert_eq!(
            visits,
            Visits {
                after_call: 0,
                after_await: 1,
                after_drop: 1
            }
        );
    }
}
