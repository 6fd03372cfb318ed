//! A shutdown mistaken for a failure.
//!
//! A supervisor keeps a worker running: when the worker's task fails, it starts a new one. Asked to
//! shut down, it aborts the worker, and then reads the aborted task's `JoinError` as one more
//! failure and starts the worker again. The shutdown signal stays raised, so the new worker is
//! aborted at once, and restarted, and so on: the shutdown is swallowed until the restart budget
//! runs out, and reported as a worker that kept failing. (Without a budget the loop spins forever.)
//!
//! A `JoinError` says which of two things happened: `is_cancelled()`, the task was aborted (often
//! on purpose, by this very code), or `is_panic()`, it failed. Only the second is worth a restart.
//! And the shutdown deserves a branch of its own in the `select!`, listed first under `biased;` so
//! that it wins whenever it is ready, rather than being folded into the errors the loop carries on
//! from.
//!
//! Python has the same pitfall inside the task. Since Python 3.8 `asyncio.CancelledError` is a
//! `BaseException`, so `except Exception` lets a cancellation through; a bare `except:` or `except
//! BaseException` catches it, and the task carries on as if nothing had happened. A Rust task
//! cannot catch its abort, so the mistake moves to whoever awaits it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Result;
use lesson_kit::measure::format_duration;
use lesson_kit::narrate::{self, panic_message};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

/// What happened and when, in order: shared by the supervisor, its workers and the demo.
#[derive(Debug, Clone)]
pub struct Log {
    origin: Instant,
    events: Arc<Mutex<Vec<(Duration, String)>>>,
}

impl Log {
    pub fn new() -> Self {
        Log {
            origin: Instant::now(),
            events: Arc::default(),
        }
    }

    pub fn record(&self, what: impl Into<String>) {
        let at = self.origin.elapsed();
        // A panic while the lock was held leaves the list intact: keep using it.
        let mut events = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        events.push((at, what.into()));
    }

    pub fn events(&self) -> Vec<(Duration, String)> {
        let events = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        events.clone()
    }

    /// How many workers were started after the shutdown was asked for.
    pub fn started_after_shutdown(&self) -> usize {
        let events = self.events();
        let after = events.iter().skip_while(|(_, what)| what != SHUTDOWN_ASKED);
        after
            .filter(|(_, what)| what.starts_with("starting worker"))
            .count()
    }

    fn print(&self) {
        for (at, what) in self.events() {
            println!("      {:>9}  {what}", format_duration(at));
        }
    }
}

impl Default for Log {
    fn default() -> Self {
        Self::new()
    }
}

/// The entry the demo logs when it asks for shutdown.
pub const SHUTDOWN_ASKED: &str = "shutdown asked for";

/// How a supervisor ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// The worker did all its jobs.
    Finished,
    /// It stopped because it was asked to.
    ShutDown,
    /// It gave up on a worker that kept failing: `failures` of them in a row.
    GaveUp { failures: usize },
}

impl Stopped {
    /// How the supervisor ended, in words.
    pub fn describe(self) -> String {
        match self {
            Stopped::Finished => "the worker finished its jobs".to_string(),
            Stopped::ShutDown => "shut down when asked".to_string(),
            Stopped::GaveUp { failures } => {
                format!("gave up on a worker that failed {failures} times in a row")
            }
        }
    }
}

/// How many jobs the worker has to do.
pub const JOBS: usize = 10;

/// The supervised work: [`JOBS`] jobs, one every `job_time`. Its first run has a bug that panics
/// on its third job, so there is a real failure to restart.
pub async fn worker(run: usize, job_time: Duration, log: Log) {
    for job in 1..=JOBS {
        sleep(job_time).await;
        if run == 1 && job == 3 {
            panic!("worker 1 hit a bug on job 3");
        }
        log.record(format!("worker {run}: job {job} done"));
    }
}

/// Starts worker number `run` as a task of its own.
fn start_worker(run: usize, job_time: Duration, log: &Log) -> JoinHandle<()> {
    log.record(format!("starting worker {run}"));
    tokio::spawn(worker(run, job_time, log.clone()))
}

// ANCHOR: swallowing
/// Keeps a worker running, starting it again each time its task ends in an error, at most
/// `restarts` times. On shutdown it aborts the worker... and takes the abort for a failure.
pub async fn supervise_swallowing(
    shutdown: CancellationToken,
    restarts: usize,
    job_time: Duration,
    log: Log,
) -> Stopped {
    for run in 1..=restarts + 1 {
        let mut worker = start_worker(run, job_time, &log);
        let outcome = tokio::select! {
            outcome = &mut worker => outcome,
            () = shutdown.cancelled() => {
                worker.abort();
                worker.await // Err(JoinError), cancelled: handled below like any failure
            }
        };
        match outcome {
            Ok(()) => return Stopped::Finished,
            Err(error) => log.record(format!("worker {run} failed ({error}): restarting")),
        }
    }
    Stopped::GaveUp {
        failures: restarts + 1,
    }
}
// ANCHOR_END: swallowing

// ANCHOR: telling_apart
/// The same supervisor, telling a shutdown from a failure.
pub async fn supervise(
    shutdown: CancellationToken,
    restarts: usize,
    job_time: Duration,
    log: Log,
) -> Result<Stopped> {
    for run in 1..=restarts + 1 {
        let mut worker = start_worker(run, job_time, &log);
        let outcome = tokio::select! {
            biased; // checked in this order, so a shutdown wins whenever it is ready
            () = shutdown.cancelled() => {
                worker.abort();
                let _ = worker.await; // waits until it is gone; Err(cancelled) is what we asked for
                log.record("worker stopped: supervisor done");
                return Ok(Stopped::ShutDown);
            }
            outcome = &mut worker => outcome,
        };
        match outcome {
            Ok(()) => return Ok(Stopped::Finished),
            Err(error) if error.is_panic() => {
                let message = panic_message(&*error.into_panic());
                log.record(format!("worker {run} panicked ({message}): restarting"));
            }
            // Aborted, but not by this supervisor: the runtime is shutting down. Not a failure.
            Err(error) if error.is_cancelled() => return Ok(Stopped::ShutDown),
            Err(error) => return Err(error.into()),
        }
    }
    Ok(Stopped::GaveUp {
        failures: restarts + 1,
    })
}
// ANCHOR_END: telling_apart

/// Runs a supervisor, asks it to shut down after `run_for`, and returns how it ended.
pub async fn shut_down_after<F>(
    run_for: Duration,
    log: &Log,
    supervisor: impl FnOnce(CancellationToken, Log) -> F,
) -> F::Output
where
    F: Future,
{
    let shutdown = CancellationToken::new();
    let trigger = shutdown.clone();
    let asking = log.clone();
    // Another task asks for shutdown, as a signal handler or an admin command would.
    tokio::spawn(async move {
        sleep(run_for).await;
        asking.record(SHUTDOWN_ASKED);
        trigger.cancel();
    });
    supervisor(shutdown, log.clone()).await
}

pub async fn demo(job_time: Duration) -> Result<()> {
    narrate::claim(
        "A supervisor that restarts its worker on any JoinError restarts it after a shutdown \
         too, since the abort is an error as well: the shutdown is swallowed and reported as a \
         worker that kept failing. Telling is_cancelled() from is_panic(), with shutdown in a \
         select! branch of its own, stops at once and still restarts a worker that panics.",
    );
    narrate::python(
        "since Python 3.8 asyncio.CancelledError is a BaseException, so `except Exception` \
         lets a cancellation through, but a bare `except:` or `except BaseException` swallows \
         it, and the cancelled task carries on as if nothing had happened \
         (`python3 bench/python/asyncio_semantics.py` checks both on your Python). A Rust task \
         cannot catch its abort; the mistake moves to the code that awaits it.",
    );
    let restarts = 3;
    // Worker 1 panics at 3 jobs' time; worker 2, started then, is half-way through its second job.
    let run_for = job_time * 9 / 2;
    narrate::say(&format!(
        "A worker does {JOBS} jobs, one every {}; its first run panics on job 3. The supervisor \
         may restart it {restarts} times, and shutdown is asked for after {}. Watch stderr for \
         the panic's trace.",
        format_duration(job_time),
        format_duration(run_for),
    ));
    narrate::code(include_str!("shutdown_as_failure.rs"), "swallowing");
    let log = Log::new();
    let stopped = shut_down_after(run_for, &log, |shutdown, log| {
        supervise_swallowing(shutdown, restarts, job_time, log)
    })
    .await;
    log.print();
    narrate::result(
        "any error restarts: workers started after the shutdown",
        log.started_after_shutdown(),
    );
    narrate::result("any error restarts: how it ended", stopped.describe());

    narrate::code(include_str!("shutdown_as_failure.rs"), "telling_apart");
    let log = Log::new();
    let stopped = shut_down_after(run_for, &log, |shutdown, log| {
        supervise(shutdown, restarts, job_time, log)
    })
    .await?;
    log.print();
    narrate::result(
        "telling them apart: workers started after the shutdown",
        log.started_after_shutdown(),
    );
    narrate::result("telling them apart: how it ended", stopped.describe());
    narrate::say(
        "Without a restart budget, the first supervisor would start and abort workers for \
         ever, as fast as the thread allows, with the shutdown long since asked for.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    //! On the paused clock the story is exact.
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn what_happened(log: &Log) -> Vec<String> {
        log.events().into_iter().map(|(_, what)| what).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn taking_the_abort_for_a_failure_swallows_the_shutdown() {
        let log = Log::new();
        let stopped = shut_down_after(450 * MS, &log, |shutdown, log| {
            supervise_swallowing(shutdown, 3, 100 * MS, log)
        })
        .await;
        assert_eq!(stopped, Stopped::GaveUp { failures: 4 });
        // Workers 3 and 4 were started after the shutdown, and aborted as soon as started.
        assert_eq!(log.started_after_shutdown(), 2, "{:?}", what_happened(&log));
        let aborts_taken_for_failures = what_happened(&log)
            .iter()
            .filter(|what| what.contains("was cancelled"))
            .count();
        assert_eq!(aborts_taken_for_failures, 3, "{:?}", what_happened(&log));
    }

    #[tokio::test(start_paused = true)]
    async fn telling_them_apart_stops_at_the_shutdown_and_restarts_a_panic() {
        let log = Log::new();
        let stopped = shut_down_after(450 * MS, &log, |shutdown, log| {
            supervise(shutdown, 3, 100 * MS, log)
        })
        .await
        .expect("no other kind of JoinError");
        assert_eq!(stopped, Stopped::ShutDown);
        assert_eq!(log.started_after_shutdown(), 0);
        assert_eq!(
            what_happened(&log),
            [
                "starting worker 1",
                "worker 1: job 1 done",
                "worker 1: job 2 done",
                "worker 1 panicked (worker 1 hit a bug on job 3): restarting",
                "starting worker 2",
                "worker 2: job 1 done",
                SHUTDOWN_ASKED,
                "worker stopped: supervisor done",
            ]
        );
        let stopped_at = log.events().last().map(|(at, _)| *at);
        assert_eq!(stopped_at, Some(450 * MS), "stopped at the shutdown");
    }

    #[tokio::test(start_paused = true)]
    async fn a_worker_that_keeps_panicking_uses_up_the_budget() {
        // Restarting only panics still gives up on a worker that fails every time: here the
        // budget allows no restart, and the first run panics.
        let log = Log::new();
        let stopped = shut_down_after(450 * MS, &log, |shutdown, log| {
            supervise(shutdown, 0, 100 * MS, log)
        })
        .await
        .expect("no other kind of JoinError");
        assert_eq!(stopped, Stopped::GaveUp { failures: 1 });
    }
}
