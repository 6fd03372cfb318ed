//! `cargo xtask bench`: every claim of the lessons measured against its ideal, and against the
//! Python original, written up as `target/bench/report.md` with SVG plots beside it.
//!
//! Run it through the xtask (`cargo xtask bench`, or `cargo xtask bench --quick` for a smoke test
//! in seconds), which builds it in release mode: a debug build's figures mean nothing.
//!
//! The same binary is also started as a helper by itself: with `--worker` it is lesson-processes'
//! worker (one job on stdin, one reply on stdout), and with `--crowd` it makes one crowd of waiting
//! tasks or threads in a fresh process and prints what it cost.

mod areas;
mod cpu_clock;
mod machine;
mod plan;
mod python;
mod report;
mod results;
mod stats;
mod svg;

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Parser, ValueEnum};
use lesson_kit::system;

use crate::areas::Context;
use crate::areas::crowds::{self, Kind};
use crate::cpu_clock::OthersProbe;
use crate::machine::Machine;
use crate::plan::Plan;
use crate::python::{Choice, Setup};
use crate::report::{PythonRun, Report, Section};

/// The course's benchmark: each lesson's claim measured against its ideal and against Python.
///
/// Writes report.md and SVG plots into --out. Takes several minutes; --quick takes seconds.
#[derive(Parser, Debug)]
#[command(name = "course-bench")]
struct Cli {
    /// Small sizes and no Python: proves the bench works, in well under a minute.
    #[arg(long)]
    quick: bool,
    /// Where to write report.md and the plots.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    /// How many times to repeat each measurement [default: 3].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=50))]
    runs: Option<u64>,
    /// Run only these areas (repeat the flag for several).
    #[arg(long, value_enum)]
    only: Vec<Area>,
    /// Build the Python side from this interpreter; failing to is then an error, not a skip.
    #[arg(long, conflicts_with_all = ["no_python", "quick"])]
    python: Option<PathBuf>,
    /// Leave out the Python originals.
    #[arg(long)]
    no_python: bool,
    /// The virtual environment for the Python side [default: OUT/venv].
    #[arg(long)]
    venv: Option<PathBuf>,
    /// Serve one job on stdin as lesson-processes' worker (the bench starts itself this way).
    #[arg(long, hide = true)]
    worker: bool,
    /// Make one crowd of waiting tasks or threads and print its cost (the bench starts itself
    /// this way, so that each crowd's memory is measured in a fresh process).
    #[arg(long, hide = true, value_enum, requires = "count")]
    crowd: Option<Kind>,
    #[arg(long, hide = true)]
    count: Option<usize>,
}

/// The areas of the bench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Area {
    /// N slow GETs at concurrency C, against ceil(N/C) × latency.
    Io,
    /// GETs per second and CPU per request, shared client and client per request.
    Throughput,
    /// SHA-256 over 1 GiB on one core, every core, in processes and from files.
    Cpu,
    /// A big JSON parse offloaded beside a heartbeat: spawn_blocking and Python's to_thread.
    Gil,
    /// Starting a process, a thread, a task, a runtime; 1, 2, 4 slow calls one by one or together.
    Starts,
    /// 10 000 waiting tasks versus threads.
    Tasks,
    /// The learner loop: the grader's verdict after a save, for every exercise (only on request).
    Grader,
}

impl Area {
    /// The order they run in and appear in the report. Tasks go last: ten thousand threads woken
    /// at once keep the machine busy for a while and inflate the load average for a minute,
    /// which would blur the next area's figures.
    const ALL: [Area; 7] = [
        Area::Io,
        Area::Throughput,
        Area::Cpu,
        Area::Gil,
        Area::Starts,
        Area::Tasks,
        Area::Grader,
    ];

    /// Whether a run without `--only` includes it. The learner loop measures the course's grader,
    /// not a lesson's claim, and grades every exercise a dozen times: it runs when asked for.
    fn by_default(self) -> bool {
        self != Area::Grader
    }

    fn title(self) -> &'static str {
        match self {
            Area::Io => "I/O schedule",
            Area::Throughput => "Throughput",
            Area::Tasks => "Tasks versus threads",
            Area::Cpu => "CPU: SHA-256",
            Area::Gil => "GIL: offloading a JSON parse",
            Area::Starts => "Start cost, and when not to bother",
            Area::Grader => "Learner loop",
        }
    }

    /// Its name on the command line (`--only cpu`) and in report.json's keys.
    fn key(self) -> String {
        self.to_possible_value()
            .map(|value| value.get_name().to_string())
            .unwrap_or_default()
    }

    fn has_python_original(self) -> bool {
        match self {
            Area::Io | Area::Throughput | Area::Cpu | Area::Gil | Area::Starts | Area::Tasks => {
                true
            }
            Area::Grader => false,
        }
    }

    fn run(self, plan: &Plan, context: &Context) -> anyhow::Result<Section> {
        match self {
            Area::Io => areas::io_schedule::run(plan, context),
            Area::Throughput => areas::throughput::run(plan, context),
            Area::Tasks => areas::crowds::run(plan, context),
            Area::Cpu => areas::hashing::run(plan, context),
            Area::Gil => areas::gil::run(plan, context),
            Area::Starts => areas::start_cost::run(plan, context),
            Area::Grader => areas::learner_loop::run(plan, context),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `:#` prints the whole chain of causes: "cannot write report.md: disk full".
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: &Cli) -> anyhow::Result<()> {
    if cli.worker {
        lesson_processes::worker::serve(io::stdin().lock(), io::stdout().lock())
    } else if let (Some(kind), Some(count)) = (cli.crowd, cli.count) {
        crowds::child_main(kind, count)
    } else {
        run(cli)
    }
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let started = Instant::now();
    let load_at_start = machine::load_average();
    let whole_bench = OthersProbe::now();
    let mut plan = if cli.quick {
        Plan::quick()
    } else {
        Plan::full()
    };
    if let Some(runs) = cli.runs {
        plan.runs = usize::try_from(runs)?;
    }
    std::fs::create_dir_all(&cli.out)
        .with_context(|| format!("cannot create {}", cli.out.display()))?;
    // A thousand requests in flight hold two sockets each in this process (client and server).
    system::ensure_open_file_limit(4096).context("cannot raise the open-file limit")?;

    let areas: Vec<Area> = if cli.only.is_empty() {
        Area::ALL
            .into_iter()
            .filter(|area| area.by_default())
            .collect()
    } else {
        Area::ALL
            .into_iter()
            .filter(|area| cli.only.contains(area))
            .collect()
    };
    let venv = cli.venv.clone().unwrap_or_else(|| cli.out.join("venv"));
    let choice = if areas.iter().any(|area| area.has_python_original()) {
        python_choice(cli)
    } else {
        Choice::Off("no area chosen with --only has a Python original".to_string())
    };
    let (python, python_run) = match python::prepare(choice, &venv)? {
        Setup::Ready(python) => {
            let versions = python.versions.clone();
            (Some(python), PythonRun::Ran { versions })
        }
        Setup::Skipped(why) => {
            eprintln!("Python originals skipped: {why}");
            (None, PythonRun::Skipped { why })
        }
    };
    let context = Context {
        machine: Machine::this_one(),
        python,
        own_program: std::env::current_exe()
            .context("cannot find this program to start it as a worker")?,
        work_dir: cli.out.clone(),
    };
    eprintln!(
        "course-bench: {} on {} cores ({}), {} runs each; load {}",
        if plan.quick { "quick" } else { "full" },
        context.machine.cores,
        context.machine.cpu_model,
        plan.runs,
        machine::load_text(load_at_start)
    );
    if cfg!(debug_assertions) && !plan.quick {
        eprintln!("warning: a debug build; run `cargo xtask bench` for figures worth quoting");
    }

    let mut sections = Vec::new();
    for &area in &areas {
        eprintln!("{}:", area.title());
        let load = machine::load_average();
        let probe = OthersProbe::now();
        let area_started = Instant::now();
        let mut section = area.run(&plan, &context).context(area.title())?;
        section.key = area.key();
        section.load = load;
        section.others_share = probe.others_share(context.machine.cores);
        section.elapsed_seconds = area_started.elapsed().as_secs_f64();
        print!("\n{}", section.to_markdown());
        sections.push(section);
    }
    let skipped = Area::ALL
        .into_iter()
        .filter(|area| area.by_default() && !areas.contains(area))
        .map(|area| format!("{}: left out with --only.", area.title()))
        .collect();
    let report = Report {
        machine: context.machine.clone(),
        quick: plan.quick,
        runs: plan.runs,
        load_at_start,
        load_at_end: machine::load_average(),
        python: python_run,
        sections,
        skipped,
        elapsed_seconds: started.elapsed().as_secs_f64(),
        others_share: whole_bench.others_share(context.machine.cores),
    };
    write_report(&report, &cli.out)?;
    Ok(())
}

fn python_choice(cli: &Cli) -> Choice {
    if cli.quick {
        Choice::Off("--quick never runs Python: it must work offline and in seconds".to_string())
    } else if cli.no_python {
        Choice::Off("--no-python".to_string())
    } else if let Some(path) = &cli.python {
        Choice::Given(path.clone())
    } else {
        Choice::Auto
    }
}

fn write_report(report: &Report, out: &Path) -> anyhow::Result<()> {
    for chart in report.sections.iter().flat_map(|section| &section.charts) {
        let path = out.join(&chart.file);
        std::fs::write(&path, &chart.svg)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let json_path = out.join("report.json");
    let json = serde_json::to_string_pretty(&report.to_results()?)?;
    std::fs::write(&json_path, json + "\n")
        .with_context(|| format!("cannot write {}", json_path.display()))?;
    let path = out.join("report.md");
    std::fs::write(&path, report.to_markdown())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let headlines: Vec<&String> = report
        .sections
        .iter()
        .flat_map(|section| &section.headlines)
        .collect();
    let mut stdout = io::stdout().lock();
    writeln!(stdout)?;
    for headline in headlines {
        writeln!(stdout, "- {headline}")?;
    }
    writeln!(
        stdout,
        "\nReport: {} (with {} plots; the figures as data in {}), in {:.0} s.",
        path.display(),
        report
            .sections
            .iter()
            .map(|section| section.charts.len())
            .sum::<usize>(),
        json_path.display(),
        report.elapsed_seconds
    )?;
    Ok(())
}
