//! Start cost, and when not to bother: what each tool costs before it saves anything.
//!
//! lesson-processes' `start_a_process` (this program started again as the lesson's worker,
//! answering a ping), `start_a_thread` and `start_a_task`, one after another, many times over;
//! then what a program pays once to use async at all (a runtime, a client). The Python side is
//! `overheads.py`: `asyncio.run`, a thread, a `ThreadPoolExecutor(1)`, a `ProcessPoolExecutor(1)`,
//! `requests.Session()` and `httpx.AsyncClient()`.
//!
//! Then the choice itself, on real waiting: 1, 2 and 4 GETs of a slow endpoint, made one after
//! another or together, each way making its client (and runtime, or pool) inside the timing, as a
//! small script does. With one call there is nothing to overlap; from two on, overlapping saves a
//! latency per extra call and pays its fixed cost once.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use lesson_kit::measure::format_duration;
use lesson_kit::{LocalServer, ServerConfig};
use lesson_processes::start_cost::{start_a_process, start_a_task, start_a_thread};
use serde::Deserialize;

use super::{Context, PYTHON_LIMIT, progress};
use crate::plan::Plan;
use crate::python::Python;
use crate::report::{Figures, Row, Section, Versus};
use crate::stats::{Spread, Unit, format_ratio};

/// What `overheads.py` prints.
#[derive(Debug, Deserialize)]
struct PythonOverheads {
    start_method: String,
    /// By name: asyncio_run, thread_start_join, thread_pool_one_job, process_pool_one_job.
    fixed_s: BTreeMap<String, Vec<f64>>,
    /// By name: requests_session, httpx_async_client.
    #[serde(default)]
    clients_s: BTreeMap<String, Vec<f64>>,
    #[serde(default)]
    batches: Vec<PythonBatch>,
}

#[derive(Debug, Deserialize)]
struct PythonBatch {
    calls: usize,
    sequential_s: Vec<f64>,
    thread_pool_s: Vec<f64>,
    gather_s: Vec<f64>,
}

/// Python's fixed costs, in the report's order: (its name in the script's JSON and in the key
/// `python.overheads.NAME`, what it is).
const PYTHON_FIXED: [(&str, &str); 6] = [
    (
        "asyncio_run",
        "Python: `asyncio.run` of a coroutine that returns at once",
    ),
    (
        "thread_start_join",
        "Python: start a `threading.Thread` and join it",
    ),
    (
        "thread_pool_one_job",
        "Python: a `ThreadPoolExecutor(1)`, one job, shut down",
    ),
    (
        "process_pool_one_job",
        "Python: a `ProcessPoolExecutor(1)`, one job, shut down",
    ),
    (
        "requests_session",
        "Python: make and close a `requests.Session()`",
    ),
    (
        "httpx_async_client",
        "Python: enter and exit an `httpx.AsyncClient()` (in `asyncio.run`)",
    ),
];

/// One way of making a small batch of calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum BatchWay {
    RustSequential,
    RustJoinAll,
    PythonSequential,
    PythonThreadPool,
    PythonGather,
}

impl BatchWay {
    fn name(self) -> &'static str {
        match self {
            BatchWay::RustSequential => "Rust: one by one, a blocking reqwest client",
            BatchWay::RustJoinAll => "Rust: join_all, a runtime and a reqwest client",
            BatchWay::PythonSequential => "Python: one by one, a requests.Session",
            BatchWay::PythonThreadPool => "Python: ThreadPoolExecutor, a thread per call",
            BatchWay::PythonGather => "Python: asyncio.gather, an httpx.AsyncClient",
        }
    }

    /// Its key in report.json for a batch of `calls`: `rust.starts.calls_2_join_all`,
    /// `python.overheads.calls_2_gather`.
    fn key(self, calls: usize) -> String {
        let (side, way) = match self {
            BatchWay::RustSequential => ("rust.starts", "sequential"),
            BatchWay::RustJoinAll => ("rust.starts", "join_all"),
            BatchWay::PythonSequential => ("python.overheads", "sequential"),
            BatchWay::PythonThreadPool => ("python.overheads", "thread_pool"),
            BatchWay::PythonGather => ("python.overheads", "gather"),
        };
        format!("{side}.calls_{calls}_{way}")
    }

    fn is_sequential(self) -> bool {
        matches!(self, BatchWay::RustSequential | BatchWay::PythonSequential)
    }
}

pub fn run(plan: &Plan, context: &Context) -> anyhow::Result<Section> {
    progress(&format!(
        "Start cost: {} processes, threads, tasks, runtimes and clients",
        plan.starts
    ));
    // One thread runs the tasks, as in lesson-processes: no other thread is involved.
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    let mut starts: BTreeMap<&str, Spread> = BTreeMap::new();
    for _ in 0..plan.starts {
        let mut add = |name, took: Duration| starts.entry(name).or_default().push_duration(took);
        add("process", start_a_process(&context.own_program)?);
        add("thread", start_a_thread());
        add("task", runtime.block_on(start_a_task()));
        add("runtime", start_a_runtime()?);
        add("client", make_a_client()?);
    }

    let server = LocalServer::start(ServerConfig::default())?;
    let url = server.url(&format!("/delay/{}", plan.batches.delay.as_millis()));
    let mut batches: BTreeMap<(usize, BatchWay), Spread> = BTreeMap::new();
    for &calls in &plan.batches.calls {
        progress(&format!(
            "Start cost: {calls} GETs of {} ms, one by one and with join_all",
            plan.batches.delay.as_millis()
        ));
        for _ in 0..plan.runs {
            batches
                .entry((calls, BatchWay::RustSequential))
                .or_default()
                .push_duration(one_by_one(&url, calls)?);
            batches
                .entry((calls, BatchWay::RustJoinAll))
                .or_default()
                .push_duration(together(&url, calls)?);
        }
    }

    let mut notes = Vec::new();
    let python =
        context
            .python
            .as_ref()
            .and_then(|python| match python_overheads(python, plan, &server) {
                Ok(overheads) => Some(overheads),
                Err(error) => {
                    notes.push(format!("Python overheads.py failed: {error:#}"));
                    None
                }
            });
    if let Some(python) = &python {
        for batch in &python.batches {
            for (way, runs) in [
                (BatchWay::PythonSequential, &batch.sequential_s),
                (BatchWay::PythonThreadPool, &batch.thread_pool_s),
                (BatchWay::PythonGather, &batch.gather_s),
            ] {
                batches.insert((batch.calls, way), Spread::of(runs.iter().copied()));
            }
        }
    }
    Ok(section(plan, &starts, &batches, python.as_ref(), notes))
}

/// A current-thread tokio runtime built, a future that returns at once run on it, and the runtime
/// dropped: what `#[tokio::main]` costs a small program (asyncio.run's counterpart).
fn start_a_runtime() -> anyhow::Result<Duration> {
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {});
    drop(runtime);
    Ok(started.elapsed())
}

/// A reqwest client made and dropped, with no request.
fn make_a_client() -> anyhow::Result<Duration> {
    let started = Instant::now();
    let client = reqwest::Client::builder().build()?;
    drop(client);
    Ok(started.elapsed())
}

/// `calls` GETs one after another with a blocking client made for them: the plain program.
fn one_by_one(url: &str, calls: usize) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let client = reqwest::blocking::Client::builder().build()?;
    for _ in 0..calls {
        client.get(url).send()?.error_for_status()?;
    }
    drop(client);
    Ok(started.elapsed())
}

/// `calls` GETs at once with `join_all`, on a runtime and a client made for them.
fn together(url: &str, calls: usize) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let client = reqwest::Client::builder().build()?;
        let answers = futures::future::join_all((0..calls).map(|_| client.get(url).send())).await;
        for answer in answers {
            answer?.error_for_status()?;
        }
        anyhow::Ok(())
    })?;
    drop(runtime);
    Ok(started.elapsed())
}

fn python_overheads(
    python: &Python,
    plan: &Plan,
    server: &LocalServer,
) -> anyhow::Result<PythonOverheads> {
    progress("Start cost: Python's fixed costs and small batches (overheads.py)");
    let mut args = vec![
        "--repeats".to_string(),
        plan.starts.min(50).to_string(),
        "--batch-repeats".to_string(),
        plan.runs.to_string(),
        "--server".to_string(),
        server.url(""),
        "--delay-ms".to_string(),
        plan.batches.delay.as_millis().to_string(),
        "--calls".to_string(),
    ];
    args.extend(plan.batches.calls.iter().map(ToString::to_string));
    python
        .run("overheads.py", &args, PYTHON_LIMIT)
        .context("python overheads.py")
}

fn section(
    plan: &Plan,
    starts: &BTreeMap<&str, Spread>,
    batches: &BTreeMap<(usize, BatchWay), Spread>,
    python: Option<&PythonOverheads>,
    notes: Vec<String>,
) -> Section {
    let mut figures = Figures::default();
    let mut rows = Vec::new();
    let start = |name: &str| starts.get(name).cloned().unwrap_or_default();
    let (process, thread, task, runtime, client) = (
        start("process"),
        start("thread"),
        start("task"),
        start("runtime"),
        start("client"),
    );
    rows.push(Row::against(
        "start a process, ping it, wait for it to exit",
        Unit::Seconds,
        &process,
        format!("a thread: {}", format_median(&thread)),
        process.median() / thread.median(),
    ));
    rows.push(Row::against(
        "start a thread and join it",
        Unit::Seconds,
        &thread,
        format!("a task: {}", format_median(&task)),
        thread.median() / task.median(),
    ));
    rows.push(Row::reference(
        "spawn a tokio task and await it",
        Unit::Seconds,
        &task,
    ));
    rows.push(Row::reference(
        "build a current-thread tokio runtime, run nothing on it, drop it",
        Unit::Seconds,
        &runtime,
    ));
    rows.push(Row::reference(
        "make a reqwest::Client (no request)",
        Unit::Seconds,
        &client,
    ));
    for (key, what, spread) in [
        (
            "rust.starts.process",
            "start a process, ping it, wait for it to exit",
            &process,
        ),
        ("rust.starts.thread", "start a thread and join it", &thread),
        ("rust.starts.task", "spawn a tokio task and await it", &task),
        (
            "rust.starts.runtime",
            "build a current-thread tokio runtime and drop it",
            &runtime,
        ),
        ("rust.starts.client", "make a reqwest::Client", &client),
    ] {
        figures.measured(key, what, Unit::Seconds, spread);
    }
    figures.value(
        "rust.starts.process_in_tasks",
        "a process start ÷ a task start",
        Unit::Ratio,
        process.median() / task.median(),
    );

    let mut versus = Vec::new();
    if let Some(python) = python {
        figures.fact(
            "python.overheads.start_method",
            "multiprocessing's start method on this system",
            python.start_method.clone(),
        );
        for (name, what) in PYTHON_FIXED {
            let runs = python
                .fixed_s
                .get(name)
                .or_else(|| python.clients_s.get(name));
            let Some(runs) = runs else { continue };
            let spread = Spread::of(runs.iter().copied());
            rows.push(Row::reference(what, Unit::Seconds, &spread));
            figures.measured(
                format!("python.overheads.{name}"),
                what,
                Unit::Seconds,
                &spread,
            );
        }
        let python_fixed = |name: &str| {
            python
                .fixed_s
                .get(name)
                .or_else(|| python.clients_s.get(name))
                .map(|runs| Spread::of(runs.iter().copied()))
        };
        for (what, rust, name) in [
            ("start a thread and join it", &thread, "thread_start_join"),
            (
                "an event loop: a tokio runtime vs asyncio.run",
                &runtime,
                "asyncio_run",
            ),
            (
                "a process doing one job: a worker process vs ProcessPoolExecutor(1)",
                &process,
                "process_pool_one_job",
            ),
            (
                "an async HTTP client: reqwest::Client vs httpx.AsyncClient",
                &client,
                "httpx_async_client",
            ),
        ] {
            if let Some(python_runs) = python_fixed(name) {
                versus.push(Versus::lower_is_better(
                    format!("fixed cost, {what}"),
                    Unit::Seconds,
                    rust,
                    &python_runs,
                ));
            }
        }
    }

    let delay = plan.batches.delay;
    for (&(calls, way), spread) in batches {
        let ideal = if way.is_sequential() {
            delay * calls as u32
        } else {
            delay
        };
        rows.push(Row::against(
            format!(
                "{} of {} ms, {}",
                gets(calls),
                delay.as_millis(),
                way.name()
            ),
            Unit::Seconds,
            spread,
            format_duration(ideal),
            spread.median() / ideal.as_secs_f64(),
        ));
        figures.measured(
            way.key(calls),
            format!(
                "{} of {} ms, {}",
                gets(calls),
                delay.as_millis(),
                way.name()
            ),
            Unit::Seconds,
            spread,
        );
    }
    figures.value(
        "starts.batch_delay",
        "the latency of each GET in the small batches",
        Unit::Seconds,
        delay.as_secs_f64(),
    );

    let headlines = batch_headline(plan, batches).into_iter().collect();
    Section {
        title: "Start cost, and when not to bother".to_string(),
        intro: format!(
            "Each start timed {} times, one at a time, from \"start it\" to \"it has finished and \
             we know\"; the median with the fastest and slowest. The process is this program, \
             started again as lesson-processes' worker (it answers a ping and exits). Then {} \
             GETs of a {} ms endpoint, one by one or together, each way making its client (and \
             runtime, or pool) inside the timing, as a small script does; the ideal is one \
             latency per call one by one, one latency in all together.",
            plan.starts,
            plan.batches
                .calls
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            delay.as_millis()
        ),
        rows,
        reading: "Ratio: a start ÷ the next cheaper one; a batch ÷ its ideal.".to_string(),
        notes: {
            let mut notes = notes;
            notes.push(format!(
                "A process costs as much as {:.0} tasks.",
                process.median() / task.median()
            ));
            notes
        },
        versus,
        headlines,
        figures,
        ..Section::default()
    }
}

/// "When not to bother: one GET of 100 ms one by one 103 ms, together 105 ms; two ...".
fn batch_headline(plan: &Plan, batches: &BTreeMap<(usize, BatchWay), Spread>) -> Option<String> {
    let delay = plan.batches.delay.as_millis();
    let parts: Vec<String> = plan
        .batches
        .calls
        .iter()
        .filter_map(|&calls| {
            let sequential = batches.get(&(calls, BatchWay::RustSequential))?.median();
            let together = batches.get(&(calls, BatchWay::RustJoinAll))?.median();
            Some(format!(
                "{calls}: {} one by one, {} with join_all ({})",
                Unit::Seconds.format(sequential),
                Unit::Seconds.format(together),
                format_ratio(sequential / together)
            ))
        })
        .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "When not to bother, Rust, GETs of {delay} ms with the client made inside the timing: \
             {}.",
            parts.join("; ")
        )
    })
}

/// "1 GET", "4 GETs".
fn gets(calls: usize) -> String {
    if calls == 1 {
        "1 GET".to_string()
    } else {
        format!("{calls} GETs")
    }
}

fn format_median(spread: &Spread) -> String {
    format_duration(Duration::from_secs_f64(spread.median().max(0.0)))
}
