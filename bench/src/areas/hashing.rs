//! CPU: SHA-256 over 1 GiB of deterministic data, on one thread, on every core, in processes.
//!
//! The lessons claim CPU work spreads over the cores with rayon (lesson-processes), with plain
//! scoped threads (lesson-threads: Rust has no GIL), or in worker processes, and that the ideal is
//! cores × the single-core rate. Every way hashes the very same buffers (the kit's deterministic
//! data, seeds 0, 1, 2, ...) and must produce the same digests; the Python original downloads the
//! same bytes from the kit server and must produce them too.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use lesson_kit::Timeline;
use lesson_kit::data::deterministic_buffers;
use lesson_kit::measure::{format_bytes, format_duration, format_rate};
use lesson_kit::{LocalServer, ServerConfig};
use lesson_processes::child_processes::{digest_in, run_worker};
use lesson_processes::parallel_hashing::{
    hash_in_parallel, hash_in_parallel_traced, hash_one_by_one, hex,
};
use lesson_processes::worker::Job;
use lesson_threads::no_gil::hash_on_threads;
use lesson_threads::worker_pool::run_pool;
use serde::Deserialize;

use super::{Context, PYTHON_LIMIT, progress, span_seconds};
use crate::plan::Plan;
use crate::python::Python;
use crate::report::{Chart, Row, Section, Versus};
use crate::stats::{Spread, Unit, format_ratio};
use crate::svg::{LineChart, Panel, Series, TimelineChart};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Way {
    OneThread,
    Rayon,
    ScopedThreads,
    WorkerProcesses,
    PythonOneCore,
    PythonProcessPool,
    PythonThreadPool,
}

impl Way {
    fn name(self, cores: usize) -> String {
        match self {
            Way::OneThread => "1 thread (`hash_one_by_one`): the single-core rate".to_string(),
            Way::Rayon => format!("rayon `par_iter` on {cores} threads"),
            Way::ScopedThreads => format!("`thread::scope`, {cores} threads (`hash_on_threads`)"),
            Way::WorkerProcesses => format!("worker processes, {cores} at a time, data piped in"),
            Way::PythonOneCore => "Python hashlib, 1 core: its single-core rate".to_string(),
            Way::PythonProcessPool => {
                format!("Python ProcessPoolExecutor({cores}), buffers pickled")
            }
            Way::PythonThreadPool => {
                format!("Python ThreadPoolExecutor({cores}) (hashlib lets go of the GIL)")
            }
        }
    }

    fn is_python(self) -> bool {
        matches!(
            self,
            Way::PythonOneCore | Way::PythonProcessPool | Way::PythonThreadPool
        )
    }
}

/// What `process_pool.py` prints.
#[derive(Debug, Deserialize)]
struct PythonHashing {
    download_s: f64,
    one_core_s: Vec<f64>,
    process_pool_s: Vec<f64>,
    thread_pool_s: Vec<f64>,
    digests: Vec<String>,
    ways_agree: bool,
}

pub fn run(plan: &Plan, context: &Context) -> anyhow::Result<Section> {
    let hashing = &plan.hashing;
    let cores = context.machine.cores;
    let total = hashing.total_bytes();
    progress(&format!(
        "CPU: making {} of deterministic data ({} buffers)",
        format_bytes(total),
        hashing.buffers
    ));
    let started = Instant::now();
    let buffers = deterministic_buffers(hashing.buffers, hashing.buffer_len);
    let made_in = started.elapsed();

    let mut seconds: BTreeMap<Way, Spread> = BTreeMap::new();
    // Seconds for 1, 2, ... 2 × cores scoped threads: the scaling curve.
    let mut by_threads: BTreeMap<usize, Spread> = BTreeMap::new();
    let expected: Vec<String> = hash_one_by_one(&buffers).iter().map(hex).collect();
    let mut disagreements = Vec::new();
    for run in 0..plan.runs {
        progress(&format!(
            "CPU, run {} of {}: SHA-256 of {}",
            run + 1,
            plan.runs,
            format_bytes(total)
        ));
        let mut check = |way: Way, digests: Vec<String>| {
            if digests != expected {
                disagreements.push(way.name(cores));
            }
        };
        let (digests, took) = timed(|| hash_one_by_one(&buffers));
        seconds
            .entry(Way::OneThread)
            .or_default()
            .push_duration(took);
        check(Way::OneThread, digests.iter().map(hex).collect());

        let (digests, took) = timed(|| hash_in_parallel(&buffers));
        seconds.entry(Way::Rayon).or_default().push_duration(took);
        check(Way::Rayon, digests.iter().map(hex).collect());

        for threads in 1..=2 * cores {
            let (digests, took) = timed(|| hash_on_threads(&buffers, threads, &Timeline::new()));
            by_threads.entry(threads).or_default().push_duration(took);
            if threads == cores {
                seconds
                    .entry(Way::ScopedThreads)
                    .or_default()
                    .push_duration(took);
            }
            check(Way::ScopedThreads, digests.iter().map(hex).collect());
        }

        let (digests, took) = timed(|| in_worker_processes(&context.own_program, &buffers, cores));
        seconds
            .entry(Way::WorkerProcesses)
            .or_default()
            .push_duration(took);
        check(Way::WorkerProcesses, digests?);
    }

    let mut notes = vec![format!(
        "The data was made in {} ({}).",
        format_duration(made_in),
        format_rate(total, made_in)
    )];
    if let Some(python) = &context.python {
        match python_hashing(python, plan, cores) {
            Ok(python_runs) => {
                if python_runs.digests != expected || !python_runs.ways_agree {
                    disagreements.push("Python".to_string());
                }
                notes.push(format!(
                    "Python downloaded the same {} from the kit server in {:.1} s (not timed).",
                    format_bytes(total),
                    python_runs.download_s
                ));
                seconds.insert(Way::PythonOneCore, Spread::of(python_runs.one_core_s));
                seconds.insert(
                    Way::PythonProcessPool,
                    Spread::of(python_runs.process_pool_s),
                );
                seconds.insert(Way::PythonThreadPool, Spread::of(python_runs.thread_pool_s));
            }
            Err(error) => notes.push(format!("Python hashing failed: {error:#}")),
        }
    }
    notes.push(
        "The process-based rows copy every buffer to a worker through a pipe (Python pickles \
         it first); the thread rows borrow the buffers in place. The gap between them is the \
         price of the copy."
            .to_string(),
    );
    disagreements.dedup();
    notes.push(if disagreements.is_empty() {
        "Every way produced the same digests.".to_string()
    } else {
        format!(
            "Digests that differ from one thread's: {}.",
            disagreements.join(", ")
        )
    });

    let rates: BTreeMap<Way, Spread> = seconds
        .iter()
        .map(|(&way, spread)| (way, spread.inverted(total as f64)))
        .collect();
    let thread_rates: BTreeMap<usize, Spread> = by_threads
        .iter()
        .map(|(&threads, spread)| (threads, spread.inverted(total as f64)))
        .collect();
    let timeline = rayon_timeline(&buffers);
    Ok(section(plan, cores, &rates, &thread_rates, notes, timeline))
}

fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let result = work();
    (result, started.elapsed())
}

/// Hashes every buffer in a child process of its own (this program with `--worker`), `workers`
/// of them at a time: lesson-threads' worker pool, each worker starting lesson-processes' worker.
fn in_worker_processes(
    program: &Path,
    buffers: &[Vec<u8>],
    workers: usize,
) -> anyhow::Result<Vec<String>> {
    let mut digests: Vec<Option<anyhow::Result<String>>> = buffers.iter().map(|_| None).collect();
    run_pool(
        buffers.iter().enumerate(),
        workers,
        |_, (index, buffer)| (index, hash_in_a_worker(program, buffer)),
        |(index, digest)| digests[index] = Some(digest),
    );
    digests
        .into_iter()
        .map(|digest| digest.unwrap_or_else(|| Err(anyhow!("a worker never answered"))))
        .collect()
}

/// The digest of `buffer`, as a worker process computes it.
fn hash_in_a_worker(program: &Path, buffer: &[u8]) -> anyhow::Result<String> {
    let job = Job::HashFollowing { len: buffer.len() };
    let reply = run_worker(program, &job, buffer)?;
    Ok(digest_in(&reply)?.to_string())
}

fn python_hashing(python: &Python, plan: &Plan, cores: usize) -> anyhow::Result<PythonHashing> {
    progress("CPU: Python hashlib, one core, ProcessPoolExecutor and ThreadPoolExecutor");
    // The server serves the same deterministic bytes the Rust side made.
    let server = LocalServer::start(ServerConfig::default().threads(cores))?;
    let args = [
        "--server".to_string(),
        server.url(""),
        "--buffers".to_string(),
        plan.hashing.buffers.to_string(),
        "--buffer-bytes".to_string(),
        plan.hashing.buffer_len.to_string(),
        "--workers".to_string(),
        cores.to_string(),
        "--runs".to_string(),
        plan.runs.to_string(),
    ];
    python.run("process_pool.py", &args, PYTHON_LIMIT)
}

/// One more rayon run, recording which thread hashed which buffer.
fn rayon_timeline(buffers: &[Vec<u8>]) -> Panel {
    let timeline = Timeline::new();
    hash_in_parallel_traced(buffers, &timeline);
    // Labels read "thread 1: buffer 7": one lane per rayon thread.
    let mut lanes: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for span in timeline.spans() {
        let thread = span.label.split(':').next().unwrap_or_default().to_string();
        lanes
            .entry(thread)
            .or_default()
            .extend(span_seconds(&[span]));
    }
    Panel {
        name: "rayon par_iter: one lane per pool thread, one bar per buffer".to_string(),
        lanes: lanes.into_values().collect(),
        ideal_end: None,
    }
}

fn section(
    plan: &Plan,
    cores: usize,
    rates: &BTreeMap<Way, Spread>,
    thread_rates: &BTreeMap<usize, Spread>,
    notes: Vec<String>,
    timeline: Panel,
) -> Section {
    let total = format_bytes(plan.hashing.total_bytes());
    let single = |way: Way| rates.get(&way).map(Spread::median);
    let mut rows = Vec::new();
    for (&way, spread) in rates {
        let reference = if way.is_python() {
            Way::PythonOneCore
        } else {
            Way::OneThread
        };
        if way == reference {
            rows.push(Row::reference(
                way.name(cores),
                Unit::BytesPerSecond,
                spread,
            ));
            continue;
        }
        if let Some(one_core) = single(reference) {
            let ideal = cores as f64 * one_core;
            rows.push(Row::against(
                way.name(cores),
                Unit::BytesPerSecond,
                spread,
                format!(
                    "{cores} × single core: {}",
                    Unit::BytesPerSecond.format(ideal)
                ),
                spread.median() / ideal,
            ));
        }
    }

    let mut versus = Vec::new();
    for (rust, python, what) in [
        (
            Way::OneThread,
            Way::PythonOneCore,
            "one core: sha2 vs hashlib",
        ),
        (
            Way::Rayon,
            Way::PythonProcessPool,
            "every core: rayon vs ProcessPoolExecutor",
        ),
    ] {
        if let (Some(rust_rate), Some(python_rate)) = (rates.get(&rust), rates.get(&python)) {
            versus.push(Versus::higher_is_better(
                format!("SHA-256 of {total}, {what}"),
                Unit::BytesPerSecond,
                rust_rate,
                python_rate,
            ));
        }
    }

    let mut headlines = Vec::new();
    if let (Some(rayon), Some(one)) = (rates.get(&Way::Rayon), single(Way::OneThread)) {
        let mut headline = format!(
            "CPU, SHA-256 over {total}: rayon on {cores} cores {} = {} of cores × single core ({})",
            Unit::BytesPerSecond.format(rayon.median()),
            format_ratio(rayon.median() / (cores as f64 * one)),
            Unit::BytesPerSecond.format(cores as f64 * one)
        );
        if let (Some(pool), Some(python_one)) = (
            rates.get(&Way::PythonProcessPool),
            single(Way::PythonOneCore),
        ) {
            headline.push_str(&format!(
                "; Python ProcessPoolExecutor {} = {} of its own ideal",
                Unit::BytesPerSecond.format(pool.median()),
                format_ratio(pool.median() / (cores as f64 * python_one))
            ));
        }
        headline.push('.');
        headlines.push(headline);
    }

    Section {
        title: format!("CPU: SHA-256 over {total}"),
        intro: format!(
            "{} buffers of {} of the kit's deterministic bytes, hashed whole. The ideal for \
             {cores} cores is {cores} × the single-core rate of the same language's one-thread \
             run. Worker processes are this program started again as lesson-processes' worker, \
             each buffer copied to it through a pipe (as ProcessPoolExecutor pickles it).",
            plan.hashing.buffers,
            format_bytes(plan.hashing.buffer_len as u64)
        ),
        rows,
        reading:
            "Ratio: measured rate ÷ ideal rate. 1.00× is perfect scaling; below is short of it."
                .to_string(),
        notes,
        charts: vec![
            scaling_chart(cores, rates, thread_rates),
            timeline_chart(&total, timeline),
        ],
        versus,
        headlines,
        ..Section::default()
    }
}

fn scaling_chart(
    cores: usize,
    rates: &BTreeMap<Way, Spread>,
    thread_rates: &BTreeMap<usize, Spread>,
) -> Chart {
    const GB: f64 = 1e9;
    let mut series = Vec::new();
    if let Some(one) = rates.get(&Way::OneThread).map(Spread::median) {
        series.push(Series::ideal(
            "ideal: min(threads, cores) × 1 core",
            thread_rates
                .keys()
                .map(|&threads| (threads as f64, threads.min(cores) as f64 * one / GB))
                .collect(),
        ));
    }
    series.push(Series::measured(
        "thread::scope",
        thread_rates
            .iter()
            .map(|(&threads, spread)| (threads as f64, spread.median() / GB))
            .collect(),
    ));
    for (way, name) in [
        (Way::Rayon, "rayon par_iter"),
        (Way::WorkerProcesses, "worker processes"),
        (Way::PythonProcessPool, "Python ProcessPoolExecutor"),
        (Way::PythonThreadPool, "Python ThreadPoolExecutor"),
    ] {
        if let Some(rate) = rates.get(&way) {
            series.push(Series::measured(
                name,
                vec![(cores as f64, rate.median() / GB)],
            ));
        }
    }
    let chart = LineChart {
        title: format!("SHA-256 rate against threads, on {cores} cores"),
        x_label: "threads (or processes)".to_string(),
        y_label: "GB/s (median)".to_string(),
        x_log: false,
        y_log: false,
        series,
    };
    Chart {
        file: "cpu-scaling.svg".to_string(),
        caption: "Hashing rate against threads, beside cores × single core".to_string(),
        svg: chart.to_svg(),
    }
}

fn timeline_chart(total: &str, panel: Panel) -> Chart {
    let chart = TimelineChart {
        title: format!("SHA-256 of {total} with rayon: which thread hashed which buffer"),
        panels: vec![panel],
    };
    Chart {
        file: "cpu-timeline.svg".to_string(),
        caption: "rayon's threads over time".to_string(),
        svg: chart.to_svg(),
    }
}
