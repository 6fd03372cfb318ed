//! Exercise 16 · semaphores · bound the requests in flight to K. A cheat (waves-of-limit).

use futures::future::join_all;
use reqwest::{Client, StatusCode};

/// GETs every URL with at most `limit` requests in flight; results in the order of `urls`.
pub async fn fetch_bounded(
    client: &Client,
    urls: &[String],
    limit: usize,
) -> Vec<Result<StatusCode, reqwest::Error>> {
    // `limit` requests at a time: a wave, all at once, then the next wave.
    let mut results = Vec::with_capacity(urls.len());
    for wave in urls.chunks(limit.max(1)) {
        results.extend(join_all(wave.iter().map(|url| get_status(client, url))).await);
    }
    results
}

/// GETs one URL and reads the whole answer.
async fn get_status(client: &Client, url: &str) -> Result<StatusCode, reqwest::Error> {
    let response = client.get(url).send().await?;
    let status = response.status();
    response.bytes().await?;
    Ok(status)
}
