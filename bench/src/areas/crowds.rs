//! Tasks versus threads: what it costs to have ten thousand of them waiting at once.
//!
//! lesson-async claims a waiting tokio task is a few hundred bytes made without a system call,
//! and a waiting thread a kernel thread with a stack. Each crowd runs in a fresh process (this
//! program started again with `--crowd`), so that its memory growth is measured from a clean
//! start, not on top of memory the allocator kept from an earlier crowd. The crowd itself is
//! lesson-async's `crowd_of_tasks` or `crowd_of_threads`; the Python one is `crowd.py`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::ValueEnum;
use lesson_async::tasks_vs_threads::{Crowd, crowd_of_tasks, crowd_of_threads};
use runner::{Ending, Limits};
use serde::{Deserialize, Serialize};

use super::{Context, PYTHON_LIMIT, progress};
use crate::plan::Plan;
use crate::report::{Chart, Figures, Row, Section, Versus};
use crate::stats::{Spread, Unit, format_count};
use crate::svg::{Bar, BarChart};

/// The longest a crowd of Rust tasks or threads may take before it counts as hung, and what it
/// may print: a line of JSON, or a few lines of error.
const CROWD_LIMITS: Limits = Limits {
    timeout: Duration::from_secs(120),
    output_cap: 64 << 10,
};

/// Which kind of crowd a child process makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Kind {
    Tasks,
    Threads,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Tasks => "tasks",
            Kind::Threads => "threads",
        }
    }
}

/// What a crowd cost: printed as JSON by the child (`--crowd`) and by `crowd.py`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CrowdCost {
    /// How many were started: fewer than asked if the system refused more.
    pub started: usize,
    pub spawn_s: f64,
    /// Growth of resident memory while all of them waited; negative is possible in Python, whose
    /// allocator may hand memory back in the meantime.
    pub resident_growth_bytes: i64,
    #[serde(default)]
    pub refusal: Option<String>,
}

/// The child's side: makes one crowd and prints what it cost.
pub fn child_main(kind: Kind, count: usize) -> anyhow::Result<()> {
    let crowd: Crowd = match kind {
        // The default runtime, as `#[tokio::main]` builds it.
        Kind::Tasks => tokio::runtime::Runtime::new()?.block_on(crowd_of_tasks(count)),
        Kind::Threads => crowd_of_threads(count),
    };
    let growth = crowd.memory_growth.resident.context(
        "this system does not report resident memory (VmRSS), so crowds cannot be measured",
    )?;
    let cost = CrowdCost {
        started: crowd.started,
        spawn_s: crowd.spawn_time.as_secs_f64(),
        resident_growth_bytes: i64::try_from(growth).unwrap_or(i64::MAX),
        refusal: crowd.refusal,
    };
    println!("{}", serde_json::to_string(&cost)?);
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Rust,
    Python,
}

impl Side {
    fn key(self) -> &'static str {
        match self {
            Side::Rust => "rust",
            Side::Python => "python",
        }
    }
}

/// Every run of one kind of crowd on one side.
#[derive(Debug, Default)]
struct Runs {
    spawn_seconds: Spread,
    bytes_each: Spread,
    refusals: Vec<String>,
}

pub fn run(plan: &Plan, context: &Context) -> anyhow::Result<Section> {
    let count = plan.crowd;
    let mut runs: BTreeMap<(Side, Kind), Runs> = BTreeMap::new();
    let mut notes = Vec::new();
    for run in 0..plan.runs {
        for kind in [Kind::Tasks, Kind::Threads] {
            progress(&format!(
                "Tasks vs threads, run {} of {}: {count} waiting {}",
                run + 1,
                plan.runs,
                kind.name()
            ));
            record(
                &mut runs,
                Side::Rust,
                kind,
                rust_crowd(&context.own_program, kind, count)?,
            );
            if let Some(python) = &context.python {
                let args = ["--kind", kind.name(), "--count", &count.to_string()].map(String::from);
                match python.run::<CrowdCost>("crowd.py", &args, PYTHON_LIMIT) {
                    Ok(cost) => record(&mut runs, Side::Python, kind, cost),
                    Err(error) => notes.push(format!("Python {}: {error:#}", kind.name())),
                }
            }
        }
    }
    notes.dedup();
    let mut section = section(count, &runs, notes);
    if let Some(python) = &context.python {
        match python.run::<AsyncioSemantics>("asyncio_semantics.py", &[], PYTHON_LIMIT) {
            Ok(semantics) => add_asyncio_semantics(&mut section, &semantics),
            Err(error) => section
                .notes
                .push(format!("Python asyncio_semantics.py failed: {error:#}")),
        }
    }
    Ok(section)
}

/// What `asyncio_semantics.py` prints: two asyncio facts the course states, checked on the
/// interpreter at hand.
#[derive(Debug, Deserialize)]
struct AsyncioSemantics {
    python: String,
    /// Whether a `create_task` task had run at each point: right after `create_task`, after an
    /// await that does not suspend, after `await asyncio.sleep(0)`.
    create_task: BTreeMap<String, bool>,
    cancellation: Cancellation,
}

#[derive(Debug, Deserialize)]
struct Cancellation {
    cancelled_error_is_exception: bool,
    cancelled_error_is_base_exception: bool,
    /// By except clause: "cancelled" (the cancellation went through) or "swallowed".
    outcomes: BTreeMap<String, String>,
}

/// The except clauses `asyncio_semantics.py` tries, with their keys and what the course says
/// happens to a cancellation under each.
const EXCEPT_CLAUSES: [(&str, &str, &str); 3] = [
    ("except Exception", "except_exception", "cancelled"),
    ("bare except", "bare_except", "swallowed"),
    ("except BaseException", "except_base_exception", "swallowed"),
];

/// The facts as a note and as report.json facts (`python.asyncio_semantics.create_task.*`,
/// `python.asyncio_semantics.cancellation.*`), and a second note for any that contradicts the course.
fn add_asyncio_semantics(section: &mut Section, semantics: &AsyncioSemantics) {
    let yes_no = |value: bool| if value { "yes" } else { "no" };
    let ran = |point: &str| semantics.create_task.get(point).copied();
    let outcome = |clause: &str| {
        semantics
            .cancellation
            .outcomes
            .get(clause)
            .map_or("not checked", String::as_str)
    };
    section.notes.push(format!(
        "On Python {}: a `create_task` task had run after an await that suspends \
         (`asyncio.sleep(0)`): {}; after an await of a coroutine that does not suspend: {}. \
         CancelledError is an Exception: {}; a BaseException: {}. Cancelling a task guarded by \
         `except Exception`: {}; by a bare `except:`: {}; by `except BaseException`: {}.",
        semantics.python,
        ran("ran_after_await_asyncio_sleep_0").map_or("not checked", yes_no),
        ran("ran_after_await_that_does_not_suspend").map_or("not checked", yes_no),
        yes_no(semantics.cancellation.cancelled_error_is_exception),
        yes_no(semantics.cancellation.cancelled_error_is_base_exception),
        outcome("except Exception"),
        outcome("bare except"),
        outcome("except BaseException"),
    ));
    let expected_runs = [
        ("ran_right_after_create_task", false),
        ("ran_after_await_that_does_not_suspend", false),
        ("ran_after_await_asyncio_sleep_0", true),
    ];
    let mut contradictions = Vec::new();
    let figures = &mut section.figures;
    figures.fact(
        "python.asyncio_semantics.version",
        "the Python that checked the asyncio facts",
        semantics.python.clone(),
    );
    for (point, expected) in expected_runs {
        match ran(point) {
            Some(value) => {
                figures.fact(
                    format!("python.asyncio_semantics.create_task.{point}"),
                    format!("a create_task task had run: {}", point.replace('_', " ")),
                    yes_no(value),
                );
                if value != expected {
                    contradictions.push(format!("{point}: {value}"));
                }
            }
            None => contradictions.push(format!("{point}: not reported")),
        }
    }
    for (name, value, expected) in [
        (
            "cancelled_error_is_exception",
            semantics.cancellation.cancelled_error_is_exception,
            false,
        ),
        (
            "cancelled_error_is_base_exception",
            semantics.cancellation.cancelled_error_is_base_exception,
            true,
        ),
    ] {
        figures.fact(
            format!("python.asyncio_semantics.cancellation.{name}"),
            name.replace('_', " "),
            yes_no(value),
        );
        if value != expected {
            contradictions.push(format!("{name}: {value}"));
        }
    }
    for (clause, key, expected) in EXCEPT_CLAUSES {
        let found = outcome(clause);
        figures.fact(
            format!("python.asyncio_semantics.cancellation.{key}"),
            format!("a cancelled task guarded by `{clause}`: cancelled or swallowed"),
            found,
        );
        if found != expected {
            contradictions.push(format!("{clause}: {found}"));
        }
    }
    if !contradictions.is_empty() {
        section.notes.push(format!(
            "This Python contradicts what the course says about asyncio: {}.",
            contradictions.join("; ")
        ));
    }
}

fn rust_crowd(program: &Path, kind: Kind, count: usize) -> anyhow::Result<CrowdCost> {
    let mut command = Command::new(program);
    command.args(["--crowd", kind.name(), "--count", &count.to_string()]);
    let finished = runner::run(&mut command, CROWD_LIMITS)
        .with_context(|| format!("cannot run {}", program.display()))?;
    if finished.ending == Ending::TimedOut {
        bail!(
            "a crowd of {count} {} took longer than {:?}",
            kind.name(),
            CROWD_LIMITS.timeout
        );
    }
    if !finished.ending.success() {
        bail!(
            "the crowd of {count} {} failed ({}): {}",
            kind.name(),
            finished.ending,
            finished.stderr.last_lines(3)
        );
    }
    Ok(serde_json::from_str(finished.stdout.text.trim())?)
}

fn record(runs: &mut BTreeMap<(Side, Kind), Runs>, side: Side, kind: Kind, cost: CrowdCost) {
    let entry = runs.entry((side, kind)).or_default();
    entry.spawn_seconds.push(cost.spawn_s);
    entry
        .bytes_each
        .push(cost.resident_growth_bytes as f64 / cost.started.max(1) as f64);
    if let Some(refusal) = cost.refusal {
        entry
            .refusals
            .push(format!("started {} of them: {refusal}", cost.started));
    }
}

fn section(count: usize, runs: &BTreeMap<(Side, Kind), Runs>, mut notes: Vec<String>) -> Section {
    let mut rows = Vec::new();
    let mut figures = Figures::default();
    figures.value(
        "tasks.count",
        "tasks, or threads, in each crowd",
        Unit::Count,
        count as f64,
    );
    let count_text = format_count(count as f64);
    for side in [Side::Rust, Side::Python] {
        let (Some(tasks), Some(threads)) = (
            runs.get(&(side, Kind::Tasks)),
            runs.get(&(side, Kind::Threads)),
        ) else {
            continue;
        };
        let (task_name, thread_name) = match side {
            Side::Rust => ("tokio tasks", "threads"),
            Side::Python => ("Python asyncio tasks", "Python threads"),
        };
        rows.push(Row::reference(
            format!("start {count_text} waiting {task_name}"),
            Unit::Seconds,
            &tasks.spawn_seconds,
        ));
        rows.push(Row::against(
            format!("start {count_text} waiting {thread_name}"),
            Unit::Seconds,
            &threads.spawn_seconds,
            format!(
                "{task_name}: {}",
                Unit::Seconds.format(tasks.spawn_seconds.median())
            ),
            threads.spawn_seconds.median() / tasks.spawn_seconds.median(),
        ));
        rows.push(Row::reference(
            format!("resident memory per waiting {}", singular(task_name)),
            Unit::Bytes,
            &tasks.bytes_each,
        ));
        rows.push(Row::against(
            format!("resident memory per waiting {}", singular(thread_name)),
            Unit::Bytes,
            &threads.bytes_each,
            format!(
                "{}: {}",
                singular(task_name),
                Unit::Bytes.format(tasks.bytes_each.median())
            ),
            threads.bytes_each.median() / tasks.bytes_each.median(),
        ));
        for (kind, kind_runs) in [(Kind::Tasks, tasks), (Kind::Threads, threads)] {
            // `rust.crowd.task_bytes`, `python.crowd.threads_start`: as the book asks for them.
            let key = format!("{}.crowd.{}", side.key(), singular(kind.name()));
            let what = match kind {
                Kind::Tasks => task_name,
                Kind::Threads => thread_name,
            };
            figures.measured(
                format!("{key}s_start"),
                format!("start {count_text} waiting {what}"),
                Unit::Seconds,
                &kind_runs.spawn_seconds,
            );
            figures.measured(
                format!("{key}_bytes"),
                format!("resident memory per waiting {}", singular(what)),
                Unit::Bytes,
                &kind_runs.bytes_each,
            );
        }
        for refusal in tasks.refusals.iter().chain(&threads.refusals) {
            notes.push(format!("{side:?}: the system refused a thread; {refusal}"));
        }
    }
    notes.dedup();

    let mut versus = Vec::new();
    for kind in [Kind::Tasks, Kind::Threads] {
        if let (Some(rust), Some(python)) = (
            runs.get(&(Side::Rust, kind)),
            runs.get(&(Side::Python, kind)),
        ) {
            let what = match kind {
                Kind::Tasks => "tokio task vs asyncio task",
                Kind::Threads => "Rust thread vs Python thread",
            };
            versus.push(Versus::lower_is_better(
                format!("start {count_text} waiting: {what}"),
                Unit::Seconds,
                &rust.spawn_seconds,
                &python.spawn_seconds,
            ));
            let row = Versus::lower_is_better(
                format!("resident memory per waiting {what}"),
                Unit::Bytes,
                &rust.bytes_each,
                &python.bytes_each,
            );
            figures.value(
                format!("tasks.versus.{}.bytes_each", kind.name()),
                format!("Python's memory ÷ Rust's, per waiting {what}"),
                Unit::Ratio,
                row.advantage,
            );
            versus.push(row);
        }
    }

    Section {
        title: "Tasks versus threads".to_string(),
        intro: format!(
            "{count_text} tasks, or threads, all waiting at once on one gate (lesson-async's \
             `crowd_of_tasks` and `crowd_of_threads`; Python: `crowd.py`), each crowd in a fresh \
             process. Measured: the time to start them all, and the growth in resident memory \
             (VmRSS) while they wait, divided among them. This area runs last: {count_text} \
             threads woken at once count towards the load average for a minute afterwards."
        ),
        rows,
        reading: "Ratio: the thread's figure ÷ the task's (how many times more a thread costs)."
            .to_string(),
        notes,
        charts: vec![chart(runs)],
        versus,
        headlines: Vec::new(),
        figures,
        ..Section::default()
    }
}

fn singular(plural: &str) -> String {
    plural.strip_suffix('s').unwrap_or(plural).to_string()
}

fn chart(runs: &BTreeMap<(Side, Kind), Runs>) -> Chart {
    let bars = runs
        .iter()
        .map(|(&(side, kind), kind_runs)| {
            let label = match (side, kind) {
                (Side::Rust, Kind::Tasks) => "tokio task",
                (Side::Rust, Kind::Threads) => "Rust thread",
                (Side::Python, Kind::Tasks) => "Python asyncio task",
                (Side::Python, Kind::Threads) => "Python thread",
            };
            let bytes = kind_runs.bytes_each.median();
            Bar {
                label: label.to_string(),
                value: bytes / 1024.0,
                text: Unit::Bytes.format(bytes),
                group: usize::from(side == Side::Python),
            }
        })
        .collect();
    let chart = BarChart {
        title: "Resident memory per waiting task or thread".to_string(),
        axis_label: "KiB (median)".to_string(),
        bars,
    };
    Chart {
        file: "crowds.svg".to_string(),
        caption: "Memory per waiting task or thread".to_string(),
        svg: chart.to_svg(),
    }
}
