//! Holding a `std::sync::MutexGuard` across an `.await`.
//!
//! A spawned task may be moved to another thread at any `.await`, so everything it holds across an
//! `.await` must be `Send`. A `std::sync::MutexGuard` is not (the lock must be released by the
//! thread that took it), so `tokio::spawn` refuses the task at compile time. That error is a
//! favour: on a single thread the same code can deadlock, with a second task waiting for a lock
//! that the first holds while it sleeps.
//!
//! Two fixes, for two different needs:
//! 1. The await doesn't need the lock: do the slow part first, then lock only to update. The
//!    guard lives in a block, or a single expression, that ends before any `.await`. Careful
//!    splitting one read-modify-write around an `.await` loses updates (shown below).
//! 2. The await does need the lock (the update must see no one else's between its read and its
//!    write, or it drives a shared resource that serves one user at a time): use
//!    `tokio::sync::Mutex`, whose guard may be held across `.await`. The price is that the tasks
//!    now take turns for the whole time they hold it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Result;
use futures::future::join_all;
use lesson_kit::measure::{format_duration, ideal_io_time};
use lesson_kit::{Timeline, Versus, narrate};
use tokio::time::Instant;

/// Stands in for a slow call (a request, a query) that returns some points to add to a total.
pub async fn fetch_points(latency: Duration) -> u64 {
    tokio::time::sleep(latency).await;
    1
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A task that panicked while holding the lock left a number behind: still usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

// ANCHOR: scoped
/// Fix 1: the slow call first, without the lock; then the lock, only for the update.
pub async fn add_points_scoped(total: Arc<Mutex<u64>>, latency: Duration) {
    let points = fetch_points(latency).await;
    *lock(&total) += points; // the guard lives for this statement only: no .await while held
}
// ANCHOR_END: scoped

// ANCHOR: split
/// Compiles, and is wrong: read, await, write. Every task reads the same old total.
pub async fn add_points_split(total: Arc<Mutex<u64>>, latency: Duration) {
    let before = *lock(&total);
    let points = fetch_points(latency).await; // other tasks read `before` meanwhile
    *lock(&total) = before + points; // ...and then overwrite each other's updates
}
// ANCHOR_END: split

// ANCHOR: async_mutex
/// Fix 2: an async lock, held across the slow call. Correct, and the tasks take turns.
pub async fn add_points_locked(total: Arc<tokio::sync::Mutex<u64>>, latency: Duration) {
    let mut guard = total.lock().await; // waits without blocking the thread
    let points = fetch_points(latency).await; // no one else can touch the total meanwhile
    *guard += points;
}
// ANCHOR_END: async_mutex

/// Spawns `tasks` tasks, each running `add`, and waits for them all: how long they took. Each task
/// is a span of `timeline`, from its start until its point is added (waiting for a lock included).
pub async fn run_tasks<F>(
    tasks: usize,
    timeline: &Timeline,
    add: impl Fn() -> F,
) -> Result<Duration>
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let started = Instant::now();
    let handles: Vec<_> = (1..=tasks)
        .map(|number| {
            let span = timeline.start(format!("task {number}"));
            let adding = add();
            tokio::spawn(async move {
                adding.await;
                span.end();
            })
        })
        .collect();
    for outcome in join_all(handles).await {
        outcome?; // a task that panicked is an error (see swallowed.rs)
    }
    Ok(started.elapsed())
}

/// One version's result: the final total, how long it took, and which task ran when.
#[derive(Debug, Clone)]
pub struct Run {
    pub total: u64,
    pub took: Duration,
    pub timeline: Timeline,
}

/// The three versions, each with `tasks` tasks adding one point after `latency`.
#[derive(Debug, Clone)]
pub struct Runs {
    pub scoped: Run,
    pub split: Run,
    pub locked: Run,
}

pub async fn compare(tasks: usize, latency: Duration) -> Result<Runs> {
    let (total, timeline) = (Arc::new(Mutex::new(0)), Timeline::new());
    let took = run_tasks(tasks, &timeline, || {
        add_points_scoped(Arc::clone(&total), latency)
    })
    .await?;
    let scoped = Run {
        total: *lock(&total),
        took,
        timeline,
    };

    let (total, timeline) = (Arc::new(Mutex::new(0)), Timeline::new());
    let took = run_tasks(tasks, &timeline, || {
        add_points_split(Arc::clone(&total), latency)
    })
    .await?;
    let split = Run {
        total: *lock(&total),
        took,
        timeline,
    };

    let (total, timeline) = (Arc::new(tokio::sync::Mutex::new(0)), Timeline::new());
    let took = run_tasks(tasks, &timeline, || {
        add_points_locked(Arc::clone(&total), latency)
    })
    .await?;
    let locked = Run {
        total: *total.lock().await,
        took,
        timeline,
    };
    Ok(Runs {
        scoped,
        split,
        locked,
    })
}

const CASE: &str = include_str!("../tests/ui/std_mutex_guard_across_await.rs");
const COMPILER_SAYS: &str = include_str!("../tests/ui/std_mutex_guard_across_await.stderr");

pub async fn demo(tasks: usize, latency: Duration) -> Result<()> {
    narrate::claim(
        "tokio::spawn refuses a task that holds a std MutexGuard across an .await. Fix 1 (lock \
         only around the update) keeps the tasks concurrent; fix 2 (tokio::sync::Mutex) is \
         correct but makes them take turns.",
    );
    narrate::python(
        "asyncio.Lock is the async lock (fix 2). A threading.Lock held over an await \
         deadlocks the event loop as soon as another coroutine asks for it, and nothing warns you.",
    );
    narrate::code(CASE, "mistake");
    narrate::say("rustc says (from this lesson's tests/ui, checked by trybuild):");
    narrate::compiler_output(COMPILER_SAYS);
    narrate::result(
        "the mistake",
        "refused at compile time: the guard is not Send",
    );

    let runs = compare(tasks, latency).await?;
    narrate::say(&format!(
        "The fixes, each run by {tasks} spawned tasks adding 1 point after a {} call:",
        format_duration(latency)
    ));
    narrate::code(include_str!("mutex_guard.rs"), "scoped");
    narrate::result(
        "fix 1, lock only for the update",
        format!(
            "total {} of {tasks}, {}",
            runs.scoped.total,
            Versus::new(runs.scoped.took, ideal_io_time(tasks, latency, tasks))
        ),
    );
    runs.scoped.timeline.print();
    narrate::say(
        "But scoping a guard is not always so simple. Split a read-modify-write around the .await and it compiles, and loses updates:",
    );
    narrate::code(include_str!("mutex_guard.rs"), "split");
    narrate::result(
        "scoped the wrong way",
        format!(
            "total {} of {tasks}: {} updates lost",
            runs.split.total,
            tasks as u64 - runs.split.total.min(tasks as u64)
        ),
    );
    narrate::code(include_str!("mutex_guard.rs"), "async_mutex");
    narrate::result(
        "fix 2, tokio::sync::Mutex held across the call",
        format!(
            "total {} of {tasks}, {} (one at a time)",
            runs.locked.total,
            Versus::new(runs.locked.took, ideal_io_time(tasks, latency, 1))
        ),
    );
    runs.locked.timeline.print();
    narrate::say(
        "Each bar runs from a task's start until its point is added, so the wait for the lock \
         shows. Prefer fix 1, with the whole update inside one lock. Reach for the async mutex when \
         the .await itself must be exclusive, and know that it serialises.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    //! On the paused clock, the totals and the times are exact.
    use super::*;

    const LATENCY: Duration = Duration::from_millis(100);

    #[tokio::test(start_paused = true)]
    async fn each_fix_gives_the_right_total_at_its_own_speed() {
        let runs = compare(10, LATENCY).await.expect("no task panics");
        assert_eq!(
            (runs.scoped.total, runs.scoped.took),
            (10, LATENCY),
            "concurrent"
        );
        assert_eq!(
            (runs.locked.total, runs.locked.took),
            (10, 10 * LATENCY),
            "one at a time"
        );
        // With the async lock the tasks finish one after another: task n at n × latency.
        let ends: Vec<Duration> = runs
            .locked
            .timeline
            .spans()
            .iter()
            .map(|span| span.end)
            .collect();
        assert_eq!(ends, (1..=10).map(|n| n * LATENCY).collect::<Vec<_>>());
    }

    #[tokio::test(start_paused = true)]
    async fn a_read_modify_write_split_by_an_await_loses_updates() {
        let runs = compare(10, LATENCY).await.expect("no task panics");
        // Every task read 0 before any wrote, so each wrote 0 + 1.
        assert_eq!((runs.split.total, runs.split.took), (1, LATENCY));
    }
}
