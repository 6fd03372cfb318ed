//! Throughput: how many GETs of `/delay/0` a client gets through with 100 in flight, and the CPU
//! it spends on each, with one shared client and with a client per request.
//!
//! With no latency to wait out, a client's speed is the CPU it burns per request. The limit is
//! the machine's: every core busy with client and server work, (cores ÷ CPU seconds per request),
//! or, for a client that runs on one thread (asyncio), that one core. The Rust side runs
//! lesson-semaphores' `with_one_shared_client` and `with_a_client_per_request` on a fresh tokio
//! runtime per batch, whose threads report the CPU they used as they stop; the server's share is
//! the rest of this process's CPU time.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use lesson_kit::http::get_status;
use lesson_kit::{LocalServer, ServerConfig};
use lesson_semaphores::clients::{with_a_client_per_request, with_one_shared_client};
use reqwest::{Client, StatusCode};
use serde::Deserialize;
use tokio::sync::Semaphore;
use tokio::task::{JoinError, JoinSet};

use super::{Context, PYTHON_LIMIT, progress};
use crate::cpu_clock::{MachineTimes, process_cpu_time, thread_cpu_time};
use crate::plan::{Plan, ThroughputPlan};
use crate::python::Python;
use crate::report::{Chart, Figures, Row, Section, Versus};
use crate::stats::{Spread, Unit, format_count};
use crate::svg::{Bar, BarChart};

/// Requests in one "CPU per N requests" figure.
const PER: f64 = 10_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Way {
    RustShared,
    /// The lesson's shared client, on a current-thread runtime: the client on one thread.
    RustSharedOneThread,
    /// The shared client, each request a task of its own: the runtime spreads them.
    RustSharedTaskPerRequest,
    RustPerRequest,
    PythonShared,
    PythonPerRequest,
}

impl Way {
    const ALL: [Way; 6] = [
        Way::RustShared,
        Way::RustSharedOneThread,
        Way::RustSharedTaskPerRequest,
        Way::RustPerRequest,
        Way::PythonShared,
        Way::PythonPerRequest,
    ];

    fn name(self) -> &'static str {
        match self {
            Way::RustShared => "tokio + reqwest, one shared client",
            Way::RustSharedOneThread => {
                "tokio + reqwest, one shared client, current-thread runtime"
            }
            Way::RustSharedTaskPerRequest => {
                "tokio + reqwest, one shared client, a task per request"
            }
            Way::RustPerRequest => "tokio + reqwest, a client per request",
            Way::PythonShared => "Python asyncio + httpx, one shared client",
            Way::PythonPerRequest => "Python asyncio + httpx, a client per request",
        }
    }

    /// The start of its keys in report.json: `rust.throughput.shared.rate`.
    fn key(self) -> &'static str {
        match self {
            Way::RustShared => "rust.throughput.shared",
            Way::RustSharedOneThread => "rust.throughput.shared_one_thread",
            Way::RustSharedTaskPerRequest => "rust.throughput.shared_task_per_request",
            Way::RustPerRequest => "rust.throughput.per_request",
            Way::PythonShared => "python.throughput.shared",
            Way::PythonPerRequest => "python.throughput.per_request",
        }
    }

    fn is_python(self) -> bool {
        matches!(self, Way::PythonShared | Way::PythonPerRequest)
    }

    /// How many threads the client's own work can use: asyncio and a current-thread runtime run
    /// every coroutine on one.
    fn client_threads(self, cores: usize) -> usize {
        match self {
            Way::RustShared | Way::RustSharedTaskPerRequest | Way::RustPerRequest => cores,
            Way::RustSharedOneThread | Way::PythonShared | Way::PythonPerRequest => 1,
        }
    }

    /// How many requests estimate the rate. A Python client per request manages a few dozen a
    /// second, so it gets a quarter of the shared client's share.
    fn calibration(self, plan: &ThroughputPlan) -> usize {
        match self {
            Way::RustShared
            | Way::RustSharedOneThread
            | Way::RustSharedTaskPerRequest
            | Way::RustPerRequest => plan.rust_calibration,
            Way::PythonShared => plan.python_calibration,
            Way::PythonPerRequest => (plan.python_calibration / 4).max(10),
        }
    }
}

/// One batch of requests and what it cost.
#[derive(Debug, Clone, Copy)]
struct Batch {
    succeeded: usize,
    wall: Duration,
    /// CPU time of the client: every thread of its runtime, or the Python process.
    client_cpu: Duration,
    /// CPU time of the server over the same batch.
    server_cpu: Duration,
    /// Connections the server accepted.
    connections: u64,
    /// Where the machine's cores spent the batch, from the system's own counters.
    machine: Option<MachineTimes>,
    /// How long the machine was watched: the batch, and for Python the interpreter's start too.
    watched: Duration,
}

impl Batch {
    fn rate(&self) -> f64 {
        self.succeeded as f64 / self.wall.as_secs_f64()
    }
}

/// What `httpx_gather.py` prints (the fields used here).
#[derive(Debug, Deserialize)]
struct PythonBatch {
    wall_s: f64,
    cpu_s: f64,
    succeeded: usize,
}

/// Every run of one way.
#[derive(Debug, Default)]
struct Runs {
    /// Shares of the cores' time during the batches (0 to 1): this bench's client and server,
    /// the kernel's interrupt work, other programs, and idle.
    own_share: Spread,
    interrupt_share: Spread,
    others_share: Spread,
    idle_share: Spread,
    rates: Spread,
    client_cpu_per_request: Spread,
    total_cpu_per_request: Spread,
    requests: usize,
    failures: usize,
    connections: Spread,
    batch_sizes: Spread,
    seconds: Spread,
}

pub fn run(plan: &Plan, context: &Context) -> anyhow::Result<Section> {
    let throughput = &plan.throughput;
    let cores = context.machine.cores;
    // Enough server threads that the server is not what limits the fastest client.
    let server = LocalServer::start(ServerConfig::default().threads(cores))?;
    let url = server.url("/delay/0");
    let python = context.python.as_ref();
    let ways: Vec<Way> = Way::ALL
        .into_iter()
        .filter(|way| !way.is_python() || python.is_some())
        .collect();

    let clients = Clients {
        server: &server,
        url: &url,
        concurrency: throughput.concurrency,
        cores,
        python,
    };
    let mut notes = Vec::new();
    let mut sizes = BTreeMap::new();
    for &way in &ways {
        progress(&format!(
            "Throughput: estimating the rate of {}",
            way.name()
        ));
        let calibration = way.calibration(throughput);
        match clients.batch(way, calibration) {
            Ok(batch) => {
                let wanted = batch.rate() * throughput.duration.as_secs_f64();
                let size = (wanted as usize).clamp(calibration.min(100), throughput.max_requests);
                sizes.insert(way, size);
            }
            Err(error) if way.is_python() => notes.push(format!("{}: {error:#}", way.name())),
            Err(error) => return Err(error),
        }
    }

    let mut runs: BTreeMap<Way, Runs> = BTreeMap::new();
    for run in 0..plan.runs {
        for (&way, &size) in &sizes {
            progress(&format!(
                "Throughput, run {} of {}: {}, {size} GETs",
                run + 1,
                plan.runs,
                way.name()
            ));
            let batch = match clients.batch(way, size) {
                Ok(batch) => batch,
                Err(error) if way.is_python() => {
                    notes.push(format!("{}: {error:#}", way.name()));
                    continue;
                }
                Err(error) => return Err(error),
            };
            let entry = runs.entry(way).or_default();
            entry.rates.push(batch.rate());
            let succeeded = batch.succeeded.max(1) as f64;
            entry
                .client_cpu_per_request
                .push(batch.client_cpu.as_secs_f64() / succeeded);
            entry
                .total_cpu_per_request
                .push((batch.client_cpu + batch.server_cpu).as_secs_f64() / succeeded);
            entry.connections.push(batch.connections as f64);
            if let Some(machine) = batch.machine {
                let capacity = batch.watched.as_secs_f64() * cores as f64;
                let own = (batch.client_cpu + batch.server_cpu).as_secs_f64();
                entry.own_share.push(own / capacity);
                entry
                    .interrupt_share
                    .push(machine.interrupts.as_secs_f64() / capacity);
                entry
                    .others_share
                    .push((machine.busy.as_secs_f64() - own).max(0.0) / capacity);
                entry.idle_share.push(machine.idle.as_secs_f64() / capacity);
            }
            entry.batch_sizes.push(size as f64);
            entry.seconds.push(batch.wall.as_secs_f64());
            entry.requests += size;
            entry.failures += size - batch.succeeded.min(size);
        }
    }
    notes.dedup();
    Ok(section(plan, cores, &runs, notes))
}

/// Where the batches go and how: what every batch of every way shares.
struct Clients<'a> {
    server: &'a LocalServer,
    url: &'a str,
    concurrency: usize,
    cores: usize,
    python: Option<&'a Python>,
}

impl Clients<'_> {
    /// Sends `requests` GETs the `way` way and measures what they cost.
    fn batch(&self, way: Way, requests: usize) -> anyhow::Result<Batch> {
        let (server, url, concurrency) = (self.server, self.url, self.concurrency);
        server.reset_stats();
        let process_before = process_cpu_time();
        let machine_before = MachineTimes::now();
        let watch_started = Instant::now();
        let (succeeded, wall, client_cpu) = match way {
            Way::RustShared
            | Way::RustSharedOneThread
            | Way::RustSharedTaskPerRequest
            | Way::RustPerRequest => rust_batch(way, url, requests, concurrency, self.cores)?,
            Way::PythonShared | Way::PythonPerRequest => {
                let python = self.python.context("the Python side is not ready")?;
                let client = if way == Way::PythonShared {
                    "shared"
                } else {
                    "per-request"
                };
                let args = [
                    "--url",
                    url,
                    "--client",
                    client,
                    "--requests",
                    &requests.to_string(),
                    "--concurrency",
                    &concurrency.to_string(),
                ]
                .map(String::from);
                let batch: PythonBatch = python.run("httpx_gather.py", &args, PYTHON_LIMIT)?;
                (
                    batch.succeeded,
                    Duration::try_from_secs_f64(batch.wall_s)?,
                    Duration::try_from_secs_f64(batch.cpu_s)?,
                )
            }
        };
        let process_cpu = process_cpu_time().saturating_sub(process_before);
        // For Rust the client ran in this process, so take its share out; for Python it did not, and
        // this process did nothing but serve (and wait for the script).
        let server_cpu = if way.is_python() {
            process_cpu
        } else {
            process_cpu.saturating_sub(client_cpu)
        };
        let machine = MachineTimes::now()
            .zip(machine_before)
            .map(|(after, before)| after.since(&before));
        Ok(Batch {
            succeeded,
            wall,
            client_cpu,
            server_cpu,
            connections: server.stats().connections,
            machine,
            watched: watch_started.elapsed(),
        })
    }
}

/// Runs one batch on a runtime of its own and returns (successes, wall time, client CPU time).
///
/// Each thread of the runtime adds its CPU time to a total as it stops, and dropping the runtime
/// stops them all, so the total is complete once the runtime is gone. The thread that waits in
/// `block_on` is counted too: a current-thread runtime runs everything on it.
fn rust_batch(
    way: Way,
    url: &str,
    requests: usize,
    concurrency: usize,
    workers: usize,
) -> anyhow::Result<(usize, Duration, Duration)> {
    let nanos = Arc::new(AtomicU64::new(0));
    let stopping = Arc::clone(&nanos);
    let mut builder = if way == Way::RustSharedOneThread {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(workers.max(1));
        builder
    };
    let runtime = builder
        .thread_name("bench-client")
        .on_thread_stop(move || {
            let used = u64::try_from(thread_cpu_time().as_nanos()).unwrap_or(u64::MAX);
            stopping.fetch_add(used, Relaxed);
        })
        .enable_all()
        .build()?;
    let url = url.to_string();
    let waiting_before = thread_cpu_time();
    let started = Instant::now();
    let results = runtime.block_on(async move {
        tokio::spawn(async move {
            match way {
                Way::RustPerRequest => with_a_client_per_request(&url, requests, concurrency).await,
                Way::RustSharedTaskPerRequest => {
                    with_a_task_per_request(&url, requests, concurrency).await
                }
                _ => with_one_shared_client(&url, requests, concurrency).await,
            }
        })
        .await
    })?;
    let wall = started.elapsed();
    drop(runtime);
    let client_cpu = Duration::from_nanos(nanos.load(Relaxed))
        + thread_cpu_time().saturating_sub(waiting_before);
    let succeeded = results
        .iter()
        .filter(|result| matches!(result, Ok(status) if status.is_success()))
        .count();
    Ok((succeeded, wall, client_cpu))
}

/// lesson-semaphores' `with_one_shared_client`, but with each request spawned as a task of its
/// own. `join_all` polls every request future inside the one task that awaits it, so the client's
/// side of every request runs on one worker thread at a time (only hyper's connection tasks run
/// elsewhere); spawned, the requests spread over all the workers. A permit is taken before each
/// spawn, so no more than `limit` tasks exist at once, and finished ones are collected as it goes.
async fn with_a_task_per_request(
    url: &str,
    requests: usize,
    limit: usize,
) -> Vec<Result<StatusCode, reqwest::Error>> {
    let client = Client::new();
    let semaphore = Arc::new(Semaphore::new(limit));
    let mut tasks = JoinSet::new();
    let mut results = Vec::with_capacity(requests);
    let mut collect = |done: Result<_, JoinError>| {
        // A request task cannot panic short of a bug in reqwest; it then counts as not succeeded.
        if let Ok(result) = done {
            results.push(result);
        }
    };
    for _ in 0..requests {
        let permit = Arc::clone(&semaphore)
            .acquire_owned()
            .await
            .expect("never closed");
        let (client, url) = (client.clone(), url.to_string());
        tasks.spawn(async move {
            let _permit = permit;
            get_status(&client, &url).await
        });
        while let Some(done) = tasks.try_join_next() {
            collect(done);
        }
    }
    while let Some(done) = tasks.join_next().await {
        collect(done);
    }
    results
}

fn section(
    plan: &Plan,
    cores: usize,
    runs: &BTreeMap<Way, Runs>,
    mut notes: Vec<String>,
) -> Section {
    let throughput = &plan.throughput;
    let mut rows = Vec::new();
    let mut figures = Figures::default();
    figures.value(
        "throughput.concurrency",
        "requests in flight at once",
        Unit::Count,
        throughput.concurrency as f64,
    );
    for (&way, way_runs) in runs {
        // asyncio runs every coroutine on one thread, so one core is all the client can use.
        let client_threads = way.client_threads(cores) as f64;
        let limit = (cores as f64 / way_runs.total_cpu_per_request.median())
            .min(client_threads / way_runs.client_cpu_per_request.median());
        rows.push(Row::against(
            way.name(),
            Unit::PerSecond("req"),
            &way_runs.rates,
            format!("{} req/s (CPU)", format_count(limit)),
            way_runs.rates.median() / limit,
        ));
        let key = way.key();
        figures.measured(
            format!("{key}.rate"),
            format!("{}: GETs per second", way.name()),
            Unit::PerSecond("req"),
            &way_runs.rates,
        );
        figures.value(
            format!("{key}.limit"),
            format!("{}: the CPU's limit on GETs per second", way.name()),
            Unit::PerSecond("req"),
            limit,
        );
        figures.value(
            format!("{key}.of_limit"),
            format!("{}: GETs per second ÷ the CPU's limit", way.name()),
            Unit::Ratio,
            way_runs.rates.median() / limit,
        );
        figures.measured(
            format!("{key}.client_cpu_per_request"),
            format!("{}: client CPU time per request", way.name()),
            Unit::Seconds,
            &way_runs.client_cpu_per_request,
        );
        figures.measured(
            format!("{key}.total_cpu_per_request"),
            format!("{}: client and server CPU time per request", way.name()),
            Unit::Seconds,
            &way_runs.total_cpu_per_request,
        );
        figures.measured(
            format!("{key}.connections"),
            format!(
                "{}: connections the server saw opened per batch",
                way.name()
            ),
            Unit::Count,
            &way_runs.connections,
        );
    }
    for (&way, way_runs) in runs {
        let per = way_runs.client_cpu_per_request.scaled(PER);
        let what = format!(
            "{}: client CPU per {} requests",
            way.name(),
            format_count(PER)
        );
        let shared = match way {
            Way::RustPerRequest => runs.get(&Way::RustShared),
            Way::PythonPerRequest => runs.get(&Way::PythonShared),
            _ => None,
        };
        rows.push(match shared {
            Some(shared) => {
                let shared = shared.client_cpu_per_request.scaled(PER);
                Row::against(
                    what,
                    Unit::Seconds,
                    &per,
                    format!("shared client: {}", Unit::Seconds.format(shared.median())),
                    per.median() / shared.median(),
                )
            }
            None => Row::reference(what, Unit::Seconds, &per),
        });
    }
    for (&way, way_runs) in runs {
        if way_runs.failures > 0 {
            notes.push(format!(
                "{}: {} of {} requests failed.",
                way.name(),
                way_runs.failures,
                way_runs.requests
            ));
        }
        if way_runs.idle_share.len() > 0 {
            notes.push(format!(
                "{}: where the cores' time went: this client and the server {:.0} %, the \
                 kernel's interrupt work (loopback networking) {:.0} %, other programs {:.0} %, \
                 idle {:.0} %.",
                way.name(),
                way_runs.own_share.median() * 100.0,
                way_runs.interrupt_share.median() * 100.0,
                way_runs.others_share.median() * 100.0,
                way_runs.idle_share.median() * 100.0,
            ));
            for (share, what, spread) in [
                (
                    "own_share",
                    "the client and the server",
                    &way_runs.own_share,
                ),
                (
                    "interrupt_share",
                    "the kernel's interrupt work",
                    &way_runs.interrupt_share,
                ),
                ("others_share", "other programs", &way_runs.others_share),
                ("idle_share", "idle", &way_runs.idle_share),
            ] {
                figures.measured(
                    format!("{}.{share}", way.key()),
                    format!(
                        "{}: the share of the cores' time spent by {what}",
                        way.name()
                    ),
                    Unit::Share,
                    spread,
                );
            }
        }
        notes.push(format!(
            "{}: {} GETs a batch, in {}; the server counted {} connections opened; client and \
             server CPU together: {} per {} requests.",
            way.name(),
            format_count(way_runs.batch_sizes.median()),
            Unit::Seconds.format(way_runs.seconds.median()),
            format_count(way_runs.connections.median()),
            Unit::Seconds.format(way_runs.total_cpu_per_request.median() * PER),
            format_count(PER)
        ));
    }

    let pairs = [
        (Way::RustShared, Way::PythonShared),
        (Way::RustPerRequest, Way::PythonPerRequest),
    ];
    let mut versus = Vec::new();
    for (rust, python) in pairs {
        if let (Some(rust_runs), Some(python_runs)) = (runs.get(&rust), runs.get(&python)) {
            let client = if rust == Way::RustShared {
                "one shared client"
            } else {
                "a client per request"
            };
            let row = Versus::higher_is_better(
                format!(
                    "GETs per second at C = {}, {client}",
                    throughput.concurrency
                ),
                Unit::PerSecond("req"),
                &rust_runs.rates,
                &python_runs.rates,
            );
            figures.value(
                format!(
                    "throughput.versus.{}.rate",
                    if rust == Way::RustShared {
                        "shared"
                    } else {
                        "per_request"
                    }
                ),
                format!("Rust's GETs per second ÷ Python's, {client}"),
                Unit::Ratio,
                row.advantage,
            );
            versus.push(row);
            versus.push(Versus::lower_is_better(
                format!("client CPU per {} requests, {client}", format_count(PER)),
                Unit::Seconds,
                &rust_runs.client_cpu_per_request.scaled(PER),
                &python_runs.client_cpu_per_request.scaled(PER),
            ));
        }
    }
    let headlines = match (runs.get(&Way::RustShared), runs.get(&Way::PythonShared)) {
        (Some(rust), Some(python)) => vec![format!(
            "Throughput, GETs of /delay/0 at C = {} with one shared client: tokio + reqwest {} vs \
             Python asyncio + httpx {}: {:.1}× (client CPU per request {} vs {}).",
            throughput.concurrency,
            Unit::PerSecond("req").format(rust.rates.median()),
            Unit::PerSecond("req").format(python.rates.median()),
            rust.rates.median() / python.rates.median(),
            Unit::Seconds.format(rust.client_cpu_per_request.median()),
            Unit::Seconds.format(python.client_cpu_per_request.median()),
        )],
        (Some(rust), None) => vec![format!(
            "Throughput, GETs of /delay/0 at C = {} with one shared client: tokio + reqwest {} \
             (the Python original was not run).",
            throughput.concurrency,
            Unit::PerSecond("req").format(rust.rates.median()),
        )],
        _ => Vec::new(),
    };

    Section {
        title: format!(
            "Throughput: GETs of /delay/0 at C = {}",
            throughput.concurrency
        ),
        intro: format!(
            "Each client sends about {} s worth of GETs (at most {}) of an endpoint that answers \
             at once (the count comes from a short run that estimates its rate), {} in flight, with a \
             Semaphore and join_all (Python: gather). The limit is the CPU's: {cores} cores ÷ \
             (client + server) CPU seconds per request, and for a client that runs on one thread \
             (asyncio, a current-thread runtime), no more than one core's worth of client work. \
             Where the time goes: the lesson's shared client again on a current-thread runtime, \
             and with a task per request (`join_all` polls every request inside the one task \
             that awaits it, so the client's side of all of them runs on one worker at a time; \
             spawned, they spread over the workers); and, from the system's counters, how the \
             cores spent each batch: this client and the server, the kernel's interrupt work \
             (loopback networking is charged there, to no process), other programs, idle. A \
             client short of its limit with idle cores could not keep them busy; with no idle \
             time, the CPU went to something the limit does not count.",
            throughput.duration.as_secs_f64(),
            format_count(throughput.max_requests as f64),
            throughput.concurrency
        ),
        rows,
        reading: "Ratio for rates: measured ÷ limit, 1.00× is every core busy. Ratio for CPU: \
                  a client per request ÷ one shared client."
            .to_string(),
        notes,
        charts: vec![chart(runs)],
        versus,
        headlines,
        figures,
        ..Section::default()
    }
}

fn chart(runs: &BTreeMap<Way, Runs>) -> Chart {
    let bars = runs
        .iter()
        .map(|(&way, way_runs)| Bar {
            label: way.name().to_string(),
            value: way_runs.rates.median(),
            text: Unit::PerSecond("req").format(way_runs.rates.median()),
            group: usize::from(way.is_python()),
        })
        .collect();
    let chart = BarChart {
        title: "GETs per second of an instant endpoint, 100 in flight".to_string(),
        axis_label: "requests per second (median)".to_string(),
        bars,
    };
    Chart {
        file: "throughput.svg".to_string(),
        caption: "Requests per second of each client".to_string(),
        svg: chart.to_svg(),
    }
}
