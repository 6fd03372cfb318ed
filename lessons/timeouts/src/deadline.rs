//! A time limit around one call, and around a whole batch.
//!
//! `tokio::time::timeout(limit, future)` runs `future` until it finishes or `limit` has passed,
//! whichever comes first, and says which: `Ok(output)` or `Err(Elapsed)`. It is Python's
//! `asyncio.timeout` (or `asyncio.wait_for`), with one difference worth knowing at once: on
//! time-out nothing is *raised inside* the future. The future is simply dropped, mid-way, and never
//! polled again ([`crate::cancel`] shows what that means for cleanup).
//!
//! Around a batch there are two places to put the limit, and they keep different things:
//! - one limit around the whole batch (`timeout(limit, join_all(calls))`) is all or nothing:
//!   when it fires, the answers that had already arrived are dropped with the rest;
//! - a limit around each call (`join_all(calls.map(|call| timeout(limit, call)))`) keeps every
//!   answer that came in time and marks the others as timed out.
//!
//! Both finish by `limit` at the latest. Which one you want depends on whether a partial result is
//! worth anything to you.

use std::future::Future;
use std::time::Duration;

use anyhow::{Result, bail};
use futures::future::join_all;
use lesson_kit::http::get_status;
use lesson_kit::measure::format_duration;
use lesson_kit::{LocalServer, ServerConfig, Timeline, Versus, narrate};
use reqwest::{Client, StatusCode};
use tokio::time::error::Elapsed;
use tokio::time::{Instant, timeout};

use crate::Settings;

/// What came of one call made under a time limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The server answered in time, with this status.
    InTime(StatusCode),
    /// The request failed in time (refused, reset...): a different problem from slowness.
    Failed(String),
    /// The limit passed first; the request was dropped, unfinished.
    TimedOut,
}

// ANCHOR: one_call
/// One GET with a time limit.
pub async fn get_within(client: &Client, url: &str, limit: Duration) -> Answer {
    match timeout(limit, get_status(client, url)).await {
        Ok(Ok(status)) => Answer::InTime(status),
        Ok(Err(error)) => Answer::Failed(error.to_string()), // failed, but in time
        Err(_elapsed) => Answer::TimedOut,                   // the GET was dropped unfinished
    }
}
// ANCHOR_END: one_call

// ANCHOR: batch_limits
/// One limit for the whole batch: every answer, or none at all.
pub async fn one_limit_for_the_batch<F: Future>(
    calls: Vec<F>,
    limit: Duration,
) -> Result<Vec<F::Output>, Elapsed> {
    timeout(limit, join_all(calls)).await
}

/// A limit for each call: the answers that came in time, and a mark for those that didn't.
pub async fn a_limit_for_each_call<F: Future>(
    calls: Vec<F>,
    limit: Duration,
) -> Vec<Result<F::Output, Elapsed>> {
    join_all(calls.into_iter().map(|call| timeout(limit, call))).await
}
// ANCHOR_END: batch_limits

/// Delays for a batch of `count` requests, spread evenly between zero and twice `limit`, so about
/// half finish in time. None lands on the limit itself, where the outcome would be a coin toss:
/// the delays sit in the middle of an even number of equal slots, and an odd count leaves out the
/// first slot past the limit (so 3 requests under a 500 ms limit wait 125, 375 and 875 ms).
pub fn batch_delays(count: usize, limit: Duration) -> Vec<Duration> {
    let odd = !count.is_multiple_of(2);
    let slots = count + usize::from(odd);
    let first_past_the_limit = slots / 2;
    let middle_of = |slot: usize| limit.mul_f64(2.0 * (slot as f64 + 0.5) / slots as f64);
    (0..slots)
        .filter(|&slot| !(odd && slot == first_past_the_limit))
        .map(middle_of)
        .collect()
}

pub async fn demo(settings: &Settings) -> Result<()> {
    narrate::claim(
        "timeout(limit, call) gives up on the call once limit has passed, so nothing waits \
         longer than limit. Around a batch, one limit for all is all-or-nothing; a limit for \
         each call keeps the answers that came in time.",
    );
    narrate::python(
        "`async with asyncio.timeout(0.5): await call()` (or asyncio.wait_for); \
         the batch versions are `asyncio.timeout` around gather, and wait_for around each call.",
    );
    let server = LocalServer::start(ServerConfig::default())?;
    let client = Client::new();
    let limit = settings.limit;
    narrate::code(include_str!("deadline.rs"), "one_call");

    for delay in [limit / 4, limit * 2] {
        let url = server.url(&format!("/delay/{}", delay.as_millis()));
        let started = Instant::now();
        let answer = get_within(&client, &url, limit).await;
        let elapsed = started.elapsed();
        let label = format!(
            "server answers after {}, limit {}",
            format_duration(delay),
            format_duration(limit)
        );
        match answer {
            Answer::InTime(status) => {
                narrate::result(&label, format!("{status} in {}", format_duration(elapsed)))
            }
            Answer::TimedOut => narrate::result(
                &label,
                format!("timed out: {}", Versus::new(elapsed, limit)),
            ),
            Answer::Failed(error) => bail!("the local server failed: {error}"),
        }
    }

    let delays = batch_delays(settings.requests, limit);
    narrate::say(&format!(
        "Now a batch of {} requests whose answers take from {} to {}, under the same limit:",
        delays.len(),
        format_duration(delays[0]),
        format_duration(delays[delays.len() - 1]),
    ));
    narrate::code(include_str!("deadline.rs"), "batch_limits");

    let urls: Vec<String> = delays
        .iter()
        .map(|delay| server.url(&format!("/delay/{}", delay.as_millis())))
        .collect();

    let started = Instant::now();
    let calls = urls.iter().map(|url| get_status(&client, url)).collect();
    let whole = one_limit_for_the_batch(calls, limit).await;
    let elapsed = started.elapsed();
    let kept = whole.map_or(0, |answers| answers.len());
    narrate::result(
        "one limit for the batch",
        format!(
            "{kept} of {} answers kept, {}",
            urls.len(),
            Versus::new(elapsed, limit)
        ),
    );

    let timeline = Timeline::new();
    let started = Instant::now();
    let calls = urls
        .iter()
        .zip(&delays)
        .map(|(url, delay)| {
            let label = format!("answer in {}", format_duration(*delay));
            timeline.measure(label, get_status(&client, url))
        })
        .collect();
    let each = a_limit_for_each_call(calls, limit).await;
    let elapsed = started.elapsed();
    let in_time = each
        .iter()
        .filter(|answer| matches!(answer, Ok(Ok(_))))
        .count();
    narrate::result(
        "a limit for each call",
        format!(
            "{in_time} of {} answers kept, {}",
            urls.len(),
            Versus::new(elapsed, limit)
        ),
    );
    timeline.print();
    narrate::say(
        "Each bar ends when its answer came or when its limit cut it off: a time-out drops the \
         unfinished request, and the span it was drawing ends right there.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The batch logic on tokio's paused clock, with sleeps standing in for slow calls: exact and
    //! instant. (The paused clock would race past a real server's delays, so no HTTP here.)
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    async fn slow_call(delay: Duration) -> Duration {
        tokio::time::sleep(delay).await;
        delay
    }

    #[test]
    fn batch_delays_straddle_the_limit_without_touching_it() {
        let delays = batch_delays(10, 500 * MS);
        assert_eq!(delays.len(), 10);
        assert_eq!(delays[0], 50 * MS);
        assert_eq!(delays[9], 950 * MS);
        assert_eq!(delays.iter().filter(|&&delay| delay < 500 * MS).count(), 5);
        assert!(!delays.contains(&(500 * MS)));
    }

    #[test]
    fn an_odd_batch_keeps_clear_of_the_limit_too() {
        assert_eq!(batch_delays(3, 500 * MS), [125 * MS, 375 * MS, 875 * MS]);
        assert_eq!(batch_delays(1, 500 * MS), [250 * MS]);
        for count in [5, 7, 9, 11] {
            let delays = batch_delays(count, 500 * MS);
            assert_eq!(delays.len(), count);
            // Every delay is half a slot or more away from the limit.
            let margin = (500 * MS) / (count as u32 + 1);
            for delay in &delays {
                let distance = delay.abs_diff(500 * MS);
                assert!(distance >= margin, "{count} requests: {delays:?}");
            }
            assert!(delays.is_sorted(), "{delays:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn one_limit_for_the_batch_keeps_nothing_when_any_call_is_late() {
        let started = Instant::now();
        let calls = batch_delays(10, 500 * MS)
            .into_iter()
            .map(slow_call)
            .collect();
        let answers = one_limit_for_the_batch(calls, 500 * MS).await;
        assert!(answers.is_err());
        assert_eq!(started.elapsed(), 500 * MS);
    }

    #[tokio::test(start_paused = true)]
    async fn one_limit_for_the_batch_keeps_everything_when_all_are_in_time() {
        let started = Instant::now();
        let calls = vec![slow_call(100 * MS), slow_call(300 * MS)];
        let answers = one_limit_for_the_batch(calls, 500 * MS).await;
        assert_eq!(answers.ok(), Some(vec![100 * MS, 300 * MS]));
        assert_eq!(started.elapsed(), 300 * MS);
    }

    #[tokio::test(start_paused = true)]
    async fn a_limit_for_each_call_keeps_the_answers_that_came_in_time() {
        let started = Instant::now();
        let calls = batch_delays(10, 500 * MS)
            .into_iter()
            .map(slow_call)
            .collect();
        let answers = a_limit_for_each_call(calls, 500 * MS).await;
        let kept: Vec<Duration> = answers.into_iter().filter_map(Result::ok).collect();
        assert_eq!(kept, [50 * MS, 150 * MS, 250 * MS, 350 * MS, 450 * MS]);
        assert_eq!(started.elapsed(), 500 * MS);
    }

    #[tokio::test]
    async fn a_slow_server_times_out_and_a_quick_one_answers() {
        // Real time and a real server: only the outcomes are checked, with wide margins.
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let client = Client::new();
        let quick = get_within(&client, &server.url("/delay/0"), Duration::from_secs(10)).await;
        assert_eq!(quick, Answer::InTime(StatusCode::OK));
        let slow = get_within(&client, &server.url("/delay/5000"), 50 * MS).await;
        assert_eq!(slow, Answer::TimedOut);
    }
}
