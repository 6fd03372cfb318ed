//! The GIL and offloading: does moving a big JSON parse off the event loop keep the loop free?
//!
//! lesson-pitfalls claims that parsing a big upload inside an async handler freezes every other
//! task on its thread, and that `spawn_blocking` frees the runtime's thread completely, while
//! Python's `await asyncio.to_thread(json.loads, body)` does not free the event loop: CPython's C
//! parser keeps the GIL from start to end, and the switch interval only asks a thread to let go
//! between bytecodes. Both sides watch their loop with a heartbeat of one millisecond while the
//! same document (lesson-pitfalls' sensor readings, about 50 MB) is parsed, and report the
//! longest gap between beats: the time the loop could not run.
//!
//! Rust: lesson-pitfalls' `handle_upload_blocking` (the parse in place) and `handle_upload`
//! (`spawn_blocking`) on a current-thread runtime, which like asyncio's loop is one thread. Python:
//! `json_gil.py`, which also tries a pure-Python loop in the thread (which the switch interval can
//! interrupt) and a `ProcessPoolExecutor`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use lesson_kit::heartbeat::Heartbeat;
use lesson_kit::measure::format_bytes;
use lesson_pitfalls::blocking::{
    count_readings, handle_upload, handle_upload_blocking, readings_document,
};
use serde::Deserialize;
use tokio::time::Instant;

use super::{Context, PYTHON_LIMIT, progress};
use crate::plan::Plan;
use crate::python::Python;
use crate::report::{Figures, Row, Section, Versus};
use crate::stats::{Spread, Unit, format_ratio};

/// What `json_gil.py` prints.
#[derive(Debug, Deserialize)]
struct PythonGil {
    python: String,
    switch_interval_s: f64,
    body_bytes: u64,
    readings: usize,
    beat_s: f64,
    parse_alone_s: Vec<f64>,
    /// By way: nothing, to_thread, to_thread_pure_python, process_pool, process_pool_whole_result.
    ways: BTreeMap<String, Vec<Watched>>,
    counts_agree: bool,
}

/// What the heartbeat saw while one piece of work ran.
#[derive(Debug, Clone, Deserialize)]
struct Watched {
    work_s: f64,
    longest_gap_s: f64,
    beats_seen: u64,
    beats_due: u64,
}

/// Every run of one way.
#[derive(Debug, Default)]
struct Runs {
    work: Spread,
    longest_gap: Spread,
    beats_seen: Spread,
    beats_due: Spread,
}

impl Runs {
    fn of(watched: &[Watched]) -> Runs {
        let mut runs = Runs::default();
        for seen in watched {
            runs.add(seen);
        }
        runs
    }

    fn add(&mut self, seen: &Watched) {
        self.work.push(seen.work_s);
        self.longest_gap.push(seen.longest_gap_s);
        self.beats_seen.push(seen.beats_seen as f64);
        self.beats_due.push(seen.beats_due as f64);
    }
}

/// The Python ways, in the order the report gives them: the name `json_gil.py` gives it, the
/// start of its keys in report.json (`python.json_gil.to_thread_longest_gap`, as the book asks
/// for them), and what it does.
const PYTHON_WAYS: [(&str, &str, &str); 5] = [
    (
        "nothing",
        "python.json_gil.nothing_",
        "nothing: the loop sleeps as long as a parse takes (the control)",
    ),
    (
        "to_thread",
        "python.json_gil.to_thread_",
        "`await asyncio.to_thread(json.loads, body)`",
    ),
    (
        "to_thread_pure_python",
        "python.json_gil.pure_python_",
        "`to_thread` of a pure-Python loop as long as a parse",
    ),
    (
        "process_pool",
        "python.json_gil.process_pool_",
        "`run_in_executor(ProcessPoolExecutor(1), ...)`, a count comes back",
    ),
    (
        "process_pool_whole_result",
        "python.json_gil.process_pool_whole_result_",
        "the same, the whole parsed document comes back (unpickled here)",
    ),
];

pub fn run(plan: &Plan, context: &Context) -> anyhow::Result<Section> {
    let gil = &plan.gil;
    let readings = readings_for(gil.megabytes);
    progress(&format!(
        "GIL: a JSON upload of {readings} readings, parsed beside a {} ms heartbeat",
        gil.beat.as_millis()
    ));
    let body: Arc<[u8]> = readings_document(readings).into();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut parse_alone = Spread::new();
    let mut in_place = Runs::default();
    let mut offloaded = Runs::default();
    for run in 0..plan.runs {
        progress(&format!(
            "GIL, run {} of {}: Rust, in place and with spawn_blocking",
            run + 1,
            plan.runs
        ));
        let started = std::time::Instant::now();
        let count = count_readings(&body)?;
        parse_alone.push_duration(started.elapsed());
        anyhow::ensure!(count == readings, "parsed {count} readings of {readings}");
        let seen = runtime.block_on(watched(gil.beat, async {
            handle_upload_blocking(&body)
                .await
                .map_err(anyhow::Error::from)
        }))?;
        in_place.add(&seen);
        let seen = runtime.block_on(watched(gil.beat, handle_upload(Arc::clone(&body))))?;
        offloaded.add(&seen);
    }

    let mut notes = Vec::new();
    let python = match &context.python {
        Some(python) => match python_gil(python, plan) {
            Ok(python_gil) => {
                if python_gil.body_bytes != body.len() as u64 || python_gil.readings != readings {
                    notes.push(format!(
                        "Python's document differs from Rust's: {} bytes and {} readings against \
                         {} and {readings}.",
                        python_gil.body_bytes,
                        python_gil.readings,
                        body.len()
                    ));
                }
                if !python_gil.counts_agree {
                    notes.push("Python's ways disagreed on the number of readings.".to_string());
                }
                Some(python_gil)
            }
            Err(error) => {
                notes.push(format!("Python json_gil.py failed: {error:#}"));
                None
            }
        },
        None => None,
    };
    Ok(section(
        plan,
        body.len() as u64,
        readings,
        &parse_alone,
        &in_place,
        &offloaded,
        python.as_ref(),
        notes,
    ))
}

/// How many readings make a document of at least `megabytes` (10^6 bytes): what `json_gil.py`
/// counts too, so both sides parse the very same bytes.
fn readings_for(megabytes: f64) -> usize {
    let target = (megabytes * 1e6) as usize;
    let mut size = 1; // the opening bracket
    let mut count = 0;
    let mut piece = String::new();
    while size < target {
        piece.clear();
        // As lesson-pitfalls' `readings_document` writes each reading. Writing to a String
        // cannot fail.
        let _ = write!(
            piece,
            r#"{{"sensor":"s-{}","at":{},"celsius":{}.{}}}"#,
            count % 97,
            1_700_000_000 + count,
            15 + count % 13,
            count % 10
        );
        size += piece.len() + 1; // and its comma, or the closing bracket
        count += 1;
    }
    count
}

/// Runs `work` with a heartbeat beside it, as `json_gil.py` does: three beats to settle, the work,
/// three beats after it, so the gap it caused is closed.
async fn watched<T>(
    beat: Duration,
    work: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<Watched> {
    let heartbeat = Heartbeat::start(beat);
    tokio::time::sleep(beat * 3).await;
    let started = Instant::now();
    work.await?;
    let ended = Instant::now();
    tokio::time::sleep(beat * 3).await;
    let beats = heartbeat.stop();
    let work = ended - started;
    Ok(Watched {
        work_s: work.as_secs_f64(),
        longest_gap_s: beats.longest_gap().as_secs_f64(),
        beats_seen: beats.ticks_between(started, ended) as u64,
        beats_due: (work.as_secs_f64() / beat.as_secs_f64()) as u64,
    })
}

fn python_gil(python: &Python, plan: &Plan) -> anyhow::Result<PythonGil> {
    progress("GIL: Python to_thread, a pure-Python thread and a process pool (json_gil.py)");
    let args = [
        "--megabytes".to_string(),
        plan.gil.megabytes.to_string(),
        "--beat-ms".to_string(),
        (plan.gil.beat.as_secs_f64() * 1000.0).to_string(),
        "--runs".to_string(),
        plan.runs.to_string(),
    ];
    python
        .run("json_gil.py", &args, PYTHON_LIMIT)
        .context("python json_gil.py")
}

#[allow(clippy::too_many_arguments)]
fn section(
    plan: &Plan,
    body_bytes: u64,
    readings: usize,
    parse_alone: &Spread,
    in_place: &Runs,
    offloaded: &Runs,
    python: Option<&PythonGil>,
    mut notes: Vec<String>,
) -> Section {
    let beat = plan.gil.beat.as_secs_f64();
    let one_beat = format!("one beat: {}", Unit::Seconds.format(beat));
    let mut rows = Vec::new();
    let mut figures = Figures::default();
    figures.value(
        "gil.body_bytes",
        "the JSON document's size",
        Unit::Bytes,
        body_bytes as f64,
    );
    figures.value(
        "gil.readings",
        "readings in the JSON document",
        Unit::Count,
        readings as f64,
    );
    figures.value("gil.beat", "the heartbeat's period", Unit::Seconds, beat);

    rows.push(Row::reference(
        "Rust: serde_json parse alone (`count_readings`)",
        Unit::Seconds,
        parse_alone,
    ));
    figures.measured(
        "rust.gil.parse",
        "Rust: the parse alone, no runtime",
        Unit::Seconds,
        parse_alone,
    );
    for (key, what, runs) in [
        (
            "rust.gil.in_place.",
            "Rust: parsed in place on the runtime's thread (`handle_upload_blocking`)",
            in_place,
        ),
        (
            "rust.gil.spawn_blocking.",
            "Rust: `spawn_blocking` (`handle_upload`)",
            offloaded,
        ),
    ] {
        rows.push(Row::against(
            format!("{what}: the loop's longest pause"),
            Unit::Seconds,
            &runs.longest_gap,
            one_beat.clone(),
            runs.longest_gap.median() / beat,
        ));
        watched_figures(&mut figures, key, what, runs);
    }

    let mut versus = Vec::new();
    let mut headlines = Vec::new();
    if let Some(python) = python {
        let parse = Spread::of(python.parse_alone_s.iter().copied());
        rows.push(Row::reference(
            format!("Python {}: json.loads alone", python.python),
            Unit::Seconds,
            &parse,
        ));
        figures.measured(
            "python.json_gil.parse",
            "Python: json.loads alone, no event loop",
            Unit::Seconds,
            &parse,
        );
        figures.value(
            "python.json_gil.switch_interval",
            "Python's switch interval (sys.getswitchinterval())",
            Unit::Seconds,
            python.switch_interval_s,
        );
        figures.value(
            "python.json_gil.body_bytes",
            "the JSON document json_gil.py parsed",
            Unit::Bytes,
            python.body_bytes as f64,
        );
        figures.value(
            "python.json_gil.beat",
            "json_gil.py's heartbeat period",
            Unit::Seconds,
            python.beat_s,
        );
        if (python.beat_s - beat).abs() > 1e-9 {
            notes.push(format!(
                "Python's heartbeat beat every {}, not {}.",
                Unit::Seconds.format(python.beat_s),
                Unit::Seconds.format(beat)
            ));
        }
        let mut python_runs = BTreeMap::new();
        for (way, key, what) in PYTHON_WAYS {
            let Some(watched) = python.ways.get(way) else {
                notes.push(format!("json_gil.py reported no `{way}`."));
                continue;
            };
            let runs = Runs::of(watched);
            rows.push(Row::against(
                format!("Python: {what}: the loop's longest pause"),
                Unit::Seconds,
                &runs.longest_gap,
                one_beat.clone(),
                runs.longest_gap.median() / beat,
            ));
            watched_figures(&mut figures, key, what, &runs);
            python_runs.insert(way, runs);
        }
        if let Some(to_thread) = python_runs.get("to_thread") {
            let row = Versus::lower_is_better(
                "the loop's longest pause while a JSON parse is offloaded: spawn_blocking vs \
                 to_thread",
                Unit::Seconds,
                &offloaded.longest_gap,
                &to_thread.longest_gap,
            );
            figures.value(
                "gil.versus.offloaded_pause",
                "Python to_thread's longest pause ÷ Rust spawn_blocking's",
                Unit::Ratio,
                row.advantage,
            );
            versus.push(row);
            let mut headline = format!(
                "GIL, a {} JSON parse offloaded beside a {} heartbeat: Python \
                 `to_thread(json.loads)` left the event loop paused {} of a {} parse ({} of {} \
                 beats seen)",
                format_bytes(body_bytes),
                Unit::Seconds.format(beat),
                Unit::Seconds.format(to_thread.longest_gap.median()),
                Unit::Seconds.format(to_thread.work.median()),
                Unit::Count.format(to_thread.beats_seen.median()),
                Unit::Count.format(to_thread.beats_due.median()),
            );
            if let Some(pool) = python_runs.get("process_pool") {
                headline.push_str(&format!(
                    "; a ProcessPoolExecutor: {}",
                    Unit::Seconds.format(pool.longest_gap.median())
                ));
            }
            headline.push_str(&format!(
                "; Rust `spawn_blocking`: {} ({} of a beat).",
                Unit::Seconds.format(offloaded.longest_gap.median()),
                format_ratio(offloaded.longest_gap.median() / beat)
            ));
            headlines.push(headline);
        }
        versus.push(Versus::lower_is_better(
            "parse the JSON document alone: serde_json vs json.loads",
            Unit::Seconds,
            parse_alone,
            &parse,
        ));
    }

    Section {
        title: "GIL: offloading a JSON parse".to_string(),
        intro: format!(
            "A JSON upload of {} ({readings} sensor readings, lesson-pitfalls' document) parsed \
             while a heartbeat on the same event loop should beat every {}; a gap between beats \
             is time the loop could not run. Rust's runtime is a current-thread one, one thread \
             like asyncio's loop. Python is `json_gil.py`.",
            format_bytes(body_bytes),
            Unit::Seconds.format(beat)
        ),
        rows,
        reading: "Ratio: the loop's longest pause ÷ one beat. Near 1× the loop kept time; a \
                  parse that holds the loop shows as hundreds."
            .to_string(),
        notes,
        versus,
        headlines,
        figures,
        ..Section::default()
    }
}

/// `{start}longest_gap`, `{start}work`, `{start}beats_seen` and `{start}beats_due`.
fn watched_figures(figures: &mut Figures, start: &str, what: &str, runs: &Runs) {
    figures.measured(
        format!("{start}longest_gap"),
        format!("{what}: the event loop's longest pause"),
        Unit::Seconds,
        &runs.longest_gap,
    );
    figures.measured(
        format!("{start}work"),
        format!("{what}: how long the work took"),
        Unit::Seconds,
        &runs.work,
    );
    figures.measured(
        format!("{start}beats_seen"),
        format!("{what}: heartbeats seen while it ran"),
        Unit::Count,
        &runs.beats_seen,
    );
    figures.measured(
        format!("{start}beats_due"),
        format!("{what}: heartbeats due while it ran"),
        Unit::Count,
        &runs.beats_due,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_reaches_the_size_as_python_counts_it() {
        for megabytes in [0.001, 0.05, 0.3] {
            let count = readings_for(megabytes);
            let size = readings_document(count).len();
            let target = (megabytes * 1e6) as usize;
            assert!(size >= target, "{count} readings make {size} bytes");
            assert!(
                readings_document(count - 1).len() < target,
                "{count} is one too many"
            );
        }
    }
}
