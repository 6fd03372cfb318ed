//! Exercise 26 · pitfalls · a client per request: a cheat (every-request-at-once).

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
    // One client for the whole batch: one pool, so each connection it opens is reused by the
    // requests that follow. With `concurrency` requests in flight it needs about `concurrency`
    // connections, however many URLs there are.
    let client = Client::builder().timeout(REQUEST_TIMEOUT).build()?;
    stream::iter(urls)
        .map(|url| fetch_size(&client, url))
        .buffered(urls.len().max(1))
        .try_collect()
        .await
}

/// Downloads one URL with the shared client and returns the size of its body.
async fn fetch_size(client: &Client, url: &str) -> Result<usize, reqwest::Error> {
    let response = client.get(url).send().await?.error_for_status()?;
    // Read the body to the end: only then does the connection go back to the pool for the next
    // request.
    let body = response.bytes().await?;
    Ok(body.len())
}
