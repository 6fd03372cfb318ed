//! `select!` against a deadline or a shutdown signal, and shutting down many workers.
//!
//! `tokio::select!` polls several futures at once and runs the branch of whichever finishes first;
//! the others are dropped, which ([`crate::cancel`]) cancels them. Racing work against
//! `sleep_until(deadline)` is a time-out; racing it against a shutdown signal is how a program
//! stops work it no longer wants.
//!
//! The signal here is a `tokio_util::sync::CancellationToken`: clones of one token are handed out,
//! `cancel()` on any of them wakes every `cancelled()` future. (A `tokio::sync::watch` channel
//! holding a `bool` does the same job with only tokio; the token adds child tokens for trees of
//! tasks.) A graceful shutdown then has three rules, all visible in `worker` below:
//! 1. take no new work once shutdown is asked for;
//! 2. give the work in hand a grace period to finish, and hand it back unfinished after that;
//! 3. send every result out as soon as it exists, so stopping never loses what was already done.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Result;
use lesson_kit::measure::format_duration;
use lesson_kit::{Timeline, Versus, narrate};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep, sleep_until, timeout};
use tokio_util::sync::CancellationToken;

use crate::Settings;

/// How a piece of work raced against a deadline and a shutdown signal ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending<T> {
    Finished(T),
    DeadlinePassed,
    ShutDown,
}

// ANCHOR: race
/// Runs `work` until it finishes, the deadline passes, or shutdown is asked for.
pub async fn work_until<T>(
    work: impl Future<Output = T>,
    deadline: Instant,
    shutdown: &CancellationToken,
) -> Ending<T> {
    tokio::select! {
        output = work => Ending::Finished(output),
        () = sleep_until(deadline) => Ending::DeadlinePassed,
        () = shutdown.cancelled() => Ending::ShutDown,
    }
    // Whichever branch won, the other two futures are dropped here: the work is cancelled.
}
// ANCHOR_END: race

/// One unit of work for the workers: it takes `duration` (a sleep standing in for real work).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    pub id: usize,
    pub duration: Duration,
}

/// `count` jobs taking 1, 4, 3 or 2 times `unit`, in a fixed pattern, so every run is the same.
pub fn jobs(count: usize, unit: Duration) -> Vec<Job> {
    (0..count)
        .map(|id| Job {
            id,
            duration: unit * (1 + (id as u32 * 3) % 4),
        })
        .collect()
}

/// The jobs not yet taken, shared by every worker. A std `Mutex` is the right lock here: it is
/// held only for a `pop_front`, never across an `.await`.
#[derive(Debug, Clone)]
pub struct JobQueue(Arc<Mutex<VecDeque<Job>>>);

impl JobQueue {
    pub fn new(jobs: Vec<Job>) -> Self {
        JobQueue(Arc::new(Mutex::new(jobs.into())))
    }

    pub fn take(&self) -> Option<Job> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
    }

    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a worker reports about each job it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub job: Job,
    pub worker: String,
    pub started: Instant,
    pub ended: Instant,
    /// False when the job was still unfinished at the end of the grace period: it is handed back,
    /// to be retried later.
    pub finished: bool,
}

// ANCHOR: worker
pub async fn worker(
    name: String,
    queue: JobQueue,
    shutdown: CancellationToken,
    grace: Duration,
    outcomes: mpsc::UnboundedSender<Outcome>,
) {
    // Rule 1: take no new job once shutdown is asked for.
    while !shutdown.is_cancelled() {
        let Some(job) = queue.take() else { break };
        let started = Instant::now();
        let work = sleep(job.duration); // stands in for the job's real work
        tokio::pin!(work); // pinned, so that select! can poll it without using it up
        let finished = tokio::select! {
            () = &mut work => true,
            // Rule 2: shutdown arrived mid-job; the job gets the grace period to finish.
            () = shutdown.cancelled() => timeout(grace, &mut work).await.is_ok(),
        };
        let ended = Instant::now();
        let outcome = Outcome {
            job,
            worker: name.clone(),
            started,
            ended,
            finished,
        };
        // Rule 3: report at once. The receiver outlives the workers; if it were gone, stop.
        if outcomes.send(outcome).is_err() {
            break;
        }
    }
}
// ANCHOR_END: worker

/// What came of shutting the workers down part-way through the jobs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShutdownReport {
    pub jobs: usize,
    pub done_before_signal: Vec<usize>,
    pub done_in_grace: Vec<usize>,
    pub handed_back: Vec<usize>,
    pub never_started: usize,
    /// From the signal until the last worker stopped.
    pub stopped_after: Duration,
    /// The soonest the last worker could have stopped: each job in hand at the signal either
    /// finishes or uses up the grace period, whichever is sooner.
    pub ideal_stop: Duration,
}

impl ShutdownReport {
    /// Every job is accounted for exactly once: nothing was lost.
    pub fn accounts_for_every_job(&self) -> bool {
        self.done_before_signal.len()
            + self.done_in_grace.len()
            + self.handed_back.len()
            + self.never_started
            == self.jobs
    }

    fn add(&mut self, outcome: &Outcome, signalled: Instant, grace: Duration) {
        let id = outcome.job.id;
        if !outcome.finished {
            self.handed_back.push(id);
        } else if outcome.ended <= signalled {
            self.done_before_signal.push(id);
        } else {
            self.done_in_grace.push(id);
        }
        if outcome.started <= signalled {
            let due = outcome.started + outcome.job.duration;
            let needed = due.saturating_duration_since(signalled).min(grace);
            self.ideal_stop = self.ideal_stop.max(needed);
        }
    }
}

/// Runs `jobs` on `workers` workers, asks them to shut down after `run_for`, waits for them all to
/// stop, and accounts for every job. Each job becomes a span of `timeline`.
pub async fn run_then_shut_down(
    jobs: Vec<Job>,
    workers: usize,
    run_for: Duration,
    grace: Duration,
    timeline: &Timeline,
) -> Result<ShutdownReport> {
    let total = jobs.len();
    // ANCHOR: shut_down
    let queue = JobQueue::new(jobs);
    let shutdown = CancellationToken::new();
    let (outcomes_tx, mut outcomes) = mpsc::unbounded_channel();
    let mut tasks = JoinSet::new();
    for number in 1..=workers {
        let name = format!("w{number}");
        let (queue, token, tx) = (queue.clone(), shutdown.clone(), outcomes_tx.clone());
        tasks.spawn(worker(name, queue, token, grace, tx));
    }
    drop(outcomes_tx); // the workers hold the only senders now

    sleep(run_for).await; // in a server: until Ctrl-C, or a "stop" message
    let signalled = Instant::now();
    shutdown.cancel(); // wakes every worker's `shutdown.cancelled()`
    while let Some(stopped) = tasks.join_next().await {
        stopped?; // a worker that panicked is an error worth reporting, not ignoring
    }
    let stopped_after = signalled.elapsed();
    // ANCHOR_END: shut_down
    timeline.record("shutdown → stopped", signalled, signalled + stopped_after);

    let mut report = ShutdownReport {
        jobs: total,
        never_started: queue.len(),
        stopped_after,
        ..ShutdownReport::default()
    };
    // Every sender is gone, so this drains what was sent and then ends.
    while let Some(outcome) = outcomes.recv().await {
        report.add(&outcome, signalled, grace);
        let back = if outcome.finished { "" } else { " (back)" };
        let label = format!("{} job {}{back}", outcome.worker, outcome.job.id);
        timeline.record(label, outcome.started, outcome.ended);
    }
    Ok(report)
}

pub async fn demo(settings: &Settings) -> Result<()> {
    narrate::claim(
        "select! stops work at a deadline or at a shutdown signal, whichever comes first; many \
         workers shut down within a grace period, and every job is accounted for: done, handed \
         back, or never started.",
    );
    narrate::python(
        "asyncio.wait(..., return_when=FIRST_COMPLETED) for the race; an asyncio.Event set on \
         shutdown and checked by each worker, with asyncio.wait_for(..., grace) to drain.",
    );
    narrate::code(include_str!("shutdown.rs"), "race");
    let unit = settings.job_time;
    let races = [
        ("work 1 unit, deadline at 3", unit, None, unit),
        ("work 5 units, deadline at 3", unit * 5, None, unit * 3),
        (
            "work 5, deadline 3, shutdown at 1",
            unit * 5,
            Some(unit),
            unit,
        ),
    ];
    for (label, work_time, shutdown_after, ideal) in races {
        let shutdown = CancellationToken::new();
        if let Some(after) = shutdown_after {
            let token = shutdown.clone();
            // Another task asks for shutdown, as a signal handler or an admin command would.
            tokio::spawn(async move {
                sleep(after).await;
                token.cancel();
            });
        }
        let started = Instant::now();
        let ending = work_until(sleep(work_time), started + unit * 3, &shutdown).await;
        let elapsed = started.elapsed();
        narrate::result(
            &format!("{label} ({} a unit)", format_duration(unit)),
            format!("{ending:?} — {}", Versus::new(elapsed, ideal)),
        );
    }

    let jobs = jobs(settings.workers * 6, unit);
    narrate::say(&format!(
        "Now {} workers share {} jobs of 1 to 4 units. After {} the program asks them to stop, \
         with a grace period of {}. Each worker:",
        settings.workers,
        jobs.len(),
        format_duration(settings.run_for),
        format_duration(settings.grace),
    ));
    narrate::code(include_str!("shutdown.rs"), "worker");
    narrate::say("And the program that starts them, then stops them:");
    narrate::code(include_str!("shutdown.rs"), "shut_down");
    let timeline = Timeline::new();
    let report = run_then_shut_down(
        jobs,
        settings.workers,
        settings.run_for,
        settings.grace,
        &timeline,
    )
    .await?;
    narrate::result("done before the signal", report.done_before_signal.len());
    narrate::result(
        "finished within the grace period",
        report.done_in_grace.len(),
    );
    narrate::result(
        "handed back unfinished (to retry later)",
        report.handed_back.len(),
    );
    narrate::result("never started (still queued)", report.never_started);
    narrate::result(
        "every job accounted for",
        if report.accounts_for_every_job() {
            format!("yes, all {}", report.jobs)
        } else {
            format!("NO: some of the {} jobs are missing", report.jobs)
        },
    );
    narrate::result(
        "all workers stopped after the signal",
        Versus::new(report.stopped_after, report.ideal_stop),
    );
    narrate::say(&format!(
        "The ideal is how long the jobs in hand still needed, capped by the grace period ({}).",
        format_duration(settings.grace)
    ));
    timeline.print();
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The races and the shutdown are timing logic: on the paused clock they are exact.
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[tokio::test(start_paused = true)]
    async fn work_that_finishes_first_wins() {
        let no_shutdown = CancellationToken::new();
        let started = Instant::now();
        let ending = work_until(sleep(100 * MS), started + 300 * MS, &no_shutdown);
        assert_eq!(ending.await, Ending::Finished(()));
        assert_eq!(started.elapsed(), 100 * MS);
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_stops_slow_work() {
        let no_shutdown = CancellationToken::new();
        let started = Instant::now();
        let ending = work_until(sleep(500 * MS), started + 300 * MS, &no_shutdown);
        assert_eq!(ending.await, Ending::DeadlinePassed);
        assert_eq!(started.elapsed(), 300 * MS);
    }

    #[tokio::test(start_paused = true)]
    async fn a_shutdown_signal_stops_work_at_once() {
        let shutdown = CancellationToken::new();
        let token = shutdown.clone();
        tokio::spawn(async move {
            sleep(100 * MS).await;
            token.cancel();
        });
        let started = Instant::now();
        let ending = work_until(sleep(500 * MS), started + 300 * MS, &shutdown).await;
        assert_eq!(ending, Ending::ShutDown);
        assert_eq!(started.elapsed(), 100 * MS);
    }

    fn job(id: usize, ms: u32) -> Job {
        Job {
            id,
            duration: ms * MS,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_job_too_long_for_the_grace_period_is_handed_back() {
        // One worker: job 0 is done at 100 ms; job 1 (100 → 400 ms) is in hand at the signal
        // (250 ms) and the grace period (100 ms) ends first; job 2 never starts.
        let jobs = vec![job(0, 100), job(1, 300), job(2, 100)];
        let report = run_then_shut_down(jobs, 1, 250 * MS, 100 * MS, &Timeline::new())
            .await
            .expect("no worker panics");
        assert_eq!(report.done_before_signal, [0]);
        assert_eq!(report.done_in_grace, Vec::<usize>::new());
        assert_eq!(report.handed_back, [1]);
        assert_eq!(report.never_started, 1);
        assert_eq!(report.stopped_after, 100 * MS);
        assert_eq!(report.ideal_stop, 100 * MS);
        assert!(report.accounts_for_every_job());
    }

    #[tokio::test(start_paused = true)]
    async fn a_job_that_fits_the_grace_period_is_finished() {
        let jobs = vec![job(0, 100), job(1, 300), job(2, 100)];
        let report = run_then_shut_down(jobs, 1, 250 * MS, 200 * MS, &Timeline::new())
            .await
            .expect("no worker panics");
        assert_eq!(report.done_in_grace, [1]);
        assert_eq!(report.handed_back, Vec::<usize>::new());
        assert_eq!(report.never_started, 1);
        assert_eq!(report.stopped_after, 150 * MS);
        assert_eq!(report.ideal_stop, 150 * MS);
    }

    #[tokio::test(start_paused = true)]
    async fn many_workers_account_for_every_job() {
        let report =
            run_then_shut_down(jobs(24, 100 * MS), 4, 650 * MS, 150 * MS, &Timeline::new())
                .await
                .expect("no worker panics");
        assert!(report.accounts_for_every_job(), "{report:?}");
        assert!(report.stopped_after <= 150 * MS, "{report:?}");
        assert_eq!(report.stopped_after, report.ideal_stop, "{report:?}");
        assert!(!report.done_before_signal.is_empty(), "{report:?}");
        assert!(report.never_started > 0, "{report:?}");
        // Each worker had at most one job in hand at the signal.
        assert!(
            report.done_in_grace.len() + report.handed_back.len() <= 4,
            "{report:?}"
        );
    }

    #[test]
    fn jobs_follow_a_fixed_pattern() {
        let durations: Vec<u128> = jobs(6, 100 * MS)
            .iter()
            .map(|job| job.duration.as_millis())
            .collect();
        assert_eq!(durations, [100, 400, 300, 200, 100, 400]);
    }
}
