//! `run_all` must run every job at once and report each as it finishes; a job's panic must be
//! reported, not fatal. On tokio's paused clock the finish times are exact, so they can be
//! compared with a snapshot.

use std::fmt::Write;
use std::sync::Once;
use std::time::Duration;

use joinset_order::{Job, Outcome, Report, run_all};
use tokio::time::Instant;

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// Five jobs whose lengths are out of order, so input order and completion order differ.
fn jobs() -> Vec<Job> {
    vec![
        Job::new("cat.jpg", ms(300)),
        Job::new("dog.jpg", ms(100)),
        Job::new("heron.jpg", ms(250)),
        Job::new("owl.jpg", ms(50)),
        Job::new("bee.jpg", ms(175)),
    ]
}

/// The same jobs plus two broken images, one finishing early and one in the middle.
fn jobs_with_broken_ones() -> Vec<Job> {
    let mut jobs = jobs();
    jobs.insert(1, Job::broken("corrupt.png", ms(150)));
    jobs.push(Job::broken("empty.gif", ms(25)));
    jobs
}

/// One line per report: when it finished, which image, how it went.
fn table(reports: &[Report]) -> String {
    let mut table = String::new();
    for report in reports {
        let outcome = match &report.outcome {
            Outcome::Done(size) => format!("done, {size} bytes"),
            Outcome::Failed(message) => format!("failed: {message}"),
        };
        writeln!(
            table,
            "{:>6} ms  {:<12} {outcome}",
            report.finished_at.as_millis(),
            report.image
        )
        .unwrap();
    }
    table
}

/// Keeps the broken jobs' own (expected) panics out of the test output, so that what it shows is
/// the checks' verdict. Any other panic is printed as usual.
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
            if !text.is_some_and(|text| text.ends_with(" is not an image")) {
                print(info);
            }
        }));
    });
}

/// Runs `run_all` as a task of its own, so that if it panics the test can say so plainly.
async fn run_all_or_explain(jobs: Vec<Job>) -> Vec<Report> {
    hush_expected_panics();
    match tokio::spawn(run_all(jobs)).await {
        Ok(reports) => reports,
        Err(error) => panic!(
            "run_all itself panicked ({}): a job's panic must end that job only. Run each job as \
             a task in a JoinSet: the task's panic then comes back as an Err from join_next, to \
             report as Outcome::Failed",
            error
                .try_into_panic()
                .map(joinset_order::panic_message)
                .unwrap_or_else(|error| error.to_string())
        ),
    }
}

/// Fails unless each report says when its job finished: at its job's duration, on the paused clock.
fn assert_reported_when_finished(reports: &[Report], jobs: &[Job]) {
    for report in reports {
        let Some(job) = jobs.iter().find(|job| job.image == report.image) else {
            panic!(
                "a report for {:?}, which is no job of the batch",
                report.image
            );
        };
        assert_eq!(
            report.finished_at, job.duration,
            "{}'s job took {:?}, but its report says it finished at {:?}: report each job when \
             join_next_with_id hands its task back, in completion order",
            report.image, job.duration, report.finished_at
        );
    }
}

#[tokio::test(start_paused = true)]
async fn reports_come_back_in_completion_order() {
    let reports = run_all(jobs()).await;
    assert_eq!(reports.len(), 5, "one report per job");
    assert_reported_when_finished(&reports, &jobs());
    let finish_times: Vec<Duration> = reports.iter().map(|r| r.finished_at).collect();
    assert!(
        finish_times.is_sorted(),
        "the reports came back in this order of finish times: {finish_times:?}; report each job \
         as it finishes (JoinSet::join_next), not in the order the jobs were given"
    );
    insta::assert_snapshot!(table(&reports));
}

#[tokio::test(start_paused = true)]
async fn the_jobs_run_at_the_same_time() {
    let started = Instant::now();
    let reports = run_all(jobs()).await;
    let took = started.elapsed();
    assert_eq!(reports.len(), 5, "expected one report per job");
    assert_eq!(
        took,
        ms(300),
        "5 jobs of at most 300 ms took {took:?} in all: spawn every job before waiting for any, \
         so the batch takes as long as its longest job"
    );
}

#[tokio::test(start_paused = true)]
async fn a_panicking_job_is_reported_not_fatal() {
    let reports = run_all_or_explain(jobs_with_broken_ones()).await;
    let failed: Vec<(&str, &Outcome)> = reports
        .iter()
        .filter(|report| matches!(report.outcome, Outcome::Failed(_)))
        .map(|report| (report.image.as_str(), &report.outcome))
        .collect();
    let expected = [
        (
            "empty.gif",
            &Outcome::Failed("empty.gif is not an image".to_string()),
        ),
        (
            "corrupt.png",
            &Outcome::Failed("corrupt.png is not an image".to_string()),
        ),
    ];
    assert!(
        failed.len() == 2 && expected.iter().all(|broken| failed.contains(broken)),
        "each broken image should be reported as Failed, with its image and the message its job \
         panicked with (panic_message), but the failures reported were {failed:?}"
    );
    assert_eq!(
        reports.len(),
        7,
        "one report per job, the broken ones included"
    );
    assert_reported_when_finished(&reports, &jobs_with_broken_ones());
    insta::assert_snapshot!(table(&reports));
}

#[tokio::test(start_paused = true)]
async fn every_job_runs_as_a_task_of_its_own() {
    let metrics = tokio::runtime::Handle::current().metrics();
    let started = Instant::now();
    let batch = tokio::spawn(run_all(jobs()));
    let mut alive_at = Vec::new();
    // On the paused clock, time moves only once every task waits. At 10 ms every job has started
    // and none has finished; at 60 ms owl.jpg's (50 ms) has; at 120 ms dog.jpg's (100 ms) too.
    for at in [10, 60, 120] {
        tokio::time::sleep_until(started + ms(at)).await;
        // The batch's own task is alive too; the rest are the jobs' tasks.
        alive_at.push((at, metrics.num_alive_tasks().saturating_sub(1)));
    }
    batch.await.expect("run_all does not panic");
    assert_eq!(
        alive_at,
        [(10, 5), (60, 4), (120, 3)],
        "(ms, tasks running besides run_all's own) during a batch of 5 jobs.\n\
         Each job should be a task of its own, ending when its job does: spawn each job into \
         the JoinSet. (Reports made without running the jobs, from their durations, prove \
         nothing.)"
    );
}

#[tokio::test(start_paused = true)]
async fn no_jobs_no_reports() {
    let started = Instant::now();
    assert!(
        run_all(Vec::new()).await.is_empty(),
        "no jobs should give no reports"
    );
    assert_eq!(
        started.elapsed(),
        Duration::ZERO,
        "a batch of no jobs should take no time"
    );
}
