//! What every lesson does to a URL: GET it, and count how a batch of GETs went.
//!
//! A request isn't done when its status line arrives: the body follows, and a response dropped
//! before its body is read takes its connection down with it instead of handing it back to the
//! client's pool. So both helpers read the whole body, and return the status.
//!
//! A batch can go wrong in two places, and [`Tally`] tells them apart. The server may answer with
//! an error status (`429 Too Many Requests` when it is flooded), or the request may never get an
//! answer at all: refused, reset, or never even sent, because this process could not open another
//! socket ("Too many open files").

use std::collections::BTreeMap;
use std::fmt;
use std::io;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use crate::narrate::{self, error_chain};

// ANCHOR: get_status
/// GETs `url` and returns the status once the whole answer has arrived.
pub async fn get_status(client: &reqwest::Client, url: &str) -> Result<StatusCode, reqwest::Error> {
    let response = client.get(url).send().await?;
    let status = response.status();
    response.bytes().await?; // a request isn't done until its body has arrived
    Ok(status)
}
// ANCHOR_END: get_status

// ANCHOR: get_status_blocking
/// The same GET with reqwest's blocking client: this thread does nothing else until the whole
/// answer has arrived.
pub fn get_status_blocking(
    client: &reqwest::blocking::Client,
    url: &str,
) -> Result<StatusCode, reqwest::Error> {
    let response = client.get(url).send()?;
    let status = response.status();
    response.bytes()?; // read the body too: the request isn't done until it has arrived
    Ok(status)
}
// ANCHOR_END: get_status_blocking

/// How a batch of requests went. Displays as
/// `48 × 200 OK, 2 × 503 Service Unavailable, 1 got no answer (the first: ...)`.
///
/// It is plain data, so a child process can send it to its parent (as JSON, with serde).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// How many requests got each status code.
    pub statuses: BTreeMap<u16, usize>,
    /// Requests that never left this process: the system refused them a socket because the
    /// process had as many files open as it may (EMFILE, "Too many open files").
    pub out_of_files: usize,
    /// Requests that got no answer for any other reason (refused, reset, timed out).
    pub no_answer: usize,
    /// The first request without an answer: its error with all its causes, as an example.
    pub first_failure: Option<String>,
}

impl Tally {
    /// Counts a batch of outcomes.
    pub fn of<'a>(
        results: impl IntoIterator<Item = &'a Result<StatusCode, reqwest::Error>>,
    ) -> Tally {
        let mut tally = Tally::default();
        for result in results {
            tally.add(result);
        }
        tally
    }

    /// Counts one more outcome.
    pub fn add(&mut self, result: &Result<StatusCode, reqwest::Error>) {
        match result {
            Ok(status) => *self.statuses.entry(status.as_u16()).or_default() += 1,
            Err(error) => {
                if is_out_of_files(error) {
                    self.out_of_files += 1;
                } else {
                    self.no_answer += 1;
                }
                self.first_failure.get_or_insert_with(|| error_chain(error));
            }
        }
    }

    /// How many requests got `status`.
    pub fn with_status(&self, status: u16) -> usize {
        self.statuses.get(&status).copied().unwrap_or(0)
    }

    /// How many requests got a success status (2xx).
    pub fn succeeded(&self) -> usize {
        self.statuses
            .iter()
            .filter(|&(&status, _)| (200..300).contains(&status))
            .map(|(_, &count)| count)
            .sum()
    }

    /// Every request counted, answered or not.
    pub fn total(&self) -> usize {
        self.statuses.values().sum::<usize>() + self.out_of_files + self.no_answer
    }

    /// Ok if every request succeeded; otherwise an error saying how they went. For lessons whose
    /// figures mean nothing once requests are lost.
    pub fn check(&self) -> anyhow::Result<()> {
        let failed = self.total() - self.succeeded();
        if failed > 0 {
            anyhow::bail!("{failed} of {} requests failed: {self}", self.total());
        }
        Ok(())
    }

    /// Prints one result line per kind of outcome, and the first failure.
    pub fn print(&self) {
        for (&status, &count) in &self.statuses {
            narrate::result(&format!("answered {}", status_name(status)), count);
        }
        if self.out_of_files > 0 {
            narrate::result(
                "never sent: this process ran out of file descriptors",
                self.out_of_files,
            );
        }
        if self.no_answer > 0 {
            narrate::result("got no answer", self.no_answer);
        }
        if let Some(failure) = &self.first_failure {
            narrate::result("the first failure", failure);
        }
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self
            .statuses
            .iter()
            .map(|(&status, count)| format!("{count} × {}", status_name(status)))
            .collect();
        if self.out_of_files > 0 {
            parts.push(format!("{} never sent (out of files)", self.out_of_files));
        }
        if self.no_answer > 0 {
            parts.push(format!("{} got no answer", self.no_answer));
        }
        if parts.is_empty() {
            parts.push("no requests".to_string());
        }
        write!(f, "{}", parts.join(", "))?;
        match &self.first_failure {
            Some(failure) => write!(f, " (the first: {failure})"),
            None => Ok(()),
        }
    }
}

/// `429 Too Many Requests`: a status code with its name, where it has one.
fn status_name(status: u16) -> String {
    let name = StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason());
    match name {
        Some(name) => format!("{status} {name}"),
        None => status.to_string(),
    }
}

/// Whether the request failed because the system refused this process another file descriptor.
///
/// reqwest wraps the operating system's error in a few layers ("error sending request" → "client
/// error (Connect)" → "tcp open error" → the `io::Error`), so look through every cause.
pub fn is_out_of_files(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = cause {
        let os_error = error
            .downcast_ref::<io::Error>()
            .and_then(io::Error::raw_os_error);
        if os_error == Some(libc::EMFILE) {
            return true;
        }
        cause = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    //! Real sockets on 127.0.0.1: the checks are on what came back, never on the clock.
    use super::*;
    use crate::{LocalServer, ServerConfig};

    #[tokio::test]
    async fn answers_are_counted_by_status() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let client = reqwest::Client::new();
        let results = vec![
            get_status(&client, &server.url("/status/200")).await,
            get_status(&client, &server.url("/status/429")).await,
            get_status(&client, &server.url("/status/429")).await,
        ];
        let tally = Tally::of(&results);
        assert_eq!((tally.with_status(200), tally.with_status(429)), (1, 2));
        assert_eq!((tally.succeeded(), tally.total()), (1, 3));
        assert_eq!(tally.first_failure, None);
        assert_eq!(tally.to_string(), "1 × 200 OK, 2 × 429 Too Many Requests");
        let error = tally.check().expect_err("two were turned away");
        assert!(
            error.to_string().starts_with("2 of 3 requests failed"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn a_refused_connection_is_no_answer_with_its_cause() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let url = server.url("/delay/0");
        drop(server); // nobody listens there any more
        let tally = Tally::of(&[get_status(&reqwest::Client::new(), &url).await]);
        assert_eq!((tally.no_answer, tally.out_of_files), (1, 0));
        let failure = tally.first_failure.clone().expect("a failure");
        assert!(failure.contains("onnect"), "{failure}");
        assert!(tally.check().is_err());
    }

    #[test]
    fn the_blocking_get_reads_the_answer_on_one_connection() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let client = reqwest::blocking::Client::new();
        let mut tally = Tally::default();
        for _ in 0..3 {
            tally.add(&get_status_blocking(&client, &server.url("/status/200")));
        }
        assert!(tally.check().is_ok(), "{tally}");
        assert_eq!(
            server.stats().connections,
            1,
            "the body was read, the connection reused"
        );
    }

    #[test]
    fn a_tally_survives_the_trip_through_json() {
        let mut tally = Tally {
            out_of_files: 49_755,
            first_failure: Some("tcp open error: Too many open files".to_string()),
            ..Tally::default()
        };
        tally.statuses.insert(200, 245);
        let json = serde_json::to_string(&tally).expect("serialisable");
        let back: Tally = serde_json::from_str(&json).expect("readable");
        assert_eq!(back, tally);
    }
}
