//! Exercise 33 · choosing · when not to bother: a measured choice: a solution.

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
        // With no wait to overlap, the difference is what concurrency itself costs. Where it came
        // out faster anyway (overlapping the round trips saved more than the runtime cost), it
        // costs nothing: zero, not a negative time.
        self.at_once.saturating_sub(self.one_by_one)
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
    // One by one, the calls wait the sum of their waits; at once, as long as the longest. The
    // longest is waited for either way, so overlapping saves the rest: nothing for one call.
    let longest = waits.iter().max().copied().unwrap_or_default();
    let saved = waits.iter().sum::<Duration>().saturating_sub(longest);
    if saved > measured.break_even() {
        Way::AtOnce
    } else {
        Way::OneByOne // not worth it: keep it simple
    }
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
