//! `fetch_bounded` must keep exactly `limit` requests in flight against a server that turns away
//! anything above `limit` with 429. The server's counters tell what the client did, on real time.

use std::time::Duration;

use lesson_kit::{LocalServer, ServerConfig, ServerStats};
use reqwest::Client;
use semaphore_bound::fetch_bounded;

/// Starts a server that answers 429 above `limit` requests in flight.
fn server_limited_to(limit: usize) -> LocalServer {
    LocalServer::start(ServerConfig::default().concurrency_limit(limit))
        .expect("the local server starts")
}

/// `count` requests slow enough (100 ms) that requests sent together overlap at the server.
fn slow_requests(server: &LocalServer, count: usize) -> Vec<String> {
    (0..count).map(|_| server.url("/delay/100")).collect()
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
         once, and the server allows {limit}.\n\
         Make each request wait for a permit before it is sent, and hold the permit until its \
         answer has arrived: `let _ = semaphore.acquire().await` drops the permit at once (`_` \
         is no name, so nothing keeps it), while a name such as `_permit` keeps it to the end of \
         the block.\nOne semaphore for the whole batch, too: one per request bounds nothing.",
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
async fn exactly_four_in_flight_with_a_limit_of_four() {
    check_the_bound(4, 12).await;
}

#[tokio::test]
async fn exactly_two_in_flight_with_a_limit_of_two() {
    check_the_bound(2, 6).await;
}

/// One slow request among quick ones: it holds one of the two slots, and the quick ones must keep
/// the other one busy. Waves of `limit` requests (`chunks(limit)`, each wave joined before the
/// next) wait for the slow one instead, because every wave waits for its slowest request.
#[tokio::test]
async fn a_slow_request_holds_up_only_its_own_slot() {
    const LIMIT: usize = 2;
    const QUICK: u64 = 10;
    let server = server_limited_to(LIMIT);
    let mut urls = vec![server.url("/delay/5000")];
    urls.extend((0..QUICK).map(|_| server.url("/delay/0")));
    let batch = tokio::spawn({
        let urls = urls.clone();
        async move { fetch_bounded(&Client::new(), &urls, LIMIT).await }
    });
    // Ten quick requests, one at a time in the free slot, take milliseconds. (A flood shows at
    // once, as requests turned away: no need to wait then.)
    let patience = Duration::from_secs(1);
    let quick_done = tokio::time::timeout(
        patience,
        server.wait_until(|stats| stats.completed >= QUICK || stats.rejected > 0),
    )
    .await;
    batch.abort(); // the slow request would take 5 s: no need to wait for it
    assert_none_turned_away(&server, urls.len(), LIMIT);
    let done = server.stats().completed;
    assert!(
        quick_done.is_ok(),
        "while a slow request (5 s) held one of the {LIMIT} slots, only {done} of the {QUICK} \
         quick requests behind it finished in {patience:?}: the other slot sat idle.\n\
         Waves (`chunks(limit)`, each joined before the next) wait for their slowest request; \
         with a semaphore, the next request goes as soon as any slot is free"
    );
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
