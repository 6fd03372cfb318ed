//! The break-even wait from a measurement, the choice on both sides of it, and the calls made
//! the way chosen. The choices are arithmetic on given figures, so they are exact; the calls go to
//! the course's local server, whose count of requests in flight says how they were made.

use std::time::Duration;

use lesson_kit::{LocalServer, ServerConfig};
use when_not_to_bother::{Measured, Way, choose, fetch_all};

const MS: Duration = Duration::from_millis(1);
const US: Duration = Duration::from_micros(1);

/// A machine where two calls with no wait take 1.2 ms one by one and 2 ms at once: going
/// concurrent costs 0.8 ms more.
const MEASURED: Measured = Measured {
    one_by_one: Duration::from_micros(1_200),
    at_once: Duration::from_micros(2_000),
};

#[test]
fn the_break_even_is_what_concurrency_costs_beyond_one_by_one() {
    assert_eq!(
        MEASURED.break_even(),
        800 * US,
        "two calls took 1.2 ms one by one and 2 ms at once, with nothing to wait for: going \
         concurrent cost 0.8 ms more (2 ms at once less 1.2 ms one by one), and that is the \
         waiting the calls must save to pay for it"
    );
    let cheaper = Measured {
        one_by_one: 3 * MS,
        at_once: 2 * MS,
    };
    assert_eq!(
        cheaper.break_even(),
        Duration::ZERO,
        "two calls took 3 ms one by one and 2 ms at once: concurrency cost nothing extra here \
         (the break-even is never below zero)"
    );
}

/// `choose` for `waits` must be `expected`; `why` explains it.
fn assert_choice(waits: &[Duration], expected: Way, why: &str) {
    let chose = choose(waits, &MEASURED);
    assert_eq!(
        chose, expected,
        "calls waiting {waits:?}, with a break-even of 0.8 ms (2 ms at once less 1.2 ms one by \
         one): {why}.\nThe waiting saved is the sum of the waits less the longest, and going \
         concurrent pays only when that is more than the break-even."
    );
}

#[test]
fn one_call_is_never_worth_making_at_once() {
    for waits in [&[5 * MS][..], &[10_000 * MS], &[]] {
        assert_choice(
            waits,
            Way::OneByOne,
            "a single call (or none) overlaps with nothing, so going concurrent saves no waiting \
             and costs its price",
        );
    }
}

#[test]
fn short_waits_stay_one_by_one_until_they_add_up() {
    assert_choice(
        &[300 * US, 300 * US],
        Way::OneByOne,
        "at once, two calls take as long as the longer one: 0.3 ms of waiting saved, less than \
         the 0.8 ms that concurrency costs",
    );
    assert_choice(
        &[300 * US; 4],
        Way::AtOnce,
        "four calls at once take as long as one: 0.9 ms of waiting saved, more than the 0.8 ms \
         that concurrency costs",
    );
}

#[test]
fn a_long_wait_among_short_ones_saves_only_the_short_ones() {
    assert_choice(
        &[50 * MS, 200 * US, 200 * US],
        Way::OneByOne,
        "at once, the calls take as long as the longest, 50 ms, which is waited for either way: \
         only the two short waits are saved, 0.4 ms, less than the break-even. The waiting saved \
         is the sum of the waits less the longest",
    );
}

#[test]
fn waits_past_the_break_even_go_at_once() {
    assert_choice(
        &[5 * MS, 5 * MS],
        Way::AtOnce,
        "at once, the two calls save one wait of 5 ms, far more than the 0.8 ms that concurrency \
         costs",
    );
}

#[test]
fn a_saving_exactly_at_the_break_even_is_not_worth_it() {
    assert_choice(
        &[800 * US, 800 * US],
        Way::OneByOne,
        "at once the calls save 0.8 ms, exactly what concurrency costs: nothing gained, so keep \
         it simple",
    );
}

#[test]
fn the_calls_are_made_the_way_chosen() {
    let server = LocalServer::start(ServerConfig::default()).expect("the local server starts");
    let quick = vec![server.url("/delay/0"); 3];
    let statuses = fetch_all(&quick, &[100 * US; 3], &MEASURED).expect("the calls succeed");
    assert_eq!(statuses, [200; 3], "three answers of 200");
    let peak = server.stats().peak_in_flight;
    assert_eq!(
        peak, 1,
        "three calls expected to wait 0.1 ms each, below the break-even, should be made one by \
         one, but {peak} were in flight at once"
    );

    let server = LocalServer::start(ServerConfig::default()).expect("the local server starts");
    let slow = vec![server.url("/delay/50"); 4];
    let statuses = fetch_all(&slow, &[50 * MS; 4], &MEASURED).expect("the calls succeed");
    assert_eq!(statuses, [200; 4], "four answers of 200");
    let peak = server.stats().peak_in_flight;
    assert!(
        peak > 1,
        "four calls expected to wait 50 ms each, far past the break-even, should be made at \
         once, but only {peak} was in flight at a time"
    );
}
