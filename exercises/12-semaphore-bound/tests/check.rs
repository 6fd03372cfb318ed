//! `fetch_bounded` must keep exactly `limit` requests in flight against a server that turns away
//! anything above `limit` with 429. The server's counters tell what the client did, on real time.

use lesson_kit::{LocalServer, ServerConfig, ServerStats};
use reqwest::Client;
use semaphore_bound::fetch_bounded;

/// Starts a server that answers 429 above `limit` requests in flight.
fn server_limited_to(limit: usize) -> LocalServer {
    LocalServer::start(ServerConfig::default().concurrency_limit(limit))
        .expect("the local server starts")
}

/// `count` requests slow enough (300 ms) that requests sent together overlap at the server.
fn slow_requests(server: &LocalServer, count: usize) -> Vec<String> {
    (0..count).map(|_| server.url("/delay/300")).collect()
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

/// Fails, saying why, if the server turned any request away; returns its counters otherwise.
fn assert_none_turned_away(server: &LocalServer, count: usize, limit: usize) -> ServerStats {
    let stats = server.stats();
    assert_eq!(
        stats.rejected, 0,
        "{} of {count} requests were turned away with 429: more than {limit} were in flight at \
         once, and the server allows {limit}. Make each request wait for a permit before it is sent",
        stats.rejected
    );
    stats
}

/// Sends `count` slow requests with `limit` to a server limited to `limit`, and checks the bound.
async fn check_the_bound(limit: usize, count: usize) {
    let server = server_limited_to(limit);
    let results =
        statuses(fetch_bounded(&Client::new(), &slow_requests(&server, count), limit).await);
    let stats = assert_none_turned_away(&server, count, limit);
    assert_eq!(
        results,
        vec![Ok(200); count],
        "every request should succeed"
    );
    assert_eq!(
        stats.peak_in_flight, limit,
        "the busiest moment had {} in flight, and the limit allows {limit}: keep {limit} going, \
         starting the next as soon as one finishes",
        stats.peak_in_flight
    );
}

#[tokio::test]
async fn four_at_a_time() {
    check_the_bound(4, 16).await;
}

#[tokio::test]
async fn two_at_a_time() {
    check_the_bound(2, 8).await;
}

#[tokio::test]
async fn results_keep_the_order_of_the_urls() {
    let server = server_limited_to(2);
    let urls: Vec<String> = [
        "/status/404",
        "/delay/100",
        "/status/201",
        "/delay/50",
        "/status/503",
    ]
    .iter()
    .map(|path| server.url(path))
    .collect();
    let results = statuses(fetch_bounded(&Client::new(), &urls, 2).await);
    assert_none_turned_away(&server, urls.len(), 2);
    assert_eq!(
        results,
        [Ok(404), Ok(200), Ok(201), Ok(200), Ok(503)],
        "one status per URL, in the order of the URLs"
    );
}
