//! The stream form, `buffer_unordered` and `buffered`.
//!
//! A stream of futures with `.buffer_unordered(n)` runs up to `n` of them at once and yields each
//! result as soon as it is ready: a bounded flood in one line, with no semaphore. It is also lazier
//! than `join_all` with a semaphore: the next future is not even created until a slot frees up.
//!
//! `.buffered(n)` also runs up to `n` at once, but yields results in the order the futures were
//! given. That order has a price when some requests are slower than others: a finished request
//! behind a slow one keeps its slot until the slow one is done, so fewer than `n` requests are
//! actually in flight, and the whole batch takes longer.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use anyhow::Result;
use futures::stream::{self, StreamExt};
use lesson_kit::http::get_status;
use lesson_kit::measure::{format_duration, ratio};
use lesson_kit::{LocalServer, ServerConfig, Timeline, Versus, narrate};
use reqwest::{Client, StatusCode};
use tokio::time::Instant;

use crate::settings::Settings;

/// A request's number (its place in the input) and how it went.
pub type Numbered = (usize, Result<StatusCode, reqwest::Error>);

// ANCHOR: unordered
/// GETs every URL, `concurrency` at a time; results as they finish.
pub async fn fetch_unordered(
    client: &Client,
    urls: &[String],
    concurrency: usize,
    timeline: &Timeline,
) -> Vec<Numbered> {
    stream::iter(urls.iter().enumerate())
        .map(|(index, url)| numbered_get(client, timeline, index, url))
        .buffer_unordered(concurrency)
        .collect()
        .await
}
// ANCHOR_END: unordered

// ANCHOR: ordered
/// GETs every URL, `concurrency` at a time; results in the order of `urls`.
pub async fn fetch_in_order(
    client: &Client,
    urls: &[String],
    concurrency: usize,
    timeline: &Timeline,
) -> Vec<Numbered> {
    stream::iter(urls.iter().enumerate())
        .map(|(index, url)| numbered_get(client, timeline, index, url))
        .buffered(concurrency)
        .collect()
        .await
}
// ANCHOR_END: ordered

async fn numbered_get(client: &Client, timeline: &Timeline, index: usize, url: &str) -> Numbered {
    let _span = timeline.start(format!("GET {index}"));
    (index, get_status(client, url).await)
}

/// How long request `index` should take: between 0.2 and 2 times `base`, varied in a fixed
/// pattern (1, 8, 5, 2, 9, 6, 3, 10, 7, 4 fifths of `base`) so every run is the same.
pub fn varied_delay(index: usize, base: Duration) -> Duration {
    let fifths = 1 + (index * 7) % 10;
    base * fifths as u32 / 5
}

/// The least time `delays` can take when each starts, in input order, as soon as one of
/// `concurrency` slots is free: the schedule `buffer_unordered` aims for, worked out on paper.
pub fn ideal_time_for(delays: &[Duration], concurrency: usize) -> Duration {
    // When each slot next falls free; the earliest one takes the next request.
    let mut free_at: BinaryHeap<Reverse<Duration>> =
        std::iter::repeat_n(Reverse(Duration::ZERO), concurrency.max(1)).collect();
    let mut finish = Duration::ZERO;
    for &delay in delays {
        let Some(Reverse(start)) = free_at.pop() else {
            break; // cannot happen: the heap never has fewer than one slot
        };
        finish = finish.max(start + delay);
        free_at.push(Reverse(start + delay));
    }
    finish
}

/// How many requests were in flight on average: the time all spans cover, over the wall time.
pub fn mean_in_flight(timeline: &Timeline, wall: Duration) -> f64 {
    let busy: Duration = timeline
        .spans()
        .iter()
        .map(|span| span.end - span.start)
        .sum();
    ratio(busy, wall)
}

pub async fn demo(settings: &Settings) -> Result<()> {
    narrate::claim(&format!(
        "buffer_unordered({n}) bounds a batch like the semaphore does, in one line, and yields \
         results as they finish. buffered({n}) yields them in input order, and when some \
         requests are slower than others, that order costs time.",
        n = settings.concurrency
    ));
    narrate::python(
        "asyncio.as_completed over Semaphore-guarded coroutines is buffer_unordered. \
         asyncio.gather keeps input order but hands everything back at the end, like join_all \
         in section 2; buffered hands results back in order as they become available.",
    );
    narrate::code(include_str!("streams.rs"), "unordered");
    narrate::code(include_str!("streams.rs"), "ordered");

    let server = LocalServer::start(ServerConfig::default())?;
    let delays: Vec<Duration> = (0..settings.requests)
        .map(|index| varied_delay(index, settings.delay))
        .collect();
    let urls: Vec<String> = delays
        .iter()
        .map(|delay| server.url(&format!("/delay/{}", delay.as_millis())))
        .collect();
    let ideal = ideal_time_for(&delays, settings.concurrency);
    let pattern: Vec<String> = delays
        .iter()
        .take(5)
        .map(|&delay| format_duration(delay))
        .collect();
    narrate::say(&format!(
        "{} GETs, {} at a time; each waits between {} and {} in a fixed pattern ({}, ...):",
        settings.requests,
        settings.concurrency,
        format_duration(settings.delay / 5),
        format_duration(settings.delay * 2),
        pattern.join(", "),
    ));

    let client = Client::new();
    let timeline = Timeline::new();
    let started = Instant::now();
    let results = fetch_unordered(&client, &urls, settings.concurrency, &timeline).await;
    report(
        "buffer_unordered",
        &results,
        started.elapsed(),
        &timeline,
        ideal,
        settings,
    );

    let timeline = Timeline::new();
    let started = Instant::now();
    let results = fetch_in_order(&client, &urls, settings.concurrency, &timeline).await;
    report(
        "buffered",
        &results,
        started.elapsed(),
        &timeline,
        ideal,
        settings,
    );
    narrate::say(
        "Both keep the same bound. buffered hands results back in order by holding finished \
         ones until everything before them is done, and a held result keeps its slot: the \
         next request cannot start. Use buffer_unordered (and carry an index, as here) unless \
         the consumer truly needs input order as it goes.",
    );
    Ok(())
}

/// Prints how one way of running the batch went, and its timeline.
fn report(
    name: &str,
    results: &[Numbered],
    elapsed: Duration,
    timeline: &Timeline,
    ideal: Duration,
    settings: &Settings,
) {
    let succeeded = results
        .iter()
        .filter(|(_, result)| matches!(result, Ok(status) if status.is_success()))
        .count();
    narrate::result(
        &format!("{name}: first results"),
        first_numbers(results, 12),
    );
    narrate::result(
        &format!("{name}: succeeded"),
        format!("{succeeded} of {}", results.len()),
    );
    narrate::result(
        &format!("{name}: mean requests in flight"),
        format!(
            "{:.1} of {}",
            mean_in_flight(timeline, elapsed),
            settings.concurrency
        ),
    );
    narrate::result(&format!("{name}: wall time"), Versus::new(elapsed, ideal));
    timeline.print();
}

/// `#3 #1 #2 ...`: the numbers of the first `count` results, in the order they came back.
fn first_numbers(results: &[Numbered], count: usize) -> String {
    let mut text: Vec<String> = results
        .iter()
        .take(count)
        .map(|(index, _)| format!("#{index}"))
        .collect();
    if results.len() > count {
        text.push("...".to_string());
    }
    text.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn delays_vary_in_a_fixed_pattern() {
        let fifths: Vec<u32> = (0..10)
            .map(|index| (varied_delay(index, 5 * MS).as_millis()) as u32)
            .collect();
        assert_eq!(fifths, [1, 8, 5, 2, 9, 6, 3, 10, 7, 4]);
        assert_eq!(varied_delay(10, 100 * MS), varied_delay(0, 100 * MS));
    }

    #[test]
    fn the_ideal_starts_each_request_when_a_slot_falls_free() {
        assert_eq!(ideal_time_for(&[100 * MS; 10], 5), 200 * MS);
        assert_eq!(ideal_time_for(&[10 * MS, 10 * MS, 500 * MS], 3), 500 * MS);
        // Two slots: 30 and 10 start at 0; 20 takes the slot freed at 10 and ends at 30.
        assert_eq!(ideal_time_for(&[30 * MS, 10 * MS, 20 * MS], 2), 30 * MS);
        // A slow request last cannot start before a slot frees: 10, then 40 after it.
        assert_eq!(ideal_time_for(&[10 * MS, 10 * MS, 40 * MS], 2), 50 * MS);
        assert_eq!(ideal_time_for(&[], 3), Duration::ZERO);
        assert_eq!(ideal_time_for(&[10 * MS], 0), 10 * MS);
    }

    #[tokio::test]
    async fn buffered_keeps_input_order_and_both_keep_the_bound() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        // Slow first, fast last: the order they finish in is not the order they were given.
        let urls: Vec<String> = (0..20)
            .map(|index| server.url(&format!("/delay/{}", 60 - 3 * index)))
            .collect();
        let client = Client::new();

        let in_order = fetch_in_order(&client, &urls, 5, &Timeline::new()).await;
        let numbers: Vec<usize> = in_order.iter().map(|(index, _)| *index).collect();
        assert_eq!(numbers, (0..20).collect::<Vec<_>>());
        assert!(server.stats().peak_in_flight <= 5);

        server.reset_stats();
        let unordered = fetch_unordered(&client, &urls, 5, &Timeline::new()).await;
        let mut numbers: Vec<usize> = unordered.iter().map(|(index, _)| *index).collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (0..20).collect::<Vec<_>>(), "each exactly once");
        assert!(server.stats().peak_in_flight <= 5);
        assert!(unordered.iter().all(|(_, result)| result.is_ok()));
    }
}
