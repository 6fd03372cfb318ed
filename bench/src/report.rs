//! The report: what was measured, beside its ideal, and beside the Python original.
//!
//! Each area of the bench returns a [`Section`]: one Markdown table whose rows read "what,
//! measured, ideal or limit, ratio", notes on anything the table cannot say (failed requests,
//! digests that must agree), plots, and the rows of the Rust-versus-Python table. [`Report`] puts
//! the sections together with the machine they ran on, and writes it twice: as Markdown for
//! reading (report.md) and as data (report.json, [`crate::results`]), every figure under a key.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::bail;

use crate::machine::{self, Machine};
use crate::results::{self, AreaRun, Figure, MachineFacts, PythonFacts, Results};
use crate::stats::{Spread, Unit, format_ratio};

/// The columns of every area's table. The smoke test looks for this header.
pub const AREA_HEADER: [&str; 4] = ["What", "Measured", "Ideal or limit", "Ratio"];
/// The columns of the Rust-versus-Python table.
pub const VERSUS_HEADER: [&str; 4] = ["What", "Rust", "Python", "Rust advantage"];
/// What a cell holds when there is nothing to compare with.
pub const NOTHING: &str = "—";

/// One row of an area's table.
#[derive(Debug, Clone)]
pub struct Row {
    pub what: String,
    /// The median of the runs, with their range.
    pub measured: String,
    /// The best possible result, or the limit the machine sets, or the baseline compared with.
    pub limit: String,
    /// Measured ÷ ideal (the section's `reading` says which way is better).
    pub ratio: String,
}

impl Row {
    /// A measurement beside its ideal or limit, and the ratio of the medians.
    pub fn against(
        what: impl Into<String>,
        unit: Unit,
        measured: &Spread,
        limit: impl Into<String>,
        ratio: f64,
    ) -> Row {
        Row {
            what: what.into(),
            measured: unit.cell(measured),
            limit: limit.into(),
            ratio: format_ratio(ratio),
        }
    }

    /// A measurement that is itself the reference others are compared with.
    pub fn reference(what: impl Into<String>, unit: Unit, measured: &Spread) -> Row {
        Row {
            what: what.into(),
            measured: unit.cell(measured),
            limit: NOTHING.to_string(),
            ratio: NOTHING.to_string(),
        }
    }
}

/// One row of the Rust-versus-Python table.
#[derive(Debug, Clone)]
pub struct Versus {
    pub what: String,
    pub rust: String,
    pub python: String,
    /// How many times faster (or smaller) Rust's figure is than Python's.
    pub advantage: f64,
}

impl Versus {
    /// For rates: Rust's median ÷ Python's.
    pub fn higher_is_better(
        what: impl Into<String>,
        unit: Unit,
        rust: &Spread,
        python: &Spread,
    ) -> Self {
        Versus {
            what: what.into(),
            rust: unit.cell(rust),
            python: unit.cell(python),
            advantage: rust.median() / python.median(),
        }
    }

    /// For times and memory: Python's median ÷ Rust's.
    pub fn lower_is_better(
        what: impl Into<String>,
        unit: Unit,
        rust: &Spread,
        python: &Spread,
    ) -> Self {
        Versus {
            what: what.into(),
            rust: unit.cell(rust),
            python: unit.cell(python),
            advantage: python.median() / rust.median(),
        }
    }
}

/// A plot, written next to the report as `file`.
#[derive(Debug, Clone)]
pub struct Chart {
    pub file: String,
    pub caption: String,
    pub svg: String,
}

/// The figures of one area, by key, as report.json gives them. A key says whose figure it is:
/// `rust.AREA.…` for Rust's (`rust.cpu.capacity`), `python.SCRIPT.…` for a Python script's
/// (`python.hash_files.process_pool`), and the area's own name for its sizes and comparisons
/// (`cpu.pieces`, `io.versus.…`); lower case, `_` between words. The book quotes them with
/// `{{#bench KEY}}`, so a key, once used, keeps its meaning.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    figures: Vec<(String, Figure)>,
}

impl Figures {
    /// A measurement's runs: its median, range and every run. A measurement with no run (every
    /// run failed, or gave no finite number) is left out: report.json holds only real figures.
    pub fn measured(
        &mut self,
        key: impl Into<String>,
        what: impl Into<String>,
        unit: Unit,
        spread: &Spread,
    ) {
        if spread.len() == 0 {
            return;
        }
        self.figures.push((
            key.into(),
            Figure {
                what: what.into(),
                unit: unit.symbol(),
                median: Some(spread.median()),
                min: Some(spread.min()),
                max: Some(spread.max()),
                runs: spread.samples().to_vec(),
                text: unit.format(spread.median()),
                range: (spread.len() > 1).then(|| {
                    format!(
                        "{} – {}",
                        unit.format(spread.min()),
                        unit.format(spread.max())
                    )
                }),
            },
        ));
    }

    /// One number: a ratio of two medians, a count, a limit worked out from other figures.
    pub fn value(
        &mut self,
        key: impl Into<String>,
        what: impl Into<String>,
        unit: Unit,
        value: f64,
    ) {
        self.measured(key, what, unit, &Spread::of([value]));
    }

    /// A fact in words, with no number: "swallowed", "fork".
    pub fn fact(
        &mut self,
        key: impl Into<String>,
        what: impl Into<String>,
        text: impl Into<String>,
    ) {
        self.figures.push((
            key.into(),
            Figure {
                what: what.into(),
                unit: "text".to_string(),
                median: None,
                min: None,
                max: None,
                runs: Vec::new(),
                text: text.into(),
                range: None,
            },
        ));
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, Figure)> {
        self.figures.iter()
    }

    #[cfg(test)]
    pub fn get(&self, key: &str) -> Option<&Figure> {
        self.figures
            .iter()
            .find_map(|(name, figure)| (name == key).then_some(figure))
    }
}

/// What one area of the bench found.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// The area's name, as `--only` takes it: `cpu`.
    pub key: String,
    pub title: String,
    /// What was measured, and how, in a sentence or two.
    pub intro: String,
    pub rows: Vec<Row>,
    /// How to read the ratio column.
    pub reading: String,
    pub notes: Vec<String>,
    pub charts: Vec<Chart>,
    pub versus: Vec<Versus>,
    /// The one-line findings the report opens with.
    pub headlines: Vec<String>,
    /// Every figure of the area, for report.json.
    pub figures: Figures,
    /// The load average as the area began: other work on the machine skews every figure.
    pub load: Option<[f64; 3]>,
    /// The share of the CPUs other programs used while the area ran.
    pub others_share: Option<f64>,
    /// How long the area took.
    pub elapsed_seconds: f64,
}

/// Whether the Python originals ran, and with what.
#[derive(Debug, Clone)]
pub enum PythonRun {
    Ran { versions: String },
    Skipped { why: String },
}

/// Everything the report says.
#[derive(Debug, Clone)]
pub struct Report {
    pub machine: Machine,
    pub quick: bool,
    pub runs: usize,
    pub load_at_start: Option<[f64; 3]>,
    pub load_at_end: Option<[f64; 3]>,
    pub python: PythonRun,
    pub sections: Vec<Section>,
    /// Areas left out with `--only`, and why anything else was skipped.
    pub skipped: Vec<String>,
    pub elapsed_seconds: f64,
    /// The share of the CPUs other programs used during the whole bench.
    pub others_share: Option<f64>,
}

impl Report {
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let mode = if self.quick {
            "`--quick` (small sizes: a smoke test, not figures to quote)"
        } else {
            "full"
        };
        let build = if cfg!(debug_assertions) {
            "debug (figures are not representative; use `cargo xtask bench`)"
        } else {
            "release"
        };
        let python = match &self.python {
            PythonRun::Ran { versions } => versions.clone(),
            PythonRun::Skipped { why } => format!("skipped: {why}"),
        };
        let _ = writeln!(out, "# Benchmark report\n");
        let _ = writeln!(
            out,
            "Made by `cargo xtask bench` on {}, in {:.0} s. Every figure is the median of {} runs, \
             with the fastest and slowest in brackets; ratios compare medians measured side by \
             side in this one run.\n",
            machine::today_utc(),
            self.elapsed_seconds,
            self.runs
        );
        let _ = writeln!(out, "## Machine\n");
        let machine_rows = vec![
            vec!["CPU".to_string(), self.machine.cpu_model.clone()],
            vec!["Cores".to_string(), self.machine.cores.to_string()],
            vec!["Memory".to_string(), self.machine.memory_text()],
            vec!["System".to_string(), self.machine.system.clone()],
            vec![
                "Load at start".to_string(),
                machine::load_text(self.load_at_start),
            ],
            vec![
                "Load at end".to_string(),
                machine::load_text(self.load_at_end),
            ],
            vec![
                "Other programs' CPU use during the bench".to_string(),
                self.others_share.map_or_else(
                    || "unknown".to_string(),
                    |share| format!("{:.0} % of the CPUs", share * 100.0),
                ),
            ],
            vec!["Mode".to_string(), mode.to_string()],
            vec!["Build".to_string(), build.to_string()],
            vec!["Python".to_string(), python],
        ];
        out.push_str(&markdown_table(&["", ""], &machine_rows));

        let headlines: Vec<&String> = self
            .sections
            .iter()
            .flat_map(|section| &section.headlines)
            .collect();
        if !headlines.is_empty() {
            let _ = writeln!(out, "\n## Headlines\n");
            for headline in headlines {
                let _ = writeln!(out, "- {headline}");
            }
        }
        for section in &self.sections {
            out.push('\n');
            out.push_str(&section.to_markdown());
        }
        out.push_str(&self.versus_markdown());
        if !self.skipped.is_empty() {
            let _ = writeln!(out, "\n## Skipped\n");
            for skipped in &self.skipped {
                let _ = writeln!(out, "- {skipped}");
            }
        }
        out
    }

    /// The report as data, for report.json. Two figures under one key are a mistake in the bench,
    /// caught here rather than letting one silently replace the other.
    pub fn to_results(&self) -> anyhow::Result<Results> {
        let mut figures = BTreeMap::new();
        for section in &self.sections {
            for (key, figure) in section.figures.iter() {
                if figures.insert(key.clone(), figure.clone()).is_some() {
                    bail!("two figures of the bench share the key `{key}`");
                }
            }
        }
        Ok(Results {
            schema: results::SCHEMA,
            made: machine::today_utc(),
            build: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            }
            .to_string(),
            mode: if self.quick { "quick" } else { "full" }.to_string(),
            runs: self.runs,
            machine: MachineFacts {
                cpu: self.machine.cpu_model.clone(),
                cores: self.machine.cores,
                memory_bytes: self.machine.memory,
                system: self.machine.system.clone(),
            },
            load_at_start: self.load_at_start,
            load_at_end: self.load_at_end,
            others_share: self.others_share,
            python: match &self.python {
                PythonRun::Ran { versions } => PythonFacts::Ran {
                    versions: versions.clone(),
                },
                PythonRun::Skipped { why } => PythonFacts::Skipped { why: why.clone() },
            },
            areas: self
                .sections
                .iter()
                .map(|section| AreaRun {
                    key: section.key.clone(),
                    title: section.title.clone(),
                    elapsed_s: section.elapsed_seconds,
                    load: section.load,
                    others_share: section.others_share,
                })
                .collect(),
            skipped: self.skipped.clone(),
            charts: self
                .sections
                .iter()
                .flat_map(|section| &section.charts)
                .map(|chart| chart.file.clone())
                .collect(),
            figures,
        })
    }

    fn versus_markdown(&self) -> String {
        let mut out = String::from("\n## Rust versus Python\n\n");
        let rows: Vec<Vec<String>> = self
            .sections
            .iter()
            .flat_map(|section| &section.versus)
            .map(|versus| {
                vec![
                    versus.what.clone(),
                    versus.rust.clone(),
                    versus.python.clone(),
                    format_ratio(versus.advantage),
                ]
            })
            .collect();
        match (&self.python, rows.is_empty()) {
            (PythonRun::Skipped { why }, _) => {
                let _ = writeln!(
                    out,
                    "Not measured: the Python originals were skipped ({why})."
                );
            }
            (PythonRun::Ran { .. }, true) => {
                out.push_str("No area that has a Python original was run.\n");
            }
            (PythonRun::Ran { .. }, false) => {
                out.push_str(
                    "The same work done the classic Python way (`bench/python/`) against the same \
                     local server, in the same run. Rust advantage: how many times faster, or \
                     smaller, Rust's median is.\n\n",
                );
                out.push_str(&markdown_table(&VERSUS_HEADER, &rows));
            }
        }
        out
    }
}

impl Section {
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## {}\n", self.title);
        if !self.intro.is_empty() {
            let _ = writeln!(out, "{}\n", self.intro);
        }
        if let Some(share) = self.others_share {
            let _ = writeln!(
                out,
                "This area took {}, while other programs kept {:.0} % of the CPUs busy (load \
                 average as it began: {}).\n",
                Unit::Seconds.format(self.elapsed_seconds),
                share * 100.0,
                machine::load_text(self.load)
            );
        }
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| {
                vec![
                    row.what.clone(),
                    row.measured.clone(),
                    row.limit.clone(),
                    row.ratio.clone(),
                ]
            })
            .collect();
        out.push_str(&markdown_table(&AREA_HEADER, &rows));
        if !self.reading.is_empty() {
            let _ = writeln!(out, "\n{}", self.reading);
        }
        if !self.notes.is_empty() {
            out.push('\n');
            for note in &self.notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        for chart in &self.charts {
            let _ = writeln!(out, "\n![{}]({})", chart.caption, chart.file);
        }
        out
    }
}

/// A Markdown table; a `|` inside a cell is escaped so it cannot split the cell.
pub fn markdown_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    let mut out = line(header.iter().map(|cell| escape_cell(cell)).collect());
    out.push_str(&line(header.iter().map(|_| "---".to_string()).collect()));
    for row in rows {
        out.push_str(&line(row.iter().map(|cell| escape_cell(cell)).collect()));
    }
    out
}

fn escape_cell(cell: &str) -> String {
    cell.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_escape_their_cells() {
        let table = markdown_table(&["a", "b"], &[vec!["x|y".to_string(), "z".to_string()]]);
        assert_eq!(table, "| a | b |\n| --- | --- |\n| x\\|y | z |\n");
    }

    #[test]
    fn a_section_is_a_heading_a_table_and_notes() {
        let section = Section {
            title: "CPU".to_string(),
            rows: vec![Row::against(
                "rayon",
                Unit::Seconds,
                &Spread::of([1.0, 1.1, 0.9]),
                "0.50 s",
                2.0,
            )],
            notes: vec!["digests agree".to_string()],
            ..Section::default()
        };
        let markdown = section.to_markdown();
        assert!(markdown.starts_with("## CPU\n"), "{markdown}");
        assert!(markdown.contains("| What | Measured | Ideal or limit | Ratio |"));
        assert!(markdown.contains("| rayon | 1.00 s (900 ms – 1.10 s) | 0.50 s | 2.00× |"));
        assert!(markdown.contains("- digests agree"));
    }

    #[test]
    fn figures_keep_their_runs_and_their_text() {
        let mut figures = Figures::default();
        figures.measured(
            "cpu.rayon.rate",
            "rayon",
            Unit::BytesPerSecond,
            &Spread::of([2e9, 1e9, 3e9]),
        );
        figures.value("cpu.rayon.of_capacity", "ratio", Unit::Ratio, 0.97);
        figures.fact("python.start_method", "start method", "fork");
        let rate = figures.get("cpu.rayon.rate").expect("the figure");
        assert_eq!(
            (rate.median, rate.min, rate.max),
            (Some(2e9), Some(1e9), Some(3e9))
        );
        assert_eq!(rate.runs, [2e9, 1e9, 3e9]);
        assert_eq!(rate.unit, "B/s");
        assert_eq!(rate.range.as_deref(), Some("1.00 GB/s – 3.00 GB/s"));
        assert_eq!(
            figures
                .get("cpu.rayon.of_capacity")
                .map(|f| f.text.as_str()),
            Some("0.97×")
        );
        let fact = figures.get("python.start_method").expect("the fact");
        assert_eq!(
            (fact.unit.as_str(), fact.median, fact.text.as_str()),
            ("text", None, "fork")
        );
    }
}
