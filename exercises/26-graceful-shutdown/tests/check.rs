//! `run_workers` on tokio's paused clock: every job takes exactly 300 ms, so the schedule, and
//! the moment the pool stops, are exact.

use std::marker::PhantomData;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use graceful_shutdown::{Job, Shutdown, run_workers};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep, timeout};

const JOB_TAKES: Duration = Duration::from_millis(300);

/// What the jobs did, and when (measured from the start of the check).
#[derive(Debug, Default)]
struct Ledger {
    started: Vec<(Job, Duration)>,
    finished: Vec<Job>,
}

/// A handler whose jobs take `JOB_TAKES` and write down when they start and whether they finish.
fn recording(
    ledger: &Arc<Mutex<Ledger>>,
    start: Instant,
) -> impl Fn(Job) -> std::pin::Pin<Box<dyn Future<Output = ()>>> + use<> {
    let ledger = Arc::clone(ledger);
    move |job| {
        let ledger = Arc::clone(&ledger);
        Box::pin(async move {
            let at = start.elapsed();
            ledger.lock().expect("the ledger").started.push((job, at));
            sleep(JOB_TAKES).await;
            ledger.lock().expect("the ledger").finished.push(job);
        })
    }
}

/// A channel holding `count` jobs (1, 2, ...). The sender is returned so the channel stays open.
fn queue(count: u32) -> (mpsc::Sender<Job>, mpsc::Receiver<Job>) {
    let (sender, receiver) = mpsc::channel(100);
    for job in 1..=count {
        sender.try_send(job).expect("room in the queue");
    }
    (sender, receiver)
}

/// Triggers `shutdown` after `delay`, from a task of its own.
fn trigger_after(delay: Duration, shutdown: Shutdown) {
    tokio::spawn(async move {
        sleep(delay).await;
        shutdown.trigger();
    });
}

/// Enough virtual time for anything that is going to stop at all.
const PATIENCE: Duration = Duration::from_secs(60);

#[tokio::test(start_paused = true)]
async fn shutdown_lets_the_jobs_in_progress_finish_and_starts_no_more() {
    // Several rounds, because a `select!` without `biased;` picks a branch at random: four
    // workers each choose at 1.2 s, so five rounds all pass by luck once in a million runs.
    for round in 1..=5 {
        let start = Instant::now();
        let ledger = Arc::default();
        let (_sender, jobs) = queue(30);
        let shutdown = Shutdown::new();
        let listener = shutdown.listener();
        let signal_at = Duration::from_secs(1);
        trigger_after(signal_at, shutdown);

        let run = run_workers(4, jobs, listener, recording(&ledger, start));
        let counts = timeout(PATIENCE, run).await.unwrap_or_else(|_| {
            panic!("the workers were still running {PATIENCE:?} after the shutdown signal")
        });
        let took = start.elapsed();
        let ledger = ledger.lock().expect("the ledger");

        let mut half_done: Vec<Job> = ledger.started.iter().map(|&(job, _)| job).collect();
        half_done.retain(|job| !ledger.finished.contains(job));
        assert!(
            half_done.is_empty(),
            "jobs {half_done:?} were started but never finished: the shutdown signal cut them off \
             mid-job. Race the signal against waiting for the next job only, not against the \
             job itself"
        );
        if let Some(&(job, at)) = ledger.started.iter().find(|&&(_, at)| at >= signal_at) {
            panic!(
                "(round {round}) a worker started job {job} at {at:?}, after the shutdown signal \
                 at {signal_at:?}. When the signal and a job are both ready, select! picks one \
                 at random: put `biased;` first and the signal's branch before the job's"
            );
        }
        assert_eq!(
            took,
            Duration::from_millis(1200),
            "the pool stopped at {took:?}: 4 workers doing 300 ms jobs are each mid-way through \
             their 4th job at the 1 s signal, so the pool should stop at 1.2 s, when those are done"
        );
        assert_eq!(
            counts.len(),
            4,
            "run_workers should return one count per worker"
        );
        assert_eq!(
            counts.iter().sum::<usize>(),
            ledger.finished.len(),
            "the counts {counts:?} don't add up to the {} jobs finished",
            ledger.finished.len()
        );
        assert!(
            counts.iter().all(|&count| count > 0),
            "every worker should have done some of the jobs: {counts:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn idle_workers_stop_at_the_signal() {
    let start = Instant::now();
    let ledger = Arc::default();
    let (_sender, jobs) = queue(0);
    let shutdown = Shutdown::new();
    let listener = shutdown.listener();
    trigger_after(Duration::from_millis(500), shutdown);

    let run = run_workers(3, jobs, listener, recording(&ledger, start));
    let counts = timeout(PATIENCE, run).await.unwrap_or_else(|_| {
        panic!(
            "workers waiting for a job (on an open, empty channel) were still waiting \
             {PATIENCE:?} after the shutdown signal: race the wait for the next job against the \
             signal"
        )
    });
    assert_eq!(
        counts,
        [0, 0, 0],
        "3 workers with no jobs to do finish none"
    );
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(500),
        "idle workers should stop at once"
    );
}

#[tokio::test(start_paused = true)]
async fn the_workers_work_at_once_and_stop_when_the_jobs_run_out() {
    let start = Instant::now();
    let ledger = Arc::default();
    let (sender, jobs) = queue(6);
    drop(sender);
    let shutdown = Shutdown::new();

    let run = run_workers(3, jobs, shutdown.listener(), recording(&ledger, start));
    let counts = timeout(PATIENCE, run)
        .await
        .expect("the channel is closed and empty, so the workers should stop on their own");
    let took = start.elapsed();
    let why = if took == 6 * JOB_TAKES {
        "one at a time: is a worker holding the lock while it works? Take the lock only to \
         receive the next job, and let go of it before doing the job"
    } else {
        "3 workers at once do them in two rounds"
    };
    assert_eq!(
        took,
        2 * JOB_TAKES,
        "6 jobs of {JOB_TAKES:?} on 3 workers took {took:?}: {why}"
    );
    assert_eq!(counts, [2, 2, 2], "6 jobs for 3 workers: 2 each");
}

#[test]
fn a_shutdown_can_be_triggered_only_once() {
    assert!(
        Probe::of(&Shutdown::trigger).consumes(),
        "Shutdown::trigger borrows the switch (`&self`), so `shutdown.trigger(); \
         shutdown.trigger();` compiles.\nA shutdown happens once: take `self`, and the compiler \
         refuses a second trigger (the switch is gone after the first)"
    );
}

/// Asks the compiler whether a function takes a `Shutdown` by value. Method lookup tries
/// `Probe<F>` before `&Probe<F>`: `Consumes` answers `true` when `F` can be called with a
/// `Shutdown` it keeps, and only otherwise does `Borrows`, implemented one reference further away,
/// get to answer `false`.
struct Probe<F>(PhantomData<F>);

impl<F> Probe<F> {
    fn of(_function: &F) -> &'static Self {
        &Probe(PhantomData)
    }
}

trait Consumes {
    fn consumes(&self) -> bool {
        true
    }
}
impl<F: FnOnce(Shutdown)> Consumes for Probe<F> {}

trait Borrows {
    fn consumes(&self) -> bool {
        false
    }
}
impl<F> Borrows for &Probe<F> {}
