//! A panicking job must come back as an error that names it and says what it panicked with.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

use swallowed_panic::{Job, JobFailed, run_chores, run_jobs};
use tokio::time::sleep;

/// What the jobs in these tests panic with, on purpose.
const EXPECTED_PANICS: &[&str] = &[
    "disk full",
    "row 17 is corrupt",
    "late failure",
    "early failure",
    "broken at once",
    "log directory is missing",
];

/// Keeps the jobs' own (expected) panics out of the test output, so that what it shows is the
/// checks' verdict. Any other panic is printed as usual.
fn hush_expected_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let print = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let text = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            if !text.is_some_and(|text| EXPECTED_PANICS.contains(&text)) {
                print(info);
            }
        }));
    });
}

fn failed(job: &str, message: &str) -> JobFailed {
    JobFailed {
        job: job.to_string(),
        message: message.to_string(),
    }
}

async fn after(ms: u64, value: u64) -> u64 {
    sleep(Duration::from_millis(ms)).await;
    value
}

#[tokio::test(start_paused = true)]
async fn jobs_that_succeed_give_their_results() {
    hush_expected_panics();
    let results = run_jobs(vec![
        Job::new("b", after(20, 2)),
        Job::new("a", after(10, 1)),
    ])
    .await;
    assert_eq!(
        results,
        Ok(BTreeMap::from([("a".into(), 1), ("b".into(), 2)]))
    );
}

#[tokio::test(start_paused = true)]
async fn a_job_that_panics_is_reported_by_name() {
    hush_expected_panics();
    let results = run_jobs(vec![
        Job::new("resize", after(10, 1)),
        Job::new("upload", async {
            sleep(Duration::from_millis(5)).await;
            panic!("disk full")
        }),
        Job::new("index", after(20, 3)),
    ])
    .await;
    assert_eq!(
        results,
        Err(failed("upload", "disk full")),
        "the job `upload` panicked with \"disk full\"; run_jobs must say so, not drop it"
    );
}

#[tokio::test(start_paused = true)]
async fn a_formatted_panic_message_comes_through_whole() {
    hush_expected_panics();
    let row = 17;
    let results = run_jobs(vec![Job::new("import", async move {
        sleep(Duration::from_millis(5)).await;
        panic!("row {row} is corrupt")
    })])
    .await;
    assert_eq!(
        results,
        Err(failed("import", "row 17 is corrupt")),
        "the job `import` panicked (with a formatted message); run_jobs must return an Err that \
         names it and gives the whole message, not drop it"
    );
}

/// Two jobs panic; the one reported is the first in the list, though it panics last.
#[tokio::test(start_paused = true)]
async fn the_first_failure_in_the_list_is_reported() {
    hush_expected_panics();
    let results = run_jobs(vec![
        Job::new("fine", after(1, 0)),
        Job::new("late", async {
            sleep(Duration::from_millis(30)).await;
            panic!("late failure")
        }),
        Job::new("early", async {
            sleep(Duration::from_millis(10)).await;
            panic!("early failure")
        }),
    ])
    .await;
    assert_eq!(
        results,
        Err(failed("late", "late failure")),
        "`late` and `early` both panicked; the first of them in the list (`late`) is the one to report"
    );
}

/// Every job is done by the time the batch answers, even when one failed early.
#[tokio::test(start_paused = true)]
async fn every_job_is_finished_before_the_answer() {
    hush_expected_panics();
    let finished = Arc::new(AtomicU32::new(0));
    let counted = |ms: u64| {
        let finished = Arc::clone(&finished);
        async move {
            sleep(Duration::from_millis(ms)).await;
            finished.fetch_add(1, Ordering::SeqCst);
            ms
        }
    };
    let results = run_jobs(vec![
        Job::new("quick", counted(10)),
        Job::new("broken", async { panic!("broken at once") }),
        Job::new("slow", counted(500)),
    ])
    .await;
    assert_eq!(
        results,
        Err(failed("broken", "broken at once")),
        "the job `broken` panicked; run_jobs must say so"
    );
    assert_eq!(
        finished.load(Ordering::SeqCst),
        2,
        "run_jobs answered while a job was still running: wait for every job, then report"
    );
}

#[tokio::test(start_paused = true)]
async fn chores_that_succeed_are_ok() {
    hush_expected_panics();
    let done = Arc::new(AtomicU32::new(0));
    let chores = (0..3)
        .map(|i| {
            let done = Arc::clone(&done);
            Job::new(&format!("chore {i}"), async move {
                sleep(Duration::from_millis(10 * i)).await;
                done.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    assert_eq!(run_chores(chores).await, Ok(()));
    assert_eq!(done.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn a_chore_that_panics_is_reported_by_name() {
    hush_expected_panics();
    let done = Arc::new(AtomicU32::new(0));
    let finish = {
        let done = Arc::clone(&done);
        async move {
            sleep(Duration::from_millis(100)).await;
            done.fetch_add(1, Ordering::SeqCst);
        }
    };
    let result = run_chores(vec![
        Job::new("clean cache", async {
            sleep(Duration::from_millis(10)).await;
        }),
        Job::new("rotate logs", async {
            sleep(Duration::from_millis(5)).await;
            panic!("log directory is missing")
        }),
        Job::new("send report", finish),
    ])
    .await;
    assert_eq!(
        result,
        Err(failed("rotate logs", "log directory is missing")),
        "the chore `rotate logs` panicked; run_chores must say so, not carry on as if all went well"
    );
    assert_eq!(
        done.load(Ordering::SeqCst),
        1,
        "run_chores answered while a chore was still running: wait for every chore, then report"
    );
}
