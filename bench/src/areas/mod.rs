//! The areas of the bench, one module each. Each measures what a lesson claims, with that
//! lesson's own functions, and returns a [`Section`](crate::report::Section) of the report.

pub mod crowds;
pub mod gil;
pub mod hashing;
pub mod io_schedule;
pub mod learner_loop;
pub mod start_cost;
pub mod throughput;

use std::path::PathBuf;
use std::time::Duration;

use crate::machine::Machine;
use crate::python::Python;

/// What every area may need besides its sizes.
#[derive(Debug)]
pub struct Context {
    pub machine: Machine,
    /// The Python side, if it is ready.
    pub python: Option<Python>,
    /// This very program, started again as a worker process (`--worker`) or a crowd (`--crowd`).
    pub own_program: PathBuf,
    /// The output folder, where an area may keep files while it runs (and removes them after).
    pub work_dir: PathBuf,
}

/// Prints what the bench is doing, on stderr, so that stdout holds only the tables.
pub fn progress(message: &str) {
    eprintln!("  {message}");
}

/// The longest a Python script may run before the bench gives up on it.
pub const PYTHON_LIMIT: Duration = Duration::from_secs(300);

/// Spans as `(start, end)` seconds, the form the plots take.
pub fn span_seconds(spans: &[lesson_kit::timeline::Span]) -> Vec<(f64, f64)> {
    spans
        .iter()
        .map(|span| (span.start.as_secs_f64(), span.end.as_secs_f64()))
        .collect()
}
