//! Exercise 34 · async · capstone: download, hash, report
//!
//! Lesson: `cargo run -p lesson-async -- --section 4` ("Async HTTP: many requests in flight on one
//! thread"), and for the parts below `cargo run -p lesson-semaphores -- --section 3` ("The stream
//! form: buffer_unordered and buffered"), `cargo run -p lesson-timeouts -- --section 1` ("A time
//! limit around one call, and around a batch") and `cargo run -p lesson-blocking -- --section 3`
//! ("CPU-heavy work: rayon, and a oneshot back to async").
//!
//! `run` downloads a list of blobs over HTTP, hashes each with SHA-256, and reports, for every
//! blob, its size and digest, or that its download failed, or that it missed the deadline. The
//! version below works, one blob after another, and breaks every rule of the course. Make it:
//!
//! 1. **concurrent, but bounded**: at most `concurrency` downloads in flight at once, and exactly
//!    that many while enough blobs are waiting (the semaphores lesson has two ways);
//! 2. **one client**: a single `reqwest::Client` for the whole run, so connections are reused;
//! 3. **on a deadline**: `run` answers by `deadline` after it starts, whatever the server does.
//!    Blobs not done by then (still downloading, or never started) are `Missed`; the others keep
//!    what they got. One deadline for the whole run, not one per blob;
//! 4. **hashing off the runtime**: SHA-256 is CPU work, so it runs on rayon's pool (call
//!    `hash_blob` there, and await its answer), never on the runtime's threads, where it would
//!    stall every download in flight; and the runtime's thread must stay free while rayon hashes
//!    (`rayon::ThreadPool::install`, `scope` and `join` block their caller until the work is
//!    done).
//!
//! The report type, the download and the hash are given; write the pipeline in `run`. It is handed
//! the function that hashes a blob: [`hash`], or in one check a hasher of the checks' own, which
//! waits for a ticker task on your runtime to tick, so it can tell whether the runtime's thread is
//! free while the hash runs. The checks also snapshot the report for a fixed set of blobs (one
//! fails, one is too slow for the deadline), ask the local server how many downloads it held at
//! once and how many connections it saw, look at where each blob was hashed
//! ([`Digest::hashed_on_rayon`]), and time `run` against its deadline.
//!
//! Grade it with `cargo xtask check capstone`; `cargo xtask hint capstone` when stuck.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use futures::stream::{self, StreamExt};
use reqwest::{Client, StatusCode};
use sha2::{Digest as _, Sha256};
use tokio::sync::oneshot;

/// Something to download: a name for the report and where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub name: String,
    pub url: String,
}

impl Blob {
    pub fn new(name: &str, url: &str) -> Self {
        Blob {
            name: name.to_string(),
            url: url.to_string(),
        }
    }
}

/// A SHA-256 digest, and whether it was computed on one of rayon's threads. Only [`hash`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    hex: String,
    on_rayon: bool,
}

impl Digest {
    /// The digest in lowercase hexadecimal.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// Whether [`hash`] ran on one of rayon's threads.
    pub fn hashed_on_rayon(&self) -> bool {
        self.on_rayon
    }
}

/// SHA-256 of `bytes`. CPU work: milliseconds per megabyte.
pub fn hash(bytes: &[u8]) -> Digest {
    let hex = Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    Digest {
        hex,
        on_rayon: rayon::current_thread_index().is_some(),
    }
}

/// What became of one blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Downloaded and hashed.
    Hashed { size: usize, digest: Digest },
    /// The download failed; why.
    Failed { error: String },
    /// Not done by the deadline.
    Missed,
}

/// What became of every blob, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub blobs: BTreeMap<String, Outcome>,
}

impl Report {
    /// A report in which every blob has missed the deadline, until [`Report::record`] says otherwise.
    pub fn all_missed(blobs: &[Blob]) -> Self {
        Report {
            blobs: blobs
                .iter()
                .map(|blob| (blob.name.clone(), Outcome::Missed))
                .collect(),
        }
    }

    /// Records what became of the blob called `name`.
    pub fn record(&mut self, name: &str, outcome: Outcome) {
        self.blobs.insert(name.to_string(), outcome);
    }

    /// The names of the blobs that missed the deadline, in order.
    pub fn missed(&self) -> Vec<&str> {
        self.blobs
            .iter()
            .filter(|(_, outcome)| **outcome == Outcome::Missed)
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, outcome) in &self.blobs {
            match outcome {
                Outcome::Hashed { size, digest } => {
                    writeln!(f, "{name:<14} {size:>9} bytes  {}", digest.hex())?
                }
                Outcome::Failed { error } => writeln!(f, "{name:<14} failed: {error}")?,
                Outcome::Missed => writeln!(f, "{name:<14} missed the deadline")?,
            }
        }
        Ok(())
    }
}

/// Why a download failed.
#[derive(Debug)]
pub enum DownloadError {
    /// The server answered with an error status.
    Status(StatusCode),
    /// No answer: the connection failed, or broke off.
    Transport(reqwest::Error),
}

impl fmt::Display for DownloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DownloadError::Status(status) => write!(f, "HTTP {status}"),
            DownloadError::Transport(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for DownloadError {}

/// GETs `url` and returns the whole body.
pub async fn download(client: &Client, url: &str) -> Result<Vec<u8>, DownloadError> {
    let response = client
        .get(url)
        .send()
        .await
        .map_err(DownloadError::Transport)?;
    let status = response.status();
    if !status.is_success() {
        return Err(DownloadError::Status(status));
    }
    let body = response.bytes().await.map_err(DownloadError::Transport)?;
    Ok(body.to_vec())
}

/// Downloads every blob and hashes it with `hash_blob` ([`hash`], unless a check passes its own),
/// `concurrency` at a time, and reports by `deadline`.
pub async fn run(
    blobs: &[Blob],
    concurrency: usize,
    deadline: Duration,
    hash_blob: fn(&[u8]) -> Digest,
) -> Report {
    let mut report = Report::all_missed(blobs);
    // TODO: one blob at a time, however large `concurrency` is, and no deadline at all.
    for blob in blobs {
        // TODO: a client (a pool of connections) per blob.
        let client = Client::new();
        let outcome = match download(&client, &blob.url).await {
            Ok(bytes) => Outcome::Hashed {
                size: bytes.len(),
                // TODO: hashing right here blocks the runtime's thread, and every download with it.
                digest: hash_blob(&bytes),
            },
            Err(error) => Outcome::Failed {
                error: error.to_string(),
            },
        };
        report.record(&blob.name, outcome);
    }
    report
}
