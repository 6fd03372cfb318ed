//! The other direction, async code called from sync code.
//!
//! Sync code (a `main` without a runtime, a callback from a sync library, a thread of your own) can
//! wait for a future by *blocking* on it: `Runtime::block_on` runs the future on the calling thread
//! until it is done. `Handle::block_on` does the same through a handle on a runtime that runs
//! elsewhere, so plain threads can share one runtime's timers and sockets.
//!
//! Blocking on a future is exactly what async code must not do, and tokio checks: `block_on` on a
//! thread that is already running a runtime panics with "Cannot start a runtime from within a
//! runtime", and so does dropping a runtime there ("Cannot drop a runtime in a context where
//! blocking is not allowed"), because dropping one waits for its threads to stop. Both usually
//! come from a sync helper with a runtime inside, called from async code. In async code, `.await`
//! the async version instead; if the sync helper is all you have, call it inside `spawn_blocking`.

use std::io;
use std::sync::Once;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use lesson_kit::http::get_status;
use lesson_kit::measure::{format_duration, ideal_io_time, median};
use lesson_kit::narrate::panic_message;
use lesson_kit::{LocalServer, ServerConfig, Versus, narrate, system};
use reqwest::{Client, StatusCode};
use tokio::runtime::{Handle, Runtime};
use tokio::time::Instant;

use crate::settings::Settings;
use crate::{current_thread_runtime, multi_thread_runtime};

// ANCHOR: sync_client
/// An HTTP client for sync code, with an async client inside. It keeps one runtime (and one
/// client) for all its calls: the client's connections live on that runtime, so one connection
/// serves call after call (the server counts them below).
pub struct SyncClient {
    runtime: Runtime,
    client: Client,
}

impl SyncClient {
    pub fn new() -> io::Result<SyncClient> {
        Ok(SyncClient {
            runtime: current_thread_runtime()?,
            client: Client::new(),
        })
    }

    /// GETs `url`, blocking this thread until the answer has arrived.
    pub fn get_status(&self, url: &str) -> Result<StatusCode, reqwest::Error> {
        self.runtime.block_on(get_status(&self.client, url))
    }
}
// ANCHOR_END: sync_client

// ANCHOR: handle
/// Plain threads (a sync library's workers, say) that each need an async call's answer. Each
/// blocks on its own future; the runtime behind `handle` supplies the timers and sockets.
pub fn get_from_plain_threads(
    handle: &Handle,
    client: &Client,
    url: &str,
    threads: usize,
) -> Vec<Result<StatusCode, reqwest::Error>> {
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| handle.block_on(get_status(client, url))))
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}
// ANCHOR_END: handle

// ANCHOR: nested
/// Async code calling the sync client: `block_on` on a thread that is running a runtime.
pub async fn sync_client_inside_async(url: &str) -> Result<StatusCode> {
    let client = SyncClient::new()?; // building a runtime is allowed anywhere...
    Ok(client.get_status(url)?) // ...blocking on it here is not: this panics
}

/// A sync client made in sync code, then dropped in async code.
pub async fn drop_sync_client_inside_async(client: SyncClient) {
    drop(client); // dropping its runtime waits for the runtime's threads: this panics too
}
// ANCHOR_END: nested

// ANCHOR: fix
/// The fix when the sync helper is all you have: call it on the blocking pool, whose threads run
/// no runtime, so blocking there (and dropping a runtime there) is allowed.
pub async fn sync_client_in_spawn_blocking(url: String) -> Result<StatusCode> {
    let status = tokio::task::spawn_blocking(move || -> Result<StatusCode> {
        let client = SyncClient::new()?;
        Ok(client.get_status(&url)?)
    })
    .await??;
    Ok(status)
}
// ANCHOR_END: fix

/// Runs `f` on a thread of its own and returns what joining it gives: its result, or what it
/// panicked with (read it with `narrate::panic_message`).
///
/// The lesson expects these panics and prints their messages itself, so the thread gets a name
/// that tells our panic hook to keep quiet; every other panic is reported as usual.
pub fn catch_panic<T: Send>(f: impl FnOnce() -> T + Send) -> Result<thread::Result<T>> {
    keep_expected_panics_quiet();
    thread::scope(|scope| {
        let thread = thread::Builder::new()
            .name(EXPECTED_PANIC_THREAD.to_string())
            .spawn_scoped(scope, f)
            .context("cannot start a thread")?;
        Ok(thread.join())
    })
}

const EXPECTED_PANIC_THREAD: &str = "expected-panic";

fn keep_expected_panics_quiet() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if thread::current().name() != Some(EXPECTED_PANIC_THREAD) {
                report(info);
            }
        }));
    });
}

/// The median time to build a runtime with `build`, from `samples` builds.
fn build_time(samples: usize, build: impl Fn() -> io::Result<Runtime>) -> io::Result<Duration> {
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        let runtime = build()?;
        times.push(started.elapsed());
        drop(runtime); // outside the timing: a multi-thread runtime waits for its threads to stop
    }
    Ok(median(&times))
}

pub fn demo(settings: &Settings) -> Result<()> {
    narrate::claim(
        "Sync code waits for async code with block_on: on a runtime it owns, or through a \
         Handle from plain threads. Doing the same inside async code panics, twice over; \
         the panics are caught here and explained.",
    );
    narrate::python(
        "asyncio.run(main()) from sync code, and asyncio.run_coroutine_threadsafe(coro, \
         loop).result() from another thread; asyncio.run inside a running loop raises \
         'asyncio.run() cannot be called from a running event loop'.",
    );
    let server = LocalServer::start(ServerConfig::default())?;
    calls_from_sync_code(&server)?;
    calls_from_plain_threads(&server, settings)?;
    runtimes_inside_runtimes(&server)
}

fn calls_from_sync_code(server: &LocalServer) -> Result<()> {
    narrate::code(include_str!("bridge.rs"), "sync_client");
    let client = SyncClient::new()?;
    let url = server.url("/delay/0");
    let calls = 20;
    let mut succeeded = 0;
    for _ in 0..calls {
        if client.get_status(&url)?.is_success() {
            succeeded += 1;
        }
    }
    narrate::result(
        "SyncClient::get_status called from plain main",
        format!("{succeeded} of {calls} succeeded"),
    );
    narrate::result(
        "connections it opened, seen by the server",
        server.stats().connections,
    );
    let current = build_time(20, current_thread_runtime)?;
    let multi = build_time(20, || multi_thread_runtime(system::available_cores()))?;
    narrate::result(
        "building a runtime (median of 20)",
        format!(
            "current-thread {}, multi-thread {}",
            format_duration(current),
            format_duration(multi)
        ),
    );
    Ok(())
}

fn calls_from_plain_threads(server: &LocalServer, settings: &Settings) -> Result<()> {
    narrate::code(include_str!("bridge.rs"), "handle");
    // A multi-thread runtime: its own workers drive the sockets and timers while the plain threads
    // block. (A current-thread runtime drives them only inside its own `Runtime::block_on`.)
    let runtime = multi_thread_runtime(system::available_cores())?;
    let url = server.url(&format!("/delay/{}", settings.delay.as_millis()));
    server.reset_stats();
    let started = Instant::now();
    let results = get_from_plain_threads(runtime.handle(), &Client::new(), &url, settings.threads);
    let elapsed = started.elapsed();
    let succeeded = results
        .iter()
        .filter(|result| matches!(result, Ok(status) if status.is_success()))
        .count();
    narrate::result(
        &format!("{} plain threads, each blocked on a GET", settings.threads),
        format!("{succeeded} of {} succeeded", settings.threads),
    );
    narrate::result(
        "peak in flight, seen by the server",
        server.stats().peak_in_flight,
    );
    let ideal = ideal_io_time(settings.threads, settings.delay, settings.threads);
    narrate::result("wall time", Versus::new(elapsed, ideal));
    Ok(())
}

fn runtimes_inside_runtimes(server: &LocalServer) -> Result<()> {
    narrate::say("Now the same sync client, used from async code:");
    narrate::code(include_str!("bridge.rs"), "nested");
    let url = server.url("/delay/0");

    let nested = catch_panic(|| -> Result<StatusCode> {
        current_thread_runtime()?.block_on(sync_client_inside_async(&url))
    })?;
    print_outcome("block_on inside async code", nested);

    let dropped = catch_panic(|| -> Result<()> {
        let client = SyncClient::new()?;
        current_thread_runtime()?.block_on(drop_sync_client_inside_async(client));
        Ok(())
    })?;
    print_outcome("dropping a runtime inside async code", dropped);

    narrate::say(
        "Neither is a bug in tokio: an async task that blocks stalls every task sharing its \
         thread (section 1), so tokio refuses to let it happen silently. The fixes: in async \
         code, .await the async call itself; if a sync helper is all you have, run it inside \
         spawn_blocking:",
    );
    narrate::code(include_str!("bridge.rs"), "fix");
    let fixed = catch_panic(|| -> Result<StatusCode> {
        current_thread_runtime()?.block_on(sync_client_in_spawn_blocking(url.clone()))
    })?;
    print_outcome("the sync client in spawn_blocking", fixed);
    Ok(())
}

fn print_outcome<T: std::fmt::Debug>(label: &str, outcome: thread::Result<Result<T>>) {
    match outcome {
        Ok(Ok(value)) => narrate::result(label, format!("no panic, returned {value:?}")),
        Ok(Err(error)) => narrate::result(label, format!("no panic, failed: {error}")),
        Err(panic) => narrate::result(&format!("{label}: caught panic"), panic_message(&*panic)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sync_client_works_from_sync_code_on_one_connection() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let client = SyncClient::new().expect("runtime");
        for _ in 0..3 {
            let status = client.get_status(&server.url("/status/200"));
            assert_eq!(status.expect("answered"), StatusCode::OK);
        }
        assert_eq!(server.stats().connections, 1);
    }

    #[test]
    fn plain_threads_share_one_runtime_through_a_handle() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let runtime = multi_thread_runtime(2).expect("runtime");
        let results = get_from_plain_threads(
            runtime.handle(),
            &Client::new(),
            &server.url("/delay/10"),
            6,
        );
        assert_eq!(results.len(), 6);
        assert!(results.iter().all(|result| result.is_ok()), "{results:?}");
        assert_eq!(server.stats().completed, 6);
    }

    #[test]
    fn block_on_inside_async_code_panics_and_is_caught() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let url = server.url("/delay/0");
        let outcome = catch_panic(|| {
            let runtime = current_thread_runtime().expect("runtime");
            runtime.block_on(sync_client_inside_async(&url)).is_ok()
        });
        let message = panic_message(&*outcome.expect("a thread").expect_err("it panics"));
        assert!(
            message.starts_with("Cannot start a runtime from within a runtime"),
            "{message}"
        );
        assert_eq!(server.stats().requests, 0, "the request was never sent");
    }

    #[test]
    fn dropping_a_runtime_inside_async_code_panics_and_is_caught() {
        let outcome = catch_panic(|| {
            let client = SyncClient::new().expect("runtime");
            let runtime = current_thread_runtime().expect("runtime");
            runtime.block_on(drop_sync_client_inside_async(client));
        });
        let message = panic_message(&*outcome.expect("a thread").expect_err("it panics"));
        assert!(
            message.starts_with("Cannot drop a runtime in a context where blocking is not allowed"),
            "{message}"
        );
    }

    #[test]
    fn in_spawn_blocking_the_sync_client_works() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let runtime = current_thread_runtime().expect("runtime");
        let status = runtime.block_on(sync_client_in_spawn_blocking(server.url("/status/200")));
        assert_eq!(status.expect("answered"), StatusCode::OK);
    }

    #[test]
    fn a_caught_panic_keeps_its_message_and_other_results_pass_through() {
        let caught = |f: fn()| {
            let panic = catch_panic(f).expect("a thread").expect_err("a panic");
            panic_message(&*panic)
        };
        assert_eq!(catch_panic(|| 42).expect("a thread").ok(), Some(42));
        assert_eq!(caught(|| panic!("at {}", "the disco")), "at the disco");
        assert_eq!(caught(|| panic!("plain")), "plain");
    }
}
