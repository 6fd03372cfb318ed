//! I/O schedule: N GETs of `/delay/{L}` at concurrency C, by threads and by tokio, each against the
//! ideal ceil(N / C) × L.
//!
//! The lessons claim that waiting costs no CPU, so that a program's only limit on N slow requests
//! is how many it keeps in flight. Here are the three ways the lessons teach (lesson-threads' worker
//! pool with a blocking client; lesson-semaphores' `Semaphore` with `join_all`, and its
//! `buffer_unordered`) and the two classic Python ones, at several concurrencies, timed against
//! that ideal, with the server's own count of requests in flight as a check on the bound.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use lesson_kit::measure::{format_duration, ideal_io_time};
use lesson_kit::{LocalServer, ServerConfig, Timeline};
use lesson_semaphores::semaphore::fetch_bounded;
use lesson_semaphores::streams::fetch_unordered;
use lesson_threads::worker_pool::fetch_with_pool;
use reqwest::StatusCode;
use serde::Deserialize;
use tokio::runtime::Runtime;

use super::{Context, PYTHON_LIMIT, progress, span_seconds};
use crate::plan::Plan;
use crate::python::Python;
use crate::report::{Chart, Figures, Row, Section, Versus};
use crate::stats::{Spread, Unit, format_ratio};
use crate::svg::{LineChart, Panel, Series, TimelineChart, pack_into_lanes};

/// One way of making the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Way {
    PoolOfThreads,
    Semaphore,
    BufferUnordered,
    PythonThreadPool,
    PythonGather,
}

impl Way {
    const ALL: [Way; 5] = [
        Way::PoolOfThreads,
        Way::Semaphore,
        Way::BufferUnordered,
        Way::PythonThreadPool,
        Way::PythonGather,
    ];

    fn name(self) -> &'static str {
        match self {
            Way::PoolOfThreads => "threads: worker pool + blocking reqwest",
            Way::Semaphore => "tokio: Semaphore + join_all",
            Way::BufferUnordered => "tokio: buffer_unordered",
            Way::PythonThreadPool => "Python: ThreadPoolExecutor + requests",
            Way::PythonGather => "Python: asyncio.gather + Semaphore + httpx",
        }
    }

    fn is_python(self) -> bool {
        matches!(self, Way::PythonThreadPool | Way::PythonGather)
    }

    /// The start of its keys in report.json: `rust.io.semaphore.c_50` for its wall time at
    /// C = 50, `python.httpx_gather.c_50` for Python's.
    fn key(self) -> &'static str {
        match self {
            Way::PoolOfThreads => "rust.io.worker_pool",
            Way::Semaphore => "rust.io.semaphore",
            Way::BufferUnordered => "rust.io.buffer_unordered",
            Way::PythonThreadPool => "python.thread_pool",
            Way::PythonGather => "python.httpx_gather",
        }
    }

    /// One word for it, in the keys that compare two ways.
    fn word(self) -> &'static str {
        match self {
            Way::PoolOfThreads => "worker_pool",
            Way::Semaphore => "semaphore",
            Way::BufferUnordered => "buffer_unordered",
            Way::PythonThreadPool => "thread_pool",
            Way::PythonGather => "gather",
        }
    }
}

/// How one batch went.
#[derive(Debug)]
struct Batch {
    wall: Duration,
    failures: usize,
    /// Each request's (start, end), when asked for.
    spans: Vec<(f64, f64)>,
}

/// What `thread_pool.py` and `httpx_gather.py` print.
#[derive(Debug, Deserialize)]
struct PythonBatch {
    wall_s: f64,
    #[serde(default)]
    cpu_s: Option<f64>,
    succeeded: usize,
    failures: BTreeMap<String, usize>,
    #[serde(default)]
    spans: Vec<(f64, f64)>,
}

/// The server, the clients and the runtime every batch shares.
struct Requests<'a> {
    server: LocalServer,
    url: String,
    urls: Vec<String>,
    runtime: Runtime,
    client: reqwest::Client,
    blocking_client: reqwest::blocking::Client,
    python: Option<&'a Python>,
}

pub fn run(plan: &Plan, context: &Context) -> anyhow::Result<Section> {
    let io = &plan.io;
    let server = LocalServer::start(ServerConfig::default())?;
    let url = server.url(&format!("/delay/{}", io.delay.as_millis()));
    let requests = Requests {
        urls: vec![url.clone(); io.requests],
        url,
        server,
        // Built outside any runtime: the blocking client runs one of its own inside.
        blocking_client: reqwest::blocking::Client::builder().build()?,
        client: reqwest::Client::builder().build()?,
        runtime: Runtime::new()?,
        python: context.python.as_ref(),
    };
    let ways: Vec<Way> = Way::ALL
        .into_iter()
        .filter(|way| !way.is_python() || requests.python.is_some())
        .collect();

    let mut walls: BTreeMap<(usize, Way), Spread> = BTreeMap::new();
    let mut notes = Vec::new();
    let mut panels: BTreeMap<Way, Panel> = BTreeMap::new();
    let mut unbounded = None;
    for run in 0..plan.runs {
        for &concurrency in &io.concurrencies {
            let sent = if concurrency == 1 {
                io.sequential_sample.min(io.requests)
            } else {
                io.requests
            };
            for &way in &ways {
                progress(&format!(
                    "I/O schedule, run {} of {}: {}, {sent} GETs at C = {concurrency}",
                    run + 1,
                    plan.runs,
                    way.name()
                ));
                let draw = run == 0 && concurrency == io.timeline_concurrency;
                requests.server.reset_stats();
                let batch = match requests.batch(way, sent, concurrency, draw) {
                    Ok(batch) => batch,
                    Err(error) if way.is_python() => {
                        notes.push(format!(
                            "{} at C = {concurrency} failed: {error:#}",
                            way.name()
                        ));
                        continue;
                    }
                    Err(error) => return Err(error),
                };
                let peak = requests.server.stats().peak_in_flight;
                if peak != concurrency.min(sent) {
                    notes.push(format!(
                        "{} at C = {concurrency}: the server saw at most {peak} requests in \
                         flight at once (run {}).",
                        way.name(),
                        run + 1
                    ));
                }
                if batch.failures > 0 {
                    notes.push(format!(
                        "{} at C = {concurrency}: {} of {sent} requests failed (run {}).",
                        way.name(),
                        batch.failures,
                        run + 1
                    ));
                }
                let extrapolated = batch.wall.as_secs_f64() * io.requests as f64 / sent as f64;
                walls
                    .entry((concurrency, way))
                    .or_default()
                    .push(extrapolated);
                // thread_pool.py reports no spans: there is nothing to draw for it.
                if draw && way != Way::PythonThreadPool {
                    panels.insert(
                        way,
                        Panel {
                            name: format!("{}, C = {concurrency}", way.name()),
                            lanes: pack_into_lanes(&batch.spans),
                            ideal_end: Some(
                                ideal_io_time(io.requests, io.delay, concurrency).as_secs_f64(),
                            ),
                        },
                    );
                }
            }
        }
        if let Some(python) = requests.python.filter(|_| run == 0 && !plan.quick) {
            match unbounded_gather(python, &requests.url, io.requests) {
                Ok(batch) => unbounded = Some(batch),
                Err(error) => {
                    notes.push(format!("Python gather with no Semaphore failed: {error:#}"))
                }
            }
        }
    }
    notes.dedup();
    let mut section = section(plan, &walls, notes, panels);
    if let Some(batch) = unbounded {
        add_unbounded_gather(&mut section, io.requests, io.delay, &batch);
    }
    Ok(section)
}

impl Requests<'_> {
    fn batch(
        &self,
        way: Way,
        sent: usize,
        concurrency: usize,
        spans: bool,
    ) -> anyhow::Result<Batch> {
        let timeline = Timeline::new();
        let started = Instant::now();
        let failures = match way {
            Way::PoolOfThreads => {
                let mut failures = 0;
                fetch_with_pool(
                    &self.blocking_client,
                    &self.urls[..sent],
                    concurrency,
                    &timeline,
                    |fetched| failures += usize::from(!succeeded(&fetched.result)),
                );
                failures
            }
            Way::Semaphore => {
                let results = self.runtime.block_on(fetch_bounded(
                    &self.client,
                    &self.url,
                    sent,
                    concurrency,
                    &timeline,
                ));
                results.iter().filter(|result| !succeeded(result)).count()
            }
            Way::BufferUnordered => {
                let results = self.runtime.block_on(fetch_unordered(
                    &self.client,
                    &self.urls[..sent],
                    concurrency,
                    &timeline,
                ));
                results
                    .iter()
                    .filter(|(_, result)| !succeeded(result))
                    .count()
            }
            Way::PythonThreadPool | Way::PythonGather => {
                return self.python_batch(way, sent, concurrency, spans);
            }
        };
        Ok(Batch {
            wall: started.elapsed(),
            failures,
            spans: span_seconds(&timeline.spans()),
        })
    }

    fn python_batch(
        &self,
        way: Way,
        sent: usize,
        concurrency: usize,
        spans: bool,
    ) -> anyhow::Result<Batch> {
        let python = self.python.context("the Python side is not ready")?;
        let mut args = vec![
            "--url".to_string(),
            self.url.clone(),
            "--requests".to_string(),
            sent.to_string(),
        ];
        let script = if way == Way::PythonThreadPool {
            args.extend(["--workers".to_string(), concurrency.to_string()]);
            "thread_pool.py"
        } else {
            args.extend(["--concurrency".to_string(), concurrency.to_string()]);
            if spans {
                args.push("--spans".to_string());
            }
            "httpx_gather.py"
        };
        let batch: PythonBatch = python.run(script, &args, PYTHON_LIMIT)?;
        Ok(Batch {
            wall: Duration::try_from_secs_f64(batch.wall_s)?,
            failures: sent.saturating_sub(batch.succeeded),
            spans: batch.spans,
        })
    }
}

fn succeeded(result: &Result<StatusCode, reqwest::Error>) -> bool {
    matches!(result, Ok(status) if status.is_success())
}

/// The design notes' first Python fact: `gather` over every request at once, with no semaphore and
/// a default `AsyncClient`, whose pool of 100 connections makes the rest wait past its timeout.
fn unbounded_gather(python: &Python, url: &str, requests: usize) -> anyhow::Result<PythonBatch> {
    progress(&format!(
        "I/O schedule: Python gather of {requests} GETs with no Semaphore"
    ));
    let args = [
        "--url".to_string(),
        url.to_string(),
        "--requests".to_string(),
        requests.to_string(),
        "--concurrency".to_string(),
        "0".to_string(),
    ];
    python.run::<PythonBatch>("httpx_gather.py", &args, PYTHON_LIMIT)
}

/// The unbounded gather as a note and as figures: how many succeeded, and how the others failed.
fn add_unbounded_gather(
    section: &mut Section,
    requests: usize,
    delay: Duration,
    batch: &PythonBatch,
) {
    // "900 PoolTimeout, 100 ConnectTimeout", the most frequent first.
    let mut by_count: Vec<(&String, &usize)> = batch.failures.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let failures: Vec<String> = by_count
        .into_iter()
        .map(|(kind, count)| format!("{count} {kind}"))
        .collect();
    section.notes.push(format!(
        "Python `asyncio.gather` of all {requests} GETs at once with no Semaphore and a default \
         `httpx.AsyncClient` (one run): {} of {requests} succeeded in {:.1} s; failures: {}.",
        batch.succeeded,
        batch.wall_s,
        if failures.is_empty() {
            "none".to_string()
        } else {
            failures.join(", ")
        }
    ));
    let what = format!(
        "Python asyncio.gather of all {requests} GETs at once, no Semaphore, default \
         httpx.AsyncClient (one run)"
    );
    // `python.httpx_gather.succeeded` and the like: as the book asks for them.
    let figures = &mut section.figures;
    let key = "python.httpx_gather";
    figures.value(
        format!("{key}.requests"),
        format!("{what}: requests sent"),
        Unit::Count,
        requests as f64,
    );
    figures.value(
        format!("{key}.delay"),
        format!("{what}: the server's delay per GET"),
        Unit::Seconds,
        delay.as_secs_f64(),
    );
    figures.value(
        format!("{key}.succeeded"),
        format!("{what}: requests that succeeded"),
        Unit::Count,
        batch.succeeded as f64,
    );
    figures.value(
        format!("{key}.failed"),
        format!("{what}: requests that failed"),
        Unit::Count,
        requests.saturating_sub(batch.succeeded) as f64,
    );
    figures.fact(
        format!("{key}.failures"),
        format!("{what}: the failures by kind"),
        if failures.is_empty() {
            "none".to_string()
        } else {
            failures.join(", ")
        },
    );
    // The kinds the design notes name are always given, so a kind that stops occurring reads 0.
    let mut kinds = batch.failures.clone();
    for kind in ["PoolTimeout", "ConnectTimeout"] {
        kinds.entry(kind.to_string()).or_insert(0);
    }
    for (kind, count) in kinds {
        figures.value(
            format!("{key}.failures.{kind}"),
            format!("{what}: requests that failed with {kind}"),
            Unit::Count,
            count as f64,
        );
    }
    figures.value(
        format!("{key}.wall"),
        format!("{what}: wall time"),
        Unit::Seconds,
        batch.wall_s,
    );
    if let Some(cpu) = batch.cpu_s {
        figures.value(
            format!("{key}.cpu"),
            format!("{what}: CPU time of the Python process"),
            Unit::Seconds,
            cpu,
        );
    }
}

fn section(
    plan: &Plan,
    walls: &BTreeMap<(usize, Way), Spread>,
    notes: Vec<String>,
    panels: BTreeMap<Way, Panel>,
) -> Section {
    let io = &plan.io;
    let ideal = |concurrency: usize| ideal_io_time(io.requests, io.delay, concurrency);
    let mut rows = Vec::new();
    let mut figures = Figures::default();
    for (&(concurrency, way), spread) in walls {
        let sample = if concurrency == 1 {
            let sent = io.sequential_sample.min(io.requests);
            format!(" (the first {sent}, × {})", io.requests / sent.max(1))
        } else {
            String::new()
        };
        let ideal = ideal(concurrency);
        rows.push(Row::against(
            format!("{}, C = {concurrency}{sample}", way.name()),
            Unit::Seconds,
            spread,
            format_duration(ideal),
            spread.median() / ideal.as_secs_f64(),
        ));
        let what = format!(
            "{} GETs of {} ms, {}, C = {concurrency}{sample}",
            io.requests,
            io.delay.as_millis(),
            way.name()
        );
        figures.measured(
            format!("{}.c_{concurrency}", way.key()),
            format!("{what}: wall time"),
            Unit::Seconds,
            spread,
        );
        figures.value(
            format!("{}.c_{concurrency}.of_ideal", way.key()),
            format!("{what}: wall time ÷ ceil(N/C) × latency"),
            Unit::Ratio,
            spread.median() / ideal.as_secs_f64(),
        );
    }
    for &concurrency in &io.concurrencies {
        figures.value(
            format!("io.c_{concurrency}.ideal"),
            format!(
                "the ideal for {} GETs of {} ms at C = {concurrency}: ceil(N/C) × latency",
                io.requests,
                io.delay.as_millis()
            ),
            Unit::Seconds,
            ideal(concurrency).as_secs_f64(),
        );
    }
    figures.value(
        "io.requests",
        "GETs in each batch",
        Unit::Count,
        io.requests as f64,
    );
    figures.value(
        "io.delay",
        "the latency of each GET",
        Unit::Seconds,
        io.delay.as_secs_f64(),
    );

    let mut versus = Vec::new();
    for &concurrency in io.concurrencies.iter().filter(|&&c| c > 1) {
        for (rust, python) in [
            (Way::Semaphore, Way::PythonGather),
            (Way::PoolOfThreads, Way::PythonThreadPool),
        ] {
            if let (Some(rust_wall), Some(python_wall)) = (
                walls.get(&(concurrency, rust)),
                walls.get(&(concurrency, python)),
            ) {
                let row = Versus::lower_is_better(
                    format!(
                        "{} GETs of {} ms at C = {concurrency}: {} vs {}",
                        io.requests,
                        io.delay.as_millis(),
                        way_short(rust),
                        way_short(python)
                    ),
                    Unit::Seconds,
                    rust_wall,
                    python_wall,
                );
                figures.value(
                    format!(
                        "io.versus.c_{concurrency}.{}_vs_{}",
                        rust.word(),
                        python.word()
                    ),
                    format!("Python's wall time ÷ Rust's: {}", row.what),
                    Unit::Ratio,
                    row.advantage,
                );
                versus.push(row);
            }
        }
    }

    Section {
        title: format!(
            "I/O schedule: {} GETs of /delay/{}",
            io.requests,
            io.delay.as_millis()
        ),
        intro: format!(
            "{n} GETs of a local endpoint that answers after {l} ms, with at most C in flight. \
             Waiting costs no CPU, so the ideal is ceil({n} / C) × {l} ms: the number of waves \
             times the latency. Rust uses the lessons' own functions: lesson-threads' \
             `fetch_with_pool`, lesson-semaphores' `fetch_bounded` and `fetch_unordered`. C = 1 \
             is timed on the first few requests and scaled up to {n}.",
            n = io.requests,
            l = io.delay.as_millis()
        ),
        rows,
        reading: "Ratio: measured time ÷ ideal time. 1.00× is the ideal; 1.10× is 10 % slower."
            .to_string(),
        headlines: headline(plan, walls).into_iter().collect(),
        notes,
        charts: vec![scaling_chart(plan, walls), timeline_chart(plan, panels)],
        versus,
        figures,
        ..Section::default()
    }
}

fn way_short(way: Way) -> &'static str {
    match way {
        Way::PoolOfThreads => "worker pool",
        Way::Semaphore => "tokio Semaphore",
        Way::BufferUnordered => "buffer_unordered",
        Way::PythonThreadPool => "ThreadPoolExecutor",
        Way::PythonGather => "asyncio + httpx",
    }
}

/// "I/O schedules vs ideal: Rust 1.00×–1.03× ..., Python ...".
fn headline(plan: &Plan, walls: &BTreeMap<(usize, Way), Spread>) -> Option<String> {
    let io = &plan.io;
    let bounded: Vec<usize> = io
        .concurrencies
        .iter()
        .copied()
        .filter(|&c| c > 1)
        .collect();
    let range = |ways: &[Way]| {
        let ratios: Vec<f64> = walls
            .iter()
            .filter(|((c, way), _)| bounded.contains(c) && ways.contains(way))
            .map(|(&(c, _), spread)| {
                spread.median() / ideal_io_time(io.requests, io.delay, c).as_secs_f64()
            })
            .collect();
        let low = ratios.iter().copied().reduce(f64::min)?;
        let high = ratios.iter().copied().reduce(f64::max)?;
        Some(format!("{}–{}", format_ratio(low), format_ratio(high)))
    };
    let concurrencies: Vec<String> = bounded.iter().map(ToString::to_string).collect();
    let mut headline = format!(
        "I/O schedules vs ideal ceil(N/C)·L ({} GETs of {} ms, C = {}): Rust threads, Semaphore \
         and buffer_unordered at {} of ideal",
        io.requests,
        io.delay.as_millis(),
        concurrencies.join(", "),
        range(&[Way::PoolOfThreads, Way::Semaphore, Way::BufferUnordered])?
    );
    if let Some(threads) = range(&[Way::PythonThreadPool]) {
        headline.push_str(&format!("; Python ThreadPoolExecutor {threads}"));
    }
    if let Some(gather) = range(&[Way::PythonGather]) {
        headline.push_str(&format!("; Python asyncio + httpx {gather}"));
    }
    headline.push('.');
    Some(headline)
}

fn scaling_chart(plan: &Plan, walls: &BTreeMap<(usize, Way), Spread>) -> Chart {
    let io = &plan.io;
    let mut series = vec![Series::ideal(
        "ideal: ceil(N/C) × L",
        io.concurrencies
            .iter()
            .map(|&c| {
                (
                    c as f64,
                    ideal_io_time(io.requests, io.delay, c).as_secs_f64(),
                )
            })
            .collect(),
    )];
    for way in Way::ALL {
        let points: Vec<(f64, f64)> = walls
            .iter()
            .filter(|((_, w), _)| *w == way)
            .map(|(&(c, _), spread)| (c as f64, spread.median()))
            .collect();
        if !points.is_empty() {
            series.push(Series::measured(way_short(way), points));
        }
    }
    let chart = LineChart {
        title: format!(
            "{} GETs of {} ms: wall time against concurrency",
            io.requests,
            io.delay.as_millis()
        ),
        x_label: "requests in flight at most (C)".to_string(),
        y_label: "seconds (median)".to_string(),
        x_log: true,
        y_log: true,
        series,
    };
    Chart {
        file: "io-scaling.svg".to_string(),
        caption: "Wall time against concurrency, beside the ideal".to_string(),
        svg: chart.to_svg(),
    }
}

fn timeline_chart(plan: &Plan, panels: BTreeMap<Way, Panel>) -> Chart {
    let io = &plan.io;
    let chart = TimelineChart {
        title: format!(
            "{} GETs of {} ms at C = {}: each request's bar, in lanes",
            io.requests,
            io.delay.as_millis(),
            io.timeline_concurrency
        ),
        panels: panels.into_values().collect(),
    };
    Chart {
        file: "io-timeline.svg".to_string(),
        caption: format!("When each request ran, at C = {}", io.timeline_concurrency),
        svg: chart.to_svg(),
    }
}
