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

/// Fails unless `result` is the failure of `job` with `message`, saying which part is wrong.
fn assert_failed<T: std::fmt::Debug>(result: &Result<T, JobFailed>, job: &str, message: &str) {
    match result {
        Ok(value) => panic!(
            "the job `{job}` panicked with {message:?}, but the batch answered Ok({value:?}): the \
             panic was swallowed. Awaiting a JoinHandle gives Err(JoinError) for a task that \
             panicked: turn it into a JobFailed instead of dropping it"
        ),
        Err(failed) if failed.job != job => panic!(
            "the batch reported the job `{}`, but the failure to report is `{job}`'s: the first \
             job in the order of the list that panicked (not the first to panic in time)",
            failed.job
        ),
        Err(failed) => assert_eq!(
            failed.message, message,
            "the job `{job}` is reported, but its message should be the text it panicked with: \
             JoinError::try_into_panic gives the payload, a &'static str or a String inside it"
        ),
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
        Ok(BTreeMap::from([("a".into(), 1), ("b".into(), 2)])),
        "every job's result, by name"
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
    assert_failed(&results, "upload", "disk full");
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
    assert_failed(&results, "import", "row 17 is corrupt");
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
    assert_failed(&results, "late", "late failure");
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
    assert_failed(&results, "broken", "broken at once");
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
    assert_eq!(
        run_chores(chores).await,
        Ok(()),
        "chores that all succeed give Ok"
    );
    assert_eq!(
        done.load(Ordering::SeqCst),
        3,
        "every chore is done when run_chores answers"
    );
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
    assert_failed(&result, "rotate logs", "log directory is missing");
    assert_eq!(
        done.load(Ordering::SeqCst),
        1,
        "run_chores answered while a chore was still running: wait for every chore, then report"
    );
}
