//! `run_all` must run every job at once and report each as it finishes; a job's panic must be
//! reported, not fatal. On tokio's paused clock the finish times are exact, so they can be
//! compared with a snapshot.

use std::fmt::Write;
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

/// Runs `run_all` as a task of its own, so that if it panics the test can say so plainly.
async fn run_all_or_explain(jobs: Vec<Job>) -> Vec<Report> {
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

#[tokio::test(start_paused = true)]
async fn reports_come_back_in_completion_order() {
    let reports = run_all(jobs()).await;
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
    let failed: Vec<&Report> = reports
        .iter()
        .filter(|report| matches!(report.outcome, Outcome::Failed(_)))
        .collect();
    assert_eq!(
        failed,
        [
            &Report {
                image: "empty.gif".to_string(),
                finished_at: ms(25),
                outcome: Outcome::Failed("empty.gif is not an image".to_string()),
            },
            &Report {
                image: "corrupt.png".to_string(),
                finished_at: ms(150),
                outcome: Outcome::Failed("corrupt.png is not an image".to_string()),
            },
        ],
        "each broken image should be reported as Failed, with its image, its finish time and \
         the message its job panicked with (panic_message)"
    );
    insta::assert_snapshot!(table(&reports));
}

#[tokio::test(start_paused = true)]
async fn no_jobs_no_reports() {
    let started = Instant::now();
    assert!(run_all(Vec::new()).await.is_empty());
    assert_eq!(started.elapsed(), Duration::ZERO);
}
