//! A heartbeat: a task that should tick every few milliseconds, and records when it really did.
//!
//! A runtime runs its tasks in turns on its worker threads; a task hands the thread back at each
//! `.await`. So while one task holds a thread without awaiting (sleeping with `std::thread::sleep`,
//! hashing a big file, parsing a big document), nothing else scheduled on that thread can run. A
//! heartbeat on the same runtime makes that visible: a gap between its ticks is time the runtime
//! could not run it. lesson-blocking and lesson-pitfalls measure their stalls with it.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use crate::Timeline;
use crate::measure::format_duration;

/// A task ticking every `period` on the runtime it was started on. Stopped by [`stop`](Self::stop),
/// or when dropped.
#[derive(Debug)]
pub struct Heartbeat {
    period: Duration,
    /// When each tick ran. Shared with the task, which adds to it; its length is the tick count.
    ticks: Arc<Mutex<Vec<Instant>>>,
    task: JoinHandle<()>,
}

impl Heartbeat {
    /// Starts ticking on the current runtime. It ticks for the first time as soon as it runs.
    pub fn start(period: Duration) -> Heartbeat {
        let ticks = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn(beat(period, Arc::clone(&ticks)));
        Heartbeat {
            period,
            ticks,
            task,
        }
    }

    /// Ticks so far. (A `Heartbeat` is `Sync`: share it in an `Arc` to count from another thread.)
    pub fn count(&self) -> usize {
        lock(&self.ticks).len()
    }

    /// Stops the heartbeat and returns when it ticked.
    pub fn stop(self) -> Beats {
        self.task.abort(); // the task never ends by itself
        Beats {
            period: self.period,
            ticks: std::mem::take(&mut *lock(&self.ticks)),
        }
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        // A dropped JoinHandle would leave the task ticking for as long as the runtime lives.
        self.task.abort();
    }
}

// ANCHOR: beat
async fn beat(period: Duration, ticks: Arc<Mutex<Vec<Instant>>>) {
    let mut interval = tokio::time::interval(period);
    // After a stall, carry on from now rather than firing the missed ticks in a burst.
    interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        interval.tick().await; // the only place this task hands its thread back
        lock(&ticks).push(Instant::now());
    }
}
// ANCHOR_END: beat

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while the lock was held leaves the list of ticks intact: keep using it.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

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

    /// `longest gap 302 ms between ticks (every 10.0 ms when all is well)`.
    pub fn summary(&self) -> String {
        format!(
            "longest gap {} between ticks (every {} when all is well)",
            format_duration(self.longest_gap()),
            format_duration(self.period)
        )
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
        assert_eq!(heartbeat.count(), 10);
        let beats = heartbeat.stop();
        // Ticks at 0, 10, ..., 90 ms of the paused clock.
        assert_eq!(beats.ticks.len(), 10);
        assert_eq!(beats.longest_gap(), 10 * MS);
        assert_eq!(beats.alive_stretches().len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stopped_or_dropped_heartbeat_ticks_no_more() {
        let heartbeat = Heartbeat::start(MS);
        let ticks = Arc::clone(&heartbeat.ticks);
        tokio::time::sleep(5 * MS).await;
        drop(heartbeat);
        let when_dropped = lock(&ticks).len();
        tokio::time::sleep(5 * MS).await;
        assert_eq!(lock(&ticks).len(), when_dropped);
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
