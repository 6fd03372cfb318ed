//! What it costs to start a process, a thread, a task.
//!
//! A process needs the operating system to create a process, load the program into it (exec), link
//! its libraries, run its start-up code, set up its pipes, and tear all of it down at exit. On
//! Linux, `std::process::Command` asks glibc's `posix_spawn` (unless given a `pre_exec` hook, a
//! user or group to switch to, or a few such settings, which need a real `fork`), which starts the
//! child sharing the parent's memory (a vfork-style clone: nothing is copied) until it replaces
//! itself with the program. A plain `fork`, as Python's multiprocessing uses by default on Linux
//! before 3.14, copies the parent's page tables first. A thread shares the process's memory: it
//! needs a stack and a kernel thread, no more. A tokio task is a value in a queue, and the system
//! isn't even told.
//!
//! Each is timed from "start it" to "it has run and we know it finished", many times over; the
//! median is printed, since a few starts always land on a busy moment.

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use lesson_kit::measure::{format_duration, median, ratio};
use lesson_kit::narrate;

use crate::child_processes::run_worker;
use crate::worker::Job;

// ANCHOR: process
/// Starts a worker process that answers a ping and exits.
pub fn start_a_process(program: &Path) -> Result<Duration> {
    let started = Instant::now();
    run_worker(program, &Job::Ping, &[])?;
    Ok(started.elapsed())
}
// ANCHOR_END: process

// ANCHOR: thread
/// Starts a thread that does nothing, and joins it.
pub fn start_a_thread() -> Duration {
    let started = Instant::now();
    thread::spawn(|| ())
        .join()
        .expect("an empty thread can't panic");
    started.elapsed()
}
// ANCHOR_END: thread

// ANCHOR: task
/// Spawns a task that does nothing, and awaits it.
pub async fn start_a_task() -> Duration {
    let started = Instant::now();
    tokio::spawn(async {})
        .await
        .expect("an empty task can't panic");
    started.elapsed()
}
// ANCHOR_END: task

/// The median start time of each kind, over `count` starts.
#[derive(Debug, Clone, Copy)]
pub struct StartCosts {
    pub process: Duration,
    pub thread: Duration,
    pub task: Duration,
}

pub fn measure(program: &Path, count: usize) -> Result<StartCosts> {
    let processes: Vec<Duration> = (0..count)
        .map(|_| start_a_process(program))
        .collect::<Result<_>>()?;
    let threads: Vec<Duration> = (0..count).map(|_| start_a_thread()).collect();
    // One thread runs the tasks, as in lesson-async: no other thread is involved.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start tokio's runtime")?;
    let tasks: Vec<Duration> = runtime.block_on(async {
        let mut tasks = Vec::with_capacity(count);
        for _ in 0..count {
            tasks.push(start_a_task().await);
        }
        tasks
    });
    Ok(StartCosts {
        process: median(&processes),
        thread: median(&threads),
        task: median(&tasks),
    })
}

pub fn demo(program: &Path, count: usize) -> Result<()> {
    narrate::claim(
        "Starting a process costs far more than starting a thread, and a thread far more than \
         a task: pay for a process only when it buys something.",
    );
    narrate::python(
        "multiprocessing.Process(...).start() versus threading.Thread(...).start() versus \
         asyncio.create_task(...). A pool (ProcessPoolExecutor, rayon) pays the start once.",
    );
    narrate::code(include_str!("start_cost.rs"), "process");
    narrate::code(include_str!("start_cost.rs"), "thread");
    narrate::code(include_str!("start_cost.rs"), "task");

    let costs = measure(program, count)?;
    narrate::result(
        &format!("a process (start, ping, exit), median of {count}"),
        format_duration(costs.process),
    );
    narrate::result(
        &format!("a thread (spawn, join), median of {count}"),
        format_duration(costs.thread),
    );
    narrate::result(
        &format!("a task (spawn, await), median of {count}"),
        format_duration(costs.task),
    );
    narrate::result(
        "one process start costs as much as",
        format!(
            "{:.0} thread starts, or {:.0} task starts",
            ratio(costs.process, costs.thread),
            ratio(costs.process, costs.task)
        ),
    );
    narrate::say(
        "The process figure includes this lesson's own start-up: loading a debug binary and \
         parsing its flags. A smaller program starts faster, but never as fast as a thread.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Starting a real worker process needs the lesson's binary, so that is tested in
    //! tests/workers.rs. Here: threads and tasks.
    use super::*;

    #[test]
    fn threads_and_tasks_start_and_finish() {
        assert!(start_a_thread() > Duration::ZERO);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        assert!(runtime.block_on(start_a_task()) > Duration::ZERO);
    }
}
