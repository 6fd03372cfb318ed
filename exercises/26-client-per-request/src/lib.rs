//! Exercise 26 · pitfalls · a client per request
//!
//! Lesson: `cargo run -p lesson-pitfalls -- --section 4` ("A client per request; a client that
//! outlives its runtime")
//!
//! `fetch_sizes` downloads every URL, `concurrency` at a time, and returns the size of each body in
//! the order of the URLs. It works, but `fetch_size` builds a new `reqwest::Client` for every
//! request. A `Client` *is* a pool of open connections, so a new client per request means a new TCP
//! connection per request (and, against a real https API, a new TLS handshake too): work the server
//! and both kernels do again and again, and a socket left in TIME_WAIT for a minute after each one.
//!
//! Build one client and share it by every request (a `&Client` parameter; clones are cheap too,
//! they share the pool). The checks count, on the local server, the TCP connections the batch
//! opened: about one per request *in flight*, not one per request. They also check the sizes, their
//! order, and that `concurrency` requests were in flight at once, no more and no fewer.
//!
//! Build the client in `fetch_sizes`, not in a `static`: a client's connections are driven by
//! tasks of the runtime that opened them, so a global client used from two runtimes (two
//! `#[tokio::test]`s, say) sends requests on connections whose runtime may be gone. The checks run a
//! batch on another runtime too, which must open connections of its own. (A long-running service
//! builds one client at start-up, on its one runtime, and passes it around.)
//!
//! Grade it with `cargo xtask check client-per-request`; `cargo xtask hint client-per-request` when stuck.

use std::time::Duration;

use futures::stream::{self, StreamExt, TryStreamExt};
use reqwest::Client;

/// How long a request may take before it counts as failed.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Downloads every URL, at most `concurrency` at a time, and returns the body sizes in the order of
/// `urls`. Fails with the first error (an unreachable server, or an error status).
pub async fn fetch_sizes(
    urls: &[String],
    concurrency: usize,
) -> Result<Vec<usize>, reqwest::Error> {
    stream::iter(urls)
        .map(|url| fetch_size(url))
        .buffered(concurrency)
        .try_collect()
        .await
}

/// Downloads one URL and returns the size of its body.
async fn fetch_size(url: &str) -> Result<usize, reqwest::Error> {
    // TODO: a new client, so a new pool, so a new connection, for every single request. Build the
    // client once in `fetch_sizes` and pass it in here instead.
    let client = Client::builder().timeout(REQUEST_TIMEOUT).build()?;
    let response = client.get(url).send().await?.error_for_status()?;
    let body = response.bytes().await?;
    Ok(body.len())
}
