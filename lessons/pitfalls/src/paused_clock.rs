//! A testing pitfall: tokio's paused clock and real sockets.
//!
//! `#[tokio::test(start_paused = true)]` (or `tokio::time::pause()`) makes timing tests exact and
//! instant: whenever every task is waiting, tokio jumps its clock straight to the next timer. This
//! course tests its timing logic that way. But "every task is waiting" includes a task waiting for
//! a real socket: the runtime cannot know an answer is on its way, so it jumps to the next timer,
//! which is often the time-out around that very request. The request "times out" at once, in
//! virtual time, while the server is still preparing its answer in real time.
//!
//! The fix is to keep the two apart: the paused clock for logic that only waits on timers (with
//! sleeps standing in for I/O, as [`crate::mutex_guard`] and [`crate::cancel_safety`] do), real
//! time for anything that touches a socket, checked by what the server counted rather than by how
//! long it took.

use std::time::Duration;

use anyhow::Result;
use lesson_kit::measure::format_duration;
use lesson_kit::{LocalServer, ServerConfig, narrate};
use reqwest::Client;
use tokio::time::{Instant, timeout};

/// What a request under a time-out came to, by the runtime's clock and by the wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clocks {
    pub answered: bool,
    /// Time on the runtime's clock (virtual when paused).
    pub runtime_elapsed: Duration,
    /// Time that really passed.
    pub real_elapsed: Duration,
}

// ANCHOR: request
/// GETs `url` under a generous `limit`, and reads both clocks.
pub async fn request_with_timeout(url: &str, limit: Duration) -> Clocks {
    let (runtime_start, real_start) = (Instant::now(), std::time::Instant::now());
    let request = async { Client::new().get(url).send().await?.bytes().await };
    let outcome = timeout(limit, request).await;
    Clocks {
        answered: matches!(outcome, Ok(Ok(_))),
        runtime_elapsed: runtime_start.elapsed(),
        real_elapsed: real_start.elapsed(),
    }
}
// ANCHOR_END: request

/// Runs the request on a runtime of its own, its clock paused or not, as a test would.
pub fn on_a_test_runtime(paused: bool, url: String, limit: Duration) -> Result<Clocks> {
    // ANCHOR: runtimes
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(paused) // what #[tokio::test(start_paused = true)] does
        .build()?;
    // ANCHOR_END: runtimes
    Ok(runtime.block_on(request_with_timeout(&url, limit)))
}

pub async fn demo(answer_after: Duration) -> Result<()> {
    narrate::claim(
        "On a paused clock a request to a real server times out at once, however generous its \
         limit, because the runtime skips ahead to the time-out while it waits for the socket.",
    );
    narrate::python(
        "like freezing time with a fake clock (freezegun, or a fake event-loop clock) and then \
         talking to a real server: the fake clock and the real world drift apart.",
    );
    let server = LocalServer::start(ServerConfig::default())?;
    let url = server.url(&format!("/delay/{}", answer_after.as_millis()));
    let limit = Duration::from_secs(5);
    narrate::code(include_str!("paused_clock.rs"), "request");
    narrate::code(include_str!("paused_clock.rs"), "runtimes");
    narrate::say(&format!(
        "The server answers after {}; the limit is {}. Each runtime runs on a thread of its \
         own, as a test's would:",
        format_duration(answer_after),
        format_duration(limit)
    ));
    for paused in [true, false] {
        let url = url.clone();
        let clocks =
            tokio::task::spawn_blocking(move || on_a_test_runtime(paused, url, limit)).await??;
        let label = if paused { "clock paused" } else { "real clock" };
        narrate::result(
            label,
            format!(
                "{}; the runtime's clock says {}, the wall clock {}",
                if clocks.answered {
                    "answered"
                } else {
                    "TIMED OUT"
                },
                format_duration(clocks.runtime_elapsed),
                format_duration(clocks.real_elapsed)
            ),
        );
    }
    narrate::say(
        "So: paused clock for timer-only logic, real time and the server's counters for \
         sockets. The same applies to any real I/O: files, processes, channels fed by threads.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paused_clock_times_out_a_real_request_at_once() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let limit = Duration::from_secs(30);
        let clocks = on_a_test_runtime(true, server.url("/delay/200"), limit).expect("runtime");
        assert!(!clocks.answered);
        assert_eq!(clocks.runtime_elapsed, limit);
        assert!(clocks.real_elapsed < limit, "{clocks:?}");
    }

    #[test]
    fn a_real_clock_waits_for_the_answer() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let clocks = on_a_test_runtime(false, server.url("/delay/50"), Duration::from_secs(30))
            .expect("runtime");
        assert!(clocks.answered, "{clocks:?}");
    }
}
