//! Four ways to run futures together, and the order their results come back in.
//!
//! - `tokio::join!`: a fixed handful of futures, possibly of different types; a tuple of results.
//! - `futures::future::join_all`: any number of futures of one type; results in *input* order.
//! - `tokio::task::JoinSet`: spawned tasks; results in *completion* order, as soon as each is ready.
//! - `tokio::spawn`: one task that runs on its own, whether or not anyone awaits its handle.
//!
//! The first two are still "just futures": they run inside whichever task awaits them, and
//! dropping them cancels everything. The last two create tasks, which the runtime schedules
//! independently, and a task keeps running even when its handle is dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;
use futures::future::join_all;
use lesson_kit::measure::format_duration;
use lesson_kit::{Timeline, Versus, narrate};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Waits `duration`, then hands it back, so the caller can see which wait finished when.
pub async fn wait_and_return(timeline: Timeline, duration: Duration) -> Duration {
    let _span = timeline.start(format!("wait {}", format_duration(duration)));
    tokio::time::sleep(duration).await;
    duration
}

// ANCHOR: join_macro
pub async fn different_types_with_join() -> (u32, String) {
    let number = async { 42 };
    let name = async { String::from("forty-two") };
    tokio::join!(number, name) // a tuple: one result per future, each with its own type
}
// ANCHOR_END: join_macro

// ANCHOR: join_all
pub async fn with_join_all(timeline: &Timeline, durations: &[Duration]) -> Vec<Duration> {
    let waits = durations
        .iter()
        .map(|&duration| wait_and_return(timeline.clone(), duration));
    join_all(waits).await // results in the order the futures were given
}
// ANCHOR_END: join_all

// ANCHOR: join_set
pub async fn with_join_set(timeline: &Timeline, durations: &[Duration]) -> Vec<Duration> {
    let mut set = JoinSet::new();
    for &duration in durations {
        set.spawn(wait_and_return(timeline.clone(), duration));
    }
    let mut finished = Vec::new();
    while let Some(result) = set.join_next().await {
        // `Err` means the task panicked or was cancelled; neither happens here, so say so loudly.
        finished.push(result.expect("a wait task failed"));
    }
    finished // results in the order the tasks finished
}
// ANCHOR_END: join_set

// ANCHOR: spawn
/// Returns whether a spawned task had run (a) before this task gave the thread away, and
/// (b) after, even though its handle was dropped and never awaited.
pub async fn spawned_task_runs_unawaited() -> (bool, bool) {
    let ran = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&ran);
    let handle = tokio::spawn(async move { flag.store(true, Ordering::SeqCst) });
    drop(handle); // dropping a JoinHandle detaches the task; it does not cancel it

    let before_yield = ran.load(Ordering::SeqCst);
    tokio::task::yield_now().await; // let the runtime run other tasks on this thread
    let after_yield = ran.load(Ordering::SeqCst);
    (before_yield, after_yield)
}
// ANCHOR_END: spawn

pub async fn demo(wait: Duration) -> Result<()> {
    narrate::claim(
        "join! and join_all hand back results in the order you gave the futures; \
         JoinSet hands them back as they finish; a spawned task runs even if nobody awaits it.",
    );
    narrate::python(
        "asyncio.gather keeps input order like join_all; asyncio.as_completed is JoinSet; \
         asyncio.create_task is tokio::spawn.",
    );

    narrate::code(include_str!("collect.rs"), "join_macro");
    let (number, name) = different_types_with_join().await;
    narrate::result("join! returned", format!("({number}, {name:?})"));

    // Three waits whose lengths are out of order, so the two orders differ. Together they take
    // as long as the longest.
    let durations = [wait * 3 / 10, wait / 10, wait * 2 / 10];
    let ideal = durations.iter().copied().max().unwrap_or_default();

    narrate::code(include_str!("collect.rs"), "join_all");
    let started = Instant::now();
    let in_input_order = with_join_all(&Timeline::new(), &durations).await;
    narrate::result("join_all order", list(&in_input_order));
    narrate::result("join_all took", Versus::new(started.elapsed(), ideal));

    narrate::code(include_str!("collect.rs"), "join_set");
    let timeline = Timeline::new();
    let started = Instant::now();
    let in_finishing_order = with_join_set(&timeline, &durations).await;
    narrate::result("JoinSet order", list(&in_finishing_order));
    narrate::result("JoinSet took", Versus::new(started.elapsed(), ideal));
    timeline.print();

    narrate::code(include_str!("collect.rs"), "spawn");
    let (before, after) = spawned_task_runs_unawaited().await;
    narrate::result("spawned task had run before yield_now", before);
    narrate::result("spawned task had run after yield_now", after);
    narrate::say(
        "This lesson runs on a current-thread runtime, so the spawned task waits for the main \
         task to yield. On a multi-thread runtime it may start on another thread at once.",
    );
    Ok(())
}

fn list(durations: &[Duration]) -> String {
    let names: Vec<String> = durations.iter().map(|&d| format_duration(d)).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    #[tokio::test]
    async fn join_returns_a_tuple_of_different_types() {
        assert_eq!(
            different_types_with_join().await,
            (42, "forty-two".to_string())
        );
    }

    #[tokio::test(start_paused = true)]
    async fn join_all_keeps_input_order_and_overlaps() {
        let started = Instant::now();
        let order = with_join_all(&Timeline::new(), &[ms(300), ms(100), ms(200)]).await;
        assert_eq!(order, [ms(300), ms(100), ms(200)]);
        assert_eq!(started.elapsed(), ms(300));
    }

    #[tokio::test(start_paused = true)]
    async fn join_set_returns_in_finishing_order() {
        let started = Instant::now();
        let order = with_join_set(&Timeline::new(), &[ms(300), ms(100), ms(200)]).await;
        assert_eq!(order, [ms(100), ms(200), ms(300)]);
        assert_eq!(started.elapsed(), ms(300));
    }

    #[tokio::test]
    async fn a_spawned_task_runs_when_the_thread_is_free() {
        assert_eq!(spawned_task_runs_unawaited().await, (false, true));
    }
}
