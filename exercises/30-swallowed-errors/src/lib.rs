//! Exercise 30 · pitfalls · failures that vanish from a batch's report
//!
//! Lesson: `cargo run -p lesson-pitfalls -- --section 5` ("Failures that vanish")
//!
//! `fetch_report` GETs a batch of URLs at once and reports how many succeeded and, for each one
//! that did not, which URL and why. Its report is always good news, and that is the bug. It
//! counts `join_all`'s results with `.flatten()`, which keeps the `Ok`s and drops every `Err`
//! without a word, so a server that cannot be reached is simply left out. And it counts every
//! answer as a success, though an answer of `500 Internal Server Error` or `404 Not Found` is an
//! `Ok(Response)` as far as `send()` is concerned: the request worked, the server said no.
//!
//! Report every failure, in the order of the URLs: an answer with an error status (4xx or 5xx) as
//! `Reason::Status` with its code, a server that cannot be connected to as `Reason::Unreachable`,
//! anything else as `Reason::Other` with the error's text. A success is a 2xx answer whose body
//! was read to its end. Keep sending the whole batch at once.
//!
//! The checks run against the course's local server (`/status/{code}` answers with that code,
//! `/delay/{ms}` after a wait) and a port where nothing listens: the counts, the failures with
//! their reasons and their order, and that the batch's requests overlap at the server.
//!
//! Grade it with `cargo xtask check swallowed-errors`; `cargo xtask hint swallowed-errors` when
//! stuck.

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
    let responses = join_all(urls.iter().map(|url| client.get(url).send())).await;
    // TODO: `flatten` keeps the Oks and drops every Err, and every answer counts as a success,
    // whatever its status says.
    Report {
        succeeded: responses.into_iter().flatten().count(),
        failed: Vec::new(),
    }
}
