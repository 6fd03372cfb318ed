//! A log of what happened and when, shared by the work and whoever watches it.
//!
//! An [`EventLog`] is cheap to clone and safe to share: every clone records into the same list,
//! from any thread or task. Like [`crate::Timeline`], it reads [`tokio::time::Instant`], so on a
//! runtime whose clock is paused the times are exact and the same on every run, and a test can
//! assert them.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::measure::format_duration;

/// What happened, in order, each with its time from the log's creation.
#[derive(Debug, Clone)]
pub struct EventLog {
    origin: Instant,
    events: Arc<Mutex<Vec<(Duration, String)>>>,
}

impl EventLog {
    pub fn new() -> Self {
        EventLog {
            origin: Instant::now(),
            events: Arc::default(),
        }
    }

    pub fn record(&self, what: impl Into<String>) {
        let at = self.origin.elapsed();
        // A panic while the lock was held leaves the list intact: keep using it.
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((at, what.into()));
    }

    /// Every event so far, in the order they happened.
    pub fn events(&self) -> Vec<(Duration, String)> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Just what happened, without the times.
    pub fn what_happened(&self) -> Vec<String> {
        self.events().into_iter().map(|(_, what)| what).collect()
    }

    /// When an event starting with `prefix` happened, if it did.
    pub fn when(&self, prefix: &str) -> Option<Duration> {
        self.events()
            .into_iter()
            .find(|(_, what)| what.starts_with(prefix))
            .map(|(at, _)| at)
    }

    /// Prints every event, a line each: its time, then what happened.
    pub fn print(&self) {
        for (at, what) in self.events() {
            println!("      {:>9}  {what}", format_duration(at));
        }
    }
}

impl Default for EventLog {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[tokio::test(start_paused = true)]
    async fn every_clone_records_into_one_list_with_exact_times() {
        let log = EventLog::new();
        log.record("start");
        let task = tokio::spawn({
            let log = log.clone();
            async move {
                tokio::time::sleep(30 * MS).await;
                log.record("the task woke");
            }
        });
        task.await.expect("the task ran");
        log.record("joined");
        assert_eq!(log.what_happened(), ["start", "the task woke", "joined"]);
        assert_eq!(log.when("the task"), Some(30 * MS));
        assert_eq!(log.when("never"), None);
        assert_eq!(log.events()[0], (Duration::ZERO, "start".to_string()));
    }
}
