//! CPU-heavy work belongs on rayon; await it over a oneshot channel.
//!
//! `spawn_blocking` is built for *waiting*: its pool starts a new thread for every job that finds
//! no idle one, up to 512, because a waiting thread costs little. CPU work is different: two cores
//! run two hashes at a time however many threads there are. Give `spawn_blocking` more CPU jobs
//! than cores and each gets a thread; the threads take turns on the cores, so every job finishes
//! late, near the end. rayon keeps one thread per core and a queue: the same jobs run a core's
//! worth at a time, the first results arrive after one job's time, and the total is the same.
//! (With no more jobs than cores, the two behave alike: every job has a core to itself.)
//!
//! rayon knows nothing of async, so the bridge is a `tokio::sync::oneshot` channel: the job sends
//! its result, and the task awaits the receiver, which hands the runtime's thread back meanwhile.
//!
//! When to choose which:
//! - `spawn_blocking`: a call that blocks waiting (a sync file or database API, a blocking client,
//!   a lock), or a short burst of CPU now and then.
//! - rayon (with a oneshot back to async): CPU-heavy work, many jobs, or one job you want spread
//!   over the cores with `par_iter`.
//! - a dedicated `std::thread`: work that runs for the life of the program (a loop that never
//!   ends would hold a blocking-pool thread or a rayon thread forever).

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::thread::ThreadId;
use std::time::Duration;

use anyhow::{Result, bail};
use futures::future::try_join_all;
use lesson_kit::measure::{format_duration, ideal_cpu_time, median, timed};
use lesson_kit::narrate::panic_message;
use lesson_kit::{Timeline, Versus, narrate, system};
use tokio::sync::oneshot;

use crate::current_thread_runtime;
use crate::settings::Settings;
use crate::watch::{Watched, watch_on};
use crate::work::sha256_rounds;

// ANCHOR: on_rayon
/// Runs `work` on rayon's pool and returns a future of its result. The runtime's thread is free
/// while rayon's thread computes. A panic in `work` comes back as an error, as it does from
/// `spawn_blocking`.
pub async fn on_rayon<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let (send, receive) = oneshot::channel();
    rayon::spawn(move || {
        // A panic that escapes a `rayon::spawn` job aborts the whole process (rayon's default
        // panic handler), so catch it here and send it back as a value. `AssertUnwindSafe` is
        // fine: nothing uses `work` after it panicked.
        let outcome = panic::catch_unwind(AssertUnwindSafe(work));
        // An error means the receiver is gone: the caller stopped waiting, nobody needs this.
        let _ = send.send(outcome);
    });
    match receive.await {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(panic)) => bail!("the job panicked: {}", panic_message(&*panic)),
        // The sender was dropped unsent: rayon dropped the job without running it.
        Err(_) => bail!("the job never ran"),
    }
}
// ANCHOR_END: on_rayon

/// What one job produced, and which thread ran it.
#[derive(Debug, Clone)]
pub struct JobDone {
    pub digest: String,
    pub thread: ThreadId,
}

/// One CPU job: hash the buffer, drawing the job on the timeline while it runs.
pub fn hash_job(buffer: &[u8], rounds: usize, index: usize, timeline: &Timeline) -> JobDone {
    let _span = timeline.start(format!("job {index}"));
    JobDone {
        digest: sha256_rounds(buffer, rounds),
        thread: std::thread::current().id(),
    }
}

// ANCHOR: jobs
pub async fn jobs_on_spawn_blocking(
    buffer: &Arc<Vec<u8>>,
    rounds: usize,
    jobs: usize,
    timeline: &Timeline,
) -> Result<Vec<JobDone>> {
    let running = (0..jobs).map(|index| {
        let (buffer, timeline) = (Arc::clone(buffer), timeline.clone());
        tokio::task::spawn_blocking(move || hash_job(&buffer, rounds, index, &timeline))
    });
    Ok(try_join_all(running).await?)
}

pub async fn jobs_on_rayon(
    buffer: &Arc<Vec<u8>>,
    rounds: usize,
    jobs: usize,
    timeline: &Timeline,
) -> Result<Vec<JobDone>> {
    let running = (0..jobs).map(|index| {
        let (buffer, timeline) = (Arc::clone(buffer), timeline.clone());
        on_rayon(move || hash_job(&buffer, rounds, index, &timeline))
    });
    try_join_all(running).await
}
// ANCHOR_END: jobs

/// How many different threads ran the jobs.
pub fn threads_used(done: &[JobDone]) -> usize {
    done.iter()
        .map(|job| job.thread)
        .collect::<HashSet<_>>()
        .len()
}

/// How long after the first job started the first job finished.
pub fn first_result_after(timeline: &Timeline) -> Duration {
    let spans = timeline.spans();
    let jobs = spans.iter().filter(|span| span.label.starts_with("job "));
    let first_start = jobs.clone().map(|span| span.start).min();
    let first_end = jobs.map(|span| span.end).min();
    match (first_start, first_end) {
        (Some(start), Some(end)) => end.saturating_sub(start),
        _ => Duration::ZERO,
    }
}

pub fn demo(settings: &Settings, buffer: &Arc<Vec<u8>>) -> Result<()> {
    let (jobs, cores) = (settings.jobs, system::available_cores());
    narrate::claim(&claim(jobs, cores));
    narrate::python(
        "loop.run_in_executor(ProcessPoolExecutor(), ...): Python needs processes for CPU \
         work because of the GIL; Rust needs only threads, and rayon's pool is the \
         ThreadPoolExecutor sized for cores.",
    );
    narrate::code(include_str!("cpu.rs"), "on_rayon");
    narrate::code(include_str!("cpu.rs"), "jobs");

    let rounds = settings.rounds();
    // One job on this thread first (the median of three): the single-core time that the ideal
    // is worked out from.
    let one_job = median(&[0, 1, 2].map(|_| timed(|| sha256_rounds(buffer, rounds)).1));
    narrate::result(
        &format!(
            "one job (SHA-256 of {} MiB) on one core, median of 3",
            settings.job_mib
        ),
        format_duration(one_job),
    );
    // A job runs on one core at a time, so fewer jobs than cores leave some cores idle.
    let ideal = ideal_cpu_time(one_job * jobs as u32, cores.min(jobs));

    let runtime = current_thread_runtime()?;
    runtime.block_on(async {
        let timeline = Timeline::new();
        let running = jobs_on_spawn_blocking(buffer, rounds, jobs, &timeline);
        let watched = watch_on(timeline.clone(), settings.period, "all jobs", running).await;
        report("spawn_blocking", watched, &timeline, ideal)?;

        let timeline = Timeline::new();
        let running = jobs_on_rayon(buffer, rounds, jobs, &timeline);
        let watched = watch_on(timeline.clone(), settings.period, "all jobs", running).await;
        report("rayon", watched, &timeline, ideal)
    })?;
    if jobs > cores {
        narrate::say(
            "Same throughput, different latency: with more CPU jobs than cores, a queue (rayon) \
             finishes jobs one by one, while a thread per job (spawn_blocking) makes them all \
             share the cores and finish together at the end.",
        );
    }
    narrate::say(
        "Keep spawn_blocking for waiting, rayon for computing, and a plain std::thread for \
         work that never ends.",
    );
    Ok(())
}

/// The claim, worded from what this run will do: the two pools differ only when there are more
/// jobs than cores.
fn claim(jobs: usize, cores: usize) -> String {
    if jobs > cores {
        format!(
            "{jobs} hashing jobs finish in about the same total time on spawn_blocking and on \
             rayon, and neither stalls the heartbeat. But spawn_blocking runs {jobs} threads on \
             {cores} cores, so every job finishes late, while rayon runs {cores} at a time and \
             delivers the first result after one job's time."
        )
    } else {
        format!(
            "{jobs} hashing jobs on {cores} cores: with no more jobs than cores, spawn_blocking \
             and rayon both give every job a core of its own, finish together after one job's \
             time, and neither stalls the heartbeat. (With --jobs above {cores} they part ways.)"
        )
    }
}

/// Prints how one pool ran the jobs, and its chart.
fn report(
    way: &str,
    watched: Watched<Result<Vec<JobDone>>>,
    timeline: &Timeline,
    ideal: Duration,
) -> Result<()> {
    let done = watched.output?;
    narrate::result(
        &format!("{way}: wall time"),
        Versus::new(watched.elapsed, ideal),
    );
    narrate::result(
        &format!("{way}: threads that ran a job"),
        threads_used(&done),
    );
    narrate::result(
        &format!("{way}: first result after"),
        format_duration(first_result_after(timeline)),
    );
    narrate::result(&format!("{way}: heartbeat"), watched.beats.summary());
    timeline.print();
    Ok(())
}

#[cfg(test)]
mod tests {
    use tokio::time::Instant;

    use super::*;

    fn small_buffer() -> Arc<Vec<u8>> {
        Arc::new(lesson_kit::data::deterministic_bytes(3, 64 * 1024))
    }

    #[tokio::test]
    async fn on_rayon_hands_back_what_the_closure_returned() {
        assert_eq!(on_rayon(|| 6 * 7).await.expect("no panic"), 42);
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_and_the_process_carries_on() {
        // Uncaught, this panic would abort the test binary (rayon's default panic handler).
        let error = on_rayon(|| -> u32 { panic!("a job that fails") })
            .await
            .expect_err("the job panicked");
        assert!(error.to_string().contains("a job that fails"), "{error}");
        assert_eq!(on_rayon(|| 6 * 7).await.expect("rayon still works"), 42);
    }

    #[tokio::test]
    async fn rayon_runs_the_jobs_on_its_own_few_threads() {
        let buffer = small_buffer();
        let done = jobs_on_rayon(&buffer, 2, 12, &Timeline::new())
            .await
            .expect("jobs");
        assert_eq!(done.len(), 12);
        assert!(threads_used(&done) <= rayon::current_num_threads());
        let expected = sha256_rounds(&buffer, 2);
        assert!(done.iter().all(|job| job.digest == expected));
        // None of them ran on this thread, the runtime's.
        let here = std::thread::current().id();
        assert!(done.iter().all(|job| job.thread != here));
    }

    #[tokio::test]
    async fn spawn_blocking_runs_them_off_the_runtime_with_the_same_answers() {
        let buffer = small_buffer();
        let done = jobs_on_spawn_blocking(&buffer, 2, 6, &Timeline::new())
            .await
            .expect("jobs");
        let expected = sha256_rounds(&buffer, 2);
        assert!(done.iter().all(|job| job.digest == expected));
        let here = std::thread::current().id();
        assert!(done.iter().all(|job| job.thread != here));
        assert!(threads_used(&done) <= 6);
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_result_is_timed_from_the_first_start() {
        let timeline = Timeline::new();
        let origin = Instant::now();
        let at = |ms| origin + Duration::from_millis(ms);
        timeline.record("all jobs", at(0), at(90));
        timeline.record("job 0", at(10), at(60));
        timeline.record("job 1", at(10), at(40));
        timeline.record("job 2", at(40), at(90));
        assert_eq!(first_result_after(&timeline), Duration::from_millis(30));
    }
}
