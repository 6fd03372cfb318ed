//! A `Limiter` must keep its bound: a `Permit` holds a slot from `acquire` until it is dropped.
//! On tokio's paused clock, time moves only when every task waits, so the times are exact.

// The starter's `Permit` holds nothing that needs dropping, and clippy says so about every
// `drop(permit)` below; a finished `Permit` does, and the drops are the point of the checks.
#![allow(clippy::drop_non_drop)]

use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use permit_proof::{Limiter, Permit, run_job};
use tokio::task::JoinSet;
use tokio::time::{Instant, timeout};

const SECOND: Duration = Duration::from_secs(1);

/// Counts the jobs running now, and the most that ever ran at once.
#[derive(Debug, Default)]
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

/// A job that takes a second and is counted by `gauge` while it runs.
async fn one_second_job(gauge: Arc<Gauge>) {
    let now = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
    gauge.peak.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(SECOND).await;
    gauge.now.fetch_sub(1, Ordering::SeqCst);
}

#[tokio::test(start_paused = true)]
async fn no_more_than_the_limit_run_at_once() {
    let limiter = Limiter::new(2);
    let gauge = Arc::new(Gauge::default());
    let started = Instant::now();
    let mut jobs = JoinSet::new();
    for _ in 0..6 {
        let limiter = limiter.clone();
        let gauge = Arc::clone(&gauge);
        jobs.spawn(async move {
            let permit = limiter.acquire().await;
            run_job(permit, one_second_job(gauge)).await;
        });
    }
    // On the paused clock, a timeout fires as soon as every task is stuck: a slot never given
    // back shows up as this failure rather than as a test that never ends.
    timeout(60 * SECOND, async {
        while let Some(job) = jobs.join_next().await {
            job.expect("a job task panicked");
        }
    })
    .await
    .expect("the 6 jobs never all finished: is each slot freed when its Permit is dropped?");

    let peak = gauge.peak.load(Ordering::SeqCst);
    assert_eq!(
        peak, 2,
        "{peak} jobs ran at once on a limiter of 2: the Permit must hold the semaphore's permit \
         until the job is done"
    );
    let took = started.elapsed();
    assert_eq!(
        took,
        3 * SECOND,
        "6 one-second jobs, 2 at a time, took {took:?}; they should take 3 s: a slot should be \
         free again as soon as its job is done"
    );
}

#[tokio::test(start_paused = true)]
async fn a_permit_holds_its_slot_until_it_is_dropped() {
    let limiter = Limiter::new(3);
    assert_eq!(
        limiter.available(),
        3,
        "a new limiter of 3 has 3 free slots"
    );
    let first = limiter.acquire().await;
    let free = limiter.available();
    assert_eq!(
        free, 2,
        "after one acquire, a limiter of 3 had {free} free slots: the Permit must keep the \
         semaphore's permit (in its field `held`) instead of letting it go"
    );
    let second = limiter.acquire().await;
    assert_eq!(
        limiter.available(),
        1,
        "two Permits alive on a limiter of 3 leave 1 free slot"
    );
    drop(first);
    assert_eq!(limiter.available(), 2, "dropping a Permit frees its slot");
    run_job(second, async {}).await;
    assert_eq!(
        limiter.available(),
        3,
        "run_job frees the slot when the job is done"
    );
}

#[test]
fn a_permit_cannot_be_copied() {
    assert!(
        !Probe::<Permit>::new().is_clone(),
        "Permit is Clone, so one slot can become two: `let copy = permit.clone();` and both run \
         a job.\nRemove Clone from its derive (the semaphore's permit it holds cannot be cloned \
         anyway, which is the point)"
    );
}

/// Asks the compiler whether `T` is `Clone`. Method lookup tries `Probe<T>` before `&Probe<T>`:
/// `IsClone` answers `true` when its bound holds, and only otherwise does `NotClone`, implemented
/// one reference further away, get to answer `false`.
struct Probe<T>(PhantomData<T>);

impl<T> Probe<T> {
    fn new() -> &'static Self {
        &Probe(PhantomData)
    }
}

trait IsClone {
    fn is_clone(&self) -> bool {
        true
    }
}
impl<T: Clone> IsClone for Probe<T> {}

trait NotClone {
    fn is_clone(&self) -> bool {
        false
    }
}
impl<T> NotClone for &Probe<T> {}

#[tokio::test(start_paused = true)]
async fn acquire_waits_while_every_slot_is_taken() {
    let limiter = Limiter::new(1);
    let taken = limiter.acquire().await;
    assert!(
        timeout(SECOND, limiter.acquire()).await.is_err(),
        "a second acquire on a limiter of 1 returned at once while the first Permit was alive"
    );
    drop(taken);
    let started = Instant::now();
    let again = limiter.acquire().await;
    assert_eq!(
        started.elapsed(),
        Duration::ZERO,
        "a freed slot is taken at once"
    );
    drop(again);
}
