//! The server counts the connections a batch opens: one shared client needs about one per request
//! in flight; a client per request opens one per request. And a batch on another runtime must not
//! reuse this one's connections.

use std::sync::mpsc;
use std::time::Duration;

use client_per_request::fetch_sizes;
use lesson_kit::{LocalServer, ServerConfig};
use tokio::sync::oneshot;

const REQUESTS: usize = 36;
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
    assert_eq!(fetched, sizes, "each body's size, in the order of the URLs");
}

#[tokio::test]
async fn one_connection_per_request_in_flight_not_per_request() {
    let server = LocalServer::start(ServerConfig::default()).expect("start the local server");
    // Each request takes 20 ms on the server, so `CONCURRENCY` of them overlap.
    let urls = vec![server.url("/delay/20"); REQUESTS];
    let sizes = fetch_sizes(&urls, CONCURRENCY)
        .await
        .expect("every download succeeds");
    assert_eq!(sizes.len(), REQUESTS, "one size per URL");

    let stats = server.stats();
    assert_at_most_the_limit_in_flight(stats.peak_in_flight);
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
        "{REQUESTS} requests opened {} TCP connections; with {CONCURRENCY} in flight at a time, \
         one shared client needs about {CONCURRENCY}: build the client once and share it",
        stats.connections
    );
}

fn assert_at_most_the_limit_in_flight(peak: usize) {
    assert!(
        peak <= CONCURRENCY,
        "{peak} requests were in flight at once; the limit was {CONCURRENCY}: keep the \
         `buffered(concurrency)` that bounds them"
    );
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Two batches on two runtimes, as in two `#[tokio::test]`s: each must open a connection of its
/// own. A connection is driven by a task of the runtime that opened it, so a request sent on
/// another runtime's connection fails ("dispatch task is gone") once that runtime ends.
#[test]
fn each_runtime_gets_connections_of_its_own() {
    let server = LocalServer::start(ServerConfig::default()).expect("start the local server");
    let urls = vec![server.url("/bytes/100")];
    // The other runtime, on a thread of its own like another test: its batch opens a connection,
    // then the runtime keeps running (and drives that connection) until told to finish.
    let (fetched, first_sizes) = mpsc::channel();
    let (finish, finished) = oneshot::channel::<()>();
    let other_test = std::thread::spawn({
        let urls = urls.clone();
        move || {
            runtime().block_on(async {
                let sizes = fetch_sizes(&urls, 1).await.map_err(|e| e.to_string());
                // The check may have given up waiting; then nobody needs the answer.
                let _ = fetched.send(sizes);
                // Either told to finish, or the check is gone: finish both ways.
                let _ = finished.await;
            });
        }
    });
    let other = first_sizes
        .recv_timeout(Duration::from_secs(10))
        .expect("the other runtime's batch answers");
    assert_eq!(
        other,
        Ok(vec![100]),
        "the other runtime's batch should succeed"
    );

    let here = runtime().block_on(async { fetch_sizes(&urls, 1).await.map_err(|e| e.to_string()) });
    // The other runtime ends now, as the other test would.
    let _ = finish.send(());
    other_test.join().expect("the other runtime's thread");
    assert_eq!(here, Ok(vec![100]), "this runtime's batch should succeed");
    let connections = server.stats().connections;
    assert!(
        connections >= 2,
        "a batch on this runtime sent its request on the connection a batch on another runtime had \
         opened: they share one client (a `static`?).\n\
         A client's connections are driven by tasks of the runtime that opened them: once that \
         runtime ends (when its test does), requests on them fail with \"dispatch task is \
         gone\".\nBuild the client in `fetch_sizes` (or take it as a parameter), not in a \
         static."
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
    assert_at_most_the_limit_in_flight(peak);
    assert_eq!(
        peak, CONCURRENCY,
        "at most {peak} requests were in flight at once; {CONCURRENCY} should run together"
    );
}
