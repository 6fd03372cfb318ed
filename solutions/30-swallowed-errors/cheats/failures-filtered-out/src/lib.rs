//! Exercise 30 · pitfalls · failures that vanish from a batch's report: a cheat (failures-filtered-out).

use futures::future::join_all;
use reqwest::Client;

/// What a batch came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Requests answered with a success status (2xx) and read to the end.
    pub succeeded: usize,
    /// Every other request, in the order of the URLs.
    pub failed: Vec<Failure>,
}

/// A request that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub url: String,
    pub reason: Reason,
}

/// Why a request did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The server answered with this error status (400 to 599).
    Status(u16),
    /// Nothing could be connected to at that address.
    Unreachable,
    /// Anything else (a broken connection, a body cut short), with the error's text.
    Other(String),
}

/// GETs every URL at once; how many succeeded, and every failure with its reason.
pub async fn fetch_report(client: &Client, urls: &[String]) -> Report {
    let outcomes = join_all(urls.iter().map(|url| fetch(client, url))).await;
    // The successes, counted; the rest are not successes, so they are not counted.
    Report {
        succeeded: outcomes.into_iter().filter_map(Result::ok).count(),
        failed: Vec::new(),
    }
}

/// GETs one URL and reads its whole answer; an error status is an error too.
async fn fetch(client: &Client, url: &str) -> Result<(), reqwest::Error> {
    let response = client.get(url).send().await?;
    // `send` succeeds whatever the status: a 4xx or 5xx answer becomes an Err only here.
    response.error_for_status()?.bytes().await?;
    Ok(())
}
