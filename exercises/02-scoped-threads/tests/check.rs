//! The count, the threads that did the counting, and proof that they borrowed the caller's lines.

use std::collections::{HashMap, HashSet};
use std::sync::{Condvar, Mutex};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use scoped_threads::count_matching_lines;

/// `count` lines; every third one (0, 3, 6, ...) mentions an apple.
fn lines(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let fruit = if i % 3 == 0 { "apple" } else { "pear" };
            format!("line {i}: one {fruit} a day")
        })
        .collect()
}

fn mentions_apple(line: &str) -> bool {
    line.contains("apple")
}

/// What `is_match` saw: on which thread it was called, and where each line it was shown lives.
#[derive(Default)]
struct Calls {
    seen: Mutex<Vec<(ThreadId, usize, String)>>,
}

impl Calls {
    fn record(&self, line: &str) -> bool {
        let address = line.as_ptr() as usize;
        self.seen
            .lock()
            .unwrap()
            .push((thread::current().id(), address, line.to_string()));
        mentions_apple(line)
    }

    fn threads(&self) -> HashSet<ThreadId> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|(t, _, _)| *t)
            .collect()
    }
}

#[test]
fn the_count_is_right() {
    for (count, threads) in [(1000, 4), (12, 3), (7, 1), (5, 8), (0, 4)] {
        let lines = lines(count);
        assert_eq!(
            count_matching_lines(&lines, threads, mentions_apple),
            count.div_ceil(3),
            "wrong count for {count} lines on {threads} threads"
        );
    }
}

#[test]
fn each_part_is_counted_on_a_thread_of_its_own() {
    for threads in [4, 1] {
        let lines = lines(1000);
        let calls = Calls::default();
        count_matching_lines(&lines, threads, |line| calls.record(line));
        let used = calls.threads();
        assert!(
            !used.contains(&thread::current().id()),
            "is_match was called on the caller's own thread: count each part on a scoped thread"
        );
        assert_eq!(
            used.len(),
            threads,
            "{} threads called is_match, but `threads` was {threads}: split the lines into \
             {threads} parts and give each part a thread of its own",
            used.len()
        );
    }
}

#[test]
fn the_threads_borrow_the_lines_instead_of_copying_them() {
    let lines = lines(1000);
    // Where each of the caller's lines keeps its text. A copy of a line keeps it elsewhere.
    let index_of: HashMap<usize, usize> = lines
        .iter()
        .enumerate()
        .map(|(index, line)| (line.as_ptr() as usize, index))
        .collect();
    let calls = Calls::default();
    count_matching_lines(&lines, 4, |line| calls.record(line));

    let mut times_seen = vec![0; lines.len()];
    for (_, address, text) in calls.seen.lock().unwrap().iter() {
        let Some(&index) = index_of.get(address) else {
            panic!(
                "is_match was shown a copy of the line {text:?}, not the caller's own String: \
                 let the threads borrow `lines` (a scope allows it) instead of cloning them"
            );
        };
        times_seen[index] += 1;
    }
    for (index, times) in times_seen.iter().enumerate() {
        assert_eq!(
            *times, 1,
            "line {index} was checked {times} times: each line belongs to exactly one part"
        );
    }
}

#[test]
fn the_threads_run_at_the_same_time() {
    let threads = 4;
    let lines = lines(1000);
    let meeting = Meeting::new(threads, thread::current().id());
    count_matching_lines(&lines, threads, |line| {
        meeting.arrive();
        mentions_apple(line)
    });
    let met = meeting.state.lock().unwrap();
    assert!(
        !met.on_the_callers_thread,
        "is_match was called on the caller's own thread: count each part on a scoped thread"
    );
    assert!(
        !met.gave_up,
        "the {threads} counting threads were never all running at once (after waiting {:?} for \
         all of them, {} had started).\nSpawn every thread before joining any (an iterator's \
         `map` is lazy, so `map(spawn)` followed by `map(join)` without a `collect` in between \
         starts each thread only after the previous one has finished)",
        Meeting::PATIENCE,
        met.together
    );
}

/// Holds each thread at its first line until `expected` threads have arrived: they can all be
/// there only if they all run at once. Gives up (once, for everyone) after `PATIENCE`, which is
/// far longer than threads that really run together ever need; at once if the caller's own thread
/// arrives, since then no counting thread of its own is running.
struct Meeting {
    expected: usize,
    caller: ThreadId,
    state: Mutex<MeetingState>,
    changed: Condvar,
}

#[derive(Default)]
struct MeetingState {
    arrived: HashSet<ThreadId>,
    /// Set when a thread waited `PATIENCE` in vain; from then on nobody waits.
    gave_up: bool,
    /// How many threads had arrived when the meeting gave up.
    together: usize,
    /// The caller's own thread arrived.
    on_the_callers_thread: bool,
}

impl Meeting {
    const PATIENCE: Duration = Duration::from_millis(500);

    fn new(expected: usize, caller: ThreadId) -> Self {
        Meeting {
            expected,
            caller,
            state: Mutex::default(),
            changed: Condvar::new(),
        }
    }

    fn arrive(&self) {
        let mut state = self.state.lock().unwrap();
        if !state.arrived.insert(thread::current().id()) {
            return; // this thread was here before: only its first line waits
        }
        if thread::current().id() == self.caller {
            state.on_the_callers_thread = true;
            state.gave_up = true;
        }
        self.changed.notify_all();
        let deadline = Instant::now() + Self::PATIENCE;
        while state.arrived.len() < self.expected && !state.gave_up {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                state.gave_up = true;
                state.together = state.arrived.len();
                self.changed.notify_all();
                break;
            }
            state = self.changed.wait_timeout(state, left).unwrap().0;
        }
    }
}
