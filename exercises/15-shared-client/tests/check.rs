//! A `StatusChecker` must get every status right, reuse its connections from one batch to the
//! next, keep them to itself (not share them with a checker in another runtime), and send a batch's
//! requests at once. The local server counts connections and requests in flight, so these checks
//! run on real time and need no timing assumptions.

use std::sync::mpsc;
use std::time::Duration;

use lesson_kit::{LocalServer, ServerConfig};
use shared_client::StatusChecker;
use tokio::sync::oneshot;

/// The requests in one batch.
const BATCH: usize = 6;

fn start_server() -> LocalServer {
    LocalServer::start(ServerConfig::default()).expect("the local server starts")
}

/// Statuses as numbers, or the error's text, so a failed assertion reads well.
fn statuses(results: Vec<Result<reqwest::StatusCode, reqwest::Error>>) -> Vec<Result<u16, String>> {
    results
        .into_iter()
        .map(|result| {
            result
                .map(|status| status.as_u16())
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// A batch of slow requests: long enough (50 ms) that requests sent at once overlap at the server.
fn slow_batch(server: &LocalServer) -> Vec<String> {
    (0..BATCH).map(|_| server.url("/delay/50")).collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

#[tokio::test]
async fn every_status_is_right_and_in_order() {
    let server = start_server();
    let urls: Vec<String> = [
        "/status/200",
        "/status/404",
        "/delay/50",
        "/status/503",
        "/bytes/1000",
    ]
    .iter()
    .map(|path| server.url(path))
    .collect();
    let checker = StatusChecker::new();
    assert_eq!(
        statuses(checker.check_all(&urls).await),
        [Ok(200), Ok(404), Ok(200), Ok(503), Ok(200)],
        "one status per URL, in the order of the URLs"
    );
}

#[tokio::test]
async fn the_second_batch_reuses_the_first_ones_connections() {
    let server = start_server();
    let checker = StatusChecker::new();
    for _ in 0..2 {
        let results = statuses(checker.check_all(&slow_batch(&server)).await);
        assert_eq!(
            results,
            vec![Ok(200); BATCH],
            "every request of a batch should succeed"
        );
    }
    let connections = server.stats().connections;
    assert!(
        connections <= BATCH as u64,
        "two batches of {BATCH} requests opened {connections} connections, one batch needs \
         {BATCH}: the second batch opened new ones instead of reusing the first batch's.\n\
         A new client starts with an empty pool, whether it is made per request or per batch: \
         build one client in `new`, keep it in the checker, and send every request through it \
         (reading each answer to its end, which gives its connection back to the pool)"
    );
}

/// Two checkers on two runtimes, as in two `#[tokio::test]`s: each must open a connection of its
/// own. A connection is driven by a task of the runtime that opened it, so a request sent on
/// another runtime's connection fails ("dispatch task is gone") once that runtime ends.
#[test]
fn each_runtime_gets_connections_of_its_own() {
    let server = start_server();
    let url = server.url("/delay/0");
    // The other runtime, on a thread of its own like another test: its checker opens a connection,
    // then the runtime keeps running (and drives that connection) until told to finish.
    let (opened, first_status) = mpsc::channel();
    let (finish, finished) = oneshot::channel::<()>();
    let other_test = std::thread::spawn({
        let url = url.clone();
        move || {
            runtime().block_on(async {
                let statuses = statuses(StatusChecker::new().check_all(&[url]).await);
                // The check may have given up waiting; then nobody needs the answer.
                let _ = opened.send(statuses);
                // Either told to finish, or the check is gone: finish both ways.
                let _ = finished.await;
            });
        }
    });
    let other = first_status
        .recv_timeout(Duration::from_secs(10))
        .expect("the other runtime's checker answers");
    assert_eq!(
        other,
        [Ok(200)],
        "the other runtime's request should succeed"
    );

    let here = runtime().block_on(async { statuses(StatusChecker::new().check_all(&[url]).await) });
    // The other runtime ends now, as the other test would.
    let _ = finish.send(());
    other_test.join().expect("the other runtime's thread");
    assert_eq!(here, [Ok(200)], "this runtime's request should succeed");
    let connections = server.stats().connections;
    assert!(
        connections >= 2,
        "a checker made on this runtime sent its request on the connection a checker on another \
         runtime had opened: they share one client (a `static`?).\n\
         A client's connections are driven by tasks of the runtime that opened them: once that \
         runtime ends (when its test does), requests on them fail with \"dispatch task is \
         gone\".\nBuild the client in `new`, so that each checker has a pool of its own."
    );
}

#[tokio::test]
async fn a_batch_is_sent_at_once() {
    let server = start_server();
    let checker = StatusChecker::new();
    checker.check_all(&slow_batch(&server)).await;
    let peak = server.stats().peak_in_flight;
    assert!(
        peak > 1,
        "at most {peak} request was in flight at once: send the batch's requests together \
         (join_all), not one after another"
    );
}
