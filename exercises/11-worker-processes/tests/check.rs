//! Jobs fanned out to real worker processes: the answers, which processes gave them, when, and
//! whether every process was waited for.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use sha2::{Digest, Sha256};
use worker_processes::{Job, JobError, Reply, run_jobs};

/// The worker binary cargo built for these checks.
const WORKER: &str = env!("CARGO_BIN_EXE_worker");

/// Far longer than any batch here takes (a few hundred milliseconds at most).
const PATIENCE: Duration = Duration::from_secs(3);

/// `run_jobs`, on a thread of its own, so that a hang fails the check instead of stalling it.
fn run(jobs: &[Job], workers: usize) -> Vec<Result<Reply, JobError>> {
    let (done, results) = mpsc::channel();
    let jobs = jobs.to_vec();
    thread::spawn(move || {
        // If the check stopped waiting, nobody is listening; that is fine.
        let _ = done.send(run_jobs(Path::new(WORKER), &jobs, workers));
    });
    results.recv_timeout(PATIENCE).unwrap_or_else(|_| {
        panic!(
            "run_jobs did not return within {:?}: something waits forever.\nThe usual causes: a \
             worker waits for more jobs because its stdin was never closed (drop it), the parent \
             waits for a reply that a dead worker will never send (reading 0 bytes means it is \
             gone), or both sides wait on full pipes",
            PATIENCE
        )
    })
}

fn hash_jobs(count: usize) -> Vec<Job> {
    (0..count)
        .map(|i| Job::Hash {
            text: format!("job number {i}"),
        })
        .collect()
}

fn expected_digest(job: &Job) -> String {
    let Job::Hash { text } = job else {
        unreachable!("only hash jobs have digests")
    };
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn reply(results: &[Result<Reply, JobError>], index: usize) -> &Reply {
    match &results[index] {
        Ok(reply) => reply,
        Err(error) => panic!("job {index} failed: {error:?}"),
    }
}

/// Pids that still exist. A process that has exited but was never waited for (a zombie) still
/// exists: `kill -0` (send no signal, only check) succeeds on it.
fn still_existing(pids: &BTreeSet<u32>) -> Vec<u32> {
    pids.iter()
        .copied()
        .filter(|pid| {
            Command::new("sh")
                .args(["-c", &format!("kill -0 {pid} 2>/dev/null")])
                .status()
                .expect("run sh")
                .success()
        })
        .collect()
}

fn assert_all_waited_for(pids: &BTreeSet<u32>) {
    let left = still_existing(pids);
    assert!(
        left.is_empty(),
        "the worker processes {left:?} still exist after run_jobs returned: a child that has \
         exited stays a zombie until its parent waits for it. Close each worker's stdin, then \
         `wait` for it, even if it crashed"
    );
}

#[test]
fn the_results_are_right_and_in_job_order() {
    let jobs = hash_jobs(20);
    let results = run(&jobs, 4);
    assert_eq!(results.len(), jobs.len(), "one result per job");
    for (index, job) in jobs.iter().enumerate() {
        assert_eq!(
            reply(&results, index).output,
            expected_digest(job),
            "result {index} is not the answer to job {index}: return the results in the order \
             of the jobs"
        );
    }
    assert!(run(&[], 4).is_empty(), "no jobs, no results");
}

#[test]
fn the_jobs_are_shared_by_exactly_k_worker_processes() {
    let workers = 4;
    let jobs = hash_jobs(20);
    let results = run(&jobs, workers);
    let pids: BTreeSet<u32> = (0..jobs.len())
        .map(|index| reply(&results, index).pid)
        .collect();
    assert!(
        !pids.contains(&std::process::id()),
        "a job was done in the test's own process, not in a worker"
    );
    assert_eq!(
        pids.len(),
        workers,
        "{} worker processes did the {} jobs, but `workers` was {workers}: start {workers} \
         workers and deal every one of them several jobs",
        pids.len(),
        jobs.len()
    );
}

#[test]
fn the_workers_run_at_the_same_time() {
    let workers = 3;
    let jobs: Vec<Job> = (0..workers).map(|_| Job::Pause { ms: 200 }).collect();
    let results = run(&jobs, workers);
    let replies: Vec<&Reply> = (0..jobs.len())
        .map(|index| reply(&results, index))
        .collect();
    // The pauses overlap only if every one started before any finished. Starting a worker takes
    // milliseconds, so workers that run at once overlap by most of their 200 ms.
    let last_start = replies
        .iter()
        .map(|r| r.started_ms)
        .max()
        .expect("3 replies");
    let first_finish = replies
        .iter()
        .map(|r| r.finished_ms)
        .min()
        .expect("3 replies");
    assert!(
        last_start < first_finish,
        "the {workers} pauses of 200 ms did not all run at once (one had finished {} ms before \
         the last began): talk to every worker from a thread of its own, or send every worker \
         its jobs before reading any replies",
        last_start - first_finish
    );
}

#[test]
fn every_worker_is_waited_for() {
    let jobs = hash_jobs(8);
    let results = run(&jobs, 2);
    let pids: BTreeSet<u32> = (0..jobs.len())
        .map(|index| reply(&results, index).pid)
        .collect();
    assert_all_waited_for(&pids);
}

#[test]
fn a_worker_that_crashes_fails_its_jobs_not_the_batch() {
    let workers = 3;
    let crash = 5; // dealt to worker 5 % 3 = 2, which also gets jobs 2, 8 and 11
    let mut jobs = hash_jobs(12);
    jobs[crash] = Job::Crash;
    let results = run(&jobs, workers);
    assert_eq!(results.len(), jobs.len(), "one result per job");

    let mut pids = BTreeSet::new();
    match &results[crash] {
        Err(JobError::WorkerDied { pid, .. }) => {
            pids.insert(*pid);
        }
        other => panic!(
            "job {crash} crashed its worker, so its result should be Err(JobError::WorkerDied \
             {{ .. }}), not {other:?}: a worker that ends without answering (reading its stdout \
             gives 0 bytes) has died"
        ),
    }
    for (index, job) in jobs.iter().enumerate().filter(|&(index, _)| index != crash) {
        let crashed_worker = index % workers == crash % workers;
        match &results[index] {
            Ok(reply) => {
                assert_eq!(
                    reply.output,
                    expected_digest(job),
                    "result {index} is not the answer to job {index}"
                );
                pids.insert(reply.pid);
            }
            // After the crash, what the dead worker was dealt may fail too.
            Err(_) if crashed_worker && index > crash => {}
            Err(error) => panic!(
                "job {index} failed ({error:?}), though {}: only the jobs a worker did not get \
                 to answer may fail",
                if crashed_worker {
                    "its worker answered it before it crashed"
                } else {
                    "its worker never crashed"
                }
            ),
        }
    }
    assert_all_waited_for(&pids);
}
