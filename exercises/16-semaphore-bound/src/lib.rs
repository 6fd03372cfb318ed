//! Exercise 16 · semaphores · bound the requests in flight to K
//!
//! Lesson: `cargo run -p lesson-semaphores -- --section 2` ("A semaphore bounds the flood")
//!
//! `fetch_bounded` GETs every URL and is told how many requests the server accepts at once,
//! `limit`, but it ignores it: it starts every request at the same moment, and a server that
//! answers `429 Too Many Requests` above its limit turns most of them away. Bound it with a
//! `tokio::sync::Semaphore` of `limit` permits: each request waits for a permit before it is
//! sent and gives it back when its answer has arrived, so never more than `limit` are in flight.
//!
//! The checks send batches much larger than the limit to the course's local server, started with
//! the same limit. Its counters must show every request answered (no 429s) and exactly `limit`
//! requests in flight at the busiest moment: more is a flood, fewer wastes the limit (one at a
//! time is too slow). And one slow request among quick ones must hold up only its own slot: the
//! quick ones keep the other slots busy, which sending in waves of `limit` (`chunks`) does not.
//! The checks cannot see *what* bounds the requests, so `buffer_unordered(limit)` passes too; the
//! lesson's section on streams compares the two.
//!
//! Grade it with `cargo xtask check semaphore-bound`; `cargo xtask hint semaphore-bound` when
//! stuck.

use futures::future::join_all;
use reqwest::{Client, StatusCode};
use tokio::sync::Semaphore;

/// GETs every URL with at most `limit` requests in flight; results in the order of `urls`.
pub async fn fetch_bounded(
    client: &Client,
    urls: &[String],
    limit: usize,
) -> Vec<Result<StatusCode, reqwest::Error>> {
    // TODO: every request starts at once, whatever `limit` says. Make each one wait for its
    // turn, and keep its turn until its answer has arrived.
    join_all(urls.iter().map(|url| get_status(client, url))).await
}

/// GETs one URL and reads the whole answer.
async fn get_status(client: &Client, url: &str) -> Result<StatusCode, reqwest::Error> {
    let response = client.get(url).send().await?;
    let status = response.status();
    response.bytes().await?;
    Ok(status)
}
