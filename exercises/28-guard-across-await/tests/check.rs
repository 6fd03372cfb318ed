//! `record` can be spawned, counting stays right, and saves overlap instead of queueing behind a
//! lock.

use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use futures::future::join_all;
use guard_across_await::{Saved, Store, Tracker};

const SAVE: Duration = Duration::from_millis(100);

fn saved(page: &str, visits: u64) -> Saved {
    Saved {
        page: page.to_string(),
        visits,
    }
}

/// `tokio::spawn` takes only futures that are `Send`, since a task may move between threads at
/// any `.await`. The compiler decides whether `record`'s future is; `Probe` asks it.
#[test]
fn record_can_be_spawned() {
    let tracker = Tracker::new(Store::new(SAVE));
    let visit = tracker.record("home");
    // A reference, so that method lookup starts one reference away (see `Probe`).
    let probe = &Probe::of(&visit);
    assert!(
        probe.is_send(),
        "record's future is not Send, so `tokio::spawn(async move {{ tracker.record(..).await }})` \
         does not compile: a std MutexGuard (which must be released on the thread that took it) \
         is alive across the `.await`.\nRelease the guard before the `.await`: count in a block \
         that ends before the save, or `drop` the guard first"
    );
}

/// Asks the compiler whether `T` is `Send`. Method lookup tries `Probe<T>` before `&Probe<T>`:
/// `IsSend` answers `true` when its bound holds, and only otherwise does `NotSend`, implemented
/// one reference further away, get to answer `false`.
struct Probe<T>(PhantomData<T>);

impl<T> Probe<T> {
    fn of(_value: &T) -> Self {
        Probe(PhantomData)
    }
}

trait IsSend {
    fn is_send(&self) -> bool {
        true
    }
}
impl<T: Send> IsSend for Probe<T> {}

trait NotSend {
    fn is_send(&self) -> bool {
        false
    }
}
impl<T> NotSend for &Probe<T> {}

#[tokio::test(start_paused = true)]
async fn one_visit_at_a_time_counts_and_saves() {
    let tracker = Tracker::new(Store::new(SAVE));
    assert_eq!(tracker.record("home").await, 1, "home's first visit");
    assert_eq!(tracker.record("home").await, 2, "home's second visit");
    assert_eq!(tracker.record("about").await, 1, "about's first visit");
    assert_eq!(tracker.visits("home").await, 2, "home was visited twice");
    assert_eq!(tracker.visits("about").await, 1, "about was visited once");
    assert_eq!(tracker.visits("never").await, 0, "a page never visited");
    assert_eq!(
        tracker.store().saved(),
        [saved("home", 1), saved("home", 2), saved("about", 1)],
        "every new count is saved, in the order of the visits"
    );
}

/// Ten visits at once on one thread (tokio's paused clock): with no lock held during a save, the
/// ten saves overlap and take 100 ms of tokio's time in all.
///
/// With the guard held across the save, the second visit blocks the only thread on the lock while
/// the first one waits for its save, which then can never finish: a deadlock. So the visits run on
/// a thread of their own, and the test gives up on them after a few (real) seconds.
#[test]
fn ten_visits_at_once_save_together() {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("a runtime");
        let outcome = runtime.block_on(async {
            let tracker = Tracker::new(Store::new(SAVE));
            let started = tokio::time::Instant::now();
            let mut counts = join_all((0..10).map(|_| tracker.record("home"))).await;
            counts.sort_unstable();
            (started.elapsed(), counts, tracker.visits("home").await)
        });
        // The test may have given up already; then there is no one to tell.
        let _ = done.send(outcome);
    });

    // Ten visits take microseconds of real time on the paused clock: half a second is an age.
    let Ok((elapsed, counts, visits)) = finished.recv_timeout(Duration::from_millis(500)) else {
        panic!(
            "ten visits at once on one thread never finished: the first visit waits for its save \
             while holding the lock, and the second blocks the thread waiting for that lock, so \
             the save can never complete (a deadlock).\nRelease the guard before the `.await`."
        );
    };
    assert_eq!(
        counts,
        (1..=10).collect::<Vec<u64>>(),
        "each visit returns its own count"
    );
    assert_eq!(visits, 10, "ten visits counted");
    assert_eq!(
        elapsed, SAVE,
        "ten visits took {elapsed:?} on tokio's clock; ten saves of {SAVE:?} that overlap take \
         {SAVE:?}.\nEach visit waited for the one before it: something holds the lock during the \
         save."
    );
}

/// Visits from four threads at once: every count from 1 to 200 is handed out, and saved, exactly
/// once.
#[test]
fn visits_from_many_threads_are_all_counted() {
    const THREADS: u64 = 4;
    const VISITS_PER_THREAD: u64 = 50;
    let tracker = Arc::new(Tracker::new(Store::new(Duration::from_micros(100))));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let tracker = Arc::clone(&tracker);
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                runtime.block_on(async {
                    let mut counts = Vec::new();
                    for _ in 0..VISITS_PER_THREAD {
                        counts.push(tracker.record("home").await);
                    }
                    counts
                })
            })
        })
        .collect();
    let mut counts: Vec<u64> = threads
        .into_iter()
        .flat_map(|thread| thread.join().expect("a visiting thread panicked"))
        .collect();
    counts.sort_unstable();
    let total = THREADS * VISITS_PER_THREAD;
    assert_eq!(
        counts,
        (1..=total).collect::<Vec<u64>>(),
        "each count handed out exactly once"
    );

    let mut saved: Vec<u64> = tracker.store().saved().iter().map(|s| s.visits).collect();
    saved.sort_unstable();
    assert_eq!(
        saved,
        (1..=total).collect::<Vec<u64>>(),
        "each count saved exactly once"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    assert_eq!(
        runtime.block_on(tracker.visits("home")),
        total,
        "every visit from every thread is counted"
    );
}
