//! Exercise 33 · choosing · when not to bother: a measured choice
//!
//! Lesson: `cargo run -p lesson-choosing -- --section 3` ("The break-even wait: where concurrency
//! starts to pay")
//!
//! A client must make a few HTTP calls, whose waits it can estimate (from last time, or from the
//! server's own figures), and choose how: one by one with a blocking client and no runtime at
//! all, or all at once on an async runtime started for the purpose. Going concurrent has a price,
//! paid whatever the waits: starting the runtime and the client, opening more connections. The
//! lesson measures that price on your machine: two calls with no wait at all, made both ways. The
//! difference between the two times is the *break-even wait*: calls at once pay only when they
//! save more waiting than that.
//!
//! Today `choose` believes that concurrency always helps, and `Measured::break_even` that it costs
//! nothing. Derive the break-even from what was measured, and choose by it: at once only when the
//! waiting saved by overlapping the calls is more than the break-even, one by one otherwise. Mind
//! what "saved" is when the waits differ: calls made at once take as long as the longest of them.
//! `fetch_all` makes the calls the way `choose` says, and needs no change.
//!
//! The checks give `break_even` measurements of both kinds (concurrency dearer, and cheaper, than
//! one by one), and `choose` workloads on both sides of the break-even: one call, short waits, a
//! long wait with short ones, waits far past it, a saving exactly at it. Then `fetch_all`, against
//! the course's local server, must make the calls one at a time below the break-even and together
//! above it, as the server's count of requests in flight shows.
//!
//! Grade it with `cargo xtask check when-not-to-bother`; `cargo xtask hint when-not-to-bother`
//! when stuck.

use std::time::Duration;

use futures::future::join_all;

/// What the lesson measured: the median times of two calls with no wait, made one by one and
/// made at once (a runtime and a client started for them included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    pub one_by_one: Duration,
    pub at_once: Duration,
}

impl Measured {
    /// The waiting that calls made at once must save to pay for going concurrent: what
    /// concurrency cost beyond one by one, with nothing to wait for. Never below zero.
    pub fn break_even(&self) -> Duration {
        // TODO: concurrency is taken to cost nothing.
        Duration::ZERO
    }
}

/// How to make a batch of calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// A blocking client, one call after another, no runtime.
    OneByOne,
    /// An async runtime and client, every call at once.
    AtOnce,
}

/// How to make calls that are expected to wait `waits` each (one entry per call).
pub fn choose(waits: &[Duration], measured: &Measured) -> Way {
    // TODO: concurrency always helps, surely?
    Way::AtOnce
}

/// GETs every URL the way `choose` says for calls expected to wait `waits`; each one's status,
/// in the order of `urls`.
pub fn fetch_all(
    urls: &[String],
    waits: &[Duration],
    measured: &Measured,
) -> reqwest::Result<Vec<u16>> {
    match choose(waits, measured) {
        Way::OneByOne => one_by_one(urls),
        Way::AtOnce => at_once(urls),
    }
}

/// A blocking client, one call after another.
fn one_by_one(urls: &[String]) -> reqwest::Result<Vec<u16>> {
    let client = reqwest::blocking::Client::new();
    urls.iter()
        .map(|url| Ok(client.get(url).send()?.status().as_u16()))
        .collect()
}

/// A runtime of one thread and an async client, started for these calls, all at once.
fn at_once(urls: &[String]) -> reqwest::Result<Vec<u16>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime of one thread starts");
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let calls = urls.iter().map(|url| client.get(url).send());
        join_all(calls)
            .await
            .into_iter()
            .map(|response| Ok(response?.status().as_u16()))
            .collect()
    })
}
