//! Running one exercise's check programs (its compiled `tests/*.rs`) under the grader's bounds,
//! and telling how each ended.
//!
//! - **All at once.** An exercise's programs run side by side: the verdict comes when the slowest
//!   is done, not after the sum of them. The failure reported is still the same every time: the
//!   first program in name order that fails.
//! - **The first failure stops the rest.** The grader reports one failure, so when a test fails
//!   its program is stopped (other tests may still be waiting out real delays), and so is every
//!   program after it in name order. The failing program gets a tenth of a second first: one that
//!   is about to crash (a panic escaping a thread pool aborts) is reported by its crash. Those before it run on: one of them may fail too, and
//!   the earlier one is the one reported.
//! - **Bounded.** Each program gets the exercise's time limit; its output streams to the grader
//!   (libtest runs with `--nocapture`), which keeps a head and a tail and stops a flood at
//!   [`Bounds::flood`] bytes; its data is limited to [`Bounds::memory`], so a runaway allocation
//!   fails inside it. At the time limit it is looked at before the kill ([`crate::hang`]).

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use runner::{Ending, Finished, Limits, Runner, Stop};

use crate::compile::Check;
use crate::hang::{self, Hang};
use crate::libtest::{self, Seen};

/// What a check program may take.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub time_limit: Duration,
    /// Bytes of data (heap and other private memory) each program may have.
    pub memory: u64,
    /// Bytes a program may print, on both streams, before it is stopped as a flood.
    pub flood: u64,
}

/// Bytes kept of the start, and of the end, of each stream: the diagnosis reads the stream as it
/// arrives, so these are only for the odd report that needs the raw text.
const HEAD: usize = 64 << 10;
const TAIL: usize = 16 << 10;

/// How one check program ended, as the grader tells it.
#[derive(Debug, Clone)]
pub enum Outcome {
    Passed,
    /// A test failed: its name, what it said, and what the tests printed besides (a harness such
    /// as trybuild prints its own report).
    TestFailed {
        test: String,
        text: Option<String>,
        output: Vec<String>,
    },
    /// It printed more than the flood cap allows.
    Flood {
        bytes: u64,
        after: Duration,
        first_lines: Vec<String>,
    },
    /// Its time ran out: what it was doing then, and the tests that had not ended.
    TimedOut {
        hang: Hang,
        unfinished: Vec<String>,
    },
    /// An allocation failed at the memory limit; what it printed last.
    OutOfMemory {
        text: String,
    },
    /// A signal ended it, not the grader; what it printed last.
    Crashed {
        signal: i32,
        stderr: String,
    },
    /// It failed with no test saying so (a panic outside any test, a harness error).
    ExitedBadly {
        code: i32,
        output: String,
    },
    /// The grader stopped it because an earlier program failed: not a verdict of its own.
    Stopped,
    /// It could not be started.
    NotRun(String),
}

impl Outcome {
    /// Whether this is a failure to report (neither a pass nor a stop).
    pub fn failed(&self) -> bool {
        !matches!(self, Outcome::Passed | Outcome::Stopped)
    }
}

/// One check program's run.
#[derive(Debug, Clone)]
pub struct Report {
    /// The check's name: its file's, such as `check` for `tests/check.rs`.
    pub name: String,
    pub outcome: Outcome,
    /// The bounds it ran under.
    pub bounds: Bounds,
    /// How long it ran.
    pub elapsed: Duration,
    /// Tests that passed, and how many it has (when known).
    pub passed: usize,
    pub total: Option<usize>,
}

/// Runs `checks` side by side, each made into a command by `command` and bounded by `bounds`, and
/// reports on each, in the order given.
pub fn run_all(
    checks: &[Check],
    command: impl Fn(&Check) -> Command + Sync,
    bounds: impl Fn(&Check) -> Bounds + Sync,
) -> Vec<Report> {
    let stops: Vec<Stop> = checks.iter().map(|_| Stop::new()).collect();
    std::thread::scope(|scope| {
        let running: Vec<_> = checks
            .iter()
            .enumerate()
            .map(|(index, check)| {
                let stops = &stops;
                let command = &command;
                let bounds = &bounds;
                scope.spawn(move || {
                    let report = run_one(check, command(check), bounds(check), &stops[index..]);
                    if report.outcome.failed() {
                        // Those after it can only lose the race to be reported.
                        stops[index + 1..].iter().for_each(Stop::now);
                    }
                    report
                })
            })
            .collect();
        running
            .into_iter()
            .zip(checks)
            .map(|(thread, check)| {
                thread.join().unwrap_or_else(|_| Report {
                    name: check.name.clone(),
                    outcome: Outcome::NotRun("the grader's watcher panicked".to_string()),
                    bounds: bounds(check),
                    elapsed: Duration::ZERO,
                    passed: 0,
                    total: None,
                })
            })
            .collect()
    })
}

/// Runs one check program. `stops[0]` is its own switch; the rest belong to the programs after
/// it, which its first failure stops too.
fn run_one(check: &Check, mut command: Command, bounds: Bounds, stops: &[Stop]) -> Report {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let started = Instant::now();
    let mut at_time_up = None;
    let finished = {
        let on_stdout = watcher(&seen, stops, bounds, started, Stream::Stdout);
        let on_stderr = watcher(&seen, stops, bounds, started, Stream::Stderr);
        let looked_at = &mut at_time_up;
        let printed = Arc::clone(&seen);
        command.args(["--color", "never", "--nocapture"]);
        Runner::new(Limits {
            timeout: bounds.time_limit,
            output_cap: HEAD,
        })
        .keep_tail(TAIL)
        .memory_limit(bounds.memory)
        .stop_with(stops[0].clone())
        .on_stdout_line(on_stdout)
        .on_stderr_line(on_stderr)
        .on_time_up(move |running| {
            *looked_at = Some(hang::diagnose(running.pid, || lock(&printed).printed));
        })
        .run(&mut command)
    };
    let elapsed = started.elapsed();
    let seen = lock(&seen).clone();
    let outcome = match finished {
        Ok(finished) => outcome(check, &finished, &seen, at_time_up, &stops[0]),
        Err(error) => Outcome::NotRun(format!(
            "cannot run {}: {error}",
            check.executable.display()
        )),
    };
    let total = seen.announced.or_else(|| {
        // Stopped before libtest said how many tests it has: ask it.
        list_tests(&check.executable).map(|tests| tests.len())
    });
    Report {
        name: check.name.clone(),
        outcome,
        bounds,
        elapsed,
        passed: seen.passed(),
        total,
    }
}

#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

/// What reads one stream's lines as they arrive: it records them, and stops the program (and
/// those after it) at its first failed test or when its output passes the flood cap.
fn watcher(
    seen: &Arc<Mutex<Seen>>,
    stops: &[Stop],
    bounds: Bounds,
    started: Instant,
    stream: Stream,
) -> impl FnMut(&str) + Send + 'static {
    let seen = Arc::clone(seen);
    let stops = stops.to_vec();
    move |line: &str| {
        let mut seen = lock(&seen);
        let failed = match stream {
            Stream::Stdout => seen.stdout_line(line).is_some(),
            Stream::Stderr => {
                seen.stderr_line(line);
                false
            }
        };
        let flooded = seen.printed > bounds.flood && seen.flooded_after.is_none();
        if flooded {
            seen.flooded_after = Some(started.elapsed());
        }
        if flooded {
            stops.iter().for_each(Stop::now);
        } else if failed {
            // Those after it at once; this one a moment later, in case it is about to crash on its
            // own (a panic that escapes a thread pool aborts the process just after a test saw
            // it): the crash says more than the test.
            stops[0].after(CRASH_GRACE);
            stops[1..].iter().for_each(Stop::now);
        }
    }
}

/// How long a program whose test failed may go on before it is stopped.
const CRASH_GRACE: Duration = Duration::from_millis(100);

fn outcome(
    check: &Check,
    finished: &Finished,
    seen: &Seen,
    at_time_up: Option<Hang>,
    own_stop: &Stop,
) -> Outcome {
    if let Some(after) = seen.flooded_after {
        return Outcome::Flood {
            bytes: seen.printed,
            after,
            first_lines: seen.first_lines(5),
        };
    }
    let stderr = &finished.stderr;
    let out_of_memory = stderr.text.contains("memory allocation of")
        || stderr.tail.contains("memory allocation of");
    // A crash of its own (not the grader's kill) tells more than a test that failed on the way.
    let crashed = matches!(finished.ending, Ending::Signaled(_)) && !own_stop.ended_it();
    if let Some(test) = seen.first_failed().filter(|_| !crashed) {
        return Outcome::TestFailed {
            test: test.to_string(),
            text: seen.failure_text(test),
            output: seen.output.clone(),
        };
    }
    match finished.ending {
        Ending::TimedOut => {
            let hang = at_time_up.unwrap_or(Hang::Unknown);
            let ended: Vec<&str> = seen.ended.iter().map(|(name, _)| name.as_str()).collect();
            let unfinished = list_tests(&check.executable)
                .unwrap_or_default()
                .into_iter()
                .filter(|name| !ended.contains(&name.as_str()))
                .collect();
            Outcome::TimedOut { hang, unfinished }
        }
        Ending::Exited(0) => Outcome::Passed,
        _ if out_of_memory => Outcome::OutOfMemory {
            text: libtest::without_thread_ids(&stderr.last_lines(8)),
        },
        _ if own_stop.ended_it() => Outcome::Stopped,
        Ending::Signaled(signal) => Outcome::Crashed {
            signal,
            stderr: libtest::without_thread_ids(&stderr.last_lines(12)),
        },
        Ending::Exited(code) => {
            let output = format!(
                "{}\n{}",
                finished.stdout.last_lines(10),
                stderr.last_lines(10)
            );
            Outcome::ExitedBadly {
                code,
                output: libtest::without_thread_ids(output.trim()),
            }
        }
    }
}

/// The tests a check program has (`--list`), if it says.
fn list_tests(executable: &Path) -> Option<Vec<String>> {
    let limits = Limits {
        timeout: Duration::from_secs(10),
        output_cap: 1 << 20,
    };
    let mut command = Command::new(executable);
    command.args(["--list", "--color", "never"]);
    let finished = runner::run(&mut command, limits).ok()?;
    finished
        .ending
        .success()
        .then(|| libtest::listed_tests(&finished.stdout.text))
}

fn lock(seen: &Mutex<Seen>) -> MutexGuard<'_, Seen> {
    // A watcher that panicked mid-line left the record as it was: still the best there is.
    seen.lock().unwrap_or_else(PoisonError::into_inner)
}
