//! Exercise 15 · async · one shared client, many requests at once. A solution.

use futures::future::join_all;
use reqwest::{Client, StatusCode};

/// Checks the status of many URLs at once.
#[derive(Debug)]
pub struct StatusChecker {
    /// One client for every request this checker ever sends. A `Client` keeps a pool of open
    /// connections, so the second batch reuses the connections the first one opened. (Cloning a
    /// `Client` is cheap and shares the pool: it is a handle to the same pool, not a copy.)
    client: Client,
}

impl StatusChecker {
    pub fn new() -> Self {
        StatusChecker {
            client: Client::new(),
        }
    }

    /// GETs every URL at once; the results are in the order of `urls`.
    pub async fn check_all(&self, urls: &[String]) -> Vec<Result<StatusCode, reqwest::Error>> {
        join_all(urls.iter().map(|url| check_one(&self.client, url))).await
    }
}

impl Default for StatusChecker {
    fn default() -> Self {
        Self::new()
    }
}

/// GETs one URL and reads the whole answer.
async fn check_one(client: &Client, url: &str) -> Result<StatusCode, reqwest::Error> {
    let response = client.get(url).send().await?;
    let status = response.status();
    // Read the answer to its end: a connection goes back to the pool only once its answer has
    // been read, and only then can the next request reuse it.
    response.bytes().await?;
    Ok(status)
}
