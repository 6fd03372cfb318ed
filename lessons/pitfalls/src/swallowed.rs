//! Failures that vanish.
//!
//! Concurrency gives errors more places to hide. Two common ones:
//! - A spawned task that panics does not take the program down: tokio catches the panic, prints
//!   it to stderr, and hands it to whoever awaits the task's `JoinHandle` as a `JoinError`. Drop the
//!   handle, or write `let _ = handle.await`, and the only trace is a line on stderr; the program
//!   carries on with a wrong answer.
//! - `join_all` returns one `Result` per future. `.flatten()` or `.filter_map(Result::ok)` over
//!   them keeps the successes and silently drops every failure. With HTTP there is a second trap
//!   beneath it: a `500 Internal Server Error` is a *successful* request as far as `send()` is
//!   concerned, until `error_for_status()` turns it into an error.
//!
//! The fixes: await every handle and look at its `JoinError` (`?` it, or report it); count and
//! report failures instead of filtering them away; `try_join_all` when one failure should stop
//! the lot (it cancels the rest by dropping them).

use anyhow::{Result, bail};
use futures::future::join_all;
use lesson_kit::narrate::panic_message;
use lesson_kit::{LocalServer, ServerConfig, narrate};
use reqwest::Client;
use tokio::task::JoinSet;

/// Parses one price in cents. A malformed one panics, as code that trusts its input does.
pub fn parse_price(text: &str) -> u64 {
    text.trim()
        .parse()
        .expect("prices are whole numbers of cents")
}

// ANCHOR: ignored
/// Adds the prices up, one task each. A task that panics is ignored.
pub async fn total_ignoring_panics(prices: &[&'static str]) -> u64 {
    let handles: Vec<_> = prices
        .iter()
        .map(|&price| tokio::spawn(async move { parse_price(price) }))
        .collect();
    let mut total = 0;
    for handle in handles {
        if let Ok(cents) = handle.await {
            total += cents; // a panicked task's Err(JoinError) is skipped without a word
        }
    }
    total
}
// ANCHOR_END: ignored

// ANCHOR: checked
/// The same, but a task that panicked is an error, with the panic's message.
pub async fn total_checked(prices: &[&'static str]) -> Result<u64> {
    let mut tasks = JoinSet::new();
    for &price in prices {
        tasks.spawn(async move { parse_price(price) });
    }
    let mut total = 0;
    while let Some(outcome) = tasks.join_next().await {
        match outcome {
            Ok(cents) => total += cents,
            Err(error) if error.is_panic() => {
                let message = panic_message(&*error.into_panic());
                bail!("a task panicked: {message}"); // dropping `tasks` aborts the rest
            }
            Err(error) => bail!("a task was cancelled: {error}"),
        }
    }
    Ok(total)
}
// ANCHOR_END: checked

// ANCHOR: flattened
/// GETs every URL and counts the successes... or so it says.
pub async fn count_ok_swallowing(client: &Client, urls: &[String]) -> usize {
    let responses = join_all(urls.iter().map(|url| client.get(url).send())).await;
    // `flatten` skips every Err; and a 500 answer is an Ok(Response) anyway.
    responses.into_iter().flatten().count()
}
// ANCHOR_END: flattened

// ANCHOR: reported
/// What a batch of requests came to, failures included.
#[derive(Debug, Default)]
pub struct BatchReport {
    pub ok: usize,
    pub failures: Vec<String>,
}

pub async fn fetch_all_reported(client: &Client, urls: &[String]) -> BatchReport {
    let fetches = urls.iter().map(|url| async move {
        let response = client.get(url).send().await?;
        response.error_for_status()?.bytes().await // a 4xx or 5xx answer becomes an Err
    });
    let mut report = BatchReport::default();
    for result in join_all(fetches).await {
        match result {
            Ok(_) => report.ok += 1,
            Err(error) => report.failures.push(describe(&error)),
        }
    }
    report
}
// ANCHOR_END: reported

/// A short description of a failed request: its status, or else what went wrong.
fn describe(error: &reqwest::Error) -> String {
    match error.status() {
        Some(status) => format!("HTTP {status}"),
        None if error.is_connect() => "could not connect".to_string(),
        None => error.to_string(),
    }
}

/// The batch of the demo: mostly good URLs, some answering 500, some where nothing listens.
pub fn mixed_urls(server: &LocalServer, refused: &str) -> Vec<String> {
    (0..20)
        .map(|index| match index % 10 {
            3 => server.url("/status/500"),
            7 => refused.to_string(),
            _ => server.url("/delay/10"),
        })
        .collect()
}

pub const PRICES: [&str; 6] = ["1250", "399", "12.50", "800", "1999", "45"];

pub async fn demo() -> Result<()> {
    narrate::claim(
        "A panicking task whose JoinError is ignored leaves only a line on stderr and a wrong \
         answer; errors flattened out of join_all (and 500s, which are not errors until you say \
         so) disappear entirely. Checking every result brings them back.",
    );
    narrate::python(
        "asyncio.gather(..., return_exceptions=True) followed by a filter, or a create_task \
         whose exception nobody retrieves ('Task exception was never retrieved').",
    );
    narrate::code(include_str!("swallowed.rs"), "ignored");
    narrate::say(&format!(
        "Prices {PRICES:?}, one of them malformed. Watch stderr for the panic's only trace:"
    ));
    let total = total_ignoring_panics(&PRICES).await;
    narrate::result(
        "total, panics ignored",
        format!("{total} cents, reported as if all were well"),
    );
    narrate::code(include_str!("swallowed.rs"), "checked");
    narrate::say("The same panic prints again; this time the program hears about it:");
    match total_checked(&PRICES).await {
        Ok(total) => narrate::result("total, checked", format!("{total} cents")),
        Err(error) => narrate::result("total, checked", format!("error: {error}")),
    }

    let server = LocalServer::start(ServerConfig::default())?;
    let refused = {
        // A port that was just in use and is now closed: connecting to it is refused.
        let closed = LocalServer::start(ServerConfig::default())?;
        closed.url("/delay/10")
    };
    let urls = mixed_urls(&server, &refused);
    let client = Client::new();
    narrate::say(&format!(
        "{} GETs: most to /delay/10, two to /status/500, two to a port where nothing listens.",
        urls.len()
    ));
    narrate::code(include_str!("swallowed.rs"), "flattened");
    let claimed = count_ok_swallowing(&client, &urls).await;
    narrate::result(
        "succeeded, says the flattening version",
        format!("{claimed} of {}", urls.len()),
    );
    narrate::code(include_str!("swallowed.rs"), "reported");
    let report = fetch_all_reported(&client, &urls).await;
    narrate::result(
        "succeeded, checked",
        format!("{} of {}", report.ok, urls.len()),
    );
    narrate::result(
        "failed, checked",
        format!("{}: {}", report.failures.len(), report.failures.join(", ")),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_ignored_panic_gives_a_wrong_total() {
        // 12.50 panics; the rest add up to 4493.
        assert_eq!(total_ignoring_panics(&PRICES).await, 4493);
    }

    #[tokio::test]
    async fn a_checked_panic_is_an_error_with_its_message() {
        let error = total_checked(&PRICES).await.expect_err("one price is bad");
        assert!(
            error
                .to_string()
                .contains("prices are whole numbers of cents"),
            "{error}"
        );
        assert_eq!(total_checked(&["1", "2"]).await.ok(), Some(3));
    }

    #[tokio::test]
    async fn flattening_hides_failures_that_checking_reports() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let refused = LocalServer::start(ServerConfig::default())
            .expect("server")
            .url("/delay/0"); // the server is dropped at once: nothing listens there now
        let urls = mixed_urls(&server, &refused);
        let client = Client::new();
        assert_eq!(count_ok_swallowing(&client, &urls).await, 18);
        let report = fetch_all_reported(&client, &urls).await;
        assert_eq!(report.ok, 16);
        assert_eq!(report.failures.len(), 4, "{:?}", report.failures);
        assert_eq!(
            report
                .failures
                .iter()
                .filter(|failure| failure.contains("500"))
                .count(),
            2
        );
    }
}
