//! CPU: SHA-256 over 1 GiB of deterministic data, on one thread, on every core, in processes, from
//! files, against the machine's measured capacity.
//!
//! The lessons claim CPU work spreads over the cores with rayon (lesson-processes), with plain
//! scoped threads (lesson-threads: Rust has no GIL), or in worker processes. The ideal is not
//! "cores × one core's rate": a lone core runs faster than a busy machine's, so the bench measures
//! the machine's capacity (lesson-processes' `hashing_capacity`: every core hashing its own share
//! of the pieces, all at once, each on its own clock) and holds every way that uses all the cores
//! to it, giving the naive figure beside it. The data is cut into the lesson's pieces per thread,
//! so that a thread that finishes early can take another; one share per thread is measured too,
//! to show what that costs.
//!
//! Every way hashes the very same pieces (the kit's deterministic data, seeds 0, 1, 2, ...) and
//! must produce the same digests. The files ways write them to disk and hash them with the
//! lesson's `hash_file`, as the Python original's does; the Python side downloads the same bytes
//! from the kit server, into files (`hash_files.py`: the original) and into memory
//! (`process_pool.py`: an extra that pickles whole buffers into the pool), and must produce them
//! too.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, anyhow};
use lesson_kit::Timeline;
use lesson_kit::data::{Digest, deterministic_buffers};
use lesson_kit::measure::{format_bytes, format_duration, format_rate};
use lesson_kit::{LocalServer, ServerConfig};
use lesson_processes::balance::{PIECES_PER_THREAD, hash_one_share_per_thread, hashing_capacity};
use lesson_processes::child_processes::{digest_in, run_worker};
use lesson_processes::hash_files::{
    CHUNK_BYTES, ScratchFolder, hash_files, hash_files_one_by_one, remove_leftovers, write_files,
};
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
use crate::report::{Chart, Figures, Row, Section, Versus};
use crate::stats::{Spread, Unit, format_ratio};
use crate::svg::{LineChart, Panel, Series, TimelineChart};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Way {
    OneThread,
    Capacity,
    Rayon,
    RayonOneSharePerThread,
    ScopedThreads,
    WorkerProcesses,
    FilesOneThread,
    FilesRayon,
    PythonFilesOneCore,
    PythonFilesProcessPool,
    PythonFilesThreadPool,
    PythonBuffersOneCore,
    PythonBuffersPickled,
    PythonBuffersThreadPool,
}

impl Way {
    fn name(self, cores: usize) -> String {
        match self {
            Way::OneThread => "1 thread (`hash_one_by_one`): one core's rate".to_string(),
            Way::Capacity => format!(
                "the machine's capacity: {cores} threads each hashing its own share, all at once"
            ),
            Way::Rayon => format!("rayon `par_iter` over the pieces, {cores} threads"),
            Way::RayonOneSharePerThread => {
                format!("rayon, one share of the pieces per thread ({cores} shares)")
            }
            Way::ScopedThreads => {
                format!("`thread::scope`, {cores} threads, one share each (`hash_on_threads`)")
            }
            Way::WorkerProcesses => format!("worker processes, {cores} at a time, data piped in"),
            Way::FilesOneThread => format!(
                "files, 1 thread, {} KiB reads: one core's rate",
                CHUNK_BYTES / 1024
            ),
            Way::FilesRayon => format!("files, rayon over the paths, {cores} threads"),
            Way::PythonFilesOneCore => {
                "Python files, `hash_file` in 1 process: its one core's rate".to_string()
            }
            Way::PythonFilesProcessPool => format!(
                "Python ProcessPoolExecutor({cores}) over file paths, 8 KiB reads: the original"
            ),
            Way::PythonFilesThreadPool => {
                format!("Python ThreadPoolExecutor({cores}) over file paths, 8 KiB reads")
            }
            Way::PythonBuffersOneCore => {
                "Python buffers in memory, hashlib on 1 core: its one core's rate".to_string()
            }
            Way::PythonBuffersPickled => format!(
                "Python ProcessPoolExecutor({cores}), whole buffers pickled to the workers \
                 (an extra: measures pickling)"
            ),
            Way::PythonBuffersThreadPool => format!(
                "Python ThreadPoolExecutor({cores}) over buffers in memory (hashlib lets go of \
                 the GIL)"
            ),
        }
    }

    /// Its key in report.json, for its rate; `KEY.of_capacity` and `KEY.of_naive` are its ratios.
    /// Rust's figures start with `rust.cpu`, Python's with the script's name.
    fn key(self) -> &'static str {
        match self {
            Way::OneThread => "rust.cpu.one_thread",
            Way::Capacity => "rust.cpu.capacity",
            Way::Rayon => "rust.cpu.rayon_many_pieces_each",
            Way::RayonOneSharePerThread => "rust.cpu.rayon_one_piece_each",
            Way::ScopedThreads => "rust.cpu.scoped_threads",
            Way::WorkerProcesses => "rust.cpu.worker_processes",
            Way::FilesOneThread => "rust.cpu.files_one_thread",
            Way::FilesRayon => "rust.cpu.rayon_files",
            Way::PythonFilesOneCore => "python.hash_files.one_core",
            Way::PythonFilesProcessPool => "python.hash_files.process_pool",
            Way::PythonFilesThreadPool => "python.hash_files.thread_pool",
            Way::PythonBuffersOneCore => "python.pickled_buffers.one_core",
            Way::PythonBuffersPickled => "python.pickled_buffers.process_pool",
            Way::PythonBuffersThreadPool => "python.pickled_buffers.thread_pool",
        }
    }

    /// The one-core way whose rate this way multiplies; `None` for the one-core ways themselves.
    fn one_core(self) -> Option<Way> {
        match self {
            Way::OneThread
            | Way::FilesOneThread
            | Way::PythonFilesOneCore
            | Way::PythonBuffersOneCore => None,
            Way::Capacity
            | Way::Rayon
            | Way::RayonOneSharePerThread
            | Way::ScopedThreads
            | Way::WorkerProcesses => Some(Way::OneThread),
            Way::FilesRayon => Some(Way::FilesOneThread),
            Way::PythonFilesProcessPool | Way::PythonFilesThreadPool => {
                Some(Way::PythonFilesOneCore)
            }
            Way::PythonBuffersPickled | Way::PythonBuffersThreadPool => {
                Some(Way::PythonBuffersOneCore)
            }
        }
    }

    /// What the plot calls it.
    fn short(self) -> &'static str {
        match self {
            Way::Rayon => "rayon, many pieces",
            Way::RayonOneSharePerThread => "rayon, one share per thread",
            Way::WorkerProcesses => "worker processes",
            Way::FilesRayon => "rayon over files",
            Way::PythonFilesProcessPool => "Python ProcessPoolExecutor, files",
            Way::PythonFilesThreadPool => "Python ThreadPoolExecutor, files",
            Way::PythonBuffersPickled => "Python ProcessPoolExecutor, pickled (extra)",
            _ => "",
        }
    }
}

/// What `hash_files.py` prints (the fields used here).
#[derive(Debug, Deserialize)]
struct PythonFiles {
    chunk_bytes: usize,
    write_s: f64,
    one_core_s: Vec<f64>,
    process_pool_s: Vec<f64>,
    thread_pool_s: Vec<f64>,
    digests: Vec<String>,
    ways_agree: bool,
}

/// What `process_pool.py` prints.
#[derive(Debug, Deserialize)]
struct PythonBuffers {
    download_s: f64,
    one_core_s: Vec<f64>,
    process_pool_s: Vec<f64>,
    thread_pool_s: Vec<f64>,
    digests: Vec<String>,
    ways_agree: bool,
}

/// The sizes this machine gets.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    cores: usize,
    pieces: usize,
    piece_len: usize,
    total: u64,
}

pub fn run(plan: &Plan, context: &Context) -> anyhow::Result<Section> {
    let cores = context.machine.cores;
    let sizes = Sizes {
        cores,
        pieces: plan.hashing.pieces(cores),
        piece_len: plan.hashing.piece_len(cores),
        total: plan.hashing.hashed_bytes(cores),
    };
    progress(&format!(
        "CPU: making {} of deterministic data ({} pieces of {}) and writing it to files",
        format_bytes(sizes.total),
        sizes.pieces,
        format_bytes(sizes.piece_len as u64)
    ));
    let started = Instant::now();
    let pieces = deterministic_buffers(sizes.pieces, sizes.piece_len);
    let made_in = started.elapsed();
    let started = Instant::now();
    // A folder an interrupted bench left behind holds nothing worth keeping.
    remove_leftovers(&context.work_dir);
    let folder = ScratchFolder::create(&context.work_dir)
        .with_context(|| format!("cannot make a folder in {}", context.work_dir.display()))?;
    let paths = write_files(folder.path(), &pieces)
        .with_context(|| format!("cannot write in {}", folder.path().display()))?;
    let written_in = started.elapsed();

    let mut seconds: BTreeMap<Way, Spread> = BTreeMap::new();
    let mut capacity = Spread::new();
    // Seconds for 1, 2, ... 2 × cores scoped threads: the scaling curve.
    let mut by_threads: BTreeMap<usize, Spread> = BTreeMap::new();
    let expected: Vec<String> = hash_one_by_one(&pieces).iter().map(hex).collect();
    let mut disagreements = Vec::new();
    // Once first, untimed: it starts rayon's threads, which a long-running program does once.
    hash_in_parallel(&pieces[..1]);
    for run in 0..plan.runs {
        progress(&format!(
            "CPU, run {} of {}: SHA-256 of {}, and the machine's capacity",
            run + 1,
            plan.runs,
            format_bytes(sizes.total),
        ));
        let mut time = |way: Way, work: &mut dyn FnMut() -> anyhow::Result<Vec<Digest>>| {
            let started = Instant::now();
            let digests = work();
            let took = started.elapsed();
            match digests {
                Ok(digests) if digests.iter().map(hex).eq(expected.iter().cloned()) => {}
                Ok(_) => disagreements.push(way.name(cores)),
                Err(error) => return Err(error),
            }
            seconds.entry(way).or_default().push_duration(took);
            Ok(())
        };
        time(Way::OneThread, &mut || Ok(hash_one_by_one(&pieces)))?;
        time(Way::Rayon, &mut || Ok(hash_in_parallel(&pieces)))?;
        time(Way::RayonOneSharePerThread, &mut || {
            Ok(hash_one_share_per_thread(&pieces, cores))
        })?;
        time(Way::WorkerProcesses, &mut || {
            in_worker_processes(&context.own_program, &pieces, cores)
        })?;
        time(Way::FilesOneThread, &mut || {
            every_file_hashed(&paths, hash_files_one_by_one(&paths))
        })?;
        time(Way::FilesRayon, &mut || {
            every_file_hashed(&paths, hash_files(&paths))
        })?;
        for threads in 1..=2 * cores {
            let started = Instant::now();
            let digests = hash_on_threads(&pieces, threads, &Timeline::new());
            let took = started.elapsed();
            by_threads.entry(threads).or_default().push_duration(took);
            if threads == cores {
                seconds
                    .entry(Way::ScopedThreads)
                    .or_default()
                    .push_duration(took);
            }
            if !digests.iter().map(hex).eq(expected.iter().cloned()) {
                disagreements.push(Way::ScopedThreads.name(cores));
            }
        }
        capacity.push(hashing_capacity(&pieces, cores));
    }
    drop(folder); // removes the files

    let mut rates: BTreeMap<Way, Spread> = seconds
        .iter()
        .map(|(&way, spread)| (way, spread.inverted(sizes.total as f64)))
        .collect();
    rates.insert(Way::Capacity, capacity);
    let mut notes = vec![format!(
        "The data was made in {} ({}) and written to {} files in {}, flushed to disk; they \
         stayed in the page cache, so the files rows time reading from memory and hashing, not \
         the disk.",
        format_duration(made_in),
        format_rate(sizes.total, made_in),
        sizes.pieces,
        format_duration(written_in),
    )];
    if let Some(python) = &context.python {
        python_hashing(
            python,
            plan,
            sizes,
            &context.work_dir,
            &expected,
            &mut rates,
            &mut notes,
            &mut disagreements,
        );
    }
    disagreements.dedup();
    notes.push(if disagreements.is_empty() {
        "Every way produced the same digests.".to_string()
    } else {
        format!(
            "Digests that differ from one thread's: {}.",
            disagreements.join(", ")
        )
    });

    let thread_rates: BTreeMap<usize, Spread> = by_threads
        .iter()
        .map(|(&threads, spread)| (threads, spread.inverted(sizes.total as f64)))
        .collect();
    let timeline = rayon_timeline(&pieces);
    Ok(section(sizes, &rates, &thread_rates, notes, timeline))
}

/// Every file's digest, or an error that names the first file that could not be hashed.
fn every_file_hashed(
    paths: &[PathBuf],
    results: Vec<io::Result<Digest>>,
) -> anyhow::Result<Vec<Digest>> {
    paths
        .iter()
        .zip(results)
        .map(|(path, result)| result.with_context(|| format!("cannot hash {}", path.display())))
        .collect()
}

/// Hashes every piece in a child process of its own (this program with `--worker`), `workers`
/// of them at a time: lesson-threads' worker pool, each worker starting lesson-processes' worker.
fn in_worker_processes(
    program: &Path,
    pieces: &[Vec<u8>],
    workers: usize,
) -> anyhow::Result<Vec<Digest>> {
    let mut digests: Vec<Option<anyhow::Result<Digest>>> = pieces.iter().map(|_| None).collect();
    run_pool(
        pieces.iter().enumerate(),
        workers,
        |_, (index, piece)| (index, hash_in_a_worker(program, piece)),
        |(index, digest)| digests[index] = Some(digest),
    );
    digests
        .into_iter()
        .map(|digest| digest.unwrap_or_else(|| Err(anyhow!("a worker never answered"))))
        .collect()
}

/// The digest of `piece`, as a worker process computes it.
fn hash_in_a_worker(program: &Path, piece: &[u8]) -> anyhow::Result<Digest> {
    let job = Job::HashFollowing { len: piece.len() };
    let reply = run_worker(program, &job, piece)?;
    parse_digest(digest_in(&reply)?)
}

fn parse_digest(text: &str) -> anyhow::Result<Digest> {
    let mut digest = [0_u8; 32];
    if text.len() != 64 {
        return Err(anyhow!("a worker replied {text:?}, not a SHA-256 digest"));
    }
    for (byte, pair) in digest.iter_mut().zip(text.as_bytes().chunks(2)) {
        let pair = std::str::from_utf8(pair)?;
        *byte = u8::from_str_radix(pair, 16)
            .map_err(|_| anyhow!("a worker replied {text:?}, not a SHA-256 digest"))?;
    }
    Ok(digest)
}

/// Runs both Python scripts and adds their rates; a script that fails becomes a note.
#[allow(clippy::too_many_arguments)]
fn python_hashing(
    python: &Python,
    plan: &Plan,
    sizes: Sizes,
    work_dir: &Path,
    expected: &[String],
    rates: &mut BTreeMap<Way, Spread>,
    notes: &mut Vec<String>,
    disagreements: &mut Vec<String>,
) {
    let server = match LocalServer::start(ServerConfig::default().threads(sizes.cores)) {
        Ok(server) => server,
        Err(error) => {
            notes.push(format!("Python hashing: no server: {error:#}"));
            return;
        }
    };
    let total = sizes.total as f64;
    let common = [
        "--server".to_string(),
        server.url(""),
        "--workers".to_string(),
        sizes.cores.to_string(),
        "--runs".to_string(),
        plan.runs.to_string(),
    ];

    progress("CPU: Python hash_file over paths: one core, ProcessPoolExecutor, ThreadPoolExecutor");
    let mut args = common.to_vec();
    args.extend([
        "--files".to_string(),
        sizes.pieces.to_string(),
        "--file-bytes".to_string(),
        sizes.piece_len.to_string(),
        "--dir".to_string(),
        work_dir.display().to_string(),
    ]);
    match python.run::<PythonFiles>("hash_files.py", &args, PYTHON_LIMIT) {
        Ok(files) => {
            if files.digests != expected || !files.ways_agree {
                disagreements.push("Python (files)".to_string());
            }
            notes.push(format!(
                "Python downloaded the same bytes from the kit server into {} files in {:.1} s \
                 (not timed), flushed to disk, and read them {} KiB at a time, as the original \
                 does.",
                sizes.pieces,
                files.write_s,
                files.chunk_bytes / 1024
            ));
            for (way, runs) in [
                (Way::PythonFilesOneCore, files.one_core_s),
                (Way::PythonFilesProcessPool, files.process_pool_s),
                (Way::PythonFilesThreadPool, files.thread_pool_s),
            ] {
                rates.insert(way, Spread::of(runs).inverted(total));
            }
        }
        Err(error) => notes.push(format!("Python hash_files.py failed: {error:#}")),
    }

    progress("CPU: Python over buffers in memory (the extra): one core, pickled, threads");
    let mut args = common.to_vec();
    args.extend([
        "--buffers".to_string(),
        sizes.pieces.to_string(),
        "--buffer-bytes".to_string(),
        sizes.piece_len.to_string(),
    ]);
    match python.run::<PythonBuffers>("process_pool.py", &args, PYTHON_LIMIT) {
        Ok(buffers) => {
            if buffers.digests != expected || !buffers.ways_agree {
                disagreements.push("Python (buffers)".to_string());
            }
            notes.push(format!(
                "The extra (`process_pool.py`, not the original): Python downloaded the same bytes \
                 into memory in {:.1} s (not timed) and hands whole buffers to the pools; the \
                 process pool pickles each one into a worker and so measures the pickling.",
                buffers.download_s
            ));
            for (way, runs) in [
                (Way::PythonBuffersOneCore, buffers.one_core_s),
                (Way::PythonBuffersPickled, buffers.process_pool_s),
                (Way::PythonBuffersThreadPool, buffers.thread_pool_s),
            ] {
                rates.insert(way, Spread::of(runs).inverted(total));
            }
        }
        Err(error) => notes.push(format!("Python process_pool.py failed: {error:#}")),
    }
}

/// One more rayon run, recording which thread hashed which piece.
fn rayon_timeline(pieces: &[Vec<u8>]) -> Panel {
    let timeline = Timeline::new();
    hash_in_parallel_traced(pieces, &timeline);
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
        name: "rayon par_iter: one lane per pool thread, one bar per piece".to_string(),
        lanes: lanes.into_values().collect(),
        ideal_end: None,
    }
}

/// The ideals the rates are held to.
struct Ideals {
    cores: usize,
    /// Capacity ÷ one thread's rate: how many lone cores' worth the machine delivers at once.
    cores_worth: Option<f64>,
}

impl Ideals {
    /// What `way` would reach if it used the machine's capacity: its own one-core rate × the
    /// machine's cores' worth. (For the Rust ways in memory, that is the capacity itself.)
    fn capacity(&self, way: Way, rates: &BTreeMap<Way, Spread>) -> Option<f64> {
        let one_core = rates.get(&way.one_core()?)?.median();
        Some(one_core * self.cores_worth?)
    }

    /// The naive ideal: cores × the way's own one-core rate.
    fn naive(&self, way: Way, rates: &BTreeMap<Way, Spread>) -> Option<f64> {
        let one_core = rates.get(&way.one_core()?)?.median();
        Some(one_core * self.cores as f64)
    }
}

fn section(
    sizes: Sizes,
    rates: &BTreeMap<Way, Spread>,
    thread_rates: &BTreeMap<usize, Spread>,
    notes: Vec<String>,
    timeline: Panel,
) -> Section {
    let cores = sizes.cores;
    let total = format_bytes(sizes.total);
    let rate = |way: Way| rates.get(&way).map(Spread::median);
    let ideals = Ideals {
        cores,
        cores_worth: rate(Way::Capacity)
            .zip(rate(Way::OneThread))
            .map(|(capacity, one)| capacity / one),
    };
    let cores_worth = ideals.cores_worth.unwrap_or(f64::NAN);

    let mut rows = Vec::new();
    let mut figures = Figures::default();
    figures.value(
        "cpu.bytes",
        "bytes hashed by each way",
        Unit::Bytes,
        sizes.total as f64,
    );
    figures.value(
        "cpu.pieces",
        "pieces the data is cut into",
        Unit::Count,
        sizes.pieces as f64,
    );
    figures.value(
        "cpu.piece_bytes",
        "the size of each piece (and file)",
        Unit::Bytes,
        sizes.piece_len as f64,
    );
    for (&way, spread) in rates {
        figures.measured(
            way.key(),
            format!("SHA-256 rate: {}", way.name(cores)),
            Unit::BytesPerSecond,
            spread,
        );
        let (Some(capacity), Some(naive)) = (ideals.capacity(way, rates), ideals.naive(way, rates))
        else {
            rows.push(Row::reference(
                way.name(cores),
                Unit::BytesPerSecond,
                spread,
            ));
            continue;
        };
        let measured = spread.median();
        figures.value(
            format!("{}.of_naive", way.key()),
            format!("{} ÷ ({cores} × its one-core rate)", way.name(cores)),
            Unit::Ratio,
            measured / naive,
        );
        if way == Way::Capacity {
            rows.push(Row::against(
                way.name(cores),
                Unit::BytesPerSecond,
                spread,
                format!(
                    "naive: {cores} × one core: {}",
                    Unit::BytesPerSecond.format(naive)
                ),
                measured / naive,
            ));
            continue;
        }
        figures.value(
            format!("{}.of_capacity", way.key()),
            format!("{} ÷ the machine's capacity for it", way.name(cores)),
            Unit::Ratio,
            measured / capacity,
        );
        let limit = if way.one_core() == Some(Way::OneThread) {
            format!("capacity: {}", Unit::BytesPerSecond.format(capacity))
        } else {
            format!(
                "its one core × {cores_worth:.2}: {}",
                Unit::BytesPerSecond.format(capacity)
            )
        };
        rows.push(Row::against(
            way.name(cores),
            Unit::BytesPerSecond,
            spread,
            format!("{limit} (naive {})", Unit::BytesPerSecond.format(naive)),
            measured / capacity,
        ));
    }
    if let Some(naive) = ideals.naive(Way::Rayon, rates) {
        figures.value(
            "rust.cpu.naive_ideal",
            format!("the naive ideal: {cores} × one thread's rate"),
            Unit::BytesPerSecond,
            naive,
        );
    }
    figures.value(
        "rust.cpu.capacity_cores_worth",
        "the machine's capacity ÷ one thread's rate: how many lone cores' worth it delivers",
        Unit::Ratio,
        cores_worth,
    );
    for (&threads, spread) in thread_rates {
        figures.measured(
            format!("rust.cpu.scoped_threads_{threads}"),
            format!("SHA-256 rate of `hash_on_threads` with {threads} threads"),
            Unit::BytesPerSecond,
            spread,
        );
    }

    let mut versus = Vec::new();
    for (rust, python, what, key) in [
        (
            Way::FilesOneThread,
            Way::PythonFilesOneCore,
            "one core, files in 8 KiB reads: sha2 vs hashlib",
            "cpu.versus.one_core",
        ),
        (
            Way::FilesRayon,
            Way::PythonFilesProcessPool,
            "every core, file paths: rayon vs ProcessPoolExecutor (the original)",
            "cpu.versus.every_core",
        ),
    ] {
        if let (Some(rust_rate), Some(python_rate)) = (rates.get(&rust), rates.get(&python)) {
            let row = Versus::higher_is_better(
                format!("SHA-256 of {total}, {what}"),
                Unit::BytesPerSecond,
                rust_rate,
                python_rate,
            );
            figures.value(
                key,
                format!("Rust ÷ Python: {what}"),
                Unit::Ratio,
                row.advantage,
            );
            versus.push(row);
        }
    }

    let headlines = headline(sizes, rates, &ideals).into_iter().collect();
    Section {
        title: format!("CPU: SHA-256 over {total}"),
        intro: format!(
            "{} pieces of {} of the kit's deterministic bytes ({PIECES_PER_THREAD} per core, so \
             that threads that finish early can take more), hashed whole, in memory and from \
             files. The ideal for every way that uses all {cores} cores is the machine's \
             capacity, measured: {cores} threads each hashing its own share of the pieces, all \
             at once, each timed on its own clock ({}× a lone thread's rate). A lone core runs faster than a busy machine's, so the naive ideal, \
             {cores} × one thread's rate, is given beside it. A way in another language or from \
             files is held to its own one-core rate × that same {}. Worker processes are this \
             program started again as lesson-processes' worker, each piece copied to it through \
             a pipe.",
            sizes.pieces,
            format_bytes(sizes.piece_len as u64),
            format_ratio(cores_worth).trim_end_matches('×'),
            format_ratio(cores_worth),
        ),
        rows,
        reading: "Ratio: measured rate ÷ the capacity ideal (the capacity row: ÷ the naive \
                  ideal). 1.00× uses all the machine can give; below is short of it."
            .to_string(),
        notes,
        charts: vec![
            scaling_chart(cores, rates, thread_rates),
            timeline_chart(&total, timeline),
        ],
        versus,
        headlines,
        figures,
        ..Section::default()
    }
}

/// "CPU, SHA-256 over 1 GiB in 32 pieces: rayon 3.2 GB/s = 0.98× of the machine's capacity ...".
fn headline(sizes: Sizes, rates: &BTreeMap<Way, Spread>, ideals: &Ideals) -> Option<String> {
    let cores = sizes.cores;
    let rayon = rates.get(&Way::Rayon)?.median();
    let capacity = ideals.capacity(Way::Rayon, rates)?;
    let naive = ideals.naive(Way::Rayon, rates)?;
    let mut headline = format!(
        "CPU, SHA-256 over {} in {} pieces: rayon on {cores} cores {} = {} of the machine's \
         capacity ({}, every core hashing alone at once) and {} of the naive {cores} × one core \
         ({})",
        format_bytes(sizes.total),
        sizes.pieces,
        Unit::BytesPerSecond.format(rayon),
        format_ratio(rayon / capacity),
        Unit::BytesPerSecond.format(capacity),
        format_ratio(rayon / naive),
        Unit::BytesPerSecond.format(naive),
    );
    if let Some(one_share) = rates.get(&Way::RayonOneSharePerThread) {
        headline.push_str(&format!(
            "; one share per thread: {}",
            format_ratio(one_share.median() / capacity)
        ));
    }
    let way = Way::PythonFilesProcessPool;
    if let (Some(pool), Some(ideal)) = (rates.get(&way), ideals.capacity(way, rates)) {
        headline.push_str(&format!(
            "; Python ProcessPoolExecutor over file paths (the original) {} = {} of its own \
             capacity ideal",
            Unit::BytesPerSecond.format(pool.median()),
            format_ratio(pool.median() / ideal)
        ));
    }
    headline.push('.');
    Some(headline)
}

fn scaling_chart(
    cores: usize,
    rates: &BTreeMap<Way, Spread>,
    thread_rates: &BTreeMap<usize, Spread>,
) -> Chart {
    const GB: f64 = 1e9;
    let mut series = Vec::new();
    let most_threads = thread_rates.keys().copied().max().unwrap_or(cores) as f64;
    if let Some(one) = rates.get(&Way::OneThread).map(Spread::median) {
        series.push(Series::ideal(
            "naive: min(threads, cores) × 1 thread",
            thread_rates
                .keys()
                .map(|&threads| (threads as f64, threads.min(cores) as f64 * one / GB))
                .collect(),
        ));
    }
    if let Some(capacity) = rates.get(&Way::Capacity).map(Spread::median) {
        series.push(Series::ideal(
            "capacity: every core hashing alone at once",
            vec![(cores as f64, capacity / GB), (most_threads, capacity / GB)],
        ));
    }
    series.push(Series::measured(
        "thread::scope, one share each",
        thread_rates
            .iter()
            .map(|(&threads, spread)| (threads as f64, spread.median() / GB))
            .collect(),
    ));
    for way in [
        Way::Rayon,
        Way::RayonOneSharePerThread,
        Way::WorkerProcesses,
        Way::FilesRayon,
        Way::PythonFilesProcessPool,
        Way::PythonFilesThreadPool,
        Way::PythonBuffersPickled,
    ] {
        if let Some(rate) = rates.get(&way) {
            series.push(Series::measured(
                way.short(),
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
        caption: "Hashing rate against threads, beside the machine's capacity".to_string(),
        svg: chart.to_svg(),
    }
}

fn timeline_chart(total: &str, panel: Panel) -> Chart {
    let chart = TimelineChart {
        title: format!("SHA-256 of {total} with rayon: which thread hashed which piece"),
        panels: vec![panel],
    };
    Chart {
        file: "cpu-timeline.svg".to_string(),
        caption: "rayon's threads over time".to_string(),
        svg: chart.to_svg(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_cannot_be_hashed_is_an_error_that_names_it() {
        let paths = [PathBuf::from("/nonexistent/file-000.bin")];
        let error = every_file_hashed(&paths, hash_files(&paths)).expect_err("no such file");
        assert!(
            format!("{error:#}").contains("cannot hash /nonexistent/file-000.bin"),
            "{error:#}"
        );
    }

    #[test]
    fn digests_are_read_back_from_hex() {
        let digest = lesson_kit::data::sha256(b"abc");
        assert_eq!(parse_digest(&hex(digest)).ok(), Some(digest));
        assert!(parse_digest("xyz").is_err());
        assert!(parse_digest(&"zz".repeat(32)).is_err());
    }
}
