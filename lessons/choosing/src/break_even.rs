//! Where concurrency starts to pay: the break-even wait.
//!
//! Two calls one after another take two waits plus two round trips; two at once take one wait,
//! plus what it costs to start a runtime and a client and open two connections. Measured with no
//! wait at all, the difference between the two is the price of concurrency on this machine. Any
//! wait longer than that, and running the calls at once is faster; with `calls` calls, the saving
//! is `(calls - 1) × wait`, against the same price.
//!
//! So the rule has a number in it, and this section measures it: the *break-even wait*.

use std::time::Duration;

use anyhow::Result;
use lesson_kit::measure::{format_duration, median, timed};
use lesson_kit::{LocalServer, ServerConfig, narrate};

use crate::few_calls::{compare, run_way};

/// The waits tried, in milliseconds, after none at all.
pub const WAITS_MS: [u64; 4] = [0, 1, 3, 10];

/// How many times more rounds than section 2: these batches take milliseconds, and small
/// differences need more rounds to show through the noise.
const MORE_ROUNDS: usize = 5;

/// One way of making two calls, by its number in [`crate::few_calls::WAYS`].
const ONE_BY_ONE: usize = 0;
const ASYNC: usize = 2;

// ANCHOR: break_even
/// The wait per call above which making `calls` calls at once beats one after another, from
/// the medians of both ways measured with no wait at all: what concurrency costs to set up, less
/// the round trips it overlaps. Never below zero.
pub fn break_even_wait(one_by_one_at_zero: Duration, at_once_at_zero: Duration) -> Duration {
    at_once_at_zero.saturating_sub(one_by_one_at_zero)
}

/// Whether `calls` calls of `wait` each are worth making at once, given the break-even wait.
pub fn worth_doing_at_once(calls: usize, wait: Duration, break_even: Duration) -> bool {
    let saved = wait * u32::try_from(calls.saturating_sub(1)).unwrap_or(u32::MAX);
    saved > break_even
}
// ANCHOR_END: break_even

/// Both ways' times for two calls to `url`, over `rounds` rounds taken in turns.
fn time_two_calls(url: &str, rounds: usize) -> Result<(Vec<Duration>, Vec<Duration>)> {
    let (mut one_by_one, mut at_once) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (outcome, took) = timed(|| run_way(ONE_BY_ONE, url, 2));
        outcome?;
        one_by_one.push(took);
        let (outcome, took) = timed(|| run_way(ASYNC, url, 2));
        outcome?;
        at_once.push(took);
    }
    Ok((one_by_one, at_once))
}

pub fn demo(rounds: usize) -> Result<()> {
    narrate::claim(
        "Two calls at once beat two in turn as soon as each waits longer than concurrency \
         costs to set up, less the round trip it overlaps: the break-even wait, measured here.",
    );
    narrate::python(
        "the same holds for asyncio and ThreadPoolExecutor, with Python's own costs: an \
         httpx.AsyncClient alone takes milliseconds to make (the bench measures it).",
    );
    narrate::code(include_str!("break_even.rs"), "break_even");
    let server = LocalServer::start(ServerConfig::default())?;
    let rounds = rounds * MORE_ROUNDS;
    narrate::say(&format!(
        "Two calls, one by one and async (section 2's functions), with each wait below; the \
         median of {rounds} rounds:"
    ));
    let mut break_even = Duration::ZERO;
    for wait_ms in WAITS_MS {
        let url = server.url(&format!("/delay/{wait_ms}"));
        let (one_by_one, at_once) = time_two_calls(&url, rounds)?;
        if wait_ms == 0 {
            break_even = break_even_wait(median(&one_by_one), median(&at_once));
        }
        narrate::result(
            &format!("2 calls of {wait_ms} ms: one by one"),
            format_duration(median(&one_by_one)),
        );
        narrate::result(
            &format!("2 calls of {wait_ms} ms: async"),
            format!(
                "{}, {}",
                format_duration(median(&at_once)),
                compare(&one_by_one, &at_once)
            ),
        );
    }
    narrate::result("break-even wait", format_duration(break_even));
    if break_even.is_zero() {
        narrate::say(
            "Zero: with no wait at all, two calls at once were already as fast as two in \
             turn, since overlapping the round trips saved as much as the runtime and the \
             second connection cost.",
        );
    }
    narrate::result(
        "the rule",
        format!(
            "at once when (calls - 1) × wait per call > {}",
            format_duration(break_even)
        ),
    );
    narrate::say(
        "Set it beside what your calls wait for: a round trip to another machine and the \
         work done there. Past it, the question is how many calls to run at once, not whether. \
         What never pays is concurrency around a single call, or around work smaller than its \
         own start (the next section).",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn the_break_even_wait_is_the_extra_cost_of_going_concurrent() {
        assert_eq!(break_even_wait(2 * MS, 3 * MS), MS);
        assert_eq!(break_even_wait(3 * MS, 2 * MS), Duration::ZERO);
    }

    #[test]
    fn one_call_is_never_worth_it_and_two_are_past_the_break_even() {
        let break_even = MS;
        assert!(!worth_doing_at_once(1, 100 * MS, break_even));
        assert!(!worth_doing_at_once(2, MS / 2, break_even));
        assert!(worth_doing_at_once(2, 2 * MS, break_even));
        assert!(
            worth_doing_at_once(4, MS / 2, break_even),
            "three waits saved"
        );
        assert!(!worth_doing_at_once(0, 100 * MS, break_even));
    }
}
