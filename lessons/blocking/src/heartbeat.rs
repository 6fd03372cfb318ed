//! The instrument of this lesson: a heartbeat, a task that should tick every few milliseconds.
//!
//! A runtime runs its tasks in turns on its worker threads; a task hands the thread back at each
//! `.await`. So while one task holds a thread without awaiting (sleeping with `std::thread::sleep`,
//! hashing a big file, waiting on a blocking read), nothing else scheduled on that thread can run.
//! A heartbeat on the same runtime makes that visible: it records when each tick really happened,
//! and a gap between ticks is time the runtime could not run it.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lesson_kit::measure::format_duration;
use lesson_kit::{Timeline, narrate};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

/// A task ticking every `period` on the runtime it was started on.
#[derive(Debug)]
pub struct Heartbeat {
    period: Duration,
    /// How many times it has ticked; other threads may read it while it runs.
    count: Arc<AtomicUsize>,
    /// When each tick ran.
    ticks: Arc<Mutex<Vec<Instant>>>,
    task: JoinHandle<()>,
}

impl Heartbeat {
    /// Starts ticking on the current runtime. It ticks for the first time as soon as it runs.
    pub fn start(period: Duration) -> Heartbeat {
        let count = Arc::new(AtomicUsize::new(0));
        let ticks = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn(beat(period, Arc::clone(&count), Arc::clone(&ticks)));
        Heartbeat {
            period,
            count,
            ticks,
            task,
        }
    }

    /// A handle on the tick count, to read from anywhere, even from another thread.
    pub fn counter(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.count)
    }

    /// Ticks so far.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// Stops the heartbeat and returns when it ticked.
    pub fn stop(self) -> Beats {
        self.task.abort(); // the task never ends by itself
        let ticks = std::mem::take(&mut *self.ticks.lock().unwrap_or_else(PoisonError::into_inner));
        Beats {
            period: self.period,
            ticks,
        }
    }
}

// ANCHOR: beat
async fn beat(period: Duration, count: Arc<AtomicUsize>, ticks: Arc<Mutex<Vec<Instant>>>) {
    let mut interval = tokio::time::interval(period);
    // After a stall, carry on from now rather than firing the missed ticks in a burst.
    interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        interval.tick().await; // the only place this task hands its thread back
        let now = Instant::now();
        ticks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(now);
        count.fetch_add(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: beat

/// When a heartbeat ticked, and what that says about the runtime.
#[derive(Debug, Clone)]
pub struct Beats {
    pub period: Duration,
    pub ticks: Vec<Instant>,
}

impl Beats {
    /// The longest time between two ticks: the period, on a runtime that was never held up.
    pub fn longest_gap(&self) -> Duration {
        self.ticks
            .windows(2)
            .map(|pair| pair[1] - pair[0])
            .max()
            .unwrap_or_default()
    }

    /// Ticks that ran between `start` and `end`.
    pub fn ticks_between(&self, start: Instant, end: Instant) -> usize {
        self.ticks
            .iter()
            .filter(|&&tick| start <= tick && tick <= end)
            .count()
    }

    /// The stretches in which the heartbeat kept time: runs of ticks with no gap longer than
    /// `STALL_PERIODS` periods between them.
    pub fn alive_stretches(&self) -> Vec<(Instant, Instant)> {
        const STALL_PERIODS: u32 = 5;
        let mut stretches: Vec<(Instant, Instant)> = Vec::new();
        for &tick in &self.ticks {
            match stretches.last_mut() {
                Some((_, end)) if tick - *end <= self.period * STALL_PERIODS => *end = tick,
                _ => stretches.push((tick, tick)),
            }
        }
        stretches
    }

    /// Adds the heartbeat to `timeline`, one span per stretch it kept time: the holes are stalls.
    pub fn draw_on(&self, timeline: &Timeline) {
        for (start, end) in self.alive_stretches() {
            // A stretch of one tick still gets a period's width, so it is visible.
            timeline.record("heartbeat", start, end.max(start + self.period));
        }
    }

    /// `longest gap 302 ms (period 10.0 ms)`.
    pub fn summary(&self) -> String {
        format!(
            "longest gap {} between ticks (every {} when all is well)",
            format_duration(self.longest_gap()),
            format_duration(self.period)
        )
    }
}

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
        (self.elapsed.as_secs_f64() / self.beats.period.as_secs_f64()) as usize
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
    async fn on_an_idle_runtime_the_heartbeat_keeps_exact_time() {
        let heartbeat = Heartbeat::start(10 * MS);
        tokio::time::sleep(95 * MS).await;
        let beats = heartbeat.stop();
        // Ticks at 0, 10, ..., 90 ms of the paused clock.
        assert_eq!(beats.ticks.len(), 10);
        assert_eq!(beats.longest_gap(), 10 * MS);
        assert_eq!(beats.alive_stretches().len(), 1);
    }

    #[test]
    fn a_long_gap_splits_the_heartbeat_into_stretches() {
        let origin = Instant::now();
        let at = |ms: u64| origin + Duration::from_millis(ms);
        let beats = Beats {
            period: 10 * MS,
            ticks: vec![at(0), at(10), at(20), at(320), at(330)],
        };
        assert_eq!(beats.longest_gap(), 300 * MS);
        assert_eq!(
            beats.alive_stretches(),
            [(at(0), at(20)), (at(320), at(330))]
        );
        assert_eq!(beats.ticks_between(at(15), at(325)), 2);
    }
}
