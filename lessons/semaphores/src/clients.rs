//! One shared client, or a client per request?
//!
//! A `reqwest::Client` is a pool of open connections plus settings. Shared by every request (it is
//! cheap to clone: clones share the pool), it opens one connection per request *in flight* and
//! reuses each for the next request. (That is HTTP/1.1, which the lessons' client speaks: a
//! connection carries one request at a time. Over HTTP/2 one connection carries many at once.) Created inside the request, as many tutorials write it, every
//! request gets a pool of its own, so every request opens a new connection: a TCP handshake
//! (and, against a real API, a TLS handshake too) before it can send anything, and a socket left in
//! TIME_WAIT afterwards, holding a local port for a minute. Fifty thousand of those would use up
//! the ports this machine can connect from.

use std::time::Duration;

use anyhow::Result;
use futures::future::join_all;
use lesson_kit::http::{Tally, get_status};
use lesson_kit::measure::{format_duration, ideal_io_time, median};
use lesson_kit::system::{local_port_count, sockets_in_time_wait};
use lesson_kit::{LocalServer, ServerConfig, Versus, narrate};
use reqwest::{Client, StatusCode};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::settings::Settings;

// ANCHOR: shared
pub async fn with_one_shared_client(
    url: &str,
    requests: usize,
    limit: usize,
) -> Vec<Result<StatusCode, reqwest::Error>> {
    let client = Client::new(); // one pool of connections, reused by every request
    let semaphore = Semaphore::new(limit);
    let every_request = (0..requests).map(|_| async {
        let _permit = semaphore.acquire().await.expect("never closed");
        get_status(&client, url).await
    });
    join_all(every_request).await
}
// ANCHOR_END: shared

// ANCHOR: per_request
pub async fn with_a_client_per_request(
    url: &str,
    requests: usize,
    limit: usize,
) -> Vec<Result<StatusCode, reqwest::Error>> {
    let semaphore = Semaphore::new(limit);
    let every_request = (0..requests).map(|_| async {
        let _permit = semaphore.acquire().await.expect("never closed");
        let client = Client::new(); // a new pool each time, so a new connection each time
        get_status(&client, url).await
    });
    join_all(every_request).await
}
// ANCHOR_END: per_request

/// Waits, up to a second, until `expected` sockets towards `server_port` are in TIME_WAIT, and
/// returns how many are. A socket gets there only once both ends have closed, which happens a
/// moment after its client is dropped, when the runtime next runs the connection's task.
pub async fn settled_time_waits(server_port: u16, expected: usize) -> Option<usize> {
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let count = sockets_in_time_wait(server_port)?;
        if count >= expected || Instant::now() >= deadline {
            return Some(count);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The median time to build a `Client`, from `samples` builds.
pub fn client_build_time(samples: usize) -> std::time::Duration {
    let times: Vec<_> = (0..samples)
        .map(|_| {
            let started = Instant::now();
            drop(Client::new());
            started.elapsed()
        })
        .collect();
    median(&times)
}

pub async fn demo(settings: &Settings) -> Result<()> {
    narrate::claim(
        "Inside the same semaphore, a client per request opens a connection per request; one \
         shared client opens one per permit and reuses them (over HTTP/1.1, where a connection \
         carries one request at a time). The server counts the difference, and the clock shows \
         what it costs.",
    );
    narrate::python(
        "`async with httpx.AsyncClient() as client:` inside the function that makes one \
         request, versus one client made in main and passed around.",
    );
    narrate::code(include_str!("clients.rs"), "shared");
    narrate::code(include_str!("clients.rs"), "per_request");

    let server = LocalServer::start(ServerConfig::default())?;
    let url = server.url(&format!("/delay/{}", settings.delay.as_millis()));
    let ideal = ideal_io_time(settings.requests, settings.delay, settings.concurrency);
    narrate::say(&format!(
        "{} GETs of {url}, {} at a time, each way:",
        settings.requests, settings.concurrency
    ));

    let started = Instant::now();
    let results = with_one_shared_client(&url, settings.requests, settings.concurrency).await;
    let shared_time = started.elapsed();
    let shared = server.stats();
    report(
        "one shared client",
        &Tally::of(&results),
        shared.connections,
    );
    let port = server.addr().port();
    let time_waits_after_shared = settled_time_waits(port, shared.connections as usize).await;
    narrate::result(
        "one shared client: wall time",
        Versus::new(shared_time, ideal),
    );

    server.reset_stats();
    let started = Instant::now();
    let results = with_a_client_per_request(&url, settings.requests, settings.concurrency).await;
    let per_request_time = started.elapsed();
    let per_request = server.stats();
    report(
        "client per request",
        &Tally::of(&results),
        per_request.connections,
    );
    narrate::result(
        "client per request: wall time",
        Versus::new(per_request_time, ideal),
    );

    let expected = (shared.connections + per_request.connections) as usize;
    let time_waits_after_both = settled_time_waits(port, expected).await;
    if let (Some(shared_waits), Some(all_waits)) = (time_waits_after_shared, time_waits_after_both)
    {
        narrate::result(
            "sockets left in TIME_WAIT, shared / per request",
            format!(
                "{shared_waits} / {}",
                all_waits.saturating_sub(shared_waits)
            ),
        );
        if let Some(ports) = local_port_count() {
            narrate::result("local ports this machine can connect from", ports);
        }
    }
    let extra = per_request_time.saturating_sub(shared_time);
    narrate::result(
        "the price of a client per request",
        format!(
            "{} more in all, {} per request",
            format_duration(extra),
            format_duration(extra / settings.requests.max(1) as u32)
        ),
    );
    narrate::result(
        "building one Client (median of 50)",
        format_duration(client_build_time(50)),
    );
    narrate::say(
        "On this machine's loopback a connection is cheap; over a network each new one costs a \
         round trip or three (TCP, then TLS), and the server pays too. Build one Client, clone it \
         where it is needed, and let its pool do the reusing.",
    );
    Ok(())
}

fn report(name: &str, tally: &Tally, connections: u64) {
    narrate::result(
        &format!("{name}: succeeded"),
        format!("{} of {}", tally.with_status(200), tally.total()),
    );
    narrate::result(&format!("{name}: connections opened"), connections);
}

#[cfg(test)]
mod tests {
    //! The server counts connections exactly, so these need no clock at all.
    use super::*;

    #[tokio::test]
    async fn a_shared_client_opens_a_connection_per_permit_at_most() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let results = with_one_shared_client(&server.url("/delay/10"), 40, 4).await;
        assert_eq!(Tally::of(&results).with_status(200), 40);
        assert!(server.stats().connections <= 4, "{:?}", server.stats());
    }

    #[tokio::test]
    async fn a_client_per_request_opens_a_connection_per_request() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let results = with_a_client_per_request(&server.url("/delay/10"), 40, 4).await;
        assert_eq!(Tally::of(&results).with_status(200), 40);
        assert_eq!(server.stats().connections, 40);
    }
}
