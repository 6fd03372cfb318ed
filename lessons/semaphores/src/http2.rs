//! HTTP/2: many requests in flight on one connection, and why the bound still matters.
//!
//! Sections 1 to 5 speak HTTP/1.1, where a connection carries one request at a time: a hundred
//! requests in flight need a hundred connections. HTTP/2 multiplexes: one connection carries many
//! requests at once, each on a *stream* of its own, so a hundred requests in flight need one
//! connection, one socket and one handshake.
//!
//! Client and server must agree to speak it. Over `https://` they agree during the TLS handshake
//! (ALPN), which is how most clients meet HTTP/2. Over plain `http://`, as here, the client must
//! know in advance that the server speaks it ("prior knowledge") and start in HTTP/2 from its
//! first byte. The local server answers in whichever protocol a connection starts with.
//!
//! One connection does not make a flood harmless. The server still decides how much it takes at
//! once, in two ways: it announces how many streams one connection may carry (hyper's default is
//! 200), and a client with more to send waits for a stream to end, silently; and a server that
//! is flooded anyway answers `429 Too Many Requests`, as in section 1. So the client's own bound,
//! the semaphore of section 2, belongs in HTTP/2 code too.

use std::time::Duration;

use anyhow::{Context, Result};
use futures::future::join_all;
use lesson_kit::http::{Tally, get_status};
use lesson_kit::measure::ideal_io_time;
use lesson_kit::server::DEFAULT_HTTP2_MAX_STREAMS;
use lesson_kit::{LocalServer, ServerConfig, ServerStats, Timeline, Versus, narrate};
use reqwest::{Client, StatusCode};
use tokio::time::Instant;

use crate::open_files::affordable_requests;
use crate::semaphore::fetch_bounded;
use crate::settings::Settings;

// ANCHOR: http2_client
/// A client that speaks HTTP/2 from its first byte, as a client must over `http://`. (Over
/// `https://` reqwest and the server agree on HTTP/2 in the TLS handshake, with no such call.)
pub fn http2_client() -> reqwest::Result<Client> {
    Client::builder().http2_prior_knowledge().build()
}
// ANCHOR_END: http2_client

// ANCHOR: all_at_once
/// Every request at once, as in the flood: nothing here bounds how many are in flight.
pub async fn all_at_once(
    client: &Client,
    url: &str,
    requests: usize,
) -> Vec<Result<StatusCode, reqwest::Error>> {
    join_all((0..requests).map(|_| get_status(client, url))).await
}
// ANCHOR_END: all_at_once

/// What one batch of requests did, seen from both ends.
#[derive(Debug)]
pub struct Batch {
    /// How the client's requests went.
    pub tally: Tally,
    /// What the server counted during the batch alone.
    pub server: ServerStats,
    pub elapsed: Duration,
}

/// Runs `batch` against `server` with fresh counters, and times it.
pub async fn measure<F>(server: &LocalServer, batch: F) -> Batch
where
    F: Future<Output = Vec<Result<StatusCode, reqwest::Error>>>,
{
    server.reset_stats();
    let started = Instant::now();
    let results = batch.await;
    let elapsed = started.elapsed();
    Batch {
        tally: Tally::of(&results),
        server: server.stats(),
        elapsed,
    }
}

/// The protocol a client speaks to `url`, from one request's answer: `HTTP/2.0`, `HTTP/1.1`.
pub async fn protocol_spoken(client: &Client, url: &str) -> reqwest::Result<String> {
    let response = client.get(url).send().await?;
    let version = response.version();
    response.bytes().await?;
    Ok(format!("{version:?}"))
}

pub async fn demo(settings: &Settings) -> Result<()> {
    let wanted = 2 * settings.concurrency;
    narrate::claim(&format!(
        "Over HTTP/1.1, {wanted} requests in flight take {wanted} connections; over HTTP/2, one \
         connection carries them all, as many at once as the server allows. The bound is \
         still needed: the server caps the streams on a connection, and answers 429 above its \
         own limit, whatever the protocol."
    ));
    narrate::python(
        "httpx.AsyncClient(http2=True), with `pip install 'httpx[http2]'`: HTTP/2 when an \
         https server offers it; over http:// httpx speaks it only with http1=False too, its \
         prior knowledge.",
    );
    narrate::code(include_str!("http2.rs"), "http2_client");
    narrate::code(include_str!("http2.rs"), "all_at_once");
    // Over HTTP/1.1 every request in flight holds a socket at each end, both in this process.
    let requests = affordable_requests(wanted)?;
    let delay = settings.delay;
    let path = format!("/delay/{}", delay.as_millis());
    let http1 = Client::new();
    let http2 = http2_client().context("cannot build an HTTP/2 client")?;

    let server = LocalServer::start(ServerConfig::default())?;
    let url = server.url(&path);
    narrate::say(&format!(
        "{requests} GETs of {url} at once, by an HTTP/1.1 client and then an HTTP/2 one:"
    ));
    // One wait for all of them, except that one HTTP/2 connection carries at most as many at
    // once as the server allows: the ideal follows the same rule.
    let default_streams = DEFAULT_HTTP2_MAX_STREAMS as usize;
    let batch = measure(&server, all_at_once(&http1, &url, requests)).await;
    report("HTTP/1.1", &batch, ideal_io_time(requests, delay, requests));
    let http2_ideal = ideal_io_time(requests, delay, default_streams);
    let batch = measure(&server, all_at_once(&http2, &url, requests)).await;
    report("HTTP/2", &batch, http2_ideal);
    narrate::result(
        "HTTP/2: protocol spoken",
        protocol_spoken(&http2, &url).await?,
    );

    let streams = settings.http2_streams;
    let server = LocalServer::start(ServerConfig::default().http2_max_streams(streams))?;
    let url = server.url(&path);
    narrate::say(&format!(
        "The server decides how many streams one connection may carry at once (hyper's \
         default is {DEFAULT_HTTP2_MAX_STREAMS}); this one says {streams}. The same {requests} GETs \
         over HTTP/2:"
    ));
    let batch = measure(&server, all_at_once(&http2, &url, requests)).await;
    report(
        "stream limit",
        &batch,
        ideal_io_time(requests, delay, streams as usize),
    );
    narrate::say(
        "No error and no second connection: the client queued what the connection could not \
         carry, so the server's limit set the pace, unannounced.",
    );

    let limit = settings.concurrency;
    let server = LocalServer::start(ServerConfig::default().concurrency_limit(limit))?;
    let url = server.url(&path);
    narrate::say(&format!(
        "A server that answers 429 above {limit} requests in flight, as in section 1, over \
         HTTP/2: all at once, then bounded by section 2's semaphore of {limit}:"
    ));
    let batch = measure(&server, all_at_once(&http2, &url, requests)).await;
    report("limit, all at once", &batch, http2_ideal);
    let timeline = Timeline::new(); // fetch_bounded records on one; nothing here draws it
    // A new client, so that the server counts its connection (the first would reuse its own).
    let http2 = http2_client().context("cannot build an HTTP/2 client")?;
    let bounded = fetch_bounded(&http2, &url, requests, limit, &timeline);
    let batch = measure(&server, bounded).await;
    report(
        "limit, semaphore",
        &batch,
        ideal_io_time(requests, delay, limit.min(default_streams)),
    );
    if limit >= default_streams {
        narrate::say(&format!(
            "(With a limit of {limit}, the server's {default_streams} streams per connection \
             bound the batch before its 429 limit could: try a smaller --concurrency.)"
        ));
    }
    narrate::say(
        "One connection makes a request cheaper to start; it doesn't make the server bigger. \
         Bound the batch in the client, whatever the protocol.",
    );
    Ok(())
}

/// Prints what the client and the server saw of one batch, each line starting with `name`.
fn report(name: &str, batch: &Batch, ideal: Duration) {
    let (tally, server) = (&batch.tally, &batch.server);
    narrate::result(
        &format!("{name}: succeeded"),
        format!("{} of {}", tally.with_status(200), tally.total()),
    );
    if tally.with_status(429) > 0 {
        narrate::result(
            &format!("{name}: answered 429 Too Many Requests"),
            tally.with_status(429),
        );
    }
    if tally.total() > tally.with_status(200) + tally.with_status(429) {
        narrate::result(&format!("{name}: the other outcomes"), tally);
    }
    narrate::result(&format!("{name}: connections opened"), server.connections);
    narrate::result(
        &format!("{name}: peak in flight, seen by the server"),
        server.peak_in_flight,
    );
    narrate::result(
        &format!("{name}: wall time"),
        Versus::new(batch.elapsed, ideal),
    );
}

#[cfg(test)]
mod tests {
    //! Real sockets, real time: checked by what the server counted, never by the clock.
    use super::*;

    #[tokio::test]
    async fn one_http2_connection_carries_every_request() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let client = http2_client().expect("client");
        let batch = measure(&server, all_at_once(&client, &server.url("/delay/50"), 30)).await;
        assert_eq!(batch.tally.with_status(200), 30, "{batch:?}");
        assert_eq!(batch.server.connections, 1, "{batch:?}");
        let protocol = protocol_spoken(&client, &server.url("/delay/0")).await;
        assert_eq!(protocol.expect("GET"), "HTTP/2.0");
    }

    #[tokio::test]
    async fn an_http1_client_opens_a_connection_per_request_in_flight() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let url = server.url("/delay/600000");
        // Watch the server until every request is in flight, then drop them.
        let client = Client::new();
        let stats = tokio::select! {
            _ = all_at_once(&client, &url, 30) => panic!("ten-minute requests"),
            stats = server.wait_until(|stats| stats.in_flight == 30) => stats,
        };
        assert_eq!(stats.connections, 30, "{stats:?}");
    }

    #[tokio::test]
    async fn the_servers_stream_limit_bounds_an_http2_batch() {
        let config = ServerConfig::default().http2_max_streams(4);
        let server = LocalServer::start(config).expect("server");
        let client = http2_client().expect("client");
        let batch = measure(&server, all_at_once(&client, &server.url("/delay/20"), 30)).await;
        assert_eq!(batch.tally.with_status(200), 30, "{batch:?}");
        assert_eq!(batch.server.connections, 1, "{batch:?}");
        assert!(batch.server.peak_in_flight <= 4, "{batch:?}");
    }

    #[tokio::test]
    async fn a_semaphore_keeps_http2_under_the_servers_limit() {
        let config = ServerConfig::default().concurrency_limit(5);
        let server = LocalServer::start(config).expect("server");
        let client = http2_client().expect("client");
        let url = server.url("/delay/20");
        let timeline = Timeline::new();
        let batch = measure(&server, fetch_bounded(&client, &url, 30, 5, &timeline)).await;
        assert_eq!(batch.tally.with_status(200), 30, "{batch:?}");
        assert_eq!(
            (batch.server.rejected, batch.server.connections),
            (0, 1),
            "{batch:?}"
        );
    }
}
