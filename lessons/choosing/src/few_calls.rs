//! One call, two, a few: sequential or concurrent.
//!
//! The same calls three ways, each paying for everything it needs: one after another with a
//! blocking client (the plain version); a thread per call sharing that client; and async tasks
//! on a runtime started for them. One call has nothing to overlap, so the plain version is as fast
//! and simpler. From two calls that wait, running them at once saves a wait per extra call, far
//! more than the runtime or the threads cost.

use std::thread;
use std::time::Duration;

use anyhow::Result;
use futures::future::join_all;
use lesson_kit::http::{get_status, get_status_blocking};
use lesson_kit::measure::{format_duration, median, timed};
use lesson_kit::{LocalServer, ServerConfig, Versus, narrate};
use reqwest::StatusCode;

/// The batch sizes the section compares.
pub const CALLS: [usize; 3] = [1, 2, 4];

// ANCHOR: one_by_one
/// The plain version: one call after another on this thread.
pub fn one_by_one(url: &str, calls: usize) -> reqwest::Result<Vec<StatusCode>> {
    let client = reqwest::blocking::Client::new();
    (0..calls)
        .map(|_| get_status_blocking(&client, url))
        .collect()
}
// ANCHOR_END: one_by_one

// ANCHOR: thread_per_call
/// A thread per call, all sharing one blocking client.
pub fn a_thread_per_call(url: &str, calls: usize) -> reqwest::Result<Vec<StatusCode>> {
    let client = reqwest::blocking::Client::new();
    thread::scope(|scope| {
        let handles: Vec<_> = (0..calls)
            .map(|_| scope.spawn(|| get_status_blocking(&client, url)))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a calling thread panicked"))
            .collect()
    })
}
// ANCHOR_END: thread_per_call

// ANCHOR: tasks
/// Every call at once as async tasks, on a runtime started for them: its start is in the price.
pub fn async_on_a_new_runtime(url: &str, calls: usize) -> Result<Vec<StatusCode>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let statuses = runtime.block_on(async {
        let client = reqwest::Client::new();
        join_all((0..calls).map(|_| get_status(&client, url))).await
    });
    Ok(statuses.into_iter().collect::<Result<_, _>>()?)
}
// ANCHOR_END: tasks

/// The three ways, by name, as the section prints them.
pub const WAYS: [&str; 3] = ["one by one", "a thread per call", "async"];

/// Runs `calls` calls to `url` the `way`-th way (see [`WAYS`]) and checks every answer is 200.
pub fn run_way(way: usize, url: &str, calls: usize) -> Result<()> {
    let statuses = match way {
        0 => one_by_one(url, calls)?,
        1 => a_thread_per_call(url, calls)?,
        _ => async_on_a_new_runtime(url, calls)?,
    };
    let failed = statuses
        .iter()
        .filter(|status| !status.is_success())
        .count();
    anyhow::ensure!(failed == 0, "{failed} of {calls} calls to {url} failed");
    Ok(())
}

/// Each way's times over `rounds` rounds of `calls` calls; the rounds take turns between the
/// ways, so that a busy moment of the machine does not fall on one way only.
pub fn time_ways(url: &str, calls: usize, rounds: usize) -> Result<[Vec<Duration>; 3]> {
    let mut times: [Vec<Duration>; 3] = Default::default();
    for _ in 0..rounds.max(1) {
        for (way, way_times) in times.iter_mut().enumerate() {
            let (outcome, took) = timed(|| run_way(way, url, calls));
            outcome?;
            way_times.push(took);
        }
    }
    Ok(times)
}

/// How far apart the rounds of one way landed, leaving out the quarter of rounds at each end
/// (with few rounds, that leaves out none): one round that met a busy moment does not make the
/// others look like noise.
pub fn spread(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let (Some(&low), Some(&high)) = (
        sorted.get(sorted.len() / 4),
        sorted.get((sorted.len() * 3 / 4).min(sorted.len().saturating_sub(1))),
    ) else {
        return Duration::ZERO;
    };
    high - low
}

/// How `concurrent` compares with `sequential` (medians, with the [`spread`] of both sets of
/// rounds as the noise): `took 98.1 ms less (49 %)`, or `210 µs apart, within the rounds' spread
/// of 1.30 ms`.
pub fn compare(sequential: &[Duration], concurrent: &[Duration]) -> String {
    let (plain, other) = (median(sequential), median(concurrent));
    let noise = spread(sequential).max(spread(concurrent));
    let apart = plain.abs_diff(other);
    if apart <= noise {
        format!(
            "{} apart, within the rounds' spread of {}",
            format_duration(apart),
            format_duration(noise)
        )
    } else if other < plain {
        format!(
            "took {} less ({:.0} %)",
            format_duration(apart),
            100.0 * apart.as_secs_f64() / plain.as_secs_f64()
        )
    } else {
        format!("took {} more", format_duration(apart))
    }
}

pub fn demo(delay: Duration, rounds: usize) -> Result<()> {
    narrate::claim(&format!(
        "One call that waits {} takes one wait whichever way it is made: concurrency has \
         nothing to overlap, so the plain sequential version, the simplest, is the one to \
         write. From two calls on, making them at once saves a wait per extra call.",
        format_duration(delay)
    ));
    narrate::python(
        "a loop of requests.get(url), ThreadPoolExecutor().map(requests.get, urls), and \
         asyncio.run(main()) around asyncio.gather of httpx calls.",
    );
    narrate::code(include_str!("few_calls.rs"), "one_by_one");
    narrate::code(include_str!("few_calls.rs"), "thread_per_call");
    narrate::code(include_str!("few_calls.rs"), "tasks");

    let server = LocalServer::start(ServerConfig::default())?;
    let url = server.url(&format!("/delay/{}", delay.as_millis()));
    narrate::say(&format!(
        "Calls to {url}, each way's median over {rounds} rounds, everything it needs included \
         (a client, threads, a runtime), against the ideal: every wait in turn, or one wait:"
    ));
    for calls in CALLS {
        let times = time_ways(&url, calls, rounds)?;
        let ideals = [delay * calls as u32, delay, delay];
        let noun = if calls == 1 { "call" } else { "calls" };
        for ((name, way_times), ideal) in WAYS.iter().zip(&times).zip(ideals) {
            narrate::result(
                &format!("{calls} {noun}: {name}"),
                Versus::new(median(way_times), ideal),
            );
        }
        narrate::result(
            &format!("{calls} {noun}: async against one by one"),
            compare(&times[0], &times[2]),
        );
    }
    narrate::say(
        "One call: every way took about one wait, and what separates them is the tools' own \
         overhead, not a wait saved; the plain version is the one to read, test and debug. \
         (reqwest's blocking client runs the same async client on a thread of its own and \
         hands each call to it and back.) Two calls that wait are already worth overlapping.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn every_way_makes_every_call() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let url = server.url("/delay/0");
        for (way, name) in WAYS.iter().enumerate() {
            server.reset_stats();
            run_way(way, &url, 3).expect("three calls");
            assert_eq!(server.stats().completed, 3, "{name}");
        }
    }

    #[test]
    fn a_failed_call_is_an_error() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let error = run_way(0, &server.url("/status/503"), 2).expect_err("503");
        assert!(error.to_string().contains("2 of 2 calls"), "{error}");
    }

    #[test]
    fn only_a_difference_beyond_the_spread_is_a_saving() {
        assert_eq!(
            compare(&[100 * MS, 101 * MS], &[100 * MS, 102 * MS]),
            "500 µs apart, within the rounds' spread of 2.00 ms"
        );
        assert_eq!(
            compare(&[200 * MS, 201 * MS], &[100 * MS, 101 * MS]),
            "took 100 ms less (50 %)"
        );
        assert_eq!(compare(&[10 * MS], &[20 * MS]), "took 10.0 ms more");
    }

    #[test]
    fn the_spread_leaves_out_a_quarter_of_the_rounds_at_each_end() {
        assert_eq!(spread(&[]), Duration::ZERO);
        assert_eq!(spread(&[5 * MS]), Duration::ZERO);
        assert_eq!(spread(&[3 * MS, MS, 2 * MS]), 2 * MS);
        let with_a_busy_moment = [MS, 2 * MS, 2 * MS, 3 * MS, 3 * MS, 4 * MS, 4 * MS, 90 * MS];
        assert_eq!(spread(&with_a_busy_moment), 2 * MS);
    }
}
