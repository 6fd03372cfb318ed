//! `cargo xtask ...`: the course's own tool.
//!
//! For learners: `check`, `watch`, `hint`, `list`, `reset`, `restore`, and `book` to read the book. For
//! teachers: `check --json`, `list --json`. For maintainers: `verify`, `seal`, `bench`, and
//! `book capture`.

mod bench;
mod book;
mod cheats;
mod checking;
mod clock;
mod compile;
mod course;
mod diagnose;
mod git;
mod grade;
mod hang;
mod learner;
mod libtest;
mod records;
mod report;
mod seal;
mod verify;
mod walk;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::course::Course;

/// The course's tool: grades your exercises, gives hints, and runs maintainer tasks.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The course to work on (the grader's own tests point it at throwaway copies).
    #[arg(long, global = true, hide = true)]
    root: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Grade the exercises in order (or just NAME): what is done, what is next, and why it fails.
    Check {
        /// An exercise: its folder name, number, or package name.
        name: Option<String>,
        /// Print machine-readable results, one JSON object per line (for teachers' autograders).
        #[arg(long)]
        json: bool,
        /// Grade again even what is unchanged since the last check.
        #[arg(long)]
        force: bool,
    },
    /// Re-grade the exercise you are editing every time you save.
    Watch,
    /// A hint for an exercise, in three steps: each call gives the next (what to look at, which
    /// API, a sketch).
    Hint {
        /// An exercise: its folder name, number, or package name.
        name: String,
        /// All three steps at once.
        #[arg(long)]
        all: bool,
    },
    /// Every exercise and where it stands (from the last check; grades nothing).
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Put an exercise's starter back; your version is kept in backups/.
    Reset {
        /// An exercise: its folder name, number, or package name.
        name: String,
    },
    /// Bring back your version of an exercise from backups/ (the newest, or the one named).
    Restore {
        /// An exercise: its folder name, number, or package name.
        name: String,
        /// A backup's folder name in backups/ (the newest when left out).
        backup: Option<String>,
    },
    /// Maintainers: prove every starter fails its checks and every solution passes them.
    Verify {
        /// Only these exercises (all of them by default).
        names: Vec<String>,
        /// Write each exercise's time limit, measured from its solution's checks, into
        /// exercises/time-limits.toml.
        #[arg(long)]
        record_limits: bool,
    },
    /// Maintainers: record the fingerprints of the exercises' checks and starters.
    Seal,
    /// Maintainers: measure every lesson's claim against its ideal and against Python
    /// (`--quick` for a smoke test); writes target/bench/report.md and SVG plots.
    Bench(bench::BenchArgs),
    /// Build the course's book into target/book (`--open` to read it, `--serve` to edit it).
    Book(book::BookArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            // `:#` prints the whole chain of causes: "cannot read X: permission denied".
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The one place a command is turned into the function that does it.
fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let course = Course::locate(cli.root.as_deref())?;
    match cli.command {
        Command::Check { name, json, force } => {
            learner::check(&course, name.as_deref(), json, force)
        }
        Command::Watch => learner::watch(&course),
        Command::Hint { name, all } => learner::hint(&course, &name, all),
        Command::List { json } => learner::list(&course, json),
        Command::Reset { name } => learner::reset(&course, &name),
        Command::Restore { name, backup } => learner::restore(&course, &name, backup.as_deref()),
        Command::Verify {
            names,
            record_limits,
        } => verify::verify(&course, &names, record_limits),
        Command::Bench(args) => bench::run(&course, args),
        Command::Seal => seal::seal(&course),
        Command::Book(args) => book::run(&course, args),
    }
}
