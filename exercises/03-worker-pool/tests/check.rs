//! The pool against the course's local server: results, the server's peak in flight, the order
//! results arrive in, and the results channel closing when the work is done.

use std::collections::BTreeMap;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError};
use lesson_kit::{LocalServer, ServerConfig};
use reqwest::blocking::Client;
use worker_pool::{Fetched, fetch_all};

/// Far longer than any batch in these checks takes to produce its next result.
const PATIENCE: Duration = Duration::from_secs(8);

fn start_server() -> LocalServer {
    LocalServer::start(ServerConfig::default()).expect("start the local server")
}

/// The next result, or `None` once the channel is closed. Fails if nothing happens for a while.
fn next(results: &Receiver<Fetched>, received: usize) -> Option<Fetched> {
    match results.recv_timeout(PATIENCE) {
        Ok(fetched) => Some(fetched),
        Err(RecvTimeoutError::Disconnected) => None,
        Err(RecvTimeoutError::Timeout) => panic!(
            "after {received} results, nothing happened for {} s and the results channel is \
             still open: either workers are stuck, or they wait for jobs on a queue that is never \
             closed. Drop the job channel's sender once every URL is queued, so that the \
             workers' loops end (and with them their results senders)",
            PATIENCE.as_secs()
        ),
    }
}

/// Every result, in the order it arrived, until the channel closes.
fn drain(results: Receiver<Fetched>) -> Vec<Fetched> {
    let mut all = Vec::new();
    while let Some(fetched) = next(&results, all.len()) {
        all.push(fetched);
    }
    all
}

#[test]
fn every_url_gives_exactly_one_result() {
    let server = start_server();
    let mut urls: Vec<String> = (0..12).map(|_| server.url("/delay/20")).collect();
    urls.push(server.url("/status/404"));
    urls.push("this is not a URL".to_string());

    let results = drain(fetch_all(&Client::new(), urls.clone(), 3));

    let mut by_index = BTreeMap::new();
    for fetched in results {
        let index = fetched.index;
        assert_eq!(
            fetched.url, urls[index],
            "result {index} names the wrong URL"
        );
        assert!(
            by_index.insert(index, fetched).is_none(),
            "URL {index} gave two results"
        );
    }
    let missing: Vec<usize> = (0..urls.len())
        .filter(|index| !by_index.contains_key(index))
        .collect();
    assert!(missing.is_empty(), "no result for the URLs {missing:?}");
    for index in 0..12 {
        assert_eq!(by_index[&index].outcome, Ok(200), "URL {index}");
    }
    assert_eq!(by_index[&12].outcome, Ok(404), "a 404 is an answer too");
    assert!(
        by_index[&13].outcome.is_err(),
        "a URL that cannot be fetched gives an error result"
    );
}

#[test]
fn exactly_k_requests_are_in_flight_at_once() {
    let server = start_server();
    let workers = 3;
    // Three slow requests first, so that the workers' first requests surely overlap (two seconds
    // is an age next to starting a thread), then more than the pool can take at once.
    let mut urls: Vec<String> = (0..workers).map(|_| server.url("/delay/2000")).collect();
    urls.extend((0..6).map(|_| server.url("/delay/200")));

    let results = drain(fetch_all(&Client::new(), urls.clone(), workers));

    assert_eq!(results.len(), urls.len(), "one result per URL");
    let stats = server.stats();
    assert!(
        stats.peak_in_flight <= workers,
        "{} requests were in flight at once, but the pool has {workers} workers: start exactly \
         `workers` threads, and let them take URLs from a job channel they share",
        stats.peak_in_flight
    );
    assert_eq!(
        stats.peak_in_flight,
        workers,
        "with {workers} workers and {} URLs, at most {} requests were ever in flight at once: \
         are all {workers} workers taking URLs from the same job channel?",
        urls.len(),
        stats.peak_in_flight
    );
}

#[test]
fn a_slow_request_does_not_hold_back_the_fast_ones() {
    let server = start_server();
    let slow = server.url("/delay/3000");
    let fast = 6;
    let mut urls = vec![slow];
    urls.extend((0..fast).map(|_| server.url("/delay/0")));

    let results = fetch_all(&Client::new(), urls, 2);

    for received in 0..fast {
        let fetched = next(&results, received).expect("more results to come");
        assert_ne!(
            fetched.index,
            0,
            "result {} was the slow URL (3 s), though {} fast ones were still to come: results \
             must come as they complete, not in the order of the URLs",
            received + 1,
            fast - received
        );
    }
    // Every fast result is in hand: the slow request must still be running, seconds from done.
    let stats = server.stats();
    assert_eq!(
        stats.in_flight, 1,
        "the fast results arrived only after the slow request had finished: return the Receiver \
         at once, and let the workers send each result as soon as it is ready"
    );
    let last = next(&results, fast).expect("the slow result");
    assert_eq!(last.index, 0);
    assert!(
        next(&results, fast + 1).is_none(),
        "a result came after all seven"
    );
}

#[test]
fn the_results_channel_closes_when_the_work_is_done() {
    let server = start_server();
    let urls: Vec<String> = (0..5).map(|_| server.url("/delay/10")).collect();
    assert_eq!(drain(fetch_all(&Client::new(), urls, 2)).len(), 5);
    assert_eq!(
        drain(fetch_all(&Client::new(), Vec::new(), 2)).len(),
        0,
        "no URLs, no results"
    );
}
