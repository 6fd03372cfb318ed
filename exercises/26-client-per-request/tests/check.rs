//! The server counts the connections a batch opens: one shared client needs about one per request
//! in flight; a client per request opens one per request.

use client_per_request::fetch_sizes;
use lesson_kit::{LocalServer, ServerConfig};

const REQUESTS: usize = 60;
const CONCURRENCY: usize = 6;

#[tokio::test]
async fn sizes_come_back_in_the_order_of_the_urls() {
    let server = LocalServer::start(ServerConfig::default()).expect("start the local server");
    let sizes: Vec<usize> = (0..20).map(|i| 100 * (20 - i) + i).collect();
    let urls: Vec<String> = sizes
        .iter()
        .enumerate()
        .map(|(seed, size)| server.url(&format!("/bytes/{size}/{seed}")))
        .collect();
    let fetched = fetch_sizes(&urls, 4)
        .await
        .expect("every download succeeds");
    assert_eq!(fetched, sizes);
}

#[tokio::test]
async fn one_connection_per_request_in_flight_not_per_request() {
    let server = LocalServer::start(ServerConfig::default()).expect("start the local server");
    // Each request takes 20 ms on the server, so `CONCURRENCY` of them overlap.
    let urls = vec![server.url("/delay/20"); REQUESTS];
    let sizes = fetch_sizes(&urls, CONCURRENCY)
        .await
        .expect("every download succeeds");
    assert_eq!(sizes.len(), REQUESTS);

    let stats = server.stats();
    assert_eq!(
        stats.completed, REQUESTS as u64,
        "the server answered {} of {REQUESTS} requests",
        stats.completed
    );
    // One shared client opens one connection per request in flight and reuses it. (It may open a
    // spare one when a request starts a moment before a finished one's connection is back in the
    // pool, hence the slack.) A client per request opens one per request.
    assert!(
        stats.connections <= 2 * CONCURRENCY as u64,
        "{REQUESTS} requests opened {} TCP connections; with {CONCURRENCY} in flight at a time, one \
         shared client needs about {CONCURRENCY}: build the client once and share it",
        stats.connections
    );
}

#[tokio::test]
async fn requests_still_run_concurrency_at_a_time() {
    let server = LocalServer::start(ServerConfig::default()).expect("start the local server");
    let urls = vec![server.url("/delay/50"); 4 * CONCURRENCY];
    fetch_sizes(&urls, CONCURRENCY)
        .await
        .expect("every download succeeds");
    let peak = server.stats().peak_in_flight;
    assert!(
        peak <= CONCURRENCY,
        "{peak} requests were in flight at once; the limit was {CONCURRENCY}"
    );
    assert_eq!(
        peak, CONCURRENCY,
        "at most {peak} requests were in flight at once; {CONCURRENCY} should run together"
    );
}
