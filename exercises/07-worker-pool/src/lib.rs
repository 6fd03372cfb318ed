//! Exercise 07 · threads · a bounded worker pool that yields results as they complete
//!
//! Lesson: `cargo run -p lesson-threads -- --section 2` ("A worker pool for blocking I/O")
//!
//! `fetch_all` must GET every URL on a pool of exactly `workers` threads and hand back, at once, a
//! `Receiver` on which each result arrives as soon as its request is done (Python's
//! `ThreadPoolExecutor(max_workers=K)` with `as_completed`). Today it starts a thread per URL:
//! a thousand URLs would be a thousand threads and a thousand requests at once.
//!
//! Build the pool: a job channel (crossbeam-channel's `Receiver` can be cloned, so every worker
//! can take from the same queue), `workers` threads that each loop over it calling `fetch`, and
//! a results channel they all send to. Close the job channel once every URL is queued, so the
//! workers' loops end when the queue runs dry.
//!
//! The checks run the pool against the course's local server and read its counters: every URL
//! gives exactly one result; with more URLs than workers, exactly `workers` requests are ever in
//! flight at once, fetched by at most `workers` threads (`fetch` notes its thread in each result,
//! so a thread per URL held back by a counter that lets `workers` through at a time is no pool);
//! a slow request does not hold back the fast ones behind it; and the results channel closes once
//! the work is done (it closes only when every worker has dropped its sender, so workers stuck
//! waiting for jobs show up as a channel that stays open for a second).
//!
//! Grade it with `cargo xtask check worker-pool`; `cargo xtask hint worker-pool` when stuck.

use std::thread::{self, ThreadId};

use crossbeam_channel::Receiver;
use reqwest::blocking::Client;

/// One finished request.
#[derive(Debug)]
pub struct Fetched {
    /// The URL's position in the list given to `fetch_all`.
    pub index: usize,
    pub url: String,
    /// The status the server answered, or why there was no answer.
    pub outcome: Result<u16, String>,
    /// The thread that fetched it.
    pub thread: ThreadId,
}

/// GETs `url` and reads the whole body: this thread does nothing else until the answer is in.
pub fn fetch(client: &Client, index: usize, url: String) -> Fetched {
    let outcome = client
        .get(&url)
        .send()
        .and_then(|response| {
            let status = response.status().as_u16();
            response.bytes()?; // the request isn't done until its body has arrived
            Ok(status)
        })
        .map_err(|error| error.to_string());
    Fetched {
        index,
        url,
        outcome,
        thread: thread::current().id(),
    }
}

/// GETs every URL on `workers` threads; each result arrives on the returned channel as soon as
/// it is ready, and the channel closes after the last one.
pub fn fetch_all(client: &Client, urls: Vec<String>, workers: usize) -> Receiver<Fetched> {
    let (results, received) = crossbeam_channel::unbounded();
    // TODO: a thread per URL, however many URLs there are. Start `workers` threads instead, which
    // take URLs from a shared job channel until it is closed and empty.
    for (index, url) in urls.into_iter().enumerate() {
        let client = client.clone(); // a handle on the same connection pool: cheap to clone
        let results = results.clone();
        thread::spawn(move || {
            // An error means the caller dropped the Receiver: nobody wants this result any more.
            let _ = results.send(fetch(&client, index, url));
        });
    }
    received
}
