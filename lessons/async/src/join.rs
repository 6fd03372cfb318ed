//! Sequential versus concurrent.
//!
//! `.await` on one future at a time runs them one after another, however independent they are:
//! three one-second waits take three seconds. `tokio::join!` polls several futures together on the
//! same thread, so while one waits the others make progress: three one-second waits take one.
//! No threads are involved; waiting costs nothing, so a single thread can wait on many things.

use std::time::Duration;

use anyhow::Result;
use lesson_kit::measure::{format_duration, ideal_io_time};
use lesson_kit::{Timeline, Versus, narrate};
use tokio::time::Instant;

// ANCHOR: wait
/// Stands in for any slow I/O (a request, a query, a file read): it waits, using no CPU.
pub async fn wait(timeline: &Timeline, label: &str, duration: Duration) {
    let _span = timeline.start(label); // drawn on the timeline until this is dropped
    tokio::time::sleep(duration).await;
}
// ANCHOR_END: wait

// ANCHOR: one_by_one
pub async fn one_by_one(timeline: &Timeline, duration: Duration) {
    wait(timeline, "wait 1", duration).await;
    wait(timeline, "wait 2", duration).await;
    wait(timeline, "wait 3", duration).await;
}
// ANCHOR_END: one_by_one

// ANCHOR: together
pub async fn together(timeline: &Timeline, duration: Duration) {
    tokio::join!(
        wait(timeline, "wait 1", duration),
        wait(timeline, "wait 2", duration),
        wait(timeline, "wait 3", duration),
    );
}
// ANCHOR_END: together

pub async fn demo(wait_for: Duration) -> Result<()> {
    narrate::claim(&format!(
        "Three waits of {wait} take {three_waits} awaited one by one, and {wait} awaited \
         together with join!.",
        wait = format_duration(wait_for),
        three_waits = format_duration(wait_for * 3),
    ));
    narrate::python("await a(); await b(); await c()  versus  await asyncio.gather(a(), b(), c())");
    narrate::code(include_str!("join.rs"), "wait");
    narrate::code(include_str!("join.rs"), "one_by_one");

    let timeline = Timeline::new();
    let started = Instant::now();
    one_by_one(&timeline, wait_for).await;
    let ideal = ideal_io_time(3, wait_for, 1);
    narrate::result("one by one", Versus::new(started.elapsed(), ideal));
    timeline.print();

    narrate::code(include_str!("join.rs"), "together");
    let timeline = Timeline::new();
    let started = Instant::now();
    together(&timeline, wait_for).await;
    let ideal = ideal_io_time(3, wait_for, 3);
    narrate::result("together", Versus::new(started.elapsed(), ideal));
    timeline.print();
    narrate::say(
        "join! ran all three on this one thread: each sleep registered a timer and \
         handed the thread back, so the waits overlapped.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    //! On tokio's paused clock, time jumps straight to the next timer, so these take no real
    //! time and their durations are exact.
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[tokio::test(start_paused = true)]
    async fn three_waits_one_by_one_take_three_seconds() {
        let started = Instant::now();
        one_by_one(&Timeline::new(), SECOND).await;
        assert_eq!(started.elapsed(), 3 * SECOND);
    }

    #[tokio::test(start_paused = true)]
    async fn three_waits_together_take_one_second() {
        let started = Instant::now();
        together(&Timeline::new(), SECOND).await;
        assert_eq!(started.elapsed(), SECOND);
    }

    #[tokio::test(start_paused = true)]
    async fn the_timeline_shows_the_schedule() {
        let timeline = Timeline::new();
        one_by_one(&timeline, SECOND).await;
        let starts: Vec<u64> = timeline.spans().iter().map(|s| s.start.as_secs()).collect();
        assert_eq!(starts, [0, 1, 2]);

        let timeline = Timeline::new();
        together(&timeline, SECOND).await;
        let starts: Vec<u64> = timeline.spans().iter().map(|s| s.start.as_secs()).collect();
        assert_eq!(starts, [0, 0, 0]);
    }
}
