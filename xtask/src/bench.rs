//! `cargo xtask bench [--quick]`: runs the course's benchmark (the `course-bench` package) in a
//! release build and leaves its report in `target/bench/report.md`, with SVG plots beside it.
//!
//! The bench measures each lesson's claim against its ideal and against the Python original; see
//! `bench/src/main.rs`. This is only the launcher: it picks the build profile (a debug build's
//! figures mean nothing) and the output folder, and passes any further flags through.

use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Args;

use crate::compile::cargo;
use crate::course::Course;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Small sizes and no Python: checks the bench works, in well under a minute.
    #[arg(long)]
    quick: bool,
    /// More flags for the bench itself, after `--`: `cargo xtask bench -- --only cpu --runs 5`
    /// (`cargo xtask bench -- --help` lists them).
    #[arg(last = true)]
    bench_args: Vec<String>,
}

pub fn run(course: &Course, args: BenchArgs) -> anyhow::Result<ExitCode> {
    let out = course.target_dir().join("bench");
    let mut command = cargo();
    command
        .current_dir(&course.root)
        .args(["run", "--release", "--package", "course-bench", "--"]);
    // `cargo xtask bench -- --out DIR` writes elsewhere; the bench takes `--out` only once.
    if !args
        .bench_args
        .iter()
        .any(|arg| arg == "--out" || arg.starts_with("--out="))
    {
        command.arg("--out").arg(&out);
    }
    if args.quick {
        command.arg("--quick");
    }
    command.args(&args.bench_args);
    // The learner loop (`--only grader`) times this very grader on a copy of this course.
    let xtask = std::env::current_exe().context("cannot find the grader's own program")?;
    command
        .env("COURSE_BENCH_XTASK", xtask)
        .env("COURSE_BENCH_ROOT", &course.root)
        .env("COURSE_BENCH_TARGET_DIR", course.target_dir());
    // The bench prints its progress and tables as it goes (and cargo its first, long release
    // build), so both share our terminal.
    let status = command.status().context("cannot run cargo")?;
    if !status.success() {
        bail!("the bench did not finish ({status}); what it printed above says why");
    }
    Ok(ExitCode::SUCCESS)
}
