//! A semaphore bounds the flood.
//!
//! A `tokio::sync::Semaphore` holds a fixed number of permits. Each request waits for a permit
//! before it starts and hands it back when it is done (when the permit is dropped), so no more than
//! that many requests are ever in flight, however many are waiting. The waiting costs nothing: a
//! task without a permit sleeps until one is returned, and the semaphore wakes waiters in the order
//! they arrived, so no request starves.
//!
//! The flood of [`crate::flood`] becomes a steady stream: as many connections as permits, no 429s
//! from a server whose limit is the same number, and the whole batch finishes in ceil(N / permits)
//! round trips.

use anyhow::Result;
use futures::future::join_all;
use lesson_kit::http::{Tally, get_status};
use lesson_kit::measure::{format_duration, ideal_io_time};
use lesson_kit::{LocalServer, ServerConfig, Timeline, Versus, narrate};
use reqwest::{Client, StatusCode};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::settings::Settings;

// ANCHOR: bounded
/// GETs `url` `requests` times with at most `limit` requests in flight; results in the order given.
pub async fn fetch_bounded(
    client: &Client,
    url: &str,
    requests: usize,
    limit: usize,
    timeline: &Timeline,
) -> Vec<Result<StatusCode, reqwest::Error>> {
    let semaphore = Semaphore::new(limit);
    let every_request =
        (0..requests).map(|index| get_with_permit(&semaphore, client, url, timeline, index));
    join_all(every_request).await
}

async fn get_with_permit(
    semaphore: &Semaphore,
    client: &Client,
    url: &str,
    timeline: &Timeline,
    index: usize,
) -> Result<StatusCode, reqwest::Error> {
    // Wait for a permit. It goes back to the semaphore when `_permit` is dropped, at the end.
    let _permit = semaphore
        .acquire()
        .await
        .expect("nobody closes this semaphore");
    let _span = timeline.start(format!("GET {index}"));
    get_status(client, url).await
}
// ANCHOR_END: bounded

pub async fn demo(settings: &Settings) -> Result<()> {
    narrate::claim(&format!(
        "With a Semaphore of {limit} permits, no more than {limit} requests are ever in \
         flight: every request succeeds, even against a server that answers 429 above {limit}, \
         and N requests take ceil(N / {limit}) round trips.",
        limit = settings.concurrency
    ));
    narrate::python(
        "sem = asyncio.Semaphore(50), and `async with sem:` around each request. \
         tokio's permit is released when it is dropped, so no `with` block is needed.",
    );
    narrate::code(include_str!("semaphore.rs"), "bounded");

    let server =
        LocalServer::start(ServerConfig::default().concurrency_limit(settings.concurrency))?;
    let url = server.url(&format!("/delay/{}", settings.delay.as_millis()));
    narrate::say(&format!(
        "{} GETs of {url}, which answers after {} and turns away anything above {} in flight:",
        settings.requests,
        format_duration(settings.delay),
        settings.concurrency
    ));
    let timeline = Timeline::new();
    let started = Instant::now();
    let results = fetch_bounded(
        &Client::new(),
        &url,
        settings.requests,
        settings.concurrency,
        &timeline,
    )
    .await;
    let elapsed = started.elapsed();

    Tally::of(&results).print();
    let stats = server.stats();
    narrate::result("peak in flight, seen by the server", stats.peak_in_flight);
    narrate::result("turned away with 429", stats.rejected);
    narrate::result("connections the client opened", stats.connections);
    let ideal = ideal_io_time(settings.requests, settings.delay, settings.concurrency);
    narrate::result("wall time", Versus::new(elapsed, ideal));
    timeline.print();
    narrate::say(
        "Every request future exists from the start (join_all holds all of them), but only \
         the ones holding a permit are sending. In spawned tasks, the same pattern uses an \
         Arc<Semaphore> and acquire_owned(), whose permit can move into the task.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Real sockets, real time: checked by what the server counted, never by the clock.
    use super::*;

    #[tokio::test]
    async fn the_semaphore_keeps_the_server_under_its_limit() {
        let server =
            LocalServer::start(ServerConfig::default().concurrency_limit(10)).expect("server");
        let url = server.url("/delay/20");
        let results = fetch_bounded(&Client::new(), &url, 60, 10, &Timeline::new()).await;
        let tally = Tally::of(&results);
        assert_eq!(tally.with_status(200), 60, "{tally:?}");
        let stats = server.stats();
        // The permit is handed back only after the whole answer has arrived, and the server
        // counts a request out before it sends the answer: so the server never sees 11.
        assert_eq!(stats.rejected, 0, "{stats:?}");
        assert!(stats.peak_in_flight <= 10, "{stats:?}");
        assert!(stats.connections <= 10, "{stats:?}");
    }

    #[tokio::test]
    async fn the_bound_is_reached_when_requests_outnumber_permits() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let url = server.url("/delay/600000");
        // The requests can never finish; watch the server until the bound is reached, then drop
        // them, and make sure no eleventh request ever got in while we looked.
        let (client, timeline) = (Client::new(), Timeline::new());
        let stats = tokio::select! {
            _ = fetch_bounded(&client, &url, 30, 10, &timeline) => {
                panic!("ten-minute requests cannot finish")
            }
            stats = server.wait_until(|stats| stats.in_flight == 10) => stats,
        };
        assert_eq!(
            (stats.requests, stats.peak_in_flight),
            (10, 10),
            "{stats:?}"
        );
    }
}
