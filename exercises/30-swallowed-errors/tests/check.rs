//! A batch against the course's local server, with error statuses and an address where nothing
//! listens among the good URLs: the report must count and name every failure. The server's own
//! counters say whether the requests overlapped.

use lesson_kit::{LocalServer, ServerConfig};
use reqwest::Client;
use swallowed_errors::{Failure, Reason, Report, fetch_report};

fn start_server() -> LocalServer {
    LocalServer::start(ServerConfig::default()).expect("the local server starts")
}

/// A URL where nothing listens: a port that a server had a moment ago, and no longer has.
fn nowhere() -> String {
    start_server().url("/status/200") // the server stops when dropped, here
}

fn failure(url: &str, reason: Reason) -> Failure {
    Failure {
        url: url.to_string(),
        reason,
    }
}

/// Checks `report` against the one expected, saying first what kind of failure went missing.
fn assert_report(report: &Report, expected: &Report) {
    let error_statuses = expected
        .failed
        .iter()
        .filter(|failure| matches!(failure.reason, Reason::Status(_)))
        .count();
    assert!(
        report.succeeded <= expected.succeeded || error_statuses == 0,
        "{} requests counted as succeeded, and {} did: {error_statuses} of the others were \
         answered with an error status.\nAn answer with an error status is an Ok(Response) as \
         far as `send()` is concerned: the request worked, the server said no. Look at its \
         status (`error_for_status` turns a 4xx or 5xx answer into an Err).",
        report.succeeded,
        expected.succeeded
    );
    assert!(
        report.succeeded >= expected.succeeded,
        "{} requests counted as succeeded, and {} did: a failure must not end the batch, or \
         keep the rest from being counted (`try_join_all` stops at the first Err). Wait for \
         every request, and count each.",
        report.succeeded,
        expected.succeeded
    );
    let left_out: Vec<&Failure> = expected
        .failed
        .iter()
        .filter(|failure| !report.failed.iter().any(|f| f.url == failure.url))
        .collect();
    assert!(
        left_out.is_empty(),
        "the report leaves out these failures: {left_out:?}.\nA failure kept out of the results \
         (`flatten`, `filter_map(Result::ok)`) vanishes without a word: every failure of the \
         batch belongs in its report. A request that cannot connect is an Err from `send()` \
         (`reqwest::Error::is_connect` tells that kind)."
    );
    assert_eq!(
        report, expected,
        "every failure with its reason (its status, or Unreachable), in the order of the URLs"
    );
}

#[tokio::test]
async fn a_batch_of_good_answers_is_all_success() {
    let server = start_server();
    let urls: Vec<String> = (0..4).map(|_| server.url("/status/200")).collect();
    let report = fetch_report(&Client::new(), &urls).await;
    assert_eq!(
        report,
        Report {
            succeeded: 4,
            failed: Vec::new()
        },
        "four answers of 200: four successes, no failure"
    );
}

#[tokio::test]
async fn an_error_status_is_a_failure_with_its_code() {
    let server = start_server();
    let (broken, missing) = (server.url("/status/500"), server.url("/status/404"));
    let urls = [
        server.url("/status/200"),
        broken.clone(),
        server.url("/status/204"),
        missing.clone(),
    ];
    let report = fetch_report(&Client::new(), &urls).await;
    let expected = Report {
        succeeded: 2,
        failed: vec![
            failure(&broken, Reason::Status(500)),
            failure(&missing, Reason::Status(404)),
        ],
    };
    assert_report(&report, &expected);
}

#[tokio::test]
async fn an_unreachable_server_is_a_failure() {
    let server = start_server();
    let nowhere = nowhere();
    let urls = [server.url("/status/200"), nowhere.clone()];
    let report = fetch_report(&Client::new(), &urls).await;
    let expected = Report {
        succeeded: 1,
        failed: vec![failure(&nowhere, Reason::Unreachable)],
    };
    assert_report(&report, &expected);
}

#[tokio::test]
async fn every_failure_is_reported_in_the_order_of_the_urls() {
    let server = start_server();
    let nowhere = nowhere();
    let urls = [
        server.url("/status/503"),
        server.url("/status/200"),
        nowhere.clone(),
        server.url("/status/418"),
    ];
    let report = fetch_report(&Client::new(), &urls).await;
    let expected = vec![
        failure(&urls[0], Reason::Status(503)),
        failure(&nowhere, Reason::Unreachable),
        failure(&urls[3], Reason::Status(418)),
    ];
    let expected = Report {
        succeeded: 1,
        failed: expected,
    };
    assert_report(&report, &expected);
}

#[tokio::test]
async fn the_batch_is_sent_at_once() {
    let server = start_server();
    let urls: Vec<String> = (0..5).map(|_| server.url("/delay/50")).collect();
    let report = fetch_report(&Client::new(), &urls).await;
    assert_eq!(report.succeeded, 5, "five slow answers of 200: {report:?}");
    let peak = server.stats().peak_in_flight;
    assert!(
        peak > 1,
        "at most {peak} request was in flight at once: send the batch's requests together, as \
         the starter did (join_all)"
    );
}
