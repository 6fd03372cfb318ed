//! Send bounds: what a spawned task holds across `.await` must be `Send`.
//!
//! A multi-threaded runtime moves tasks between its worker threads. A task that waits is picked up
//! again by whichever worker is free when it is woken, so the code after an `.await` may run on
//! another thread than the code before it, and everything the task holds across that `.await`
//! moves with it. So the task's future must be `Send`, which is why `tokio::spawn` asks for
//! `F: Future + Send + 'static`. A generic helper that spawns must ask for the same bounds, or it
//! does not compile; and asking for them passes the demand on to every caller of the helper.
//!
//! `Rc` is not `Send`: its count is a plain integer, not an atomic one. A future that holds an
//! `Rc` across an `.await` is not `Send` either, and the compiler says so where the future is
//! spawned, naming the `Rc` and the `.await`. Two fixes: an `Arc`, whose count is atomic; or end
//! the `Rc`'s life before the `.await` (a block around its use, or a `drop`), so that the future
//! never holds it while it may move. (When a task must keep a `!Send` value across its waits,
//! `tokio::task::LocalSet` runs such tasks on one thread, and `spawn_local` asks for no `Send`.)
//!
//! Python has no such check, and needs none: an asyncio task never leaves its event loop's thread.

use std::rc::Rc;
use std::sync::Arc;
use std::thread::{self, ThreadId};
use std::time::Duration;

use anyhow::{Context, Result};
use futures::future::join_all;
use lesson_kit::narrate;
use tokio::task::JoinHandle;
use tokio::time::sleep;

/// The settings a task reads: shared by every task, never changed.
#[derive(Debug)]
pub struct Config {
    pub greeting: String,
}

// ANCHOR: helper
/// Spawns `future` on the runtime, and gives up on it after `limit` (`None`). It asks its
/// callers for what `tokio::spawn` asks of it: a future that may move between threads (`Send`),
/// owning what it uses (`'static`), with an output that may move back to whoever awaits it.
pub fn spawn_with_limit<F>(limit: Duration, future: F) -> JoinHandle<Option<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(async move { tokio::time::timeout(limit, future).await.ok() })
}
// ANCHOR_END: helper

/// Which thread a task started on, and which it ended on after its `.await`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threads {
    pub before: ThreadId,
    pub after: ThreadId,
}

// ANCHOR: arc
/// An `Arc` may be held across the `.await`: its count is atomic, so it is `Send`.
pub async fn greet_with_arc(config: Arc<Config>, wait: Duration) -> (String, Threads) {
    let before = thread::current().id();
    sleep(wait).await; // `config` is held here, and may move to another thread with the task
    let greeting = config.greeting.clone();
    let after = thread::current().id();
    (greeting, Threads { before, after })
}
// ANCHOR_END: arc

// ANCHOR: dropped_before
/// An `Rc` may be used, as long as it is gone before the `.await`.
pub async fn greet_with_rc_dropped_first(text: &'static str, wait: Duration) -> (String, Threads) {
    let before = thread::current().id();
    let greeting = {
        let config = Rc::new(Config {
            greeting: text.to_string(),
        });
        config.greeting.clone()
    }; // the Rc ends here: the future never holds it across the .await below
    sleep(wait).await;
    let after = thread::current().id();
    (greeting, Threads { before, after })
}
// ANCHOR_END: dropped_before

/// Spawns `tasks` tasks of each fix on a runtime of `workers` threads; how many of each resumed
/// on another thread than they started on, and every greeting.
pub fn run_both(tasks: usize, workers: usize, wait: Duration) -> Result<(usize, Vec<String>)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_time()
        .build()
        .context("cannot start a multi-threaded runtime")?;
    runtime.block_on(async {
        let config = Arc::new(Config {
            greeting: "hello".to_string(),
        });
        let mut handles = Vec::new();
        for _ in 0..tasks {
            let limit = wait * 100;
            handles.push(spawn_with_limit(
                limit,
                greet_with_arc(Arc::clone(&config), wait),
            ));
            handles.push(spawn_with_limit(
                limit,
                greet_with_rc_dropped_first("hi", wait),
            ));
        }
        let mut moved = 0;
        let mut greetings = Vec::new();
        for outcome in join_all(handles).await {
            let (greeting, threads) = outcome
                .context("a greeting task failed")?
                .context("a greeting task ran out of time")?;
            if threads.before != threads.after {
                moved += 1;
            }
            greetings.push(greeting);
        }
        Ok((moved, greetings))
    })
}

const CASE: &str = include_str!("../tests/ui/rc_across_await.rs");
const COMPILER_SAYS: &str = include_str!("../tests/ui/rc_across_await.stderr");

pub fn demo(tasks: usize) -> Result<()> {
    narrate::claim(
        "A task on a multi-threaded runtime may resume on another thread after an .await, so \
         whatever it holds across one must be Send: a spawn helper must ask for Send, and an Rc \
         held across an .await is refused. Arc, or an Rc dropped before the .await, compiles.",
    );
    narrate::python(
        "none: an asyncio task never leaves its event loop's thread, so nothing it holds needs \
         to be safe to move.",
    );
    narrate::code(include_str!("send_bounds.rs"), "helper");
    narrate::say("A caller that holds an Rc across an .await (tests/ui/rc_across_await.rs):");
    narrate::code(CASE, "mistake");
    narrate::compiler_output(COMPILER_SAYS);
    narrate::result(
        "an Rc held across .await",
        "refused at compile time: the future is not Send",
    );
    narrate::say("The two fixes:");
    narrate::code(include_str!("send_bounds.rs"), "arc");
    narrate::code(include_str!("send_bounds.rs"), "dropped_before");
    let workers = 2;
    let wait = Duration::from_millis(20);
    narrate::say(&format!(
        "{tasks} tasks of each, spawned through the helper on a runtime of {workers} worker \
         threads, each waiting 20 ms once:"
    ));
    let (moved, greetings) = run_both(tasks, workers, wait)?;
    narrate::result(
        "tasks that resumed on another thread after their .await",
        format!("{moved} of {}", greetings.len()),
    );
    narrate::say(
        "Each of those carried what it held from one thread to another: the reason for the \
         bound. How many move depends on which worker is free when a timer fires.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_fixes_run_on_a_multi_threaded_runtime() {
        let (moved, greetings) = run_both(4, 2, Duration::from_millis(1)).expect("runs");
        assert!(moved <= 8);
        assert_eq!(greetings.len(), 8);
        assert_eq!(greetings.iter().filter(|g| *g == "hello").count(), 4);
        assert_eq!(greetings.iter().filter(|g| *g == "hi").count(), 4);
    }
}
