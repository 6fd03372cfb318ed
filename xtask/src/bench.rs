//! `cargo xtask bench [--quick]`: runs the course's benchmark (the `course-bench` package) in a
//! release build and leaves its report in `target/bench/` (report.md, report.json and SVG plots).
//!
//! The bench measures each lesson's claim against its ideal and against the Python original; see
//! `bench/src/main.rs`. This is its launcher: it picks the build profile (a debug build's figures
//! mean nothing) and the output folder, and passes any further flags through. And it handles the
//! bench's figures as data ([`results`], the schema of report.json):
//!
//! - `--for-book` runs the full bench and, if every area ran with the Python side, copies
//!   report.json into `book/src/bench/` and the plots into `book/src/figures/`: what the book
//!   quotes with `{{#bench KEY}}` and shows with `{{#figure NAME}}`;
//! - `--compare A.json B.json` sets two runs side by side (two machines, or two commits);
//! - `--keys` lists the figures the book can quote.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail, ensure};
use clap::Args;

use crate::compile::cargo;
use crate::course::Course;

/// The schema of report.json, shared with the bench, which writes it (one copy; see the file).
#[path = "../../bench/src/results.rs"]
pub mod results;

use self::results::{Figure, PythonFacts, Results};

/// Where the book keeps the bench's results and plots, relative to `book/src`.
pub const BOOK_RESULTS: &str = "bench/report.json";
pub const BOOK_FIGURES: &str = "figures";

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Small sizes and no Python: checks the bench works, in well under a minute.
    #[arg(long)]
    quick: bool,
    /// Run the full bench (Python included) and give its results to the book: report.json into
    /// book/src/bench/, the plots into book/src/figures/. Run it on a quiet machine.
    #[arg(long, conflicts_with = "quick")]
    for_book: bool,
    /// Print the figures of two reports side by side, with B ÷ A; runs nothing.
    #[arg(
        long,
        num_args = 2,
        value_names = ["A.json", "B.json"],
        conflicts_with_all = ["quick", "for_book"]
    )]
    compare: Option<Vec<PathBuf>>,
    /// List the figures the book can quote with `{{#bench KEY}}` (from book/src/bench/report.json,
    /// or from FILE); runs nothing.
    #[arg(
        long,
        value_name = "FILE",
        num_args = 0..=1,
        conflicts_with_all = ["quick", "for_book", "compare"]
    )]
    keys: Option<Option<PathBuf>>,
    /// More flags for the bench itself, after `--`: `cargo xtask bench -- --only cpu --runs 5`
    /// (`cargo xtask bench -- --help` lists them).
    #[arg(last = true)]
    bench_args: Vec<String>,
}

pub fn run(course: &Course, args: BenchArgs) -> anyhow::Result<ExitCode> {
    if let Some(files) = &args.compare {
        let [a, b] = files.as_slice() else {
            bail!("--compare takes two report.json files");
        };
        print!("{}", compare(&load(a)?, &load(b)?, a, b));
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(file) = &args.keys {
        let path = file.clone().unwrap_or_else(|| book_results(course));
        print!("{}", list_keys(&load(&path)?));
        return Ok(ExitCode::SUCCESS);
    }
    if args.for_book {
        for flag in ["--only", "--no-python", "--quick", "--out"] {
            if args
                .bench_args
                .iter()
                .any(|arg| arg == flag || arg.starts_with(&format!("{flag}=")))
            {
                bail!(
                    "--for-book runs every area of the full bench, with Python, into target/bench: \
                     it cannot be combined with {flag}"
                );
            }
        }
    }

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
    // The book's figures need the Python side: insist on it (an error, not a skip), with the
    // `python3` on the PATH unless told which.
    if args.for_book
        && !args
            .bench_args
            .iter()
            .any(|arg| arg.starts_with("--python"))
    {
        command.args(["--python", "python3"]);
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
    if args.for_book {
        give_to_the_book(course, &out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The book's copy of the bench's results.
pub fn book_results(course: &Course) -> PathBuf {
    course.root.join("book/src").join(BOOK_RESULTS)
}

/// Reads a report.json, refusing one written to another schema.
pub fn load(path: &Path) -> anyhow::Result<Results> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let results: Results = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a report.json of this bench (schema {})",
            path.display(),
            results::SCHEMA
        )
    })?;
    ensure!(
        results.schema == results::SCHEMA,
        "{} has schema {}, this course reads {}: run the bench again",
        path.display(),
        results.schema,
        results::SCHEMA
    );
    Ok(results)
}

/// Why a report's figures may not go into the book, if they may not.
pub fn unfit_for_the_book(results: &Results) -> Option<String> {
    if results.mode != "full" {
        return Some(format!("it is a --{} run: small sizes", results.mode));
    }
    if results.build != "release" {
        return Some(format!("it is a {} build", results.build));
    }
    if let PythonFacts::Skipped { why } = &results.python {
        return Some(format!("the Python side was skipped ({why})"));
    }
    if !results.skipped.is_empty() {
        return Some(format!(
            "areas were left out: {}",
            results.skipped.join(" ")
        ));
    }
    None
}

/// Copies the full bench's report.json and plots from `out` into the book, once they are fit.
fn give_to_the_book(course: &Course, out: &Path) -> anyhow::Result<()> {
    let source = out.join("report.json");
    let results = load(&source)?;
    if let Some(why) = unfit_for_the_book(&results) {
        bail!(
            "{} is not for the book: {why}; nothing was copied",
            source.display()
        );
    }
    let target = book_results(course);
    if let Some(folder) = target.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    std::fs::copy(&source, &target)
        .with_context(|| format!("cannot copy {} to {}", source.display(), target.display()))?;
    let figures = course.root.join("book/src").join(BOOK_FIGURES);
    std::fs::create_dir_all(&figures)
        .with_context(|| format!("cannot create {}", figures.display()))?;
    for chart in &results.charts {
        let (from, to) = (out.join(chart), figures.join(chart));
        std::fs::copy(&from, &to)
            .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    }
    println!(
        "\nThe book's figures now come from this run ({}): {} and {} plots in {}. Check the \
         book (`cargo xtask book --check`), read the diff, and commit them.",
        provenance(&results),
        target.display(),
        results.charts.len(),
        figures.display()
    );
    Ok(())
}

/// "Intel Xeon …, 2 cores, release build, 2025-06-01": where and how the figures were made.
pub fn provenance(results: &Results) -> String {
    format!(
        "{}, {} cores, {} build, {}",
        results.machine.cpu, results.machine.cores, results.build, results.made
    )
}

/// "load 0.21 at start": how busy the machine was, in brief.
fn load_at_start(results: &Results) -> String {
    results.load_at_start.map_or_else(
        || "load unknown".to_string(),
        |[one, _, _]| format!("load {one:.2} at start"),
    )
}

/// Every figure of two reports, side by side, with B ÷ A for numbers.
fn compare(a: &Results, b: &Results, a_path: &Path, b_path: &Path) -> String {
    let mut out = format!(
        "A: {} ({}, {}, {})\nB: {} ({}, {}, {})\n\n",
        a_path.display(),
        provenance(a),
        a.mode,
        load_at_start(a),
        b_path.display(),
        provenance(b),
        b.mode,
        load_at_start(b),
    );
    let keys: BTreeSet<&String> = a.figures.keys().chain(b.figures.keys()).collect();
    let rows: Vec<[String; 4]> = keys
        .into_iter()
        .map(|key| {
            let (first, second) = (a.figures.get(key), b.figures.get(key));
            let text =
                |figure: Option<&Figure>| figure.map_or("—".to_string(), |f| f.text.clone());
            [
                key.clone(),
                text(first),
                text(second),
                ratio_of(first, second),
            ]
        })
        .collect();
    out.push_str(&columns(["figure", "A", "B", "B ÷ A"], &rows));
    out
}

/// B ÷ A for two numbers in the same unit; "same" or "differs" for facts in words.
fn ratio_of(a: Option<&Figure>, b: Option<&Figure>) -> String {
    let (Some(a), Some(b)) = (a, b) else {
        return "—".to_string();
    };
    if a.unit != b.unit {
        return format!("units differ ({} and {})", a.unit, b.unit);
    }
    match (a.median, b.median) {
        (Some(first), Some(second)) if first != 0.0 => format!("{:.2}×", second / first),
        (None, None) if a.text == b.text => "same".to_string(),
        (None, None) => "differs".to_string(),
        _ => "—".to_string(),
    }
}

/// The keys the book can quote, each with its value and what it is.
fn list_keys(results: &Results) -> String {
    let mut out = format!(
        "Figures of the bench run on {} ({}); in the book: {{{{#bench KEY}}}}\n\n",
        provenance(results),
        results.mode
    );
    let rows: Vec<[String; 3]> = results
        .figures
        .iter()
        .map(|(key, figure)| [key.clone(), figure.text.clone(), figure.what.clone()])
        .collect();
    out.push_str(&columns(["key", "value", "what"], &rows));
    out
}

/// Rows as aligned columns of plain text (the last column is not padded).
fn columns<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let widths: Vec<usize> = (0..N)
        .map(|column| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .chain([header[column].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: [&str; N]| {
        let mut text = String::new();
        for (cell, width) in cells.iter().zip(&widths) {
            text.push_str(cell);
            text.push_str(&" ".repeat(width - cell.chars().count() + 2));
        }
        format!("{}\n", text.trim_end())
    };
    let mut out = line(header);
    for row in rows {
        out.push_str(&line(row.each_ref().map(String::as_str)));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::results::{MachineFacts, SCHEMA};
    use super::*;

    fn figure(unit: &str, median: Option<f64>, text: &str) -> Figure {
        Figure {
            what: "what".to_string(),
            unit: unit.to_string(),
            median,
            min: median,
            max: median,
            runs: median.into_iter().collect(),
            text: text.to_string(),
            range: None,
        }
    }

    fn results(figures: &[(&str, Figure)]) -> Results {
        Results {
            schema: SCHEMA,
            made: "2025-06-01".to_string(),
            build: "release".to_string(),
            mode: "full".to_string(),
            runs: 3,
            machine: MachineFacts {
                cpu: "A CPU".to_string(),
                cores: 2,
                memory_bytes: None,
                system: "Linux".to_string(),
            },
            load_at_start: Some([0.5, 0.4, 0.3]),
            load_at_end: None,
            others_share: None,
            python: PythonFacts::Ran {
                versions: "Python 3.11.7".to_string(),
            },
            areas: Vec::new(),
            skipped: Vec::new(),
            charts: Vec::new(),
            figures: figures
                .iter()
                .map(|(key, figure)| (key.to_string(), figure.clone()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn two_runs_compare_figure_by_figure() {
        let a = results(&[
            ("cpu.rate", figure("B/s", Some(2e9), "2.00 GB/s")),
            ("method", figure("text", None, "fork")),
            ("only.a", figure("s", Some(1.0), "1.00 s")),
        ]);
        let b = results(&[
            ("cpu.rate", figure("B/s", Some(3e9), "3.00 GB/s")),
            ("method", figure("text", None, "spawn")),
        ]);
        let table = compare(&a, &b, Path::new("a.json"), Path::new("b.json"));
        assert!(
            table.contains("A CPU, 2 cores, release build, 2025-06-01"),
            "{table}"
        );
        let line = |key: &str| {
            table
                .lines()
                .find(|line| line.starts_with(key))
                .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        };
        assert_eq!(
            line("cpu.rate").as_deref(),
            Some("cpu.rate 2.00 GB/s 3.00 GB/s 1.50×")
        );
        assert_eq!(line("method").as_deref(), Some("method fork spawn differs"));
        assert_eq!(line("only.a").as_deref(), Some("only.a 1.00 s — —"));
    }

    #[test]
    fn only_a_full_release_run_with_python_is_for_the_book() {
        let mut run = results(&[]);
        assert_eq!(unfit_for_the_book(&run), None);
        run.mode = "quick".to_string();
        assert!(unfit_for_the_book(&run).is_some_and(|why| why.contains("--quick")));
        run.mode = "full".to_string();
        run.python = PythonFacts::Skipped {
            why: "no python3".to_string(),
        };
        assert!(unfit_for_the_book(&run).is_some_and(|why| why.contains("no python3")));
    }

    #[test]
    fn a_report_of_another_schema_is_refused() {
        let folder = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        std::fs::create_dir_all(&folder).expect("a temporary folder");
        let path = folder.join("report.json");
        let mut old = results(&[]);
        old.schema = SCHEMA + 1;
        std::fs::write(&path, serde_json::to_string(&old).expect("json")).expect("write");
        let error = load(&path).expect_err("another schema");
        assert!(
            format!("{error:#}").contains("run the bench again"),
            "{error:#}"
        );
        std::fs::write(&path, "{}").expect("write");
        assert!(load(&path).is_err());
        let _ = std::fs::remove_dir_all(&folder);
    }
}
