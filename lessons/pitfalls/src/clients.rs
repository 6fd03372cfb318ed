//! An HTTP client per request, and a client used after its runtime is gone.
//!
//! A `reqwest::Client` is a connection pool: it keeps connections open and reuses them, so only
//! the first request to a server pays for connecting (and, over HTTPS, for the TLS handshake,
//! which costs far more than the request itself). A client created for each request throws that
//! away: one new connection per request, and a socket left behind in TIME_WAIT for each.
//! lesson-semaphores measures what that costs, in its section on clients; here is the symptom, counted by the
//! server. Create one client and share it (it is cheap to clone: clones share the pool).
//!
//! The pool's connections are driven by tasks spawned on the runtime that opened them. Share one
//! client across two runtimes (a `static` client used by several `#[tokio::test]`s, each with a
//! runtime of its own, is the classic case) and a request can go out on a connection whose runtime
//! has just shut down. It fails with hyper's "dispatch task is gone: runtime dropped the dispatch
//! task", now and then, depending on which test finished first. Give each runtime its own
//! client, or run the whole program on one runtime.

use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use lesson_kit::http::{Tally, get_status};
use lesson_kit::measure::format_duration;
use lesson_kit::narrate::error_chain;
use lesson_kit::{LocalServer, ServerConfig, narrate};
use reqwest::{Client, StatusCode};
use tokio::sync::oneshot;
use tokio::time::Instant;

// ANCHOR: per_request
/// A new client, so a new pool and a new connection, for every request.
pub async fn client_per_request(url: &str, requests: usize) -> Tally {
    let mut tally = Tally::default();
    for _ in 0..requests {
        tally.add(&get_status(&Client::new(), url).await);
    }
    tally
}
// ANCHOR_END: per_request

// ANCHOR: shared
/// One client for every request: its pool keeps the connection open for the next one.
pub async fn shared_client(client: &Client, url: &str, requests: usize) -> Tally {
    let mut tally = Tally::default();
    for _ in 0..requests {
        tally.add(&get_status(client, url).await);
    }
    tally
}
// ANCHOR_END: shared

/// How long the request that goes out on the shared connection waits for its answer: long
/// enough that the other runtime surely ends first.
const SLOW_ANSWER: Duration = Duration::from_secs(1);

/// Two runtimes, each with a client: `there` opens a connection on another runtime (on a thread of
/// its own, like another test), then that runtime ends while `here` has a request in flight.
/// Returns that request's result.
///
/// With clones of one client, `here` goes out on the connection that belongs to the other runtime,
/// and fails when it ends: the way a `static` client shared by tests fails.
pub async fn two_runtimes(
    here: &Client,
    there: Client,
    server: &LocalServer,
) -> Result<reqwest::Result<StatusCode>> {
    // ANCHOR: other_runtime
    let (connected, connected_rx) = oneshot::channel();
    let (finish, finish_rx) = oneshot::channel::<()>();
    let url = server.url("/delay/0");
    let other_test = std::thread::spawn(move || -> Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            get_status(&there, &url).await?; // opens a connection, driven by a task of this runtime
            let _ = connected.send(()); // if no one listens any more, there is no one to tell
            let _ = finish_rx.await; // this "test" goes on until told to finish
            Ok(())
        })
        // `runtime` is dropped here, and with it every task it was running.
    });
    // ANCHOR_END: other_runtime
    let other_test_ended = || {
        other_test
            .join()
            .unwrap_or_else(|_| Err(anyhow!("the other runtime's thread panicked")))
    };
    if connected_rx.await.is_err() {
        other_test_ended()?;
        bail!("the other runtime stopped before connecting");
    }

    // ANCHOR: reuse
    let slow = server.url(&format!("/delay/{}", SLOW_ANSWER.as_millis()));
    let request = get_status(here, &slow); // with a shared pool: the other runtime's connection
    let other_runtime_ends = async {
        server.wait_until(|stats| stats.in_flight == 1).await; // our request has arrived...
        let _ = finish.send(()); // ...and now the other "test" finishes
    };
    let (result, ()) = tokio::join!(request, other_runtime_ends);
    // ANCHOR_END: reuse
    other_test_ended()?;
    Ok(result)
}

pub async fn demo(requests: usize) -> Result<()> {
    narrate::claim(
        "A client created per request opens a connection per request, where one shared client \
         reuses one. And a client whose connections belong to a runtime that shuts down fails \
         its requests with 'runtime dropped the dispatch task'.",
    );
    narrate::python(
        "`async with httpx.AsyncClient() as client:` inside the per-request function versus one \
         client for the program; an httpx client is likewise tied to the event loop it was used on.",
    );
    narrate::code(include_str!("clients.rs"), "per_request");
    narrate::code(include_str!("clients.rs"), "shared");
    let server = LocalServer::start(ServerConfig::default())?;
    let url = server.url("/delay/0");
    narrate::say(&format!(
        "{requests} GETs of /delay/0, one after another, each way (lesson-semaphores measures \
         what the difference costs):"
    ));
    let per_request = client_per_request(&url, requests).await;
    report("client per request", &per_request, &server);
    server.reset_stats();
    let shared = shared_client(&Client::new(), &url, requests).await;
    report("one shared client", &shared, &server);

    narrate::say(
        "Now one client shared by two runtimes, as a `static` client shared by two \
         #[tokio::test]s would be. The other runtime (on its own thread, like another test) \
         opens a connection, then finishes while this runtime's request is using it:",
    );
    narrate::code(include_str!("clients.rs"), "other_runtime");
    narrate::code(include_str!("clients.rs"), "reuse");
    let client = Client::new();
    let started = Instant::now();
    let result = two_runtimes(&client, client.clone(), &server).await?;
    let failed_after = started.elapsed();
    narrate::result(
        "one client, cloned into both runtimes",
        match &result {
            Ok(_) => "succeeded (this time: in real tests the failure depends on timing)".into(),
            Err(error) => format!(
                "failed after {} (the answer was due after {}): {}",
                format_duration(failed_after),
                format_duration(SLOW_ANSWER),
                error_chain(error)
            ),
        },
    );
    let result = two_runtimes(&Client::new(), Client::new(), &server).await?;
    narrate::result(
        "a client of each runtime's own",
        match &result {
            Ok(_) => "succeeded".to_string(),
            Err(error) => format!("failed: {}", error_chain(error)),
        },
    );
    narrate::say(
        "The fix: create the client inside the runtime that uses it (in each test), or keep \
         one runtime for the whole program. (A runtime that is merely idle, not driven by \
         block_on, is no better: requests on its connections hang instead of failing.)",
    );
    Ok(())
}

/// `100 connections for 100 requests, 0 failed`, as the server counted them.
fn report(label: &str, tally: &Tally, server: &LocalServer) {
    let connections = server.stats().connections;
    let plural = if connections == 1 { "" } else { "s" };
    narrate::result(
        label,
        format!(
            "{connections} connection{plural} for {} requests, {} failed",
            tally.total(),
            tally.total() - tally.succeeded()
        ),
    );
}

#[cfg(test)]
mod tests {
    //! Real sockets and real time: the checks are on the server's counters and the errors.
    use super::*;

    #[tokio::test]
    async fn a_client_per_request_opens_a_connection_per_request() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let url = server.url("/delay/0");
        let tally = client_per_request(&url, 20).await;
        assert_eq!(tally.succeeded(), 20, "{tally}");
        assert_eq!(server.stats().connections, 20);

        server.reset_stats();
        let tally = shared_client(&Client::new(), &url, 20).await;
        assert_eq!(tally.succeeded(), 20, "{tally}");
        assert_eq!(server.stats().connections, 1);
    }

    #[tokio::test]
    async fn a_pooled_connection_dies_with_its_runtime() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let client = Client::new();
        let result = two_runtimes(&client, client.clone(), &server)
            .await
            .expect("the other runtime worked");
        let error = result.expect_err("the request used a connection of a dead runtime");
        assert!(
            error_chain(&error).contains("runtime dropped the dispatch task"),
            "{}",
            error_chain(&error)
        );
    }

    #[tokio::test]
    async fn a_client_per_runtime_is_safe() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let result = two_runtimes(&Client::new(), Client::new(), &server)
            .await
            .expect("the other runtime worked");
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(server.stats().connections, 2);
    }
}
