//! Retries of panicked jobs, and a shutdown that cancels rather than fails, on tokio's paused
//! clock: every job waits a known time, and notes when each of its attempts started.
//!
//! (The jobs that panic on purpose print their panic on stderr, as tokio does for every task that
//! panics: that is expected.)

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use cancelled_or_panicked::{Job, Outcome, run_with_retries};
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

const MS: Duration = Duration::from_millis(1);

/// One attempt's start: the job, the attempt's number, and when, from the start of the check.
type Start = (&'static str, usize, Duration);

/// When each attempt of each job started.
#[derive(Clone)]
struct Starts {
    origin: Instant,
    seen: Arc<Mutex<Vec<Start>>>,
}

impl Starts {
    fn new() -> Self {
        Starts {
            origin: Instant::now(),
            seen: Arc::default(),
        }
    }

    fn note(&self, job: &'static str, attempt: usize) {
        let at = self.origin.elapsed();
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.push((job, attempt, at));
    }

    fn all(&self) -> Vec<Start> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// A job that waits `wait`, then returns its name; or panics first, on the attempts `panics_on`
/// says yes to.
fn job(
    name: &'static str,
    wait: Duration,
    starts: &Starts,
    panics_on: fn(usize) -> bool,
) -> Job<&'static str> {
    let starts = starts.clone();
    Job::new(name, move |attempt| {
        let starts = starts.clone();
        async move {
            starts.note(name, attempt);
            sleep(wait).await;
            if panics_on(attempt) {
                panic!("{name} failed on attempt {attempt}");
            }
            name
        }
    })
}

fn never(_: usize) -> bool {
    false
}

/// Runs the batch as a task of its own, shut down after `shutdown_after` if given; the outcomes,
/// and when the batch ended. A panic inside `run_with_retries` fails the check, saying so.
async fn run(
    jobs: Vec<Job<&'static str>>,
    attempts: usize,
    shutdown_after: Option<Duration>,
) -> (Vec<Outcome<&'static str>>, Duration) {
    let started = Instant::now();
    let shutdown = CancellationToken::new();
    if let Some(after) = shutdown_after {
        let trigger = shutdown.clone();
        tokio::spawn(async move {
            sleep(after).await;
            trigger.cancel();
        });
    }
    let batch = tokio::spawn(async move { run_with_retries(&jobs, attempts, shutdown).await });
    match batch.await {
        Ok(outcomes) => (outcomes, started.elapsed()),
        Err(error) => {
            let message = match error.try_into_panic() {
                Ok(payload) => cancelled_or_panicked::panic_message(payload),
                Err(error) => error.to_string(),
            };
            panic!(
                "run_with_retries itself panicked: {message}\nA cancelled task's JoinError holds \
                 no panic: ask it `is_panic()` (or use `try_into_panic`) before taking one out"
            )
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_job_that_panics_once_is_retried_and_done() {
    let starts = Starts::new();
    let flaky = job("flaky", 10 * MS, &starts, |attempt| attempt == 1);
    let (outcomes, _) = run(vec![flaky], 3, None).await;
    assert_eq!(
        outcomes,
        [Outcome::Done("flaky")],
        "a job that panics on its first attempt and not its second should be retried, and done"
    );
    assert_eq!(starts.all().len(), 2, "two attempts: {:?}", starts.all());
}

#[tokio::test(start_paused = true)]
async fn a_job_that_always_panics_is_reported_with_its_message() {
    let starts = Starts::new();
    let broken = job("broken", 10 * MS, &starts, |_| true);
    let (outcomes, _) = run(vec![broken], 3, None).await;
    assert_eq!(
        outcomes,
        [Outcome::Panicked {
            attempts: 3,
            message: "broken failed on attempt 3".to_string()
        }],
        "a job that panics every time should be tried 3 times and reported with what its last \
         attempt panicked with: the text itself (`panic_message` reads it from the panic's \
         payload), not the JoinError's description"
    );
}

/// Checks a batch shut down at `shutdown_at`: no attempt started after it, the batch ended at it,
/// and each job's outcome is the one expected (`what` says why, for the message).
fn assert_shut_down(
    starts: &Starts,
    shutdown_at: Duration,
    (outcomes, ended_at): (Vec<Outcome<&'static str>>, Duration),
    expected: &[Outcome<&'static str>],
    what: &str,
) {
    let late: Vec<Start> = starts
        .all()
        .into_iter()
        .filter(|&(_, _, at)| at >= shutdown_at)
        .collect();
    assert!(
        late.is_empty(),
        "jobs were started again after the shutdown was asked for at {shutdown_at:?} (job, \
         attempt, when): {late:?}.\nThe shutdown aborted them, and an aborted task's JoinError \
         was taken for a failure and retried. Ask the JoinError whether the task was cancelled \
         or panicked, and retry only a panic."
    );
    assert_eq!(
        ended_at, shutdown_at,
        "the batch ended at {ended_at:?}, and the shutdown was asked for at {shutdown_at:?}: \
         abort the running jobs and return then, rather than wait for them"
    );
    let misread: Vec<_> = outcomes
        .iter()
        .zip(expected)
        .filter(|(got, wanted)| **wanted == Outcome::Cancelled && got != wanted)
        .collect();
    assert!(
        misread.is_empty(),
        "{what}: the jobs still running at the shutdown were each cancelled, and did not fail, \
         but came back {outcomes:?}.\nA JoinError says which it is: `is_cancelled()` for an \
         aborted task, `is_panic()` for one that panicked."
    );
    assert_eq!(outcomes, expected, "{what}");
}

#[tokio::test(start_paused = true)]
async fn a_shutdown_cancels_the_running_jobs_and_starts_none() {
    let starts = Starts::new();
    let jobs = ["a", "b", "c"]
        .map(|name| job(name, 100 * MS, &starts, never))
        .into();
    let shutdown_at = 30 * MS;
    let batch = run(jobs, 3, Some(shutdown_at)).await;
    assert_shut_down(
        &starts,
        shutdown_at,
        batch,
        &[Outcome::Cancelled, Outcome::Cancelled, Outcome::Cancelled],
        "three jobs of 100 ms, and a shutdown at 30 ms",
    );
}

#[tokio::test(start_paused = true)]
async fn a_job_done_before_the_shutdown_keeps_its_result() {
    let starts = Starts::new();
    let jobs = vec![
        job("quick", 10 * MS, &starts, never),
        job("slow", 100 * MS, &starts, never),
    ];
    let shutdown_at = 50 * MS;
    let batch = run(jobs, 3, Some(shutdown_at)).await;
    assert_shut_down(
        &starts,
        shutdown_at,
        batch,
        &[Outcome::Done("quick"), Outcome::Cancelled],
        "`quick` was done before the shutdown at 50 ms, and `slow` still running at it",
    );
}
