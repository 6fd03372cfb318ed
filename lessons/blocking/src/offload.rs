//! `spawn_blocking` moves blocking work off the runtime.
//!
//! `tokio::task::spawn_blocking(closure)` runs the closure on a thread of tokio's *blocking pool*,
//! a second set of threads kept apart from the workers that run tasks, and returns a `JoinHandle`
//! to await its result. The runtime's thread is handed back at that `.await`, so the heartbeat
//! keeps ticking while the blocking work runs elsewhere.
//!
//! Two things follow from "runs elsewhere". The closure must own what it uses (`'static`): it may
//! outlive the function that started it, so move data in (an `Arc` to share a big buffer). And it
//! cannot be cancelled: dropping or aborting the handle stops the waiting, not the closure, which
//! runs to its end.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use lesson_kit::measure::{format_duration, median};
use lesson_kit::narrate;
use tokio::task::JoinError;
use tokio::time::Instant;

use crate::current_thread_runtime;
use crate::settings::Settings;
use crate::watch::watch;
use crate::work::{blocking_wait, sha256_rounds};

// ANCHOR: offload
/// The stall's blocking wait, moved to the blocking pool; this task awaits it.
pub async fn wait_off_the_runtime(duration: Duration) -> Result<(), JoinError> {
    tokio::task::spawn_blocking(move || blocking_wait(duration)).await
}

/// The stall's hash, moved too. The closure owns its data: an `Arc` of the buffer.
pub async fn hash_off_the_runtime(
    buffer: Arc<Vec<u8>>,
    rounds: usize,
) -> Result<String, JoinError> {
    tokio::task::spawn_blocking(move || sha256_rounds(&buffer, rounds)).await
}
// ANCHOR_END: offload

/// The median time to hand an empty closure to the blocking pool and get its answer back.
pub async fn spawn_blocking_round_trip(samples: usize) -> Result<Duration, JoinError> {
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        tokio::task::spawn_blocking(|| ()).await?;
        times.push(started.elapsed());
    }
    Ok(median(&times))
}

pub fn demo(settings: &Settings, buffer: &Arc<Vec<u8>>) -> Result<()> {
    narrate::claim(
        "The same blocking wait and the same hash, handed to spawn_blocking, run on another \
         thread: the heartbeat keeps its rhythm, and the task still gets the result by awaiting.",
    );
    narrate::python(
        "await asyncio.to_thread(time.sleep, 0.3), or loop.run_in_executor(None, ...): \
         the same idea, a thread pool beside the event loop.",
    );
    narrate::code(include_str!("offload.rs"), "offload");

    let (period, block) = (settings.period, settings.block);
    let runtime = current_thread_runtime()?;
    runtime.block_on(async {
        let watched = watch(period, "spawn_blocking sleep", wait_off_the_runtime(block)).await;
        watched.print("std::thread::sleep in spawn_blocking");
        watched.output?; // an error would mean the closure panicked

        let hashing = hash_off_the_runtime(Arc::clone(buffer), settings.rounds());
        let watched = watch(period, "spawn_blocking hash", hashing).await;
        watched.print("SHA-256 in spawn_blocking");
        watched.output?;

        let round_trip = spawn_blocking_round_trip(200).await?;
        narrate::result(
            "one spawn_blocking round trip (median of 200)",
            format_duration(round_trip),
        );
        Ok::<(), anyhow::Error>(())
    })?;
    narrate::say(
        "A round trip to the blocking pool costs microseconds: worth it for anything that \
         blocks for a millisecond or more, wasted on a microsecond of work. The pool grows a \
         thread per job that finds no idle thread (up to 512), which suits waiting; CPU work \
         is another matter (section 3).",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    //! "Some ticks, versus none" with no clock involved: the blocking call below returns only once
    //! the heartbeat has ticked, so it can finish only if the runtime keeps running beside it.
    use super::*;
    use lesson_kit::heartbeat::Heartbeat;

    const MS: Duration = Duration::from_millis(1);

    /// Blocks this thread until `heartbeat` has ticked `wanted` more times, or until
    /// `give_up_after`; returns how many times it ticked.
    fn block_until_ticks(heartbeat: &Heartbeat, wanted: usize, give_up_after: Duration) -> usize {
        let start = heartbeat.count();
        let deadline = std::time::Instant::now() + give_up_after;
        loop {
            let grown = heartbeat.count() - start;
            if grown >= wanted || std::time::Instant::now() >= deadline {
                return grown;
            }
            std::thread::sleep(MS);
        }
    }

    #[tokio::test]
    async fn in_spawn_blocking_the_heartbeat_ticks_while_it_blocks() {
        let heartbeat = Arc::new(Heartbeat::start(MS));
        let watched = Arc::clone(&heartbeat);
        let blocking = move || block_until_ticks(&watched, 3, Duration::from_secs(60));
        let ticks = tokio::task::spawn_blocking(blocking)
            .await
            .expect("no panic");
        // At least three; more if the heartbeat ticked again before the waiter looked.
        assert!(ticks >= 3, "{ticks}");
    }

    #[tokio::test]
    async fn on_the_runtime_the_same_call_sees_no_tick() {
        let heartbeat = Heartbeat::start(MS);
        tokio::task::yield_now().await; // let it tick once, so it is surely running
        // Here it can only give up: the heartbeat needs this very thread to tick.
        let ticks = block_until_ticks(&heartbeat, 3, 50 * MS);
        assert_eq!(ticks, 0);
    }

    #[tokio::test]
    async fn offloaded_work_gives_the_same_answers() {
        wait_off_the_runtime(MS).await.expect("no panic");
        let buffer = Arc::new(vec![7; 1 << 20]);
        let offloaded = hash_off_the_runtime(Arc::clone(&buffer), 3).await;
        assert_eq!(offloaded.expect("no panic"), sha256_rounds(&buffer, 3));
    }
}
