//! The instrument of this lesson: some work run beside a heartbeat, and what the heartbeat saw.
//!
//! The heartbeat is the kit's ([`lesson_kit::heartbeat`]): a task that should tick every few
//! milliseconds and records when each tick really ran. A runtime runs its tasks in turns, and a
//! task hands its thread back only at an `.await`; so while some work holds the thread without
//! awaiting, the heartbeat cannot tick, and the gap between its ticks shows for how long.

use std::future::Future;
use std::time::Duration;

use lesson_kit::heartbeat::{Beats, Heartbeat};
use lesson_kit::measure::{format_duration, ratio};
use lesson_kit::{Timeline, narrate};
use tokio::time::Instant;

/// What a heartbeat saw while some work ran beside it.
#[derive(Debug, Clone)]
pub struct Watched<T> {
    /// What the work returned.
    pub output: T,
    pub beats: Beats,
    /// Ticks that ran while the work was in progress.
    pub ticks_during: usize,
    /// How long the work took.
    pub elapsed: Duration,
    /// The work (recorded by the caller as it likes) and the heartbeat's stretches.
    pub timeline: Timeline,
}

/// Runs `work` while a heartbeat ticks every `period` on the same runtime, with a few quiet
/// periods before and after so the chart shows the heartbeat's normal rhythm too.
pub async fn watch<T>(period: Duration, label: &str, work: impl Future<Output = T>) -> Watched<T> {
    watch_on(Timeline::new(), period, label, work).await
}

/// [`watch`], drawing on a timeline that `work` may draw on too.
pub async fn watch_on<T>(
    timeline: Timeline,
    period: Duration,
    label: &str,
    work: impl Future<Output = T>,
) -> Watched<T> {
    let heartbeat = Heartbeat::start(period);
    let quiet = period * 5;
    tokio::time::sleep(quiet).await;

    let started = Instant::now();
    let span = timeline.start(label);
    let output = work.await;
    span.end();
    let finished = Instant::now();

    tokio::time::sleep(quiet).await;
    let beats = heartbeat.stop();
    beats.draw_on(&timeline);
    Watched {
        output,
        ticks_during: beats.ticks_between(started, finished),
        beats,
        elapsed: finished - started,
        timeline,
    }
}

impl<T> Watched<T> {
    /// How many ticks were due while the work ran.
    pub fn ticks_due(&self) -> usize {
        ratio(self.elapsed, self.beats.period) as usize
    }

    /// Prints what the heartbeat saw, and the chart.
    pub fn print(&self, label: &str) {
        narrate::result(
            &format!("{label}: heartbeat ticks while it ran"),
            format!(
                "{} in {}, where {} were due",
                self.ticks_during,
                format_duration(self.elapsed),
                self.ticks_due()
            ),
        );
        narrate::result(&format!("{label}: heartbeat"), self.beats.summary());
        self.timeline.print();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[tokio::test(start_paused = true)]
    async fn an_async_wait_misses_no_tick() {
        // In an async block, so the sleep's deadline is set when the work starts: `sleep(d)`
        // itself fixes its deadline when it is called, not when it is first awaited.
        let wait = async { tokio::time::sleep(100 * MS).await };
        let watched = watch(10 * MS, "sleep", wait).await;
        assert_eq!(watched.elapsed, 100 * MS);
        assert_eq!(watched.ticks_due(), 10);
        // A tick falls due at the very instants the work starts and ends; whether those two are
        // counted depends on which of two tasks due at once the runtime polls first.
        assert!(
            (9..=11).contains(&watched.ticks_during),
            "{}",
            watched.ticks_during
        );
        assert_eq!(watched.beats.longest_gap(), 10 * MS);
    }
}
