//! Runs the bench as `cargo xtask bench --quick` does (here in the test's own debug build), into
//! a folder of its own, and checks that the report and plots it leaves are complete and
//! well-formed. No figure is checked against any expectation: a debug build's timings on a busy
//! machine mean nothing, and the bench is for reading, not for asserting.

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, bail, ensure};

// The schema of report.json, as the bench writes it and the xtask reads it.
#[path = "../src/results.rs"]
mod results;
// The course's way of running a program within a time limit, so that a bench that hangs fails
// this test instead of hanging `cargo test`.
use runner::{Ending, Finished, Limits};

/// A `--quick` run takes seconds, even in a debug build: ten minutes is a hang. It prints its
/// tables and progress: kilobytes.
const LIMITS: Limits = Limits {
    timeout: Duration::from_secs(10 * 60),
    output_cap: 4 << 20,
};

fn bench(args: &[&str]) -> Finished {
    let finished = runner::run(
        Command::new(env!("CARGO_BIN_EXE_course-bench")).args(args),
        LIMITS,
    )
    .expect("run the bench binary");
    assert_ne!(
        finished.ending,
        Ending::TimedOut,
        "`course-bench {}` ran past {:?}",
        args.join(" "),
        LIMITS.timeout
    );
    finished
}

/// The area tables of a report: each section heading with its rows, as cells.
fn area_tables(report: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let mut tables = Vec::new();
    for section in report.split("\n## ").skip(1) {
        let heading = section.lines().next().unwrap_or_default().to_string();
        let mut lines = section
            .lines()
            .skip_while(|line| *line != "| What | Measured | Ideal or limit | Ratio |");
        if lines.next().is_none() {
            continue;
        }
        let rows = lines
            .skip(1) // the | --- | line
            .take_while(|line| line.starts_with('|'))
            .map(cells)
            .collect();
        tables.push((heading, rows));
    }
    tables
}

fn cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_start_matches('|')
        .trim_end_matches('|')
        .split(" | ")
        .map(|cell| cell.trim().to_string())
        .collect()
}

/// The number a cell starts with: `2.03` of "2.03 s (...)", `12345` of "12,345 req/s".
fn leading_number(cell: &str) -> Option<f64> {
    let digits: String = cell
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .filter(|c| *c != ',')
        .collect();
    digits.parse().ok()
}

#[test]
fn quick_bench_writes_a_complete_report_and_plots() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-smoke");
    // A report left by an earlier run must not pass for this one's.
    let _ = fs::remove_dir_all(&out);
    let output = bench(&[
        "--quick",
        "--out",
        out.to_str().expect("a UTF-8 temporary path"),
    ]);
    let (stdout, stderr) = (&output.stdout.text, &output.stderr.text);
    assert!(output.ending.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("| What | Measured | Ideal or limit | Ratio |"),
        "{stdout}"
    );

    let report = fs::read_to_string(out.join("report.md")).expect("report.md was written");
    for heading in ["## Machine", "## Headlines", "## Rust versus Python"] {
        assert!(report.contains(heading), "no {heading:?} in:\n{report}");
    }
    let cores = report
        .lines()
        .find_map(|line| line.strip_prefix("| Cores | "))
        .and_then(leading_number)
        .expect("the report gives the number of cores");
    assert!(cores >= 1.0);
    assert!(report.contains("| CPU | "), "{report}");
    assert!(
        report.contains("skipped: --quick never runs Python"),
        "{report}"
    );

    let json = fs::read_to_string(out.join("report.json")).expect("report.json was written");
    if let Err(problem) = check_results(&json) {
        panic!("report.json: {problem:#}\n{json}");
    }

    let tables = area_tables(&report);
    let headings: Vec<&str> = tables.iter().map(|(heading, _)| heading.as_str()).collect();
    let expected = [
        "I/O schedule",
        "Throughput",
        "CPU: SHA-256",
        "GIL: offloading",
        "Start cost",
        "Tasks versus threads",
    ];
    assert_eq!(tables.len(), expected.len(), "{headings:?}");
    for (heading, prefix) in headings.iter().zip(expected) {
        assert!(
            heading.starts_with(prefix),
            "{heading:?} should start with {prefix:?}"
        );
    }
    for (heading, rows) in &tables {
        assert!(!rows.is_empty(), "the {heading} table has no rows");
        for row in rows {
            assert_eq!(row.len(), 4, "{heading}: {row:?}");
            let [what, measured, limit, ratio] = [&row[0], &row[1], &row[2], &row[3]];
            assert!(!what.is_empty(), "{heading}: {row:?}");
            assert!(
                leading_number(measured).is_some(),
                "{heading}: measured {measured:?}"
            );
            assert!(
                limit == "—" || limit.chars().any(|c| c.is_ascii_digit()),
                "{heading}: limit {limit:?}"
            );
            assert!(
                ratio == "—"
                    || ratio
                        .strip_suffix('×')
                        .is_some_and(|number| number.parse::<f64>().is_ok()),
                "{heading}: ratio {ratio:?}"
            );
        }
    }
    let all_rows: Vec<&String> = tables
        .iter()
        .flat_map(|(_, rows)| rows)
        .map(|row| &row[0])
        .collect();
    for what in [
        "threads: worker pool + blocking reqwest, C = 10",
        "tokio: Semaphore + join_all, C = 10",
        "tokio: buffer_unordered, C = 50",
        "tokio + reqwest, one shared client",
        "tokio + reqwest, a client per request",
        "start 1,000 waiting threads",
        "resident memory per waiting tokio task",
        "rayon `par_iter` over the pieces",
        "rayon, one share of the pieces per thread",
        "the machine's capacity",
        "files, rayon over the paths",
        "worker processes",
        "Rust: `spawn_blocking`",
        "tokio + reqwest, one shared client, a task per request",
        "start a process, ping it, wait for it to exit",
        "spawn a tokio task and await it",
    ] {
        assert!(
            all_rows.iter().any(|row| row.starts_with(what)),
            "no row {what:?} among {all_rows:#?}"
        );
    }

    let plots: Vec<&str> = report
        .lines()
        .filter_map(|line| {
            line.strip_prefix("![")?
                .split_once("](")?
                .1
                .strip_suffix(')')
        })
        .collect();
    for plot in [
        "io-scaling.svg",
        "io-timeline.svg",
        "throughput.svg",
        "cpu-scaling.svg",
        "cpu-timeline.svg",
    ] {
        assert!(
            plots.contains(&plot),
            "{plot} is not in the report: {plots:?}"
        );
    }
    for plot in plots {
        let svg =
            fs::read_to_string(out.join(plot)).unwrap_or_else(|error| panic!("{plot}: {error}"));
        if let Err(problem) = check_svg(&svg) {
            panic!("{plot} is not well-formed SVG: {problem:#}");
        }
    }
}

/// Checks report.json: the schema, the run, the areas, and that every figure is whole: a known
/// unit, finite numbers with min ≤ median ≤ max, its runs, its text.
fn check_results(text: &str) -> anyhow::Result<results::Results> {
    let results: results::Results = serde_json::from_str(text).context("report.json")?;
    ensure!(
        results.schema == results::SCHEMA,
        "schema {}",
        results.schema
    );
    ensure!(results.mode == "quick", "mode {}", results.mode);
    ensure!(results.runs >= 1 && results.machine.cores >= 1);
    let areas: Vec<&str> = results.areas.iter().map(|area| area.key.as_str()).collect();
    ensure!(
        areas == ["io", "throughput", "cpu", "gil", "starts", "tasks"],
        "areas {areas:?}"
    );
    ensure!(
        matches!(results.python, results::PythonFacts::Skipped { .. }),
        "{:?}",
        results.python
    );
    for (key, figure) in &results.figures {
        let words = key.split('.').collect::<Vec<_>>();
        ensure!(
            words.len() >= 2
                && (areas.contains(&words[0]) || ["python", "rust"].contains(&words[0]))
                && words.iter().all(|word| !word.is_empty()
                    && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')),
            "the key {key:?} is not AREA.WORDS (or python.WORDS, rust.WORDS) in letters, digits \
             and _"
        );
        ensure!(
            !figure.what.is_empty() && !figure.text.is_empty(),
            "{key}: {figure:?}"
        );
        let numeric = ["s", "B", "B/s", "×", "count", "share"].contains(&figure.unit.as_str())
            || figure.unit.ends_with("/s");
        if figure.unit == "text" {
            ensure!(
                figure.median.is_none() && figure.runs.is_empty(),
                "{key}: {figure:?}"
            );
            continue;
        }
        ensure!(numeric, "{key}: unknown unit {:?}", figure.unit);
        let (Some(median), Some(min), Some(max)) = (figure.median, figure.min, figure.max) else {
            bail!("{key}: a number without its median, min and max: {figure:?}");
        };
        ensure!(
            [median, min, max].iter().all(|value| value.is_finite())
                && min <= median
                && median <= max,
            "{key}: {figure:?}"
        );
        ensure!(!figure.runs.is_empty(), "{key}: no runs");
        ensure!(
            figure.text.chars().any(|c| c.is_ascii_digit()),
            "{key}: the text {:?} has no number",
            figure.text
        );
    }
    for key in [
        "cpu.pieces",
        "rust.cpu.one_thread",
        "rust.cpu.capacity",
        "rust.cpu.capacity.of_naive",
        "rust.cpu.naive_ideal",
        "rust.cpu.rayon_many_pieces_each",
        "rust.cpu.rayon_many_pieces_each.of_capacity",
        "rust.cpu.rayon_many_pieces_each.of_naive",
        "rust.cpu.rayon_one_piece_each",
        "rust.cpu.rayon_one_piece_each.of_capacity",
        "rust.cpu.rayon_files.of_capacity",
        "rust.io.semaphore.c_10",
        "io.c_10.ideal",
        "rust.throughput.shared.rate",
        "rust.throughput.shared.idle_share",
        "rust.gil.spawn_blocking.longest_gap",
        "rust.starts.process",
        "rust.starts.thread",
        "rust.starts.task",
        "rust.starts.calls_2_join_all",
        "rust.crowd.task_bytes",
        "rust.crowd.thread_bytes",
    ] {
        ensure!(results.figures.contains_key(key), "no figure {key}");
    }
    Ok(results)
}

#[test]
fn bad_flags_are_clear_errors() {
    let output = bench(&["--runs", "0"]);
    assert!(!output.ending.success());
    assert!(
        output.stderr.text.contains("--runs"),
        "{}",
        output.stderr.text
    );

    let output = bench(&["--only", "everything"]);
    assert!(!output.ending.success());
    assert!(
        output.stderr.text.contains("possible values"),
        "{}",
        output.stderr.text
    );

    let output = bench(&["--python", "python3", "--no-python"]);
    assert!(!output.ending.success());
    assert!(
        output.stderr.text.contains("cannot be used with"),
        "{}",
        output.stderr.text
    );
}

#[test]
fn an_interpreter_that_does_not_exist_is_an_error_not_a_skip() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-no-python");
    let output = bench(&[
        "--python",
        "/nonexistent/python3",
        "--only",
        "tasks",
        "--out",
        out.to_str().expect("a UTF-8 temporary path"),
    ]);
    assert!(!output.ending.success());
    let stderr = &output.stderr.text;
    assert!(
        stderr.contains("no `/nonexistent/python3` found"),
        "{stderr}"
    );
}

#[test]
fn an_error_names_what_failed_and_why() {
    // A regular file where the output folder's parent should be: the error must say which folder
    // could not be made, and the system's reason, not just one of them.
    let file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-not-a-folder");
    fs::write(&file, "").expect("write a plain file");
    let out = file.join("out");
    let output = bench(&[
        "--quick",
        "--out",
        out.to_str().expect("a UTF-8 temporary path"),
    ]);
    assert!(!output.ending.success());
    let stderr = &output.stderr.text;
    assert!(
        stderr.contains(&format!("error: cannot create {}: ", out.display())),
        "{stderr}"
    );
    assert!(stderr.contains("os error"), "{stderr}");
}

/// Checks that `svg` is well-formed XML (tags nest and close, attributes are quoted, `&` only
/// starts an entity) with a single `<svg>` root. Enough XML for what the bench writes.
fn check_svg(svg: &str) -> anyhow::Result<()> {
    let mut open: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        check_text(&rest[..start])?;
        let tag_and_after = &rest[start..];
        if let Some(comment) = tag_and_after.strip_prefix("<!--") {
            let end = comment.find("-->").context("a comment that never ends")?;
            rest = &comment[end + 3..];
            continue;
        }
        if let Some(declaration) = tag_and_after.strip_prefix("<?") {
            let end = declaration
                .find("?>")
                .context("a declaration that never ends")?;
            rest = &declaration[end + 2..];
            continue;
        }
        let end = tag_end(tag_and_after).context("a tag that never ends")?;
        let tag = &tag_and_after[1..end];
        rest = &tag_and_after[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let expected = open
                .pop()
                .with_context(|| format!("</{name}> closes nothing"))?;
            ensure!(name.trim() == expected, "</{name}> closes <{expected}>");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name = body.split_whitespace().next().context("an empty tag")?;
        check_attributes(&body[name.len()..])?;
        if open.is_empty() {
            roots += 1;
            ensure!(
                name == "svg" && roots == 1,
                "the document's root is <{name}> (root number {roots})"
            );
        }
        if !self_closing {
            open.push(name.to_string());
        }
    }
    check_text(rest)?;
    match (open.last(), roots) {
        (Some(unclosed), _) => bail!("<{unclosed}> is never closed"),
        (None, 0) => bail!("no <svg> element"),
        _ => Ok(()),
    }
}

/// Where the tag starting `text` ends: the first `>` outside quotes.
fn tag_end(text: &str) -> Option<usize> {
    let mut quote = None;
    for (index, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(open), _) if c == open => quote = None,
            (None, '>') => return Some(index),
            _ => {}
        }
    }
    None
}

fn check_attributes(mut text: &str) -> anyhow::Result<()> {
    loop {
        text = text.trim_start();
        if text.is_empty() {
            return Ok(());
        }
        let (name, after) = text
            .split_once('=')
            .with_context(|| format!("an attribute without a value: {text:?}"))?;
        ensure!(
            !name.is_empty() && !name.contains(char::is_whitespace),
            "a bad attribute name {name:?}"
        );
        let quote = after
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
            .with_context(|| format!("attribute {name} is not quoted"))?;
        let value_and_after = &after[1..];
        let end = value_and_after
            .find(quote)
            .with_context(|| format!("attribute {name} never ends"))?;
        let value = &value_and_after[..end];
        ensure!(!value.contains('<'), "attribute {name} holds a '<'");
        check_text(value)?;
        text = &value_and_after[end + 1..];
    }
}

/// Text may hold `&` only as the start of an entity.
fn check_text(text: &str) -> anyhow::Result<()> {
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        let entity = &rest[at + 1..];
        let end = entity
            .find(';')
            .with_context(|| format!("a bare '&' in {text:?}"))?;
        let name = &entity[..end];
        let known = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || name
                .strip_prefix('#')
                .is_some_and(|number| !number.is_empty());
        ensure!(known, "an unknown entity &{name}; in {text:?}");
        rest = &entity[end + 1..];
    }
    Ok(())
}

#[test]
fn the_svg_check_catches_what_it_should() {
    assert!(check_svg(r#"<svg a="1"><g><text>a &amp; b</text></g><rect/></svg>"#).is_ok());
    assert!(check_svg("<svg><g></svg>").is_err());
    assert!(check_svg("<svg>a & b</svg>").is_err());
    assert!(check_svg("<svg a=1/>").is_err());
    assert!(check_svg("<svg/><svg/>").is_err());
    assert!(check_svg("<html/>").is_err());
}
