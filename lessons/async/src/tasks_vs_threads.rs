//! Tasks versus threads.
//!
//! A tokio task is a future the runtime keeps in a queue: a few hundred bytes, created without
//! asking the operating system for anything. An OS thread gets a kernel thread, a stack (2 MiB of
//! address space reserved, a few pages of it touched), and a system call to create it. Ten
//! thousand waiting tasks are nothing; ten thousand waiting threads are a noticeable load, and
//! some machines refuse them. This section measures both, on this machine.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use lesson_kit::measure::{format_duration, ratio};
use lesson_kit::memory::{MemoryGrowth, MemoryProbe};
use lesson_kit::narrate;
use tokio::sync::{Notify, watch};

/// What it cost to have `started` tasks or threads all waiting at once.
#[derive(Debug, Clone, Default)]
pub struct Crowd {
    /// How many were started (fewer than asked for if the system refused more).
    pub started: usize,
    /// How many had reached their wait when the memory was measured: all that were started.
    pub waiting: usize,
    /// Time to start them all.
    pub spawn_time: Duration,
    /// How much more memory the process used while they all waited.
    pub memory_growth: MemoryGrowth,
    /// Why starting stopped early, if it did.
    pub refusal: Option<String>,
}

// ANCHOR: tasks
pub async fn crowd_of_tasks(count: usize) -> Crowd {
    let memory = MemoryProbe::now();
    let (open, gate) = watch::channel(false);
    // Each task counts itself as it reaches the gate; the last one to arrive says so.
    let arrived = Arc::new(AtomicUsize::new(0));
    let all_arrived = Arc::new(Notify::new());
    let started = Instant::now();
    let tasks: Vec<_> = (0..count)
        .map(|_| {
            let mut gate = gate.clone();
            let (arrived, all_arrived) = (Arc::clone(&arrived), Arc::clone(&all_arrived));
            tokio::spawn(async move {
                if arrived.fetch_add(1, Ordering::SeqCst) + 1 == count {
                    all_arrived.notify_one(); // kept as a permit if nobody waits for it yet
                }
                // Wait until the gate opens. An error means the sender is gone: stop waiting.
                gate.wait_for(|&is_open| is_open).await.map(|_| ())
            })
        })
        .collect();
    let spawn_time = started.elapsed();
    // Wait until every task has run up to its wait. A single yield would not do: between its
    // other duties a runtime polls only so many tasks (tokio's "event interval"), not all of them.
    if count > 0 {
        all_arrived.notified().await;
    }
    let waiting = arrived.load(Ordering::SeqCst);
    let memory_growth = memory.growth();

    // Nobody may be listening if every task has already given up; that is fine.
    let _ = open.send(true);
    for task in tasks {
        // A task that failed would be a bug in this lesson: report it, don't hide it.
        if let Err(error) = task.await {
            eprintln!("a waiting task failed: {error}");
        }
    }
    Crowd {
        started: count,
        waiting,
        spawn_time,
        memory_growth,
        refusal: None,
    }
}
// ANCHOR_END: tasks

// ANCHOR: threads
pub fn crowd_of_threads(count: usize) -> Crowd {
    let memory = MemoryProbe::now();
    // The gate: threads wait to read it while this thread holds it for writing.
    let gate = Arc::new(RwLock::new(()));
    let closed = gate.write().unwrap_or_else(PoisonError::into_inner);
    let (arrived, arrivals) = mpsc::channel::<()>();
    let mut threads = Vec::with_capacity(count);
    let mut refusal = None;
    let started = Instant::now();
    for _ in 0..count {
        let (gate, arrived) = (Arc::clone(&gate), arrived.clone());
        let wait_at_the_gate = move || {
            let _ = arrived.send(()); // "I'm running"; only fails if nobody counts any more
            let _open = gate.read(); // blocks until the gate opens (a poisoned gate opens too)
        };
        match thread::Builder::new().spawn(wait_at_the_gate) {
            Ok(thread) => threads.push(thread),
            Err(error) => {
                refusal = Some(error.to_string()); // the system said no: keep what we have
                break;
            }
        }
    }
    let spawn_time = started.elapsed();
    // Wait until every thread has said it is running. (Without our own sender, a thread that died
    // before saying so would end the count early instead of hanging it.)
    drop(arrived);
    let waiting = arrivals.iter().take(threads.len()).count();
    let memory_growth = memory.growth();

    drop(closed); // open the gate: every thread reads it at once, and ends
    let started_count = threads.len();
    for thread in threads {
        // A thread that panicked would be a bug in this lesson: report it, don't hide it.
        if thread.join().is_err() {
            eprintln!("a waiting thread panicked");
        }
    }
    Crowd {
        started: started_count,
        waiting,
        spawn_time,
        memory_growth,
        refusal,
    }
}
// ANCHOR_END: threads

pub async fn demo(count: usize) -> Result<()> {
    narrate::claim(&format!(
        "{count} waiting tokio tasks cost next to nothing to start and to keep; \
         {count} waiting OS threads cost far more time and memory."
    ));
    narrate::python(
        "asyncio.create_task versus threading.Thread: the same trade. Python's threads are OS \
         threads too, with much the same memory cost; its tasks cost more than Rust's, for the \
         task, its coroutine and the coroutine's frame (`python3 bench/python/crowd.py --kind \
         tasks` measures them; the book quotes the bench's figures for both).",
    );
    narrate::code(include_str!("tasks_vs_threads.rs"), "tasks");
    let_earlier_tasks_finish().await;
    let tasks = crowd_of_tasks(count).await;
    report("tasks", &tasks);
    narrate::say(
        "A task is one heap allocation holding its future, so the heap figure is its whole cost. \
         Resident memory moves in whole pages and reuses memory freed earlier, so for a few \
         hundred bytes apiece it may hardly move.",
    );

    narrate::code(include_str!("tasks_vs_threads.rs"), "threads");
    // Starting and joining threads blocks, so it runs on tokio's blocking pool rather than on the
    // runtime's only thread (lesson-blocking shows what goes wrong otherwise).
    let threads = tokio::task::spawn_blocking(move || crowd_of_threads(count)).await?;
    report("threads", &threads);
    narrate::say(
        "A thread's stack lives outside the heap: the resident figure is the one that counts. \
         Each stack reserves 2 MiB of address space, of which only the touched pages are resident.",
    );

    if tasks.started > 0 && threads.started > 0 {
        let per_task = tasks.spawn_time / tasks.started as u32;
        let per_thread = threads.spawn_time / threads.started as u32;
        narrate::result(
            "a thread takes longer to start than a task by",
            format!("{:.0}×", ratio(per_thread, per_task)),
        );
    }
    Ok(())
}

/// Waits (a second at most) until no task is left on this runtime. The HTTP section's connections close in
/// the background after its client is dropped; if they did so while the crowd of tasks is measured,
/// the memory they free would be subtracted from the crowd's and hide it.
async fn let_earlier_tasks_finish() {
    let runtime = tokio::runtime::Handle::current();
    let give_up = Instant::now() + Duration::from_secs(1);
    while runtime.metrics().num_alive_tasks() > 0 && Instant::now() < give_up {
        // A timer, not a busy loop: the closing connections need this thread to run.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

fn report(what: &str, crowd: &Crowd) {
    let per_item = crowd.spawn_time / crowd.started.max(1) as u32;
    narrate::result(
        &format!("started {} {what}", crowd.started),
        format!(
            "in {} ({} each)",
            format_duration(crowd.spawn_time),
            format_duration(per_item)
        ),
    );
    narrate::result(
        &format!("{what} at their wait when memory was measured"),
        format!("{} of {}", crowd.waiting, crowd.started),
    );
    narrate::result(
        &format!("memory while they waited, each of the {what}"),
        crowd.memory_growth.per(crowd.started),
    );
    if let Some(refusal) = &crowd.refusal {
        narrate::result("the system refused more", refusal);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_task_waits_before_the_memory_is_measured() {
        // On this current-thread runtime, one yield would let only the first few dozen run.
        let crowd = crowd_of_tasks(500).await;
        assert_eq!(crowd.started, 500);
        assert_eq!(crowd.waiting, 500);
        assert!(crowd.refusal.is_none());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_task_waits_on_a_multi_thread_runtime_too() {
        let crowd = crowd_of_tasks(500).await;
        assert_eq!(crowd.waiting, 500);
    }

    #[tokio::test]
    async fn an_empty_crowd_does_not_wait_for_anyone() {
        let crowd = crowd_of_tasks(0).await;
        assert_eq!((crowd.started, crowd.waiting), (0, 0));
    }

    #[test]
    fn every_thread_waits_before_the_memory_is_measured() {
        let crowd = crowd_of_threads(50);
        assert_eq!(crowd.started, 50);
        assert_eq!(crowd.waiting, 50);
        assert!(crowd.refusal.is_none());
    }
}
