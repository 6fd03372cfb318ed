//! The bench's figures as data: the schema of `report.json`.
//!
//! report.md is for reading; report.json is for programs. Every figure the report shows is in it
//! under a key such as `cpu.rayon.rate`, with its unit, the median of its runs, the fastest and
//! slowest, every run, and the text the report prints for it (`2.31 GB/s`), together with the
//! machine and how busy it was. `cargo xtask bench --compare A.json B.json` sets two runs side by
//! side, and the book quotes a figure with `{{#bench KEY}}` from the copy committed in
//! `book/src/bench/report.json`.
//!
//! Compiled into two programs: the bench, which writes the file, and the xtask, which reads it
//! (there through `#[path]`, as with `machine/facts.rs`: the xtask is also the learners' grader and
//! must not depend on the bench). So this file uses only `std` and `serde`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The version of this schema: a reader refuses a file written to another.
pub const SCHEMA: u32 = 1;

/// Everything report.json holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub schema: u32,
    /// The day it was made, `2025-06-01` (UTC).
    pub made: String,
    /// `release`, or `debug` (whose figures mean nothing).
    pub build: String,
    /// `full`, or `quick` (small sizes: a smoke test).
    pub mode: String,
    /// Runs of each measurement.
    pub runs: usize,
    pub machine: MachineFacts,
    /// 1, 5 and 15 minute load averages as the bench began and ended.
    pub load_at_start: Option<[f64; 3]>,
    pub load_at_end: Option<[f64; 3]>,
    /// The share of the CPUs (0 to 1) other programs used while the bench ran.
    pub others_share: Option<f64>,
    /// `Python 3.11.7, httpx 0.28.1, requests 2.32.3`, or why the Python side was skipped.
    pub python: PythonFacts,
    /// Each area that ran, in order, with how busy the machine was meanwhile.
    pub areas: Vec<AreaRun>,
    /// Areas left out, and why.
    pub skipped: Vec<String>,
    /// The plots written beside the report (`cpu-scaling.svg`), which the book shows.
    pub charts: Vec<String>,
    /// Every figure, by key.
    pub figures: BTreeMap<String, Figure>,
}

/// The machine the figures were measured on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineFacts {
    pub cpu: String,
    pub cores: usize,
    pub memory_bytes: Option<u64>,
    pub system: String,
}

/// Whether the Python originals ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PythonFacts {
    Ran { versions: String },
    Skipped { why: String },
}

/// One area of the bench as it ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaRun {
    /// The name `--only` takes: `cpu`.
    pub key: String,
    pub title: String,
    pub elapsed_s: f64,
    pub load: Option<[f64; 3]>,
    pub others_share: Option<f64>,
}

/// One figure: a measurement with its runs, a ratio, a count, or a fact in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// What it is, in a sentence fragment: "SHA-256 rate of rayon over the pieces in memory".
    pub what: String,
    /// `s`, `B`, `B/s`, `req/s` (any `NOUN/s`), `×` (a ratio), `count`, `share` (a fraction of
    /// a whole, from 0 to 1, written as a percentage), or `text` (a fact in words, no number).
    pub unit: String,
    /// The median of the runs; none for a fact in words.
    pub median: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Every run, in the unit.
    #[serde(default)]
    pub runs: Vec<f64>,
    /// The median as the report writes it, with its unit: `2.31 GB/s`, `0.97×`, `900`, `swallowed`.
    pub text: String,
    /// The fastest and slowest runs as the report writes them, `2.01 s – 2.10 s`, when there
    /// were several.
    #[serde(default)]
    pub range: Option<String>,
}
