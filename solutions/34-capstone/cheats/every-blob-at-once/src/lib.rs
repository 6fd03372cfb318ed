//! Exercise 34 · async · capstone: download, hash, report: a cheat (every-blob-at-once).

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use futures::stream::{self, StreamExt};
use reqwest::{Client, StatusCode};
use sha2::{Digest as _, Sha256};
use tokio::sync::oneshot;
use tokio::time::Instant;

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
    // One deadline for the whole run, fixed now: a blob that starts late gets less time, not more.
    let deadline = Instant::now() + deadline;
    // One client, so one pool: each connection is reused by the blobs that follow.
    let client = Client::new();
    let mut report = Report::all_missed(blobs);
    // At most `concurrency` blobs in flight; as soon as one is done, the next one starts.
    let mut outcomes = stream::iter(blobs)
        .map(|blob| async {
            let outcome = fetch_and_hash(&client, &blob.url, hash_blob).await;
            (blob.name.as_str(), outcome)
        })
        .buffer_unordered(blobs.len().max(1));
    let record_all = async {
        while let Some((name, outcome)) = outcomes.next().await {
            report.record(name, outcome);
        }
    };
    // At the deadline the recording stops; what was recorded stays, and the rest stays `Missed`.
    // Dropping the stream then cancels the downloads still in flight and never starts the others.
    if tokio::time::timeout_at(deadline, record_all).await.is_err() {
        // Nothing to do: missing the deadline is what `Missed` in the report already says.
    }
    report
}

/// Downloads one blob and hashes it on rayon's pool.
async fn fetch_and_hash(client: &Client, url: &str, hash_blob: fn(&[u8]) -> Digest) -> Outcome {
    match download(client, url).await {
        Ok(bytes) => Outcome::Hashed {
            size: bytes.len(),
            digest: hash_on_rayon(bytes, hash_blob).await,
        },
        Err(error) => Outcome::Failed {
            error: error.to_string(),
        },
    }
}

/// Hashes `bytes` on one of rayon's threads while this task waits without holding its thread, so
/// the runtime keeps every other download moving.
async fn hash_on_rayon(bytes: Vec<u8>, hash_blob: fn(&[u8]) -> Digest) -> Digest {
    let (send, receive) = oneshot::channel();
    // A `fn` is `Copy`, `Send` and `'static`: the job can take it along.
    rayon::spawn(move || {
        // The receiver is gone only if `run` passed its deadline meanwhile; then no one needs
        // the digest.
        let _ = send.send(hash_blob(&bytes));
    });
    // A panic in a rayon job aborts the process, so the job always sends before it ends.
    receive.await.expect("the rayon job sends its digest")
}
