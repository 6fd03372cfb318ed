//! Exercise 07 · threads · a bounded worker pool that yields results as they complete: a solution.

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
    // The job queue. Unbounded, because every job is known up front and small: queueing them all
    // now lets this function return at once. Its receiver can be cloned: one queue, many workers.
    let (job_sender, jobs) = crossbeam_channel::unbounded::<(usize, String)>();
    for job in urls.into_iter().enumerate() {
        // `jobs` is still alive right here, so the queue is open and this cannot fail.
        job_sender.send(job).expect("the job queue is open");
    }
    // Close the queue: once it is empty, every worker's `for` loop below ends.
    drop(job_sender);

    let (result_sender, results) = crossbeam_channel::unbounded();
    for _ in 0..workers.max(1) {
        let jobs = jobs.clone();
        let result_sender = result_sender.clone();
        // Workers outlive this function, so each owns what it uses: a clone of the client (a
        // handle on one shared connection pool) and its ends of the two channels.
        let client = client.clone();
        thread::spawn(move || {
            for (index, url) in jobs {
                if result_sender.send(fetch(&client, index, url)).is_err() {
                    break; // the caller dropped the Receiver: stop working for nobody
                }
            }
            // Returning drops this worker's `result_sender`. When the last worker has returned,
            // the caller's Receiver reports the channel closed: that is how it learns "all done".
        });
    }
    // Our own sender must go too, or the channel would never close.
    drop(result_sender);
    results
}
