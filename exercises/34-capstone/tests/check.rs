//! The whole pipeline against the local server: what it reports, how many downloads it holds at
//! once, where it hashes, whether the runtime stays free meanwhile, and whether it keeps its
//! deadline.
//!
//! These run on the real clock (real sockets and tokio's paused clock don't mix), with deadlines
//! far from the times the server takes, so a busy machine doesn't change the verdict.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use capstone::{Blob, Digest, Outcome, Report, hash, run};
use lesson_kit::{LocalServer, ServerConfig, ServerStats};

/// How long after its deadline `run` may take to answer before the check gives up on it.
const GRACE: Duration = Duration::from_millis(300);

fn start_server() -> LocalServer {
    LocalServer::start(ServerConfig::default()).expect("start the local server")
}

/// Runs the pipeline with `hash_blob`, failing the check if it answers more than `GRACE` after its
/// deadline.
async fn run_on_time(
    blobs: &[Blob],
    concurrency: usize,
    deadline: Duration,
    hash_blob: fn(&[u8]) -> Digest,
) -> (Report, Duration) {
    let started = Instant::now();
    let running = run(blobs, concurrency, deadline, hash_blob);
    match tokio::time::timeout(deadline + GRACE, running).await {
        Ok(report) => (report, started.elapsed()),
        Err(_) => panic!(
            "run was still going {GRACE:?} after its deadline of {deadline:?}: a blob was awaited \
             past the deadline.\nStop waiting at the deadline, which is for the whole run, not for \
             each blob, and report the rest as missed."
        ),
    }
}

fn assert_at_most_in_flight(stats: &ServerStats, concurrency: usize) {
    assert!(
        stats.peak_in_flight <= concurrency,
        "{} downloads were in flight at once; the limit was {concurrency}",
        stats.peak_in_flight
    );
}

/// Seven blobs: different sizes and seeds, one tiny text, one that fails, one far too slow.
fn fixed_set(server: &LocalServer) -> Vec<Blob> {
    [
        ("empty.bin", "/bytes/0/1"),
        ("small.bin", "/bytes/1000/2"),
        ("medium.bin", "/bytes/100000/3"),
        ("large.bin", "/bytes/2000000/4"),
        ("greeting.txt", "/delay/50"),
        ("broken.bin", "/status/503"),
        ("slow.bin", "/delay/60000"),
    ]
    .into_iter()
    .map(|(name, path)| Blob::new(name, &server.url(path)))
    .collect()
}

#[tokio::test]
async fn the_report_for_a_fixed_set_of_blobs() {
    let server = start_server();
    let (report, _) = run_on_time(&fixed_set(&server), 3, Duration::from_millis(400), hash).await;
    insta::assert_snapshot!("report", report.to_string());
}

#[tokio::test]
async fn downloads_run_concurrency_at_a_time_on_one_client() {
    const CONCURRENCY: usize = 4;
    let server = start_server();
    // Twelve downloads of 50 ms each: three rounds of four.
    let blobs: Vec<Blob> = (0..12)
        .map(|i| Blob::new(&format!("blob-{i:02}"), &server.url("/delay/50")))
        .collect();
    let (report, _) = run_on_time(&blobs, CONCURRENCY, Duration::from_secs(20), hash).await;
    let stats = server.stats();
    assert_at_most_in_flight(&stats, CONCURRENCY);
    assert!(
        report.missed().is_empty(),
        "with a deadline of 20 s, no blob should miss it; missed: {:?}",
        report.missed()
    );
    assert_eq!(
        stats.peak_in_flight, CONCURRENCY,
        "at most {} downloads were in flight at once; with 12 blobs waiting, {CONCURRENCY} should \
         run together",
        stats.peak_in_flight
    );
    // One connection per download in flight, reused; a little slack for a spare the pool may open.
    assert!(
        stats.connections <= 2 * CONCURRENCY as u64,
        "12 downloads opened {} connections; one shared client needs about {CONCURRENCY}: build \
         one client for the whole run",
        stats.connections
    );
}

#[tokio::test]
async fn every_blob_is_hashed_on_rayons_pool() {
    let server = start_server();
    let blobs: Vec<Blob> = (0..6)
        .map(|i| {
            Blob::new(
                &format!("blob-{i}"),
                &server.url(&format!("/bytes/50000/{i}")),
            )
        })
        .collect();
    let (report, _) = run_on_time(&blobs, 3, Duration::from_secs(20), hash).await;
    for (name, outcome) in &report.blobs {
        match outcome {
            Outcome::Hashed { digest, .. } => assert!(
                digest.hashed_on_rayon(),
                "{name} was hashed outside rayon's pool (on the runtime's thread, or another \
                 thread): send the bytes to rayon and await the digest"
            ),
            other => panic!("{name} should have been hashed, but came back {other:?}"),
        }
    }
}

/// Ticks of a task on the runtime that runs `run`, and the hasher's verdicts, for the one check
/// that hashes with `hash_watching_the_runtime` (a `fn` has nowhere else to keep them).
static TICKS: Mutex<u64> = Mutex::new(0);
static TICKED: Condvar = Condvar::new();
static HASHES: AtomicU64 = AtomicU64::new(0);
static RUNTIME_WAS_BLOCKED: AtomicBool = AtomicBool::new(false);
static HASHED_OFF_RAYON: AtomicBool = AtomicBool::new(false);

/// Hashes `bytes`, but first waits (half a second at most) for the ticker on `run`'s runtime to
/// tick twice: it can only tick if the runtime's thread is free while the hash runs.
fn hash_watching_the_runtime(bytes: &[u8]) -> Digest {
    HASHES.fetch_add(1, Ordering::SeqCst);
    if rayon::current_thread_index().is_none() {
        // Not on rayon: maybe on the runtime's own thread, where no tick can come. Don't wait.
        HASHED_OFF_RAYON.store(true, Ordering::SeqCst);
        return hash(bytes);
    }
    if RUNTIME_WAS_BLOCKED.load(Ordering::SeqCst) {
        return hash(bytes); // seen once already: no need to wait a second again
    }
    let ticks = TICKS.lock().unwrap_or_else(PoisonError::into_inner);
    let wanted = *ticks + 2;
    let (_ticks, waited) = TICKED
        .wait_timeout_while(ticks, Duration::from_millis(500), |ticks| *ticks < wanted)
        .unwrap_or_else(PoisonError::into_inner);
    if waited.timed_out() {
        RUNTIME_WAS_BLOCKED.store(true, Ordering::SeqCst);
    }
    hash(bytes)
}

#[tokio::test]
async fn the_runtime_stays_free_while_rayon_hashes() {
    let ticker = tokio::spawn(async {
        let mut interval = tokio::time::interval(Duration::from_millis(1));
        loop {
            interval.tick().await;
            *TICKS.lock().unwrap_or_else(PoisonError::into_inner) += 1;
            TICKED.notify_all();
        }
    });
    let server = start_server();
    let blobs: Vec<Blob> = (0..3)
        .map(|i| {
            Blob::new(
                &format!("blob-{i}"),
                &server.url(&format!("/bytes/1000/{i}")),
            )
        })
        .collect();
    let (report, _) = run_on_time(
        &blobs,
        3,
        Duration::from_secs(20),
        hash_watching_the_runtime,
    )
    .await;
    ticker.abort();
    assert_eq!(
        HASHES.load(Ordering::SeqCst),
        3,
        "run should hash each of the 3 blobs with the hasher it is given, once: {report:?}"
    );
    assert!(
        !HASHED_OFF_RAYON.load(Ordering::SeqCst),
        "a blob was hashed outside rayon's pool (on the runtime's thread, or another thread): \
         send the bytes to rayon and await the digest"
    );
    assert!(
        !RUNTIME_WAS_BLOCKED.load(Ordering::SeqCst),
        "while rayon hashed a blob, a task on run's runtime could not tick for half a second: the \
         runtime's thread was waiting for the hash in place (rayon's ThreadPool::install, scope \
         and join block their caller).\nHand the work to rayon::spawn and await a oneshot \
         receiver: awaiting frees the thread"
    );
}

#[tokio::test]
async fn a_slow_blob_is_missed_not_awaited() {
    let server = start_server();
    let blobs = vec![
        Blob::new("a-fast", &server.url("/bytes/1000/1")),
        Blob::new("b-slow", &server.url("/delay/60000")),
        Blob::new("c-fast", &server.url("/bytes/2000/2")),
    ];
    let deadline = Duration::from_millis(300);
    let (report, elapsed) = run_on_time(&blobs, 3, deadline, hash).await;
    assert_eq!(
        report.missed(),
        ["b-slow"],
        "b-slow takes a minute; with a deadline of {deadline:?} it must be reported as missed, and \
         only it"
    );
    assert!(
        elapsed >= deadline - Duration::from_millis(50),
        "run answered after {elapsed:?}, before its deadline of {deadline:?}, although a blob was \
         still downloading"
    );
}

#[tokio::test]
async fn the_deadline_is_for_the_whole_run_not_each_blob() {
    let server = start_server();
    // One at a time, 200 ms each, a 300 ms deadline: the third and fourth cannot be done in time
    // (and with a deadline per blob instead, the four take 800 ms, long past the deadline).
    let blobs: Vec<Blob> = (0..4)
        .map(|i| Blob::new(&format!("blob-{i}"), &server.url("/delay/200")))
        .collect();
    let deadline = Duration::from_millis(300);
    let (report, _) = run_on_time(&blobs, 1, deadline, hash).await;
    assert_at_most_in_flight(&server.stats(), 1);
    let missed = report.missed();
    assert!(
        missed.contains(&"blob-2") && missed.contains(&"blob-3"),
        "blob-2 and blob-3 cannot finish by the deadline (one at a time, 200 ms each), and blobs \
         never started are missed too; missed: {missed:?}"
    );
    assert_eq!(report.blobs.len(), 4, "every blob is in the report");
}
