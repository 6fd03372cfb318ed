//! Fixed costs: what a runtime, a thread, a pool and a process cost before any work is done.
//!
//! Every way of doing things at once costs something to set up, whatever the work: a runtime
//! builds its scheduler (a multi-thread one starts a thread per core); a thread needs a stack and a
//! kernel thread; a pool starts its threads; a process starts a whole program. Even a blocking HTTP
//! client pays some of it: reqwest's runs a runtime of its own on a thread it starts. The plain
//! sequential version of a program pays none of the rest. Concurrency pays when it saves more
//! than this.
//!
//! Each is timed from "start it" to "it is gone again", many times over; the median is printed,
//! since a few starts always land on a busy moment.

use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use lesson_kit::measure::{format_duration, median};
use lesson_kit::narrate;

/// The hidden flag that makes this program exit at once: what a process start is timed with.
pub const EXIT_AT_ONCE_FLAG: &str = "--exit-at-once";

// ANCHOR: runtimes
/// A tokio runtime on this thread: built, given one empty future, dropped.
pub fn start_a_runtime() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {});
    Ok(()) // the runtime is dropped here, which shuts it down
}

/// The same with a worker thread per core, which it starts and, when dropped, stops.
pub fn start_a_multi_thread_runtime() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {});
    Ok(())
}
// ANCHOR_END: runtimes

// ANCHOR: pool
/// A rayon pool of a thread per core, given one empty job. (Dropping it tells its threads to
/// stop, without waiting for them.) rayon's global pool pays the same once, at its first job.
pub fn start_a_pool() -> Result<()> {
    let pool = rayon::ThreadPoolBuilder::new().build()?;
    pool.install(|| ());
    Ok(())
}
// ANCHOR_END: pool

// ANCHOR: process
/// This very program, started again with a flag that makes it exit at once, and waited for.
pub fn start_a_process(program: &Path) -> Result<()> {
    let status = Command::new(program).arg(EXIT_AT_ONCE_FLAG).status()?;
    if !status.success() {
        bail!(
            "{} {EXIT_AT_ONCE_FLAG} ended with {status}",
            program.display()
        );
    }
    Ok(())
}
// ANCHOR_END: process

/// A thread that does nothing, spawned and joined.
pub fn start_a_thread() {
    thread::spawn(|| ())
        .join()
        .expect("an empty thread can't panic");
}

/// One empty job handed to rayon's pool, once it is started, and waited for.
pub fn a_job_on_a_started_pool() {
    rayon::join(|| (), || ());
}

/// The median time of `starts` runs of `once`.
pub fn median_time(starts: usize, mut once: impl FnMut() -> Result<()>) -> Result<Duration> {
    let mut times = Vec::with_capacity(starts);
    for _ in 0..starts {
        let started = Instant::now();
        once()?;
        times.push(started.elapsed());
    }
    Ok(median(&times))
}

/// The median time of a task spawned and awaited on a runtime that is already running.
pub fn a_task_on_a_started_runtime(starts: usize) -> Result<Duration> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start tokio's runtime")?;
    runtime.block_on(async {
        let mut times = Vec::with_capacity(starts);
        for _ in 0..starts {
            let started = Instant::now();
            tokio::spawn(async {}).await?;
            times.push(started.elapsed());
        }
        Ok(median(&times))
    })
}

/// What each thing cost to start, median over the starts: a label and a time each.
pub fn measure(program: &Path, starts: usize) -> Result<Vec<(&'static str, Duration)>> {
    // rayon's global pool starts on its first job: that first job is not what is timed below.
    a_job_on_a_started_pool();
    Ok(vec![
        (
            "a task on a started runtime (spawn, await)",
            a_task_on_a_started_runtime(starts)?,
        ),
        (
            "a job on rayon's started pool (rayon::join)",
            median_time(starts, || {
                a_job_on_a_started_pool();
                Ok(())
            })?,
        ),
        (
            "an async HTTP client (reqwest::Client::new)",
            median_time(starts, || {
                drop(reqwest::Client::new());
                Ok(())
            })?,
        ),
        (
            "a tokio runtime on this thread (build, run, drop)",
            median_time(starts, start_a_runtime)?,
        ),
        (
            "a thread (spawn, join)",
            median_time(starts, || {
                start_a_thread();
                Ok(())
            })?,
        ),
        (
            "a blocking HTTP client (it starts a thread and a runtime)",
            median_time(starts, || {
                drop(reqwest::blocking::Client::new());
                Ok(())
            })?,
        ),
        (
            "a tokio runtime with a worker per core",
            median_time(starts, start_a_multi_thread_runtime)?,
        ),
        (
            "a rayon pool of a thread per core (build, one job)",
            median_time(starts, start_a_pool)?,
        ),
        (
            "a process (this program, started, exited, waited for)",
            median_time(starts, || start_a_process(program))?,
        ),
    ])
}

pub fn demo(program: &Path, starts: usize, call: Duration) -> Result<()> {
    narrate::claim(
        "Every way of running things at once has a fixed cost before any work: from a \
         microsecond for a task to milliseconds for a process. Beside a network call it is \
         small; beside a small computation it is not.",
    );
    narrate::python(
        "asyncio.run(main()), threading.Thread(...).start(), ThreadPoolExecutor(), \
         ProcessPoolExecutor(): the same kinds of cost, which the course's bench measures \
         for Python too (bench/python/overheads.py).",
    );
    narrate::code(include_str!("fixed_costs.rs"), "runtimes");
    narrate::code(include_str!("fixed_costs.rs"), "pool");
    narrate::code(include_str!("fixed_costs.rs"), "process");
    narrate::say(&format!(
        "Each started {starts} times, from nothing to gone again; the median, cheapest first:"
    ));
    let mut costs = measure(program, starts)?;
    costs.sort_by_key(|&(_, cost)| cost);
    for (label, cost) in &costs {
        narrate::result(label, format_duration(*cost));
    }
    if let Some((label, dearest)) = costs.last() {
        // "a process (this program, ...)" is named "a process" here.
        let name = label.split(" (").next().unwrap_or(label);
        narrate::result(
            "the dearest, as a share of one call's wait",
            format!(
                "{:.1} % of {}, for {name}",
                100.0 * dearest.as_secs_f64() / call.as_secs_f64().max(1e-9),
                format_duration(call)
            ),
        );
    }
    narrate::say(
        "The process figure includes this lesson's own start-up: loading a debug build and \
         parsing its flags. A pool pays its start once and then costs a job's hand-over each \
         time, the cheapest lines above.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Starting this program as a process needs its binary: that is in tests/smoke.rs.
    use super::*;

    #[test]
    fn every_start_in_this_process_runs() {
        start_a_runtime().expect("a runtime");
        start_a_multi_thread_runtime().expect("a multi-thread runtime");
        start_a_pool().expect("a pool");
        start_a_thread();
        a_job_on_a_started_pool();
        assert!(a_task_on_a_started_runtime(3).expect("tasks") > Duration::ZERO);
    }

    #[test]
    fn the_median_is_of_every_start() {
        let mut runs = 0;
        let time = median_time(5, || {
            runs += 1;
            Ok(())
        });
        assert!(time.is_ok());
        assert_eq!(runs, 5);
    }

    #[test]
    fn a_failed_start_is_an_error() {
        let error = median_time(3, || bail!("no")).expect_err("fails");
        assert_eq!(error.to_string(), "no");
    }
}
