//! Cancelling is dropping the future, and cleanup lives in `Drop`.
//!
//! A future makes progress only while something polls it. To cancel it, stop polling it and drop
//! it: that is all `timeout` does when the limit passes, and all `select!` does to the branches
//! that lost. The future stops at the `.await` where it was waiting and never runs another line.
//! `JoinHandle::abort` asks the runtime to do the same to a task: it drops the task where it waits,
//! on its next turn, or, if the task is running at that moment, when it next yields at an
//! `.await` that has to wait. Python's asyncio instead throws `CancelledError` into the coroutine,
//! which may catch it and carry on; a Rust future gets no say.
//!
//! What does run is `Drop`: every value the future was holding is dropped, in the usual order. So
//! cleanup that must happen however the work ends (finished, failed with `?`, panicked or
//! cancelled) belongs in the `Drop` of a guard value, which is Rust's `try/finally`. One limit:
//! `drop` is not async, so it cannot `.await`; cleanup that needs I/O is either done without
//! awaiting or handed to a task spawned from `drop`.
//!
//! Dropping reaches the network too, one step removed. The request only borrows a connection from
//! the client's pool; the socket belongs to a task the client spawned to drive it. When the request
//! is dropped before its answer, that task sees nobody waits for it and closes the HTTP/1.1
//! connection, so the server sees the client leave at that moment, not when its answer would have
//! been ready.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use lesson_kit::http::get_status;
use lesson_kit::measure::format_duration;
use lesson_kit::{LocalServer, ServerConfig, Versus, narrate};
use reqwest::Client;
use tokio::time::{Instant, timeout};

use crate::Settings;

/// A list of what happened and when (measured from the log's creation), shared by the work and
/// whoever watches it.
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

    fn print(&self) {
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

// ANCHOR: cleanup_guard
/// Removes a temporary file when dropped, however its owner ends: finished, returned early with
/// `?`, panicked, or cancelled. Python's `try: ... finally: os.remove(path)`, attached to a value.
pub struct TemporaryFile {
    log: EventLog,
}

impl TemporaryFile {
    pub fn create(log: &EventLog) -> Self {
        log.record("temporary file created");
        TemporaryFile { log: log.clone() }
    }
}

impl Drop for TemporaryFile {
    fn drop(&mut self) {
        // Real code would call std::fs::remove_file here; Drop cannot .await.
        self.log.record("cleanup: temporary file removed");
    }
}
// ANCHOR_END: cleanup_guard

// ANCHOR: upload
/// Uploads `parts` parts, each taking `part_time`, keeping a temporary file while it works.
pub async fn upload(log: EventLog, parts: u32, part_time: Duration) {
    let _file = TemporaryFile::create(&log); // dropped when this future ends, however it ends
    for part in 1..=parts {
        tokio::time::sleep(part_time).await; // each .await is a point where it can be cancelled
        log.record(format!("part {part} of {parts} sent"));
    }
    log.record("upload finished");
}
// ANCHOR_END: upload

/// The upload stopped by `timeout` after `limit`.
pub async fn upload_under_timeout(
    log: &EventLog,
    parts: u32,
    part_time: Duration,
    limit: Duration,
) {
    // ANCHOR: cancel_by_timeout
    match timeout(limit, upload(log.clone(), parts, part_time)).await {
        Ok(()) => log.record("timeout: the upload finished in time"),
        Err(_elapsed) => log.record("timeout: limit reached, upload dropped"),
    }
    // ANCHOR_END: cancel_by_timeout
}

/// The upload spawned as a task, then aborted after `run_for`.
pub async fn upload_then_abort(log: &EventLog, parts: u32, part_time: Duration, run_for: Duration) {
    // ANCHOR: cancel_by_abort
    let task = tokio::spawn(upload(log.clone(), parts, part_time));
    tokio::time::sleep(run_for).await;
    task.abort(); // asks the runtime to drop the task; it returns before that has happened
    log.record("abort() called");
    match task.await {
        // Awaiting the handle waits until the task is gone, its cleanup done.
        Err(error) if error.is_cancelled() => log.record("task.await: Err(cancelled)"),
        Err(error) => log.record(format!("task.await: it failed: {error}")),
        Ok(()) => log.record("task.await: it finished before abort"),
    }
    // ANCHOR_END: cancel_by_abort
}

pub async fn demo(settings: &Settings) -> Result<()> {
    narrate::claim(
        "A cancelled future stops at the .await it was waiting on and never runs another line, \
         but everything it held is dropped, so a Drop guard's cleanup always runs.",
    );
    narrate::python(
        "try/finally (or `async with`) around the work; task.cancel() is JoinHandle::abort(). \
         Python raises CancelledError inside the coroutine; Rust just stops polling and drops it.",
    );
    let (parts, part) = (4, settings.step);
    let stop_after = part * 5 / 2; // in the middle of part 3
    narrate::code(include_str!("cancel.rs"), "cleanup_guard");
    narrate::code(include_str!("cancel.rs"), "upload");

    narrate::say(&format!(
        "The upload needs {} ({parts} parts of {}); a time-out stops it after {}:",
        format_duration(part * parts),
        format_duration(part),
        format_duration(stop_after)
    ));
    narrate::code(include_str!("cancel.rs"), "cancel_by_timeout");
    let log = EventLog::new();
    upload_under_timeout(&log, parts, part, stop_after).await;
    log.print();
    narrate::result("cleanup ran at", cleanup_time(&log, "cleanup", stop_after)?);

    narrate::say("The same upload as a task of its own, stopped with abort():");
    narrate::code(include_str!("cancel.rs"), "cancel_by_abort");
    let log = EventLog::new();
    upload_then_abort(&log, parts, part, stop_after).await;
    log.print();
    let aborted = log.when("abort").context("the abort was not logged")?;
    let cleaned = log.when("cleanup").context("the cleanup did not run")?;
    narrate::result(
        "from abort() to cleanup",
        format_duration(cleaned.saturating_sub(aborted)),
    );
    narrate::say(
        "abort() only asks. The runtime drops a waiting task where it waits, on its next turn; \
         a running one when it next yields at an .await that has to wait, so a task stuck in a \
         long computation or a blocking call runs on until then, and spawn_blocking work \
         cannot be aborted at all. A task that finishes first reports success. And dropping a \
         JoinHandle does not cancel anything: the task runs on, detached.",
    );

    dropping_reaches_the_server(settings).await
}

/// When the cleanup ran, beside when it should have: the moment the work was stopped.
fn cleanup_time(log: &EventLog, prefix: &str, expected: Duration) -> Result<Versus> {
    let at = log
        .when(prefix)
        .context("the cleanup did not run: a bug in this lesson")?;
    Ok(Versus::new(at, expected))
}

/// Times out a slow request and asks the server when the request left it.
async fn dropping_reaches_the_server(settings: &Settings) -> Result<()> {
    let server = LocalServer::start(ServerConfig::default())?;
    let client = Client::new();
    let answer_due = settings.step * 20;
    let limit = settings.step;
    let url = server.url(&format!("/delay/{}", answer_due.as_millis()));
    narrate::say(&format!(
        "Dropping reaches the network too. A GET whose answer is due after {}, under a limit \
         of {}; then the server's count of requests in flight:",
        format_duration(answer_due),
        format_duration(limit)
    ));
    let started = Instant::now();
    let outcome = timeout(limit, get_status(&client, &url)).await;
    if outcome.is_ok() {
        bail!("the slow request answered before its time-out: a bug in this lesson");
    }
    // Waits for the server to notice; bounded so a server that never notices cannot hang us.
    let noticed = timeout(answer_due, server.wait_until(|stats| stats.in_flight == 0)).await;
    let left_at = started.elapsed();
    if noticed.is_err() {
        narrate::result(
            "the server still holds the request",
            "its handler was not cancelled",
        );
        return Ok(());
    }
    narrate::result(
        "the server saw the client leave after",
        format!(
            "{} (its answer was due at {}): {}",
            format_duration(left_at),
            format_duration(answer_due),
            Versus::new(left_at, limit)
        ),
    );
    narrate::say(
        "The request only borrowed its connection; the socket belongs to a task the client \
         spawned to drive it. That task saw nobody waiting for the answer any more and closed \
         the HTTP/1.1 connection, and the server dropped its own handler in turn: cancellation \
         travelled to the other side.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    //! On the paused clock the story and its times are exact.
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[tokio::test(start_paused = true)]
    async fn a_timeout_drops_the_upload_and_the_cleanup_runs() {
        let log = EventLog::new();
        upload_under_timeout(&log, 4, 100 * MS, 250 * MS).await;
        assert_eq!(
            log.what_happened(),
            [
                "temporary file created",
                "part 1 of 4 sent",
                "part 2 of 4 sent",
                "cleanup: temporary file removed",
                "timeout: limit reached, upload dropped",
            ]
        );
        assert_eq!(log.when("cleanup"), Some(250 * MS));
    }

    #[tokio::test(start_paused = true)]
    async fn an_upload_in_time_cleans_up_too() {
        let log = EventLog::new();
        upload_under_timeout(&log, 2, 100 * MS, 250 * MS).await;
        let events = log.what_happened();
        assert_eq!(events[3], "upload finished");
        assert_eq!(events[4], "cleanup: temporary file removed");
        assert_eq!(events[5], "timeout: the upload finished in time");
        assert_eq!(log.when("cleanup"), Some(200 * MS));
    }

    #[tokio::test(start_paused = true)]
    async fn abort_cancels_the_task_and_its_cleanup_runs() {
        let log = EventLog::new();
        upload_then_abort(&log, 4, 100 * MS, 250 * MS).await;
        let events = log.what_happened();
        assert!(
            !events.contains(&"upload finished".to_string()),
            "{events:?}"
        );
        assert!(
            events.contains(&"part 2 of 4 sent".to_string()),
            "{events:?}"
        );
        assert!(
            !events.contains(&"part 3 of 4 sent".to_string()),
            "{events:?}"
        );
        assert_eq!(
            events.last().map(String::as_str),
            Some("task.await: Err(cancelled)")
        );
        assert_eq!(log.when("cleanup"), Some(250 * MS));
    }

    #[tokio::test]
    async fn a_dropped_request_leaves_the_server_at_once() {
        // Real sockets, real time: the check is the server's counter, with a wide margin.
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let client = Client::new();
        // Boxed, so that it can be dropped by hand once the server holds it.
        let url = server.url("/delay/60000");
        let mut request = Box::pin(get_status(&client, &url));
        tokio::select! {
            _ = &mut request => panic!("the server answered a 60 s delay"),
            _ = server.wait_until(|stats| stats.in_flight == 1) => {}
        }
        drop(request);
        let left = timeout(
            Duration::from_secs(30),
            server.wait_until(|stats| stats.in_flight == 0),
        )
        .await;
        assert!(left.is_ok(), "the server still holds the request");
        assert_eq!(server.stats().completed, 0);
    }
}
