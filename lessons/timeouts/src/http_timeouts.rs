//! The HTTP client's own time limits: connecting versus the whole request.
//!
//! A `reqwest::Client` can be given two limits, and they answer different questions:
//! - `connect_timeout(limit)`: how long to wait for the TCP connection to be set up. A host that is
//!   down, or a firewall that silently drops packets, never answers a connection attempt; without
//!   this limit the client waits for the operating system to give up, which takes minutes.
//! - `timeout(limit)`: how long the whole request may take, from connecting to the last byte of
//!   the body. It bounds everything, including a server that accepts at once and then is slow.
//!
//! So `connect_timeout` alone does nothing about a slow server, and `timeout` alone reports a dead
//! host only after the full limit. Production clients usually set both: a short connect limit
//! (fail fast on dead hosts, try the next one) and a longer limit for the whole request.
//! (`RequestBuilder::timeout` overrides the client's limit for one request, and `read_timeout`
//! limits each wait for the next bytes, for long downloads and streams.)
//!
//! To show a connection attempt that gets no answer without the internet, the lesson fills the
//! queue of a listening socket on 127.0.0.1 that never accepts: once the kernel's queue of
//! connections waiting to be accepted is full, Linux drops new connection requests without a word,
//! exactly like an unreachable host.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::{Context, Result};
use lesson_kit::http::get_status;
use lesson_kit::measure::format_duration;
use lesson_kit::narrate::error_chain;
use lesson_kit::{LocalServer, ServerConfig, Versus, narrate};
use reqwest::Client;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::time::{Instant, timeout};

use crate::Settings;

/// How long a connection to 127.0.0.1 may take before we conclude it will never be answered. A
/// connection that is going to succeed on loopback takes microseconds, even on a busy machine.
const UNANSWERED_AFTER: Duration = Duration::from_millis(250);
/// Enough queued connections to fill any backlog the kernel rounds ours up to.
const MOST_QUEUED: usize = 64;

/// A listening socket on 127.0.0.1 that never accepts, with its queue of waiting connections full:
/// a new connection attempt to [`addr`](Self::addr) gets no answer at all. Dropping it frees all.
#[derive(Debug)]
pub struct Unanswered {
    addr: SocketAddr,
    _listener: TcpListener,
    /// The connections that filled the queue; kept open so that it stays full.
    _queued: Vec<TcpStream>,
}

impl Unanswered {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Sets one up, or `Ok(None)` when this system still answers connection attempts with the
    /// queue full (Linux drops them; some systems refuse them at once instead).
    pub async fn start() -> std::io::Result<Option<Unanswered>> {
        let socket = TcpSocket::new_v4()?;
        socket.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
        let listener = socket.listen(1)?; // the smallest queue the kernel keeps
        let addr = listener.local_addr()?;
        let mut queued = Vec::new();
        while queued.len() < MOST_QUEUED {
            match timeout(UNANSWERED_AFTER, TcpStream::connect(addr)).await {
                Ok(Ok(stream)) => queued.push(stream), // the kernel accepted it into the queue
                Ok(Err(_refused)) => return Ok(None),
                Err(_no_answer) => {
                    return Ok(Some(Unanswered {
                        addr,
                        _listener: listener,
                        _queued: queued,
                    }));
                }
            }
        }
        Ok(None)
    }
}

/// What one request came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Answered(u16),
    /// The client gave up while connecting (`is_connect()` and `is_timeout()`).
    ConnectTimedOut,
    /// The client gave up on the request as a whole (`is_timeout()` only).
    RequestTimedOut,
    Failed(String),
}

pub fn verdict(result: &Result<reqwest::StatusCode, reqwest::Error>) -> Verdict {
    match result {
        Ok(status) => Verdict::Answered(status.as_u16()),
        Err(error) if error.is_connect() && error.is_timeout() => Verdict::ConnectTimedOut,
        Err(error) if error.is_timeout() => Verdict::RequestTimedOut,
        Err(error) => Verdict::Failed(error_chain(error)),
    }
}

/// The two clients of the demo, one limit each.
pub fn clients(connect_limit: Duration, request_limit: Duration) -> reqwest::Result<[Client; 2]> {
    // ANCHOR: clients
    let connect_limited = Client::builder()
        .connect_timeout(connect_limit) // only for setting up the connection
        .build()?;
    let request_limited = Client::builder()
        .timeout(request_limit) // for everything: connect, send, wait, read the body
        .build()?;
    // ANCHOR_END: clients
    Ok([connect_limited, request_limited])
}

pub async fn demo(settings: &Settings) -> Result<()> {
    narrate::claim(
        "connect_timeout bounds only the setting up of a connection, so it fails fast on a \
         host that never answers but lets a slow server take its time; timeout bounds the whole \
         request, slow server and dead host alike.",
    );
    narrate::python(
        "requests.get(url, timeout=(2.0, 10.0)) and httpx.Timeout(10.0, connect=2.0) set the \
         connect limit, but their 10 s is no whole-request limit: it bounds each read (httpx: \
         each read, write and wait for a pooled connection), like reqwest's read_timeout. The \
         match for timeout is asyncio.timeout (or wait_for) around the whole call.",
    );
    let connect_limit = settings.limit / 2;
    let request_limit = settings.limit;
    let slow = settings.limit * 2;
    narrate::code(include_str!("http_timeouts.rs"), "clients");

    let server = LocalServer::start(ServerConfig::default())?;
    let slow_url = server.url(&format!("/delay/{}", slow.as_millis()));
    let unanswered = Unanswered::start()
        .await
        .context("cannot stage a server that never answers")?;
    let unanswered_url = unanswered
        .as_ref()
        .map(|socket| format!("http://{}/", socket.addr()));
    narrate::say(&format!(
        "Two targets: the local server, which accepts at once and answers after {}; and a \
         socket on 127.0.0.1 whose queue is full, so a connection attempt gets no answer.",
        format_duration(slow)
    ));

    let [connect_limited, request_limited] = clients(connect_limit, request_limit)?;
    let limits = [
        ("connect_timeout", connect_limit, &connect_limited),
        ("timeout", request_limit, &request_limited),
    ];
    for (setting, limit, client) in limits {
        let targets = [
            ("slow server", Some(&slow_url)),
            ("no answer", unanswered_url.as_ref()),
        ];
        for (target, url) in targets {
            let label = format!("{setting}({}), {target}", format_duration(limit));
            let Some(url) = url else {
                narrate::result(
                    &label,
                    "skipped: this system refuses, rather than ignores, \
                     connections to a full queue",
                );
                continue;
            };
            let started = Instant::now();
            let result = get_status(client, url).await;
            let elapsed = started.elapsed();
            let shown = match verdict(&result) {
                Verdict::Answered(status) => {
                    format!("answered {status}, {}", Versus::new(elapsed, slow))
                }
                Verdict::ConnectTimedOut => {
                    format!("connect timed out, {}", Versus::new(elapsed, limit))
                }
                Verdict::RequestTimedOut => {
                    format!("request timed out, {}", Versus::new(elapsed, limit))
                }
                Verdict::Failed(error) => format!("failed: {error}"),
            };
            narrate::result(&label, shown);
        }
    }
    if unanswered.is_none() {
        narrate::say(
            "This system answered connection attempts even with the queue full, so the \
             no-answer case could not be staged offline here; on Linux it can.",
        );
    }
    narrate::say(
        "The first client waited the slow server out (connecting took microseconds), and gave \
         up on the silent socket after its connect limit. The second gave up on both after its \
         whole-request limit. Set both in real programs.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Real sockets on 127.0.0.1 and real time: the checks are on what kind of error came back.
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[tokio::test]
    async fn connect_timeout_lets_a_slow_server_answer() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let [client, _] = clients(50 * MS, Duration::from_secs(60)).expect("clients");
        let result = get_status(&client, &server.url("/delay/200")).await;
        assert_eq!(verdict(&result), Verdict::Answered(200));
    }

    #[tokio::test]
    async fn timeout_cuts_a_slow_server_short() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let [_, client] = clients(Duration::from_secs(60), 50 * MS).expect("clients");
        let result = get_status(&client, &server.url("/delay/60000")).await;
        assert_eq!(verdict(&result), Verdict::RequestTimedOut);
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_full_queue_leaves_connections_unanswered() {
        let unanswered = Unanswered::start()
            .await
            .expect("a socket")
            .expect("Linux drops connections to a full queue");
        let url = format!("http://{}/", unanswered.addr());
        let [connect_limited, request_limited] = clients(50 * MS, 100 * MS).expect("clients");
        let connect = get_status(&connect_limited, &url).await;
        assert_eq!(verdict(&connect), Verdict::ConnectTimedOut);
        let whole = get_status(&request_limited, &url).await;
        assert_eq!(verdict(&whole), Verdict::RequestTimedOut);
    }
}
