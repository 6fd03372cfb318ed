//! A `StatusChecker` must get every status right, reuse its connections from one batch to the
//! next, and send a batch's requests at once. The local server counts connections and requests in
//! flight, so these checks run on real time and need no timing assumptions.

use lesson_kit::{LocalServer, ServerConfig};
use shared_client::StatusChecker;

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

/// A batch of slow requests: long enough that requests sent at once overlap at the server.
fn slow_batch(server: &LocalServer) -> Vec<String> {
    (0..BATCH).map(|_| server.url("/delay/300")).collect()
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
            "every request should succeed"
        );
    }
    let connections = server.stats().connections;
    let why = if connections >= 2 * BATCH as u64 {
        "one for every request: a client per request starts with an empty pool every time. Build \
         one client in `new`, keep it in the checker, and send every request through it"
    } else {
        "the second batch opened new ones instead of reusing the first batch's: keep the client \
         in the checker, so its pool outlives a batch (and read each answer to its end)"
    };
    assert!(
        connections <= BATCH as u64,
        "two batches of {BATCH} requests opened {connections} connections, one batch needs \
         {BATCH}; {why}"
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
