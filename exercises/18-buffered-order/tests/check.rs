//! `in_order` must hand results back in the order of the jobs, `as_ready` as the jobs finish, and
//! both must run up to `limit` jobs at once. On tokio's paused clock, time moves only when every
//! task waits, so every time below is exact.

use std::fmt::Write;
use std::time::Duration;

use buffered_order::{Finished, Job, as_ready, in_order};
use futures::{Stream, StreamExt};
use tokio::time::Instant;

const LIMIT: usize = 2;

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// Five jobs of different lengths, no two finishing at the same moment in either schedule.
fn jobs() -> Vec<Job> {
    [("a", 300), ("b", 100), ("c", 250), ("d", 75), ("e", 150)]
        .into_iter()
        .map(|(name, duration)| Job {
            name,
            duration: ms(duration),
        })
        .collect()
}

fn duration_of(name: &str) -> Duration {
    jobs()
        .into_iter()
        .find(|job| job.name == name)
        .map(|job| job.duration)
        .expect("a job of the test")
}

/// A result, and when the stream handed it back.
struct Seen {
    finished: Finished,
    handed_back_at: Instant,
}

/// Reads the whole stream, noting when each result came out of it.
async fn read(stream: impl Stream<Item = Finished>) -> Vec<Seen> {
    let mut seen = Vec::new();
    let mut stream = std::pin::pin!(stream);
    while let Some(finished) = stream.next().await {
        seen.push(Seen {
            finished,
            handed_back_at: Instant::now(),
        });
    }
    seen
}

fn names(seen: &[Seen]) -> Vec<&'static str> {
    seen.iter().map(|seen| seen.finished.name).collect()
}

/// What a schedule of `jobs()` that took `took` says about how the jobs were run.
fn diagnose(took: Duration) -> &'static str {
    let one_at_a_time: Duration = jobs().iter().map(|job| job.duration).sum();
    let all_at_once = jobs().iter().map(|job| job.duration).max().unwrap();
    if took == one_at_a_time {
        "that is one job at a time"
    } else if took == all_at_once {
        "that is every job at once: the limit was ignored"
    } else {
        "that is neither one at a time nor the schedule of the prescribed adapter"
    }
}

/// The schedule as a table: when each job ran, when its result was handed back.
fn table(title: &str, started: Instant, seen: &[Seen]) -> String {
    let mut table = format!("{title}\njob  ran (ms)     handed back (ms)\n");
    for seen in seen {
        let finished = seen.finished.finished_at - started;
        let ran_from = finished - duration_of(seen.finished.name);
        writeln!(
            table,
            "{:<4} {:>3} to {:>3}   {:>3}",
            seen.finished.name,
            ran_from.as_millis(),
            finished.as_millis(),
            (seen.handed_back_at - started).as_millis()
        )
        .unwrap();
    }
    table
}

/// Fails unless `in_order`'s results, read from `started`, came in order and on `buffered`'s
/// schedule.
fn assert_in_order(started: Instant, seen: &[Seen]) {
    assert_eq!(
        names(seen),
        ["a", "b", "c", "d", "e"],
        "in_order must hand the results back in the order of the jobs"
    );
    let took = seen
        .last()
        .map_or(Duration::ZERO, |last| last.handed_back_at - started);
    assert_eq!(
        took,
        ms(700),
        "in_order took {took:?}; {}. Run up to {LIMIT} jobs at once, in order: `buffered`",
        diagnose(took)
    );
}

/// Fails unless `as_ready` handed back each result as its job finished, on `buffer_unordered`'s
/// schedule.
fn assert_as_ready(started: Instant, seen: &[Seen]) {
    let late: Vec<&str> = seen
        .iter()
        .filter(|seen| seen.handed_back_at != seen.finished.finished_at)
        .map(|seen| seen.finished.name)
        .collect();
    assert!(
        late.is_empty(),
        "as_ready kept these finished jobs waiting before handing them back: {late:?}; hand each \
         result back as soon as its job is done (the order was {:?})",
        names(seen)
    );
    let took = seen
        .last()
        .map_or(Duration::ZERO, |last| last.handed_back_at - started);
    assert_eq!(
        took,
        ms(500),
        "as_ready took {took:?}; {}. Run up to {LIMIT} jobs at once, as they finish: \
         `buffer_unordered`",
        diagnose(took)
    );
    assert_eq!(
        names(seen),
        ["b", "a", "c", "d", "e"],
        "as_ready should hand back each result as its job finishes"
    );
}

#[tokio::test(start_paused = true)]
async fn in_order_keeps_the_order_of_the_jobs() {
    let started = Instant::now();
    let seen = read(in_order(jobs(), LIMIT)).await;
    assert_in_order(started, &seen);
}

#[tokio::test(start_paused = true)]
async fn as_ready_hands_back_each_result_when_its_job_is_done() {
    let started = Instant::now();
    let seen = read(as_ready(jobs(), LIMIT)).await;
    assert_as_ready(started, &seen);
}

/// Both schedules side by side, as a snapshot to read once it passes (and checked first, so a
/// wrong schedule fails with the message that says why rather than with a diff).
#[tokio::test(start_paused = true)]
async fn both_schedules() {
    let started = Instant::now();
    let ordered = read(in_order(jobs(), LIMIT)).await;
    assert_in_order(started, &ordered);
    let mut both = table("in_order (buffered, limit 2)", started, &ordered);

    let started = Instant::now();
    let unordered = read(as_ready(jobs(), LIMIT)).await;
    assert_as_ready(started, &unordered);
    both.push('\n');
    both.push_str(&table(
        "as_ready (buffer_unordered, limit 2)",
        started,
        &unordered,
    ));
    insta::assert_snapshot!(both);
}
