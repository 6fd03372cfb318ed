//! The pool against the course's local server: results, the server's peak in flight, the order
//! results arrive in, and the results channel closing when the work is done.

use std::collections::{BTreeMap, HashSet};
use std::thread::{self, ThreadId};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError};
use lesson_kit::{LocalServer, ServerConfig};
use reqwest::blocking::Client;
use worker_pool::{Fetched, fetch_all};

/// Far longer than any batch in these checks takes to produce its next result (300 ms at most).
const PATIENCE: Duration = Duration::from_secs(2);
/// Far longer than the workers take to end once the last result is in: they have nothing left to
/// do but see the empty, closed job channel.
const CLOSING_PATIENCE: Duration = Duration::from_secs(1);

fn start_server() -> LocalServer {
    LocalServer::start(ServerConfig::default()).expect("start the local server")
}

/// The next `count` results, in the order they arrived. Fails if one is long in coming.
fn take(results: &Receiver<Fetched>, count: usize) -> Vec<Fetched> {
    let mut taken = Vec::new();
    while taken.len() < count {
        match results.recv_timeout(PATIENCE) {
            Ok(fetched) => taken.push(fetched),
            Err(RecvTimeoutError::Disconnected) => panic!(
                "the results channel closed after {} of {count} results: every URL gives a \
                 result, even one that fails",
                taken.len()
            ),
            Err(RecvTimeoutError::Timeout) => panic!(
                "after {} of {count} results, nothing came for {PATIENCE:?}: are the workers \
                 stuck, or did nobody take the other URLs from the job channel?",
                taken.len()
            ),
        }
    }
    taken
}

/// Fails unless the results channel closes soon, with no more results.
fn assert_closes(results: &Receiver<Fetched>, count: usize) {
    match results.recv_timeout(CLOSING_PATIENCE) {
        Err(RecvTimeoutError::Disconnected) => {}
        Ok(extra) => panic!("a result came after all {count}: {extra:?}"),
        Err(RecvTimeoutError::Timeout) => panic!(
            "all {count} results are in, but after {CLOSING_PATIENCE:?} the results channel is \
             still open.\nThe workers wait for jobs on a queue that is never closed (or someone \
             still holds a results sender).\nDrop the job channel's sender once every URL is \
             queued, so that the workers' loops end, and with them their results senders"
        ),
    }
}

#[test]
fn every_url_gives_exactly_one_result() {
    let server = start_server();
    let mut urls: Vec<String> = (0..12).map(|_| server.url("/delay/20")).collect();
    urls.push(server.url("/status/404"));
    urls.push("this is not a URL".to_string());

    let results = take(&fetch_all(&Client::new(), urls.clone(), 3), urls.len());

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
    // Three slow requests first, so that the workers' first requests surely overlap (150 ms is an
    // age next to starting a thread), then more than the pool can take at once.
    let mut urls: Vec<String> = (0..workers).map(|_| server.url("/delay/150")).collect();
    urls.extend((0..6).map(|_| server.url("/delay/50")));

    take(
        &fetch_all(&Client::new(), urls.clone(), workers),
        urls.len(),
    );
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
    let fast = 6;
    let mut urls = vec![server.url("/delay/300")];
    urls.extend((0..fast).map(|_| server.url("/delay/0")));

    let results = fetch_all(&Client::new(), urls, 2);
    // The slow request takes 300 ms: a fetch_all that returned at once has not seen it answered.
    let answered = server.stats().completed;
    assert!(
        answered <= fast as u64,
        "fetch_all returned only once all {} requests had been answered: return the Receiver at \
         once, and let the workers send each result as soon as it is ready",
        fast + 1
    );
    let arrived: Vec<usize> = take(&results, fast + 1)
        .iter()
        .map(|fetched| fetched.index)
        .collect();
    if let Some(position) = arrived.iter().position(|&index| index == 0) {
        assert_eq!(
            position, fast,
            "the results arrived for the URLs {arrived:?}: the slow URL (0, 300 ms) came before \
             fast ones that finished long before it. Send each result as soon as its request is \
             done, not in the order of the URLs"
        );
    }
}

#[test]
fn a_pool_of_k_threads_does_all_the_fetching() {
    let server = start_server();
    let workers = 3;
    let urls: Vec<String> = (0..12).map(|_| server.url("/delay/20")).collect();

    let results = take(
        &fetch_all(&Client::new(), urls.clone(), workers),
        urls.len(),
    );
    let threads: HashSet<ThreadId> = results.iter().map(|fetched| fetched.thread).collect();
    assert!(
        !threads.contains(&thread::current().id()),
        "a URL was fetched on the caller's thread: fetch_all must return at once and leave the \
         fetching to the workers"
    );
    assert!(
        threads.len() <= workers,
        "{} threads fetched the {} URLs, but the pool has {workers} workers.\nA thread per URL is \
         no pool, even when a counter lets only {workers} of them fetch at a time. Start \
         {workers} threads, each taking URL after URL from the job channel until it is empty",
        threads.len(),
        urls.len()
    );
}

#[test]
fn the_results_channel_closes_when_the_work_is_done() {
    let server = start_server();
    let urls: Vec<String> = (0..5).map(|_| server.url("/delay/10")).collect();
    let results = fetch_all(&Client::new(), urls, 2);
    take(&results, 5);
    assert_closes(&results, 5);
    assert_closes(&fetch_all(&Client::new(), Vec::new(), 2), 0);
}
