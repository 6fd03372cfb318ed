//! A local HTTP server that lessons, exercises and tests start for themselves.
//!
//! Nothing in the course needs the internet: every HTTP request goes to this server on 127.0.0.1.
//! It is a real server (axum on hyper, the stack many Rust services run on), so the client code a
//! learner writes against it is the client code they would write against any API.
//!
//! | endpoint              | answers                                                          |
//! |-----------------------|------------------------------------------------------------------|
//! | `GET /delay/{ms}`     | `200` after waiting `ms` milliseconds: a slow API                |
//! | `GET /status/{code}`  | that status code: a failing API                                  |
//! | `GET /bytes/{n}`      | `n` deterministic bytes (see [`crate::data`]): a file to download |
//! | `GET /bytes/{n}/{seed}` | the same with another seed: another file                       |
//! | `GET /stats`          | the counters as text, for poking with curl (not counted itself)  |
//!
//! With a [concurrency limit](ServerConfig::concurrency_limit) it answers `429 Too Many Requests` to
//! every request beyond the limit, as rate-limited APIs do when a client floods them. Its
//! [counters](ServerStats) let a lesson *prove* what a client did: how many connections it opened,
//! and how many requests it had in flight at once.
//!
//! It speaks HTTP/1.1 and HTTP/2 on the same port: each connection is answered in the protocol its
//! client starts with. Over `http://` a client starts with HTTP/2 only when told the server speaks
//! it ("prior knowledge": reqwest's `ClientBuilder::http2_prior_knowledge`); otherwise HTTP/1.1,
//! which carries one request at a time per connection, while HTTP/2 carries many at once on one
//! connection, up to the server's [limit on streams](ServerConfig::http2_max_streams). The counters
//! count alike in both: a connection when it is accepted, a request while it is handled.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{Notify, oneshot};

use crate::data;

/// The longest `/delay/{ms}` the server agrees to wait: ten minutes is longer than any lesson needs.
pub const MAX_DELAY_MS: u64 = 10 * 60 * 1000;
/// The largest `/bytes/{n}` body the server builds: it lives in memory while it is sent.
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;
/// How many connections may wait to be accepted. The usual default (128) is too small for a lesson
/// that opens a thousand connections at once: the kernel would drop the surplus and the client would
/// retry a second later, which would show up as a mysterious one-second stall in every measurement.
const ACCEPT_BACKLOG: u32 = 4096;
/// The most requests one HTTP/2 connection may carry at once, unless
/// [`ServerConfig::http2_max_streams`] says otherwise. It is hyper's own default, set here by name
/// because hyper documents that default as one it may change.
pub const DEFAULT_HTTP2_MAX_STREAMS: u32 = 200;

/// How to start a [`LocalServer`]. `ServerConfig::default()` is what most code wants.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Port on 127.0.0.1. Zero (the default) lets the system pick a free one, so that tests running
    /// side by side never fight over a port.
    pub port: u16,
    /// Answer `429 Too Many Requests` to any request that arrives while this many are already in flight.
    pub concurrency_limit: Option<usize>,
    /// Threads the server runs on. Zero or one (the default) means one thread, which easily serves
    /// thousands of slow requests; more helps only when measuring raw throughput.
    pub threads: usize,
    /// HTTP/2 only: the most requests (streams) one connection may carry at once. The server
    /// announces it when the connection opens, and a client with more to send waits for a stream
    /// to end. `None` means [`DEFAULT_HTTP2_MAX_STREAMS`]. (HTTP/1.1 carries one at a time.)
    pub http2_max_streams: Option<u32>,
}

impl ServerConfig {
    /// Listen on this port instead of one the system picks.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Answer 429 above `limit` requests in flight.
    pub fn concurrency_limit(mut self, limit: usize) -> Self {
        self.concurrency_limit = Some(limit);
        self
    }

    /// Run the server on this many threads.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Let one HTTP/2 connection carry at most `streams` requests at once.
    pub fn http2_max_streams(mut self, streams: u32) -> Self {
        self.http2_max_streams = Some(streams);
        self
    }
}

/// What the server has seen since it started (or since [`LocalServer::reset_stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerStats {
    /// TCP connections accepted. A client that reuses connections opens few; a client created per
    /// request opens one per request.
    pub connections: u64,
    /// Requests received on the counted endpoints (everything but `/stats`), including rejected ones.
    pub requests: u64,
    /// Requests answered by their endpoint (not rejected with 429).
    pub completed: u64,
    /// Requests turned away with `429 Too Many Requests` because of the concurrency limit.
    pub rejected: u64,
    /// Requests being handled right now.
    pub in_flight: usize,
    /// The most requests the server held at once, counting the ones it turned away.
    pub peak_in_flight: usize,
}

/// The live counters behind [`ServerStats`], shared by every connection the server handles.
#[derive(Debug, Default)]
struct Counters {
    connections: AtomicU64,
    requests: AtomicU64,
    completed: AtomicU64,
    rejected: AtomicU64,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
    /// Zero means "no limit"; an atomic so a lesson can switch the limit on and off while serving.
    concurrency_limit: AtomicUsize,
    /// Woken on every change, so a test can wait for a state ("20 requests in flight") instead of
    /// sleeping and hoping.
    changed: Notify,
}

impl Counters {
    fn snapshot(&self) -> ServerStats {
        ServerStats {
            connections: self.connections.load(Relaxed),
            requests: self.requests.load(Relaxed),
            completed: self.completed.load(Relaxed),
            rejected: self.rejected.load(Relaxed),
            in_flight: self.in_flight.load(Relaxed),
            peak_in_flight: self.peak_in_flight.load(Relaxed),
        }
    }

    fn bump(&self, counter: &AtomicU64) {
        counter.fetch_add(1, Relaxed);
        self.changed.notify_waiters();
    }
}

/// Counts one request as in flight for as long as it lives. A guard, rather than a decrement at the
/// end of the handler, so that a request whose client hung up (and whose handler was therefore
/// dropped mid-way) is still counted out.
struct InFlight<'a> {
    counters: &'a Counters,
    /// How many requests were in flight, this one included, when it arrived.
    now: usize,
}

impl<'a> InFlight<'a> {
    fn enter(counters: &'a Counters) -> Self {
        let now = counters.in_flight.fetch_add(1, Relaxed) + 1;
        counters.peak_in_flight.fetch_max(now, Relaxed);
        counters.changed.notify_waiters();
        InFlight { counters, now }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.counters.in_flight.fetch_sub(1, Relaxed);
        self.counters.changed.notify_waiters();
    }
}

/// A running server. It stops, and frees its port, when dropped.
///
/// Start it from sync or async code alike: it runs on a thread of its own with its own tokio
/// runtime, so it keeps serving while the code under test blocks, sleeps on a paused clock, or
/// hogs its own runtime (which is exactly what some lessons do on purpose).
#[derive(Debug)]
pub struct LocalServer {
    addr: SocketAddr,
    counters: Arc<Counters>,
    /// Sending (or dropping) this stops the server's thread.
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl LocalServer {
    /// Starts a server and returns once it accepts connections.
    ///
    /// Fails with a clear message when the port is taken or the system refuses a socket.
    pub fn start(config: ServerConfig) -> io::Result<LocalServer> {
        let counters = Arc::new(Counters::default());
        counters
            .concurrency_limit
            .store(config.concurrency_limit.unwrap_or(0), Relaxed);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<io::Result<SocketAddr>>();
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();

        let serving_counters = Arc::clone(&counters);
        let thread = std::thread::Builder::new()
            .name("kit-server".to_string())
            .spawn(move || {
                let runtime = match build_runtime(config.threads) {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        // The caller is blocked on `ready_rx` and will report this error.
                        let _ = ready_tx.send(Err(error));
                        return;
                    }
                };
                runtime.block_on(serve(&config, serving_counters, ready_tx, shutdown_rx));
                // Dropping the runtime here cancels every request still being served, so stopping
                // never waits for a ten-minute `/delay`.
            })?;

        let ready = ready_rx
            .recv()
            .unwrap_or_else(|_| Err(io::Error::other("the server thread stopped while starting")));
        match ready {
            Ok(addr) => Ok(LocalServer {
                addr,
                counters,
                shutdown: Some(shutdown_tx),
                thread: Some(thread),
            }),
            Err(error) => {
                // The thread has already returned; joining just tidies it up.
                let _ = thread.join();
                Err(error)
            }
        }
    }

    /// The address the server listens on, such as `127.0.0.1:40123`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The full URL of a path on this server: `server.url("/delay/100")`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The counters as they are now.
    pub fn stats(&self) -> ServerStats {
        self.counters.snapshot()
    }

    /// Zeroes the counters (except requests still in flight), so one server can serve several
    /// measurements.
    pub fn reset_stats(&self) {
        let counters = &self.counters;
        counters.connections.store(0, Relaxed);
        counters.requests.store(0, Relaxed);
        counters.completed.store(0, Relaxed);
        counters.rejected.store(0, Relaxed);
        counters
            .peak_in_flight
            .store(counters.in_flight.load(Relaxed), Relaxed);
        counters.changed.notify_waiters();
    }

    /// Turns the 429 limit on (`Some(limit)`) or off (`None`) while the server runs.
    pub fn set_concurrency_limit(&self, limit: Option<usize>) {
        self.counters
            .concurrency_limit
            .store(limit.unwrap_or(0), Relaxed);
    }

    /// Waits until the counters satisfy `condition`, such as "20 requests in flight".
    ///
    /// Tests use this instead of sleeping: it returns the moment the state is reached, however slow
    /// or busy the machine is. Wrap it in a timeout if the state might never come.
    pub async fn wait_until(&self, condition: impl Fn(&ServerStats) -> bool) -> ServerStats {
        loop {
            // Register for the next change *before* looking, so a change between the look and the
            // wait cannot be missed.
            let changed = self.counters.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let stats = self.stats();
            if condition(&stats) {
                return stats;
            }
            changed.await;
        }
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // An error means the server already stopped on its own; nothing left to stop.
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic in the server thread has already been printed; don't panic again in a drop.
            let _ = thread.join();
        }
    }
}

fn build_runtime(threads: usize) -> io::Result<tokio::runtime::Runtime> {
    if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("kit-server")
            .enable_all()
            .build()
    }
}

/// Binds, reports the address (or the error) on `ready`, then serves until `shutdown` fires.
async fn serve(
    config: &ServerConfig,
    counters: Arc<Counters>,
    ready: std::sync::mpsc::Sender<io::Result<SocketAddr>>,
    shutdown: oneshot::Receiver<()>,
) {
    let listener = match bind(config.port) {
        Ok(listener) => listener,
        Err(error) => {
            // The starter is waiting on `ready`; if it has gone, there is no one left to tell.
            let _ = ready.send(Err(error));
            return;
        }
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(error) => {
            let _ = ready.send(Err(error));
            return;
        }
    };
    let mut http = auto::Builder::new(TokioExecutor::new());
    http.http2().max_concurrent_streams(
        config
            .http2_max_streams
            .unwrap_or(DEFAULT_HTTP2_MAX_STREAMS),
    );
    let _ = ready.send(Ok(addr));
    tokio::select! {
        () = accept_connections(listener, http, router(Arc::clone(&counters)), &counters) => {}
        // Either a shutdown request or the `LocalServer` handle being dropped: stop either way.
        // The connections' tasks stop too, with the server's runtime.
        _ = shutdown => {}
    }
}

/// Accepts connections until the server stops, each served on a task of its own in the protocol
/// its client speaks (`auto` tells HTTP/2's opening bytes from an HTTP/1.1 request line).
async fn accept_connections(
    listener: TcpListener,
    http: auto::Builder<TokioExecutor>,
    app: Router,
    counters: &Counters,
) {
    let http = Arc::new(http);
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _peer)) => tcp,
            Err(error) => {
                wait_after_accept_error(&error).await;
                continue;
            }
        };
        counters.bump(&counters.connections);
        // Small responses should leave at once rather than wait for Nagle's algorithm to batch them.
        // If the option cannot be set, the connection still works, only a little slower.
        let _ = tcp.set_nodelay(true);
        let (http, app) = (Arc::clone(&http), app.clone());
        tokio::spawn(async move {
            let service = TowerToHyperService::new(app);
            // An error ends this connection only (a client that hung up mid-request, say); the
            // server carries on with the others.
            let _ = http.serve_connection(TokioIo::new(tcp), service).await;
        });
    }
}

/// After a failed `accept`: go on at once when only that connection failed (its client gave up
/// before it was accepted); otherwise wait a second before accepting again, as `axum::serve`
/// does. The usual cause is this process being out of files, and waiting lets some close.
async fn wait_after_accept_error(error: &io::Error) {
    let one_connection_failed = matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    );
    if !one_connection_failed {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn bind(port: u16) -> io::Result<TcpListener> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let socket = TcpSocket::new_v4()?;
    // Lets `serve --port 8080` restart at once after Ctrl-C instead of waiting a minute for the old
    // connections to time out. It does not let two live servers share a port.
    socket.set_reuseaddr(true)?;
    socket.bind(addr).map_err(|error| {
        if error.kind() == io::ErrorKind::AddrInUse {
            io::Error::new(
                error.kind(),
                format!(
                    "port {port} on 127.0.0.1 is already in use (is another server running?); \
                     choose another port, or port 0 to let the system pick a free one"
                ),
            )
        } else {
            io::Error::new(error.kind(), format!("cannot listen on {addr}: {error}"))
        }
    })?;
    socket.listen(ACCEPT_BACKLOG)
}

fn router(counters: Arc<Counters>) -> Router {
    Router::new()
        .route("/delay/{ms}", get(delay))
        .route("/status/{code}", get(status))
        .route("/bytes/{n}", get(bytes))
        .route("/bytes/{n}/{seed}", get(bytes_with_seed))
        // `route_layer` counts only the routes above: `/stats` and unknown paths are not counted.
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&counters),
            count_request,
        ))
        .route("/stats", get(stats))
        .with_state(counters)
}

/// Counts every request, holds it "in flight" while it is handled, and turns it away with 429 when
/// a concurrency limit is set and exceeded.
async fn count_request(
    State(counters): State<Arc<Counters>>,
    request: Request,
    next: Next,
) -> Response {
    counters.bump(&counters.requests);
    let in_flight = InFlight::enter(&counters);
    let limit = counters.concurrency_limit.load(Relaxed);
    if limit > 0 && in_flight.now > limit {
        counters.bump(&counters.rejected);
        return (
            StatusCode::TOO_MANY_REQUESTS,
            format!("429: more than {limit} requests in flight; slow down\n"),
        )
            .into_response();
    }
    let response = next.run(request).await;
    counters.bump(&counters.completed);
    response
}

async fn delay(Path(ms): Path<u64>) -> Response {
    if ms > MAX_DELAY_MS {
        return bad_request(format!(
            "delay {ms} ms is longer than the {MAX_DELAY_MS} ms allowed"
        ));
    }
    tokio::time::sleep(Duration::from_millis(ms)).await;
    format!("waited {ms} ms\n").into_response()
}

async fn status(Path(code): Path<u16>) -> Response {
    match StatusCode::from_u16(code) {
        Ok(status) => (status, format!("{code}\n")).into_response(),
        Err(_) => bad_request(format!("{code} is not an HTTP status code (100 to 999)")),
    }
}

async fn bytes(Path(n): Path<u64>) -> Response {
    deterministic_body(n, 0)
}

async fn bytes_with_seed(Path((n, seed)): Path<(u64, u64)>) -> Response {
    deterministic_body(n, seed)
}

fn deterministic_body(n: u64, seed: u64) -> Response {
    let Ok(len) = usize::try_from(n) else {
        return bad_request(format!("{n} bytes is too many for this machine"));
    };
    if n > MAX_BYTES {
        return bad_request(format!("{n} bytes is more than the {MAX_BYTES} allowed"));
    }
    data::deterministic_bytes(seed, len).into_response()
}

async fn stats(State(counters): State<Arc<Counters>>) -> String {
    let stats = counters.snapshot();
    format!(
        "connections {}\nrequests {}\ncompleted {}\nrejected {}\nin_flight {}\npeak_in_flight {}\n",
        stats.connections,
        stats.requests,
        stats.completed,
        stats.rejected,
        stats.in_flight,
        stats.peak_in_flight
    )
}

fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, format!("{message}\n")).into_response()
}
