//! `gather_until` on tokio's paused clock, with pretend suppliers that quote after set delays.
//! (The snapshot of the partial results is in tests/snapshot.rs.)

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use batch_deadline::{Partial, gather_until};
use tokio::time::{Instant, sleep};

/// Who is asked, how long each takes to quote, and the quote (in cents).
const SUPPLIERS: [(&str, u64, u32); 6] = [
    ("acme", 120, 1_999),
    ("bolt", 450, 2_150),
    ("crate-and-co", 3_000, 1_750),
    ("dynamo", 800, 2_049),
    ("emporium", 1_500, 1_899),
    ("fjord", 90, 2_300),
];

const DEADLINE: Duration = Duration::from_secs(1);

/// What happened to the jobs: which started, which finished, which are still running.
#[derive(Default)]
struct Ledger {
    started: Vec<String>,
    finished: Vec<String>,
    running: Vec<String>,
}

/// Removes a job from `running` when its future is dropped, finished or not.
struct Running {
    name: String,
    ledger: Arc<Mutex<Ledger>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut ledger = self.ledger.lock().expect("the ledger");
        ledger.running.retain(|name| *name != self.name);
    }
}

/// A job that quotes after the supplier's delay, writing what happens in `ledger`.
fn quote(
    ledger: &Arc<Mutex<Ledger>>,
    suppliers: &[(&str, u64, u32)],
) -> impl Fn(String) -> std::pin::Pin<Box<dyn Future<Output = u32>>> {
    let table: BTreeMap<String, (u64, u32)> = suppliers
        .iter()
        .map(|&(name, delay, cents)| (name.to_string(), (delay, cents)))
        .collect();
    let ledger = Arc::clone(ledger);
    move |name: String| {
        let (delay, cents) = table[&name];
        let ledger = Arc::clone(&ledger);
        Box::pin(async move {
            {
                let mut entries = ledger.lock().expect("the ledger");
                entries.started.push(name.clone());
                entries.running.push(name.clone());
            }
            let _running = Running {
                name: name.clone(),
                ledger: Arc::clone(&ledger),
            };
            sleep(Duration::from_millis(delay)).await;
            ledger.lock().expect("the ledger").finished.push(name);
            cents
        })
    }
}

fn names(suppliers: &[(&str, u64, u32)]) -> Vec<String> {
    suppliers
        .iter()
        .map(|(name, ..)| name.to_string())
        .collect()
}

fn sorted(mut partial: Partial<u32>) -> Partial<u32> {
    partial.finished.sort();
    partial.late.sort();
    partial
}

#[tokio::test(start_paused = true)]
async fn the_answers_that_arrived_in_time_are_kept() {
    let ledger = Arc::default();
    let partial =
        sorted(gather_until(names(&SUPPLIERS), DEADLINE, quote(&ledger, &SUPPLIERS)).await);
    let kept: Vec<&str> = partial
        .finished
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    let why = if kept.is_empty() {
        "a timeout around the whole batch throws away what had already arrived: give each job the \
         deadline instead"
    } else {
        "run every job at once, each until the one deadline"
    };
    assert_eq!(
        kept,
        ["acme", "bolt", "dynamo", "fjord"],
        "4 suppliers quote within {DEADLINE:?} (after 90, 120, 450 and 800 ms) but the report \
         kept {kept:?}: {why}"
    );
    assert_eq!(
        partial.late,
        ["crate-and-co", "emporium"],
        "the late list should name exactly the jobs still running at the deadline"
    );
}

#[tokio::test(start_paused = true)]
async fn the_batch_ends_at_the_deadline() {
    let ledger = Arc::default();
    let started = Instant::now();
    gather_until(names(&SUPPLIERS), DEADLINE, quote(&ledger, &SUPPLIERS)).await;
    let took = started.elapsed();
    assert!(
        took <= DEADLINE,
        "the batch took {took:?} with a deadline of {DEADLINE:?}: the jobs must all run at once, \
         and all share the one deadline"
    );
    assert_eq!(
        took, DEADLINE,
        "the batch ended {took:?} in, before its deadline"
    );
}

#[tokio::test(start_paused = true)]
async fn a_batch_that_is_done_early_returns_early() {
    let quick = &SUPPLIERS[..2];
    let ledger = Arc::default();
    let started = Instant::now();
    let partial = sorted(gather_until(names(quick), DEADLINE, quote(&ledger, quick)).await);
    let took = started.elapsed();
    assert_eq!(
        took,
        Duration::from_millis(450),
        "two jobs that answer after 120 and 450 ms, run together, are done at 450 ms, but the \
         batch took {took:?}: run every job at once, and return when the last one has answered \
         rather than at the deadline"
    );
    assert_eq!(
        partial,
        Partial {
            finished: vec![("acme".to_string(), 1_999), ("bolt".to_string(), 2_150)],
            late: Vec::new(),
        },
        "both jobs answered in time, with their quotes, and none was late"
    );
}

#[tokio::test(start_paused = true)]
async fn late_jobs_are_cancelled_at_the_deadline() {
    let ledger: Arc<Mutex<Ledger>> = Arc::default();
    gather_until(names(&SUPPLIERS), DEADLINE, quote(&ledger, &SUPPLIERS)).await;
    {
        let entries = ledger.lock().expect("the ledger");
        assert_eq!(
            entries.started.len(),
            SUPPLIERS.len(),
            "every job should be started: run every job at once"
        );
        assert!(
            entries.running.is_empty(),
            "{:?} were still running after gather_until returned: drop (cancel) the late jobs",
            entries.running
        );
    }
    // Long after the slowest would have answered, none of the late ones has.
    sleep(Duration::from_secs(10)).await;
    let mut finished = ledger.lock().expect("the ledger").finished.clone();
    finished.sort();
    let why = if finished.len() > 4 {
        "a late job went on running after the deadline and finished later: drop (cancel) it at \
         the deadline"
    } else {
        "run every job at once, each until the one deadline"
    };
    assert_eq!(
        finished,
        ["acme", "bolt", "dynamo", "fjord"],
        "the jobs that finished: {why}"
    );
}
