//! Exercise 16 · semaphores · bound the requests in flight to K. A solution.

use futures::future::join_all;
use reqwest::{Client, StatusCode};
use tokio::sync::Semaphore;

/// GETs every URL with at most `limit` requests in flight; results in the order of `urls`.
pub async fn fetch_bounded(
    client: &Client,
    urls: &[String],
    limit: usize,
) -> Vec<Result<StatusCode, reqwest::Error>> {
    // One semaphore for the whole batch: its `limit` permits are the slots for requests in flight.
    // (A semaphore made inside each request would bound nothing: each would have its own slots.)
    let semaphore = Semaphore::new(limit);
    let requests = urls.iter().map(|url| async {
        // Wait here, costing nothing, until one of the `limit` requests in flight is done. The
        // semaphore hands out permits in the order they were asked for, so none waits forever.
        // `acquire` fails only on a closed semaphore, and nothing closes this one.
        let _permit = semaphore
            .acquire()
            .await
            .expect("the semaphore is never closed");
        get_status(client, url).await
        // `_permit` is dropped here, after the whole answer has arrived: the next request may go.
    });
    join_all(requests).await
}

/// GETs one URL and reads the whole answer.
async fn get_status(client: &Client, url: &str) -> Result<StatusCode, reqwest::Error> {
    let response = client.get(url).send().await?;
    let status = response.status();
    response.bytes().await?;
    Ok(status)
}
