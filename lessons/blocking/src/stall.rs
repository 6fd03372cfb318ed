//! The stall.
//!
//! An `async fn` that calls blocking code does not become asynchronous: `std::thread::sleep`, a
//! blocking read or a long computation runs to the end without an `.await`, and until it returns,
//! the thread belongs to it. On a current-thread runtime that thread is the only one, so every
//! other task (here, the heartbeat; in a server, every other request) waits. A multi-thread
//! runtime has a few workers, one per core, so it takes a few blocking tasks to stall it, which a
//! busy server easily has.
//!
//! One blocked worker is already enough to hold up one task: the last one it scheduled. A task
//! spawned (or woken) from a worker goes into that worker's LIFO slot, to run next, and the other
//! workers cannot steal from that slot; they steal only from the queue behind it. So a handler that
//! spawns a task and then blocks keeps that task waiting for the whole blocking call, while every
//! other worker sits idle (tokio's `multi_thread/worker.rs`: `schedule_local`, `lifo_slot`).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;
use lesson_kit::measure::format_duration;
use lesson_kit::{narrate, system};
use tokio::time::Instant;

use crate::settings::Settings;
use crate::watch::watch;
use crate::work::{blocking_wait, sha256_rounds};
use crate::{current_thread_runtime, multi_thread_runtime};

// ANCHOR: stall
/// Blocking code in an async fn: no `.await`, so the thread is not handed back until it returns.
pub async fn wait_on_the_runtime(duration: Duration) {
    blocking_wait(duration);
}

pub async fn hash_on_the_runtime(buffer: &[u8], rounds: usize) -> String {
    sha256_rounds(buffer, rounds)
}
// ANCHOR_END: stall

// ANCHOR: async_wait
/// The asynchronous way to wait: register a timer and hand the thread back until it fires.
pub async fn wait_asynchronously(duration: Duration) {
    tokio::time::sleep(duration).await;
}
// ANCHOR_END: async_wait

// ANCHOR: every_worker
/// One blocking task per worker thread: then no worker is left to run anything else.
pub async fn block_every_worker(workers: usize, duration: Duration) {
    let blockers: Vec<_> = (0..workers)
        .map(|_| tokio::spawn(wait_on_the_runtime(duration)))
        .collect();
    for blocker in blockers {
        // An error would mean the task panicked, which `std::thread::sleep` does not.
        let _ = blocker.await;
    }
}
// ANCHOR_END: every_worker

/// When a task that a handler spawned first ran.
#[derive(Debug, Clone, Copy)]
pub struct FirstRun {
    /// From the spawn to the task's first line.
    pub after: Duration,
    /// Whether the handler's slow part had already ended by then.
    pub slow_part_had_ended: bool,
}

// ANCHOR: stranded
/// A request handler, as a server runs it: it spawns a small task (one that sends an
/// acknowledgement, say), then does its own slow part. Returns when the small task first ran.
pub async fn spawn_then(slow_part: impl Future<Output = ()>) -> Result<FirstRun> {
    let slow_part_ended = Arc::new(AtomicBool::new(false));
    let ended = Arc::clone(&slow_part_ended);
    let spawned = Instant::now();
    let acknowledgement = tokio::spawn(async move {
        FirstRun {
            after: spawned.elapsed(),
            slow_part_had_ended: ended.load(Ordering::SeqCst),
        }
    });
    slow_part.await; // if this blocks, the task just spawned waits too: it is next in line here
    slow_part_ended.store(true, Ordering::SeqCst);
    Ok(acknowledgement.await?)
}
// ANCHOR_END: stranded

pub fn demo(settings: &Settings, buffer: &[u8]) -> Result<()> {
    narrate::claim(
        "A blocking call inside an async task holds its thread. On a current-thread runtime a \
         heartbeat task stops ticking for exactly as long; an async wait of the same length \
         does not stop it. A multi-thread runtime stalls the same way once every worker is \
         blocked, and one blocked worker already holds up the task it spawned last.",
    );
    narrate::python(
        "time.sleep() or hashlib.sha256(big_data) inside `async def` freezes the asyncio \
         event loop in just the same way.",
    );
    narrate::say(&format!(
        "The instrument: a heartbeat (the kit's lesson_kit::heartbeat), a task that should tick \
         every {} and records when each tick really ran. A gap between its ticks is time the \
         runtime could not run it.",
        format_duration(settings.period)
    ));
    narrate::say(
        "The blocking work, and an async fn that calls it without handing the thread back:",
    );
    narrate::code(include_str!("work.rs"), "blocking_work");
    narrate::code(include_str!("stall.rs"), "stall");

    let (period, block) = (settings.period, settings.block);
    let hash_label = format!("SHA-256, {} MiB", settings.job_mib);
    let runtime = current_thread_runtime()?;
    runtime.block_on(async {
        let watched = watch(period, "thread::sleep", wait_on_the_runtime(block)).await;
        watched.print("std::thread::sleep in a task");

        narrate::code(include_str!("stall.rs"), "async_wait");
        let watched = watch(period, "tokio::time::sleep", wait_asynchronously(block)).await;
        watched.print("tokio::time::sleep in a task");

        let rounds = settings.rounds();
        let watched = watch(period, &hash_label, hash_on_the_runtime(buffer, rounds)).await;
        watched.print("SHA-256 in a task");
    });

    let workers = system::available_cores();
    narrate::say(&format!(
        "A multi-thread runtime with {workers} workers (one per core, tokio's default) and \
         {workers} tasks that block:"
    ));
    narrate::code(include_str!("stall.rs"), "every_worker");
    let runtime = multi_thread_runtime(workers)?;
    let label = format!("{workers} × thread::sleep");
    let watched =
        runtime.block_on(async { watch(period, &label, block_every_worker(workers, block)).await });
    watched.print(&format!("{workers} blocking tasks on {workers} workers"));
    narrate::say(
        "Any tick that does appear there ran before every worker was taken. With fewer \
         blocking tasks than workers the others carry on, but each blocked worker is a core's \
         worth of capacity gone, and a busy server soon has as many blocking calls as cores.",
    );
    one_blocked_worker(workers.max(2), block)
}

/// A handler that spawns a task and then blocks, on a runtime where every other worker is idle;
/// then the same handler with an asynchronous wait.
fn one_blocked_worker(workers: usize, block: Duration) -> Result<()> {
    narrate::say(&format!(
        "Even one blocked worker holds up a task: the one it scheduled last. A handler, run as a \
         task on a runtime of {workers} workers, spawns a small task and then does its slow \
         part, blocking or not:"
    ));
    narrate::code(include_str!("stall.rs"), "stranded");
    let runtime = multi_thread_runtime(workers)?;
    let idle = workers - 1;
    // `runtime.spawn`: the handler runs on one of the workers, as a server's handlers do.
    let handler = runtime.spawn(spawn_then(wait_on_the_runtime(block)));
    let first_run = runtime.block_on(handler)??;
    print_first_run("std::thread::sleep", block, first_run, idle);
    let handler = runtime.spawn(spawn_then(wait_asynchronously(block)));
    let first_run = runtime.block_on(handler)??;
    print_first_run("tokio::time::sleep", block, first_run, idle);
    narrate::say(
        "The spawned task went into the blocked worker's LIFO slot, the place for the task to \
         run next, which other workers cannot steal from: it waited out the whole blocking \
         call while they sat idle. A task woken from that worker (sent a message, say) lands \
         there too. Tasks further back in the worker's queue are stolen by idle workers.",
    );
    Ok(())
}

fn print_first_run(wait: &str, block: Duration, first_run: FirstRun, idle: usize) {
    let when = if first_run.slow_part_had_ended {
        "once the slow part had ended"
    } else {
        "while the slow part went on"
    };
    let workers = if idle == 1 { "worker" } else { "workers" };
    narrate::result(
        &format!("spawn, then {wait}: the task first ran after"),
        format!(
            "{} of a {} wait, {when} ({idle} other {workers} idle)",
            format_duration(first_run.after),
            format_duration(block)
        ),
    );
}

#[cfg(test)]
mod tests {
    //! Counting ticks needs no clock: on a current-thread runtime, nothing else can run while a
    //! task blocks the one thread, so the count cannot move, however fast or slow the machine.
    use super::*;
    use lesson_kit::heartbeat::Heartbeat;

    const MS: Duration = Duration::from_millis(1);

    #[tokio::test(start_paused = true)]
    async fn a_blocking_wait_freezes_the_heartbeat() {
        let heartbeat = Heartbeat::start(MS);
        tokio::time::sleep(10 * MS).await; // on the paused clock: exactly ten ticks' worth
        let before = heartbeat.count();
        wait_on_the_runtime(20 * MS).await;
        assert_eq!(
            heartbeat.count(),
            before,
            "no tick can run while the thread is held"
        );
        heartbeat.stop();
    }

    #[tokio::test(start_paused = true)]
    async fn an_async_wait_lets_the_heartbeat_tick() {
        // Ticks every 2 ms, and we look at odd milliseconds: tokio's timers count whole
        // milliseconds (a 10.5 ms sleep ends at 11 ms), so odd ones are as far off the ticks as
        // a timer can be, and no tick is due at the very instant we look.
        let heartbeat = Heartbeat::start(2 * MS);
        tokio::time::sleep(11 * MS).await;
        let before = heartbeat.count();
        wait_asynchronously(20 * MS).await; // from 11 ms to 31 ms: ticks at 12, 14, ..., 30
        assert_eq!(
            heartbeat.count() - before,
            10,
            "one tick per period, exactly"
        );
        heartbeat.stop();
    }

    #[test]
    fn one_blocked_worker_strands_the_task_it_just_spawned() {
        // Certain, not a race: the new task sits in the blocked worker's LIFO slot, which the
        // other, idle worker cannot steal from, so it cannot run before the blocking call ends.
        let runtime = multi_thread_runtime(2).expect("runtime");
        for _ in 0..3 {
            let handler = runtime.spawn(spawn_then(wait_on_the_runtime(20 * MS)));
            let first_run = runtime.block_on(handler).expect("handler").expect("task");
            assert!(first_run.slow_part_had_ended, "{first_run:?}");
            assert!(first_run.after >= 20 * MS, "{first_run:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_async_wait_lets_the_spawned_task_run_first() {
        // The one thread is free at the sleep, and the task is ready: it runs before the clock
        // (paused, so it moves only when nothing is ready) lets the sleep end.
        let first_run = spawn_then(wait_asynchronously(20 * MS))
            .await
            .expect("task");
        assert!(!first_run.slow_part_had_ended, "{first_run:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn hashing_freezes_the_heartbeat_too() {
        let heartbeat = Heartbeat::start(MS);
        tokio::time::sleep(10 * MS).await;
        let before = heartbeat.count();
        let digest = hash_on_the_runtime(&[7; 1 << 20], 4).await;
        assert_eq!(digest.len(), 64);
        assert_eq!(heartbeat.count(), before);
        heartbeat.stop();
    }
}
