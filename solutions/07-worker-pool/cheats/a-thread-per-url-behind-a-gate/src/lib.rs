//! Exercise 07 · threads · a bounded worker pool that yields results as they complete:
//! a cheat (a-thread-per-url-behind-a-gate).

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
    // A gate that lets `workers` threads through at a time: a count of free places.
    let gate = std::sync::Arc::new((
        std::sync::Mutex::new(workers.max(1)),
        std::sync::Condvar::new(),
    ));
    let (result_sender, results) = crossbeam_channel::unbounded();
    for (index, url) in urls.into_iter().enumerate() {
        let gate = std::sync::Arc::clone(&gate);
        let result_sender = result_sender.clone();
        let client = client.clone();
        thread::spawn(move || {
            let (free, opened) = &*gate;
            let mut places = opened
                .wait_while(free.lock().expect("the gate"), |places| *places == 0)
                .expect("the gate");
            *places -= 1;
            drop(places);
            let fetched = fetch(&client, index, url);
            *free.lock().expect("the gate") += 1;
            opened.notify_one();
            let _ = result_sender.send(fetched);
        });
    }
    // Our own sender must go too, or the channel would never close.
    drop(result_sender);
    results
}
