//! What every section does to a URL: GET it, and count how a batch of GETs went.
//!
//! A batch can go wrong in two places, and the lesson tells them apart. The server may answer
//! with an error status (`429 Too Many Requests` when it is flooded), or the request may never get
//! an answer at all: refused, reset, or never sent, because this process could not open another
//! socket ("Too many open files").

use std::collections::BTreeMap;
use std::io;

use lesson_kit::narrate::error_chain;
use lesson_kit::{LessonResult, narrate, system};
use reqwest::{Client, StatusCode};

// ANCHOR: get_status
/// GETs `url` and returns the status once the whole answer has arrived.
pub async fn get_status(client: &Client, url: &str) -> Result<StatusCode, reqwest::Error> {
    let response = client.get(url).send().await?;
    let status = response.status();
    response.bytes().await?; // a request isn't done until its body has arrived
    Ok(status)
}
// ANCHOR_END: get_status

/// How a batch of requests went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many requests got each status code.
    pub statuses: BTreeMap<u16, usize>,
    /// Requests that never left this process: the system refused them a socket because the
    /// process had as many files open as it may (EMFILE, "Too many open files").
    pub out_of_files: usize,
    /// Requests that failed any other way (refused, reset, timed out).
    pub other_failures: usize,
    /// The first failure's message with all its causes, as an example.
    pub first_failure: Option<String>,
}

impl Tally {
    /// Counts a batch of outcomes.
    pub fn of(results: &[Result<StatusCode, reqwest::Error>]) -> Tally {
        let mut tally = Tally::default();
        for result in results {
            match result {
                Ok(status) => *tally.statuses.entry(status.as_u16()).or_default() += 1,
                Err(error) => {
                    if is_out_of_files(error) {
                        tally.out_of_files += 1;
                    } else {
                        tally.other_failures += 1;
                    }
                    tally
                        .first_failure
                        .get_or_insert_with(|| error_chain(error));
                }
            }
        }
        tally
    }

    /// How many requests got `status`.
    pub fn with_status(&self, status: u16) -> usize {
        self.statuses.get(&status).copied().unwrap_or(0)
    }

    /// Every request counted, answered or not.
    pub fn total(&self) -> usize {
        self.statuses.values().sum::<usize>() + self.out_of_files + self.other_failures
    }

    /// Prints one result line per kind of outcome.
    pub fn print(&self) {
        for (&status, &count) in &self.statuses {
            let name = StatusCode::from_u16(status)
                .ok()
                .and_then(|status| status.canonical_reason())
                .unwrap_or("");
            narrate::result(&format!("answered {status} {name}"), count);
        }
        if self.out_of_files > 0 {
            narrate::result(
                "never sent: this process ran out of file descriptors",
                self.out_of_files,
            );
        }
        if self.other_failures > 0 {
            narrate::result("failed another way", self.other_failures);
        }
        if let Some(failure) = &self.first_failure {
            narrate::result("the first failure", failure);
        }
    }
}

/// Makes sure this process may hold `in_flight` requests open at once: each holds two sockets here
/// (the client's and the local server's), and every socket counts against the open-file limit,
/// which is often 1024. Raises the limit if the system allows; otherwise says what to do.
pub fn ensure_room_for(in_flight: usize) -> LessonResult {
    const SPARE_FILES: u64 = 64;
    let needed = 2 * in_flight as u64 + SPARE_FILES;
    let limit = system::ensure_open_file_limit(needed)?;
    if limit < needed {
        return Err(format!(
            "{in_flight} requests in flight need {needed} open files in this process, but the \
             system allows {limit} (`ulimit -n`); choose a lower --concurrency"
        )
        .into());
    }
    Ok(())
}

/// Each request of an unbounded flood holds two sockets in this process (the client's and the
/// local server's). Raise the open-file limit if we may; otherwise send fewer, and say so.
pub fn affordable_requests(wanted: usize) -> LessonResult<usize> {
    const SPARE_FILES: u64 = 64;
    let needed = 2 * wanted as u64 + SPARE_FILES;
    let limit = system::ensure_open_file_limit(needed)?;
    if limit >= needed {
        return Ok(wanted);
    }
    let affordable = (limit.saturating_sub(SPARE_FILES) / 2).max(1) as usize;
    narrate::say(&format!(
        "This process may open only {limit} files, so this flood is {affordable} requests \
         rather than {wanted} (`ulimit -n` shows the limit)."
    ));
    Ok(affordable)
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
    use super::*;
    use lesson_kit::{LocalServer, ServerConfig};

    #[tokio::test]
    async fn answers_are_counted_by_status() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let client = Client::new();
        let results = vec![
            get_status(&client, &server.url("/status/200")).await,
            get_status(&client, &server.url("/status/429")).await,
            get_status(&client, &server.url("/status/429")).await,
        ];
        let tally = Tally::of(&results);
        assert_eq!(tally.with_status(200), 1);
        assert_eq!(tally.with_status(429), 2);
        assert_eq!(tally.total(), 3);
        assert_eq!(tally.first_failure, None);
    }

    #[tokio::test]
    async fn a_refused_connection_is_a_failure_but_not_out_of_files() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let url = server.url("/delay/0");
        drop(server); // nobody listens there any more
        let results = vec![get_status(&Client::new(), &url).await];
        let tally = Tally::of(&results);
        assert_eq!((tally.other_failures, tally.out_of_files), (1, 0));
        let failure = tally.first_failure.expect("a failure");
        assert!(failure.contains("onnect"), "{failure}");
    }
}
