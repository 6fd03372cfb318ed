//! Exercise 15 · async · one shared client, many requests at once
//!
//! Lesson: `cargo run -p lesson-async -- --section 4` ("Async HTTP: many requests in flight on one
//! thread")
//!
//! A `StatusChecker` GETs a batch of URLs at once and reports each one's status. It already sends
//! the requests concurrently, but it builds a new `reqwest::Client` for every request. A client
//! owns a pool of connections: a fresh one has none, so every request opens a new TCP connection,
//! and throws it away afterwards: work the server and both kernels do again and again (against a
//! real https API, a TLS handshake too), and a socket left in TIME_WAIT after each one. Give the
//! checker *one* client, built in `new` and kept in the struct, and send every request of every
//! batch through it, so connections are reused. (`cargo run -p lesson-pitfalls -- --section 4`,
//! "A client per request; a client that outlives its runtime", counts what a client per request
//! costs.)
//!
//! Keep the client in the checker, not in a `static`: a client's connections are driven by tasks
//! of the runtime that opened them, so a global client used from two runtimes (two
//! `#[tokio::test]`s, say) sends requests on connections whose runtime may be gone, and they fail
//! with "dispatch task is gone" now and then. Each checker, with a pool of its own, is safe.
//!
//! The checks run against the course's local server, which counts what it sees: every status
//! must be right, two batches of 6 requests must open no more connections than one batch needs
//! (6), a checker on another runtime must open connections of its own, and the requests of a batch
//! must overlap (more than one in flight at once), so a plain loop does not pass. They cannot check
//! the requests' timing exactly (real sockets, real time).
//!
//! Grade it with `cargo xtask check shared-client`; `cargo xtask hint shared-client` when stuck.

use futures::future::join_all;
use reqwest::{Client, StatusCode};

/// Checks the status of many URLs at once.
#[derive(Debug)]
pub struct StatusChecker {
    // TODO: what should a checker keep from one batch to the next?
}

impl StatusChecker {
    pub fn new() -> Self {
        StatusChecker {}
    }

    /// GETs every URL at once; the results are in the order of `urls`.
    pub async fn check_all(&self, urls: &[String]) -> Vec<Result<StatusCode, reqwest::Error>> {
        join_all(urls.iter().map(|url| check_one(url))).await
    }
}

impl Default for StatusChecker {
    fn default() -> Self {
        Self::new()
    }
}

/// GETs one URL and reads the whole answer.
async fn check_one(url: &str) -> Result<StatusCode, reqwest::Error> {
    // TODO: a new client per request: a new pool, a new connection, every time.
    let client = Client::new();
    let response = client.get(url).send().await?;
    let status = response.status();
    // Read the answer to its end: a connection goes back to the pool only once its answer has
    // been read, and only then can the next request reuse it.
    response.bytes().await?;
    Ok(status)
}
