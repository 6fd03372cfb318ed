//! Async HTTP, hundreds of requests in flight on one thread.
//!
//! An HTTP request is mostly waiting for the other side, so it is exactly the kind of work async
//! does well. One `reqwest::Client`, shared by every request, keeps a pool of connections and
//! reuses them; `buffer_unordered(concurrency)` keeps up to `concurrency` requests in flight and
//! starts the next as soon as one finishes. The whole lesson runs on a *current-thread* runtime:
//! every one of those requests is handled by the one thread that runs `main`.
//!
//! The local server's counters prove it from the other side: how many requests it held at once,
//! and how many connections the client opened.

use anyhow::{Context, Result};
use futures::stream::{self, StreamExt};
use lesson_kit::http::{Tally, get_status};
use lesson_kit::measure::{format_duration, ideal_io_time};
use lesson_kit::{LocalServer, ServerConfig, Timeline, Versus, narrate, system};
use reqwest::{Client, StatusCode};
use tokio::time::Instant;

use crate::Settings;

// ANCHOR: fetch_all
/// GETs every URL, at most `concurrency` at a time, and returns each outcome (in finishing order).
pub async fn fetch_all(
    client: &Client,
    urls: Vec<String>,
    concurrency: usize,
    timeline: &Timeline,
) -> Vec<Result<StatusCode, reqwest::Error>> {
    stream::iter(urls.into_iter().enumerate())
        .map(|(index, url)| fetch_one(client, timeline, index, url))
        .buffer_unordered(concurrency)
        .collect()
        .await
}

async fn fetch_one(
    client: &Client,
    timeline: &Timeline,
    index: usize,
    url: String,
) -> Result<StatusCode, reqwest::Error> {
    let _span = timeline.start(format!("GET {index}"));
    get_status(client, &url).await // the kit's GET: it reads the body too, so the request is done
}
// ANCHOR_END: fetch_all

pub async fn demo(settings: &Settings) -> Result<()> {
    narrate::claim(
        "One shared client on a single-threaded runtime keeps hundreds of requests in flight \
         at once, and finishes N requests in about ceil(N / concurrency) × latency.",
    );
    narrate::python(
        "httpx.AsyncClient shared by every request, under asyncio.run; \
         buffer_unordered(n) is asyncio.Semaphore(n) around each request (lesson-semaphores).",
    );
    narrate::code(include_str!("http.rs"), "fetch_all");
    match &settings.url {
        Some(url) => against_a_real_server(settings, url).await,
        None => against_the_local_server(settings).await,
    }
}

async fn against_the_local_server(settings: &Settings) -> Result<()> {
    let concurrency = affordable_concurrency(settings.concurrency)?;
    let server = LocalServer::start(ServerConfig::default())?;
    let url = server.url(&format!("/delay/{}", settings.delay.as_millis()));
    narrate::say(&format!(
        "{} GETs of {url} (the local server answers each after {}), {concurrency} at a time:",
        settings.requests,
        format_duration(settings.delay)
    ));

    let client = Client::new();
    let timeline = Timeline::new();
    let started = Instant::now();
    let results = fetch_all(
        &client,
        vec![url; settings.requests],
        concurrency,
        &timeline,
    )
    .await;
    let elapsed = started.elapsed();

    Tally::of(&results).print();
    let stats = server.stats();
    let ideal = ideal_io_time(settings.requests, settings.delay, concurrency);
    narrate::result("wall time", Versus::new(elapsed, ideal));
    narrate::result("peak in flight, seen by the server", stats.peak_in_flight);
    narrate::result("connections the client opened", stats.connections);
    narrate::result(
        "requests per second",
        format!("{:.0}", settings.requests as f64 / elapsed.as_secs_f64()),
    );
    if let Some(threads) = system::thread_count() {
        narrate::result(
            "threads in this process",
            format!("{threads} (this one runs every request; the rest belong to the server)"),
        );
    }
    timeline.print();
    narrate::say(
        "Above ideal is the CPU time to open connections and handle HTTP on one thread; \
         `cargo run --release -p lesson-async` shrinks it.",
    );
    Ok(())
}

async fn against_a_real_server(settings: &Settings, url: &str) -> Result<()> {
    let client = Client::new();
    // One request first: it tells us whether the server is reachable, and how slow it is.
    let started = Instant::now();
    let probe = fetch_one(&client, &Timeline::new(), 0, url.to_string()).await;
    let latency = started.elapsed();
    let status = probe.with_context(|| format!("cannot reach {url}"))?;
    narrate::say(&format!(
        "{url} answered {status} in {}. Now {} GETs, {} at a time \
         (be kind to servers you don't own):",
        format_duration(latency),
        settings.requests,
        settings.concurrency
    ));

    let timeline = Timeline::new();
    let started = Instant::now();
    let urls = vec![url.to_string(); settings.requests];
    let results = fetch_all(&client, urls, settings.concurrency, &timeline).await;
    let elapsed = started.elapsed();
    Tally::of(&results).print();
    let ideal = ideal_io_time(settings.requests, latency, settings.concurrency);
    narrate::result(
        "wall time (ideal from the first request)",
        Versus::new(elapsed, ideal),
    );
    narrate::say(
        "A remote server's counters are not ours to read, so no peak or connection count.",
    );
    timeline.print();
    Ok(())
}

/// Every request in flight holds two sockets in this process (the client's and the local
/// server's), and sockets count against the open-file limit, which is often 1024. The kit raises
/// the limit if it may; otherwise lower the concurrency, and say so rather than fail half-way.
fn affordable_concurrency(wanted: usize) -> Result<usize> {
    let affordable = system::affordable_in_flight(wanted)
        .context("cannot read or raise this process's open-file limit")?;
    if affordable < wanted {
        narrate::say(&format!(
            "This process may not open enough files for {wanted} requests in flight, so \
             concurrency is lowered to {affordable} (`ulimit -n` shows the limit)."
        ));
    }
    Ok(affordable)
}

#[cfg(test)]
mod tests {
    //! Real sockets and real time: the paused clock would race past the server's real delays. So
    //! these check what the server counted, not how long things took.
    use super::*;

    #[tokio::test]
    async fn one_shared_client_bounds_the_requests_in_flight() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let urls = vec![server.url("/delay/50"); 40];
        let results = fetch_all(&Client::new(), urls, 10, &Timeline::new()).await;
        assert_eq!(Tally::of(&results).with_status(200), 40);
        let stats = server.stats();
        assert!(stats.peak_in_flight <= 10, "{stats:?}");
        assert!(stats.connections <= 10, "{stats:?}");
    }

    #[tokio::test]
    async fn failures_are_counted_with_their_cause() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let refused = server.url("/delay/0");
        drop(server); // nobody listens there any more
        let results = fetch_all(&Client::new(), vec![refused; 3], 3, &Timeline::new()).await;
        let tally = Tally::of(&results);
        assert_eq!(tally.no_answer, 3);
        let failure = tally.first_failure.expect("a failure");
        assert!(failure.contains("onnect"), "{failure}");
    }
}
