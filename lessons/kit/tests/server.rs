//! The local server's endpoints and counters, tested through a real HTTP client.
//!
//! No test sleeps to wait for the server: each waits for the exact state it needs with
//! `LocalServer::wait_until`, under a generous timeout that only a broken server would hit.

use std::time::{Duration, Instant};

use futures::future::join_all;
use lesson_kit::data::deterministic_bytes;
use lesson_kit::{LocalServer, ServerConfig, ServerStats};
use reqwest::StatusCode;

/// Far longer than any state takes to reach; only a bug makes a test wait this long.
const PATIENCE: Duration = Duration::from_secs(30);
/// Long enough that a request is surely still in flight while the test looks at it.
const FOREVER: &str = "/delay/600000";

fn start() -> LocalServer {
    LocalServer::start(ServerConfig::default()).expect("start the local server")
}

async fn wait_for(server: &LocalServer, condition: impl Fn(&ServerStats) -> bool) -> ServerStats {
    tokio::time::timeout(PATIENCE, server.wait_until(condition))
        .await
        .expect("the server never reached the expected state")
}

#[tokio::test]
async fn delay_answers_after_the_delay() {
    let server = start();
    let started = Instant::now();
    let response = reqwest::get(server.url("/delay/200")).await.expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(response.text().await.expect("body"), "waited 200 ms\n");
}

#[tokio::test]
async fn status_answers_with_the_code_asked_for() {
    let server = start();
    for code in [200, 404, 429, 503] {
        let response = reqwest::get(server.url(&format!("/status/{code}")))
            .await
            .expect("GET");
        assert_eq!(response.status().as_u16(), code);
    }
}

#[tokio::test]
async fn nonsense_is_a_bad_request() {
    let server = start();
    for path in [
        "/status/42",
        "/delay/soon",
        "/delay/99999999999",
        "/bytes/999999999999",
    ] {
        let response = reqwest::get(server.url(path)).await.expect("GET");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
    }
    let response = reqwest::get(server.url("/nowhere")).await.expect("GET");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bytes_are_deterministic_and_seeded() {
    let server = start();
    let body = reqwest::get(server.url("/bytes/1000")).await.expect("GET");
    assert_eq!(
        body.bytes().await.expect("body"),
        deterministic_bytes(0, 1000)
    );
    let seeded = reqwest::get(server.url("/bytes/1000/42"))
        .await
        .expect("GET");
    assert_eq!(
        seeded.bytes().await.expect("body"),
        deterministic_bytes(42, 1000)
    );
}

#[tokio::test]
async fn requests_are_counted_and_stats_are_not() {
    let server = start();
    let client = reqwest::Client::new();
    for path in ["/delay/0", "/status/500", "/bytes/10"] {
        client.get(server.url(path)).send().await.expect("GET");
    }
    let stats_page = client.get(server.url("/stats")).send().await.expect("GET");
    let text = stats_page.text().await.expect("body");
    assert!(text.contains("requests 3\n"), "{text}");
    let stats = server.stats();
    assert_eq!((stats.requests, stats.completed, stats.rejected), (3, 3, 0));
    assert_eq!(stats.in_flight, 0);
}

#[tokio::test]
async fn a_shared_client_reuses_one_connection() {
    let server = start();
    let client = reqwest::Client::new();
    for _ in 0..10 {
        client
            .get(server.url("/delay/0"))
            .send()
            .await
            .expect("GET");
    }
    assert_eq!(server.stats().connections, 1);
}

#[tokio::test]
async fn a_client_per_request_opens_a_connection_per_request() {
    let server = start();
    for _ in 0..10 {
        let client = reqwest::Client::new();
        client
            .get(server.url("/delay/0"))
            .send()
            .await
            .expect("GET");
    }
    assert_eq!(server.stats().connections, 10);
}

#[tokio::test]
async fn peak_in_flight_counts_concurrent_requests() {
    let server = start();
    let client = reqwest::Client::new();
    let requests: Vec<_> = (0..20)
        .map(|_| tokio::spawn(client.get(server.url(FOREVER)).send()))
        .collect();
    let stats = wait_for(&server, |stats| stats.in_flight == 20).await;
    assert_eq!(stats.peak_in_flight, 20);
    for request in requests {
        request.abort();
    }
}

#[tokio::test]
async fn requests_beyond_the_limit_get_429() {
    let server = LocalServer::start(ServerConfig::default().concurrency_limit(5)).expect("start");
    let client = reqwest::Client::new();
    let held: Vec<_> = (0..5)
        .map(|_| tokio::spawn(client.get(server.url(FOREVER)).send()))
        .collect();
    wait_for(&server, |stats| stats.in_flight == 5).await;

    let extra = join_all((0..3).map(|_| client.get(server.url("/delay/0")).send())).await;
    for response in extra {
        assert_eq!(
            response.expect("GET").status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    let stats = server.stats();
    assert_eq!((stats.rejected, stats.completed), (3, 0));

    // Switching the limit off lets the next request through while five are still held.
    server.set_concurrency_limit(None);
    let response = client
        .get(server.url("/delay/0"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    for request in held {
        request.abort();
    }
}

#[tokio::test]
async fn reset_zeroes_the_counters() {
    let server = start();
    reqwest::get(server.url("/delay/0")).await.expect("GET");
    server.reset_stats();
    assert_eq!(server.stats(), ServerStats::default());
}

#[test]
fn starts_and_serves_from_plain_sync_code() {
    let server = start();
    let response = reqwest::blocking::get(server.url("/status/204")).expect("GET");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let first = start();
    let error = LocalServer::start(ServerConfig::default().port(first.addr().port()))
        .expect_err("the port is taken");
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
    assert!(error.to_string().contains("already in use"), "{error}");
}

#[test]
fn dropping_the_server_frees_its_port() {
    let server = start();
    let addr = server.addr();
    drop(server);
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[test]
fn dropping_the_server_does_not_wait_for_slow_requests() {
    let server = start();
    let url = server.url(FOREVER);
    // The request fails once the server is gone; its result doesn't matter here.
    let client = std::thread::spawn(move || reqwest::blocking::get(url).map(|_| ()));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(wait_for(&server, |stats| stats.in_flight == 1));
    drop(server);
    assert!(client.join().expect("client thread").is_err());
}

/// A client that speaks HTTP/2 from its first byte, as a client must over `http://`.
fn http2_client() -> reqwest::Client {
    reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .expect("an HTTP/2 client")
}

#[tokio::test]
async fn http2_carries_every_request_in_flight_on_one_connection() {
    let server = start();
    let client = http2_client();
    let requests: Vec<_> = (0..20)
        .map(|_| tokio::spawn(client.get(server.url(FOREVER)).send()))
        .collect();
    let stats = wait_for(&server, |stats| stats.in_flight == 20).await;
    assert_eq!(
        (stats.peak_in_flight, stats.connections),
        (20, 1),
        "{stats:?}"
    );
    // A request dropped by its client ends its stream only: the server counts it out, and the
    // connection stays open for the next request.
    for request in requests {
        request.abort();
    }
    wait_for(&server, |stats| stats.in_flight == 0).await;
    let answer = client.get(server.url("/delay/0")).send().await;
    assert_eq!(answer.expect("GET").version(), reqwest::Version::HTTP_2);
    assert_eq!(server.stats().connections, 1, "the same connection again");
}

#[tokio::test]
async fn http1_and_http2_clients_share_the_port_and_the_counters() {
    let server = start();
    let http1 = reqwest::Client::new();
    let http2 = http2_client();
    let held: Vec<_> = (0..3)
        .map(|_| tokio::spawn(http1.get(server.url(FOREVER)).send()))
        .chain((0..3).map(|_| tokio::spawn(http2.get(server.url(FOREVER)).send())))
        .collect();
    let stats = wait_for(&server, |stats| stats.in_flight == 6).await;
    assert_eq!(stats.connections, 3 + 1, "{stats:?}");
    let answer = http1.get(server.url("/delay/0")).send().await;
    assert_eq!(answer.expect("GET").version(), reqwest::Version::HTTP_11);
    for request in held {
        request.abort();
    }
}

#[tokio::test]
async fn http2_requests_beyond_the_stream_limit_wait_for_a_stream() {
    let server = LocalServer::start(ServerConfig::default().http2_max_streams(5)).expect("start");
    let client = http2_client();
    let statuses = join_all((0..20).map(|_| async {
        let response = client.get(server.url("/delay/50")).send().await?;
        Ok::<_, reqwest::Error>(response.status())
    }))
    .await;
    for status in statuses {
        assert_eq!(status.expect("GET"), StatusCode::OK, "none is refused");
    }
    let stats = server.stats();
    assert_eq!((stats.completed, stats.connections), (20, 1), "{stats:?}");
    assert!(
        (1..=5).contains(&stats.peak_in_flight),
        "the client waited for free streams: {stats:?}"
    );
}

#[tokio::test]
async fn http2_requests_beyond_the_concurrency_limit_get_429() {
    let server = LocalServer::start(ServerConfig::default().concurrency_limit(5)).expect("start");
    let client = http2_client();
    let held: Vec<_> = (0..5)
        .map(|_| tokio::spawn(client.get(server.url(FOREVER)).send()))
        .collect();
    wait_for(&server, |stats| stats.in_flight == 5).await;
    let extra = join_all((0..15).map(|_| client.get(server.url("/delay/0")).send())).await;
    for response in extra {
        assert_eq!(
            response.expect("GET").status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    let stats = server.stats();
    assert_eq!((stats.rejected, stats.connections), (15, 1), "{stats:?}");
    for request in held {
        request.abort();
    }
}
