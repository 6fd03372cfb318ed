//! The flood.
//!
//! `join_all` over fifty thousand requests starts all fifty thousand at once. Nothing in that line
//! says "at most so many", and reqwest does not queue on your behalf: a request that finds no idle
//! connection in the client's pool opens a new one. Every connection is a socket, every socket is
//! a file descriptor, and a process may hold only so many (`ulimit -n`). Past that, the system
//! refuses the next socket with EMFILE, "Too many open files", and the request fails before it is
//! sent. Requests that do get out meet the server's own limit: rate-limited APIs answer
//! `429 Too Many Requests` to whatever exceeds it.
//!
//! The open-file limit belongs to a process, and the local server lives in *this* process. Lowering
//! our own limit would starve the server too (it could not accept connections), so the flood runs
//! in a child process, a copy of this very program started with a hidden flag, whose limit is
//! lowered and whose results come back as one line of JSON on its stdout (serde, as in
//! lesson-processes).

use std::time::Duration;

use anyhow::{Context, Result, bail};
use futures::future::join_all;
use lesson_kit::http::{Tally, get_status};
use lesson_kit::measure::format_duration;
use lesson_kit::{LocalServer, ServerConfig, narrate, system};
use reqwest::{Client, StatusCode};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::open_files::affordable_requests;
use crate::settings::Settings;

/// The hidden command-line flag that makes this program the flooding child process.
pub const FLOOD_WORKER_FLAG: &str = "--flood-worker";

// ANCHOR: flood
/// Starts every request at once and waits for all of them: nothing bounds how many are in flight.
pub async fn flood(
    client: &Client,
    url: &str,
    requests: usize,
) -> Vec<Result<StatusCode, reqwest::Error>> {
    let every_request = (0..requests).map(|_| get_status(client, url));
    join_all(every_request).await
}
// ANCHOR_END: flood

/// What the flooding child process reports back to the lesson: one line of JSON on its stdout.
/// Only bytes cross between processes, so the report is written out and read back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FloodReport {
    pub tally: Tally,
    /// How long the flood took inside the child, from the first request to the last answer.
    pub elapsed: Duration,
}

// ANCHOR: worker
/// The child process's whole job: lower its own open-file limit, flood, report.
pub fn run_flood_worker(url: &str, requests: usize, open_files: u64) -> Result<FloodReport> {
    // This limit binds this process alone; the lesson's process, and the server in it, keep theirs.
    system::set_open_file_limit(open_files)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let results = runtime.block_on(flood(&Client::new(), url, requests));
    Ok(FloodReport {
        tally: Tally::of(&results),
        elapsed: started.elapsed(),
    })
}
// ANCHOR_END: worker

/// What this program does when started as the flooding child process: flood, then print the
/// report on stdout, where [`flood_in_a_child`] reads it.
pub fn report_as_worker(url: &str, settings: &Settings) -> Result<()> {
    let report = run_flood_worker(url, settings.flood, settings.open_files)?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

/// Starts this program again as a flooding worker and reads its report.
pub async fn flood_in_a_child(url: &str, requests: usize, open_files: u64) -> Result<FloodReport> {
    let program = std::env::current_exe().context("cannot find this program's own path")?;
    // tokio's Command, not std's: waiting for a child must not block the runtime's thread.
    let output = tokio::process::Command::new(&program)
        .arg(FLOOD_WORKER_FLAG)
        .arg(url)
        .args(["--flood", &requests.to_string()])
        .args(["--open-files", &open_files.to_string()])
        .output()
        .await
        .with_context(|| format!("cannot start {}", program.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("the flooding process failed ({}): {stderr}", output.status);
    }
    serde_json::from_slice(&output.stdout).with_context(|| {
        let report = String::from_utf8_lossy(&output.stdout);
        format!("the flooding process sent a report we cannot read: {report:?}")
    })
}

pub async fn demo(settings: &Settings) -> Result<()> {
    narrate::claim(&format!(
        "join_all over {} requests starts them all at once. The client opens a connection per \
         request (HTTP/1.1 carries one request at a time on a connection) until the process \
         runs out of file descriptors, and the server turns away \
         whatever exceeds its limit with 429.",
        settings.flood
    ));
    narrate::python(
        "await asyncio.gather(*(client.get(url) for _ in range(50_000))), the same flood. \
         httpx's pool caps connections at 100, so there the rest wait until they time out \
         (PoolTimeout) instead, and while the event loop is busy with that waiting list even \
         the first hundred can miss their own time-outs (bench/python/httpx_gather.py, which \
         `cargo xtask bench` runs with --concurrency 0, counts what got through).",
    );
    narrate::code(include_str!("flood.rs"), "flood");
    let server = LocalServer::start(ServerConfig::default())?;
    out_of_file_descriptors(&server, settings).await?;
    turned_away_by_the_server(&server, settings).await
}

async fn out_of_file_descriptors(server: &LocalServer, settings: &Settings) -> Result<()> {
    narrate::say(&format!(
        "Every socket is a file descriptor, and a process may hold only so many. To reach that \
         wall quickly and safely, the lesson starts a copy of itself whose limit is {} (this \
         process may hold {}); the server stays in this process, with room to spare, because \
         the limit is per process:",
        settings.open_files,
        system::open_file_limit()
            .context("cannot read this process's open-file limit")?
            .0
    ));
    narrate::code(include_str!("flood.rs"), "worker");
    let url = server.url(&format!("/delay/{}", settings.delay.as_millis()));
    let report = flood_in_a_child(&url, settings.flood, settings.open_files).await?;
    narrate::result(
        &format!(
            "{} requests flooded from a process limited to {} open files",
            report.tally.total(),
            settings.open_files
        ),
        format!("done in {}", format_duration(report.elapsed)),
    );
    report.tally.print();
    narrate::result(
        "connections the server accepted",
        server.stats().connections,
    );
    narrate::say(
        "No crash: each failed request is an `Err` in the Vec that join_all returned. But most \
         of the work is lost, and a program that retried it would flood again.",
    );
    Ok(())
}

async fn turned_away_by_the_server(server: &LocalServer, settings: &Settings) -> Result<()> {
    let requests = affordable_requests(settings.requests)?;
    server.set_concurrency_limit(Some(settings.concurrency));
    server.reset_stats();
    narrate::say(&format!(
        "Now the same flood of {requests} from this process, which has files to spare, to a \
         server that answers 429 above {} requests in flight, as rate-limited APIs do:",
        settings.concurrency
    ));
    let url = server.url(&format!("/delay/{}", settings.delay.as_millis()));
    let started = Instant::now();
    let results = flood(&Client::new(), &url, requests).await;
    let elapsed = started.elapsed();
    Tally::of(&results).print();
    let stats = server.stats();
    narrate::result("peak in flight, seen by the server", stats.peak_in_flight);
    narrate::result("connections the client opened", stats.connections);
    narrate::result("wall time", format_duration(elapsed));
    server.set_concurrency_limit(None);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_survives_the_trip_between_processes() {
        let mut report = FloodReport {
            elapsed: Duration::from_millis(2345),
            ..FloodReport::default()
        };
        report.tally.statuses.insert(200, 245);
        report.tally.out_of_files = 49_755;
        report.tally.first_failure = Some("tcp open error:\nToo many open files".to_string());
        let line = serde_json::to_string(&report).expect("serialisable");
        assert!(!line.contains('\n'), "one line: {line}");
        let back: FloodReport = serde_json::from_str(&line).expect("a report");
        assert_eq!(back, report);
    }

    #[tokio::test]
    async fn an_unbounded_flood_meets_the_servers_limit() {
        let server =
            LocalServer::start(ServerConfig::default().concurrency_limit(5)).expect("server");
        // Requests the server accepts are held for ten minutes, so the flood cannot finish:
        // we watch the server until all twenty have arrived, then drop (cancel) the flood.
        let url = server.url("/delay/600000");
        let client = Client::new();
        let stats = tokio::select! {
            _ = flood(&client, &url, 20) => panic!("the flood cannot finish"),
            stats = server.wait_until(|stats| stats.requests == 20 && stats.in_flight == 5) => stats,
        };
        // The server is one thread, so the first five are held and every later one turned away.
        assert_eq!(stats.rejected, 15, "{stats:?}");
    }
}
