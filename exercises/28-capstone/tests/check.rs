//! The whole pipeline against the local server: what it reports, how many downloads it holds at
//! once, where it hashes, and whether it keeps its deadline.
//!
//! These run on the real clock (real sockets and tokio's paused clock don't mix), with deadlines
//! far from the times the server takes, so a busy machine doesn't change the verdict.

use std::time::{Duration, Instant};

use capstone::{Blob, Outcome, Report, run};
use lesson_kit::{LocalServer, ServerConfig};

/// How long after its deadline `run` may take to answer before the check gives up on it.
const GRACE: Duration = Duration::from_secs(2);

fn start_server() -> LocalServer {
    LocalServer::start(ServerConfig::default()).expect("start the local server")
}

/// Runs the pipeline, failing the check if it answers more than `GRACE` after its deadline.
async fn run_on_time(blobs: &[Blob], concurrency: usize, deadline: Duration) -> (Report, Duration) {
    let started = Instant::now();
    match tokio::time::timeout(deadline + GRACE, run(blobs, concurrency, deadline)).await {
        Ok(report) => (report, started.elapsed()),
        Err(_) => panic!(
            "run was still going {GRACE:?} after its deadline of {deadline:?}: a slow blob was \
             awaited past the deadline. Stop waiting at the deadline and report the rest as missed."
        ),
    }
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
    let (report, _) = run_on_time(&fixed_set(&server), 3, Duration::from_secs(2)).await;
    insta::assert_snapshot!("report", report.to_string());
}

#[tokio::test]
async fn downloads_run_concurrency_at_a_time_on_one_client() {
    const CONCURRENCY: usize = 4;
    let server = start_server();
    // Twelve downloads of 150 ms each: three rounds of four.
    let blobs: Vec<Blob> = (0..12)
        .map(|i| Blob::new(&format!("blob-{i:02}"), &server.url("/delay/150")))
        .collect();
    let (report, _) = run_on_time(&blobs, CONCURRENCY, Duration::from_secs(20)).await;
    assert!(
        report.missed().is_empty(),
        "with a deadline of 20 s, no blob should miss it; missed: {:?}",
        report.missed()
    );

    let stats = server.stats();
    assert!(
        stats.peak_in_flight <= CONCURRENCY,
        "{} downloads were in flight at once; the limit was {CONCURRENCY}",
        stats.peak_in_flight
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
    let (report, _) = run_on_time(&blobs, 3, Duration::from_secs(20)).await;
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

#[tokio::test]
async fn a_slow_blob_is_missed_not_awaited() {
    let server = start_server();
    let blobs = vec![
        Blob::new("a-fast", &server.url("/bytes/1000/1")),
        Blob::new("b-slow", &server.url("/delay/60000")),
        Blob::new("c-fast", &server.url("/bytes/2000/2")),
    ];
    let deadline = Duration::from_millis(1500);
    let (report, elapsed) = run_on_time(&blobs, 3, deadline).await;
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
    // One at a time, 600 ms each, a 1 s deadline: the third and fourth cannot be done in time.
    let blobs: Vec<Blob> = (0..4)
        .map(|i| Blob::new(&format!("blob-{i}"), &server.url("/delay/600")))
        .collect();
    let deadline = Duration::from_secs(1);
    let (report, elapsed) = run_on_time(&blobs, 1, deadline).await;
    let limit = deadline + Duration::from_millis(500);
    assert!(
        elapsed < limit,
        "run took {elapsed:?} with a deadline of {deadline:?}: the deadline is for the whole run, \
         not for each blob"
    );
    let missed = report.missed();
    assert!(
        missed.contains(&"blob-2") && missed.contains(&"blob-3"),
        "blob-2 and blob-3 cannot finish by the deadline (one at a time, 600 ms each), and blobs \
         never started are missed too; missed: {missed:?}"
    );
    assert_eq!(report.blobs.len(), 4, "every blob is in the report");
}
