//! The answers, their order, the threads that computed them, and whether those threads ran at once.
//!
//! `checksum_all` calls the checksum function it is given on each buffer's thread, so the checks
//! give it one that reports to a `Meeting`: a `fn` cannot carry state, so each check has a meeting
//! of its own in a `static`.

use std::collections::HashSet;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use spawn_join::{checksum_all, fnv1a};

/// Buffer `i` is full of the byte `i`, so a checksum function can tell which buffer it was given.
fn buffers() -> Vec<Vec<u8>> {
    (0..BUFFERS)
        .map(|i| vec![i; 1000 + usize::from(i)])
        .collect()
}

const BUFFERS: u8 = 6;

#[test]
fn every_buffer_is_checksummed_on_a_thread_of_its_own() {
    let answers = checksum_all(buffers(), fnv1a);
    let threads: HashSet<ThreadId> = answers.iter().map(|answer| answer.thread).collect();
    assert!(
        !threads.contains(&thread::current().id()),
        "a checksum was computed on the calling thread: spawn a thread for each buffer"
    );
    assert_eq!(
        threads.len(),
        answers.len(),
        "{} buffers were checksummed on {} threads: spawn one thread per buffer",
        answers.len(),
        threads.len()
    );
}

#[test]
fn the_threads_run_at_the_same_time() {
    static TOGETHER: Meeting = Meeting::new();
    fn checksum(bytes: &[u8]) -> u64 {
        TOGETHER.arrive(bytes[0]);
        fnv1a(bytes)
    }
    TOGETHER.open(thread::current().id());
    checksum_all(buffers(), checksum);
    let met = TOGETHER.state();
    assert!(
        !met.on_the_callers_thread,
        "a checksum was computed on the calling thread: spawn a thread for each buffer"
    );
    assert!(
        !met.gave_up,
        "the {BUFFERS} checksum threads were never all running at once (after waiting {:?}, {} \
         had started).\nSpawn every thread before joining any. Collect the JoinHandles into a Vec \
         first: `map` is lazy, so `map(spawn)` followed by `map(join)` starts each thread only \
         after the one before it has been joined",
        Meeting::PATIENCE,
        met.arrived.len()
    );
}

#[test]
fn the_answers_come_back_in_the_order_of_the_buffers() {
    static REVERSED: Meeting = Meeting::new();
    fn checksum(bytes: &[u8]) -> u64 {
        REVERSED.arrive(bytes[0]);
        // Once all have met, the threads finish last buffer first.
        REVERSED.leave_in_reverse(bytes[0]);
        fnv1a(bytes)
    }
    REVERSED.open(thread::current().id());
    let answers: Vec<u64> = checksum_all(buffers(), checksum)
        .iter()
        .map(|answer| answer.value)
        .collect();
    let expected: Vec<u64> = buffers().iter().map(|buffer| fnv1a(buffer)).collect();
    assert_eq!(answers.len(), expected.len(), "one answer per buffer");
    if answers != expected {
        let mut sorted = answers.clone();
        sorted.sort_unstable();
        let mut expected_sorted = expected.clone();
        expected_sorted.sort_unstable();
        let why = if sorted == expected_sorted {
            "each answer is right, but they came back in the order the threads finished (the \
             checks make them finish last buffer first): join the handles in the order of the \
             buffers"
        } else {
            "some answer is not the checksum of any buffer: give each thread its own buffer"
        };
        panic!("the answers are not in the order of the buffers: {why}");
    }
}

#[test]
fn no_buffers_no_threads() {
    assert!(
        checksum_all(Vec::new(), fnv1a).is_empty(),
        "no buffers should give no answers"
    );
}

/// Holds each thread until every buffer's thread has arrived: they can all be there only if they
/// all run at once. Gives up (once, for everyone) after `PATIENCE`, which is far longer than
/// threads that really run together need; at once if the caller's own thread arrives, since then
/// no thread of its own is running.
struct Meeting {
    state: Mutex<MeetingState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct MeetingState {
    caller: Option<ThreadId>,
    /// The buffers whose threads have arrived.
    arrived: Vec<u8>,
    /// The buffers whose threads have left (`leave_in_reverse`).
    left: Vec<u8>,
    /// Set when a thread waited `PATIENCE` in vain; from then on nobody waits.
    gave_up: bool,
    on_the_callers_thread: bool,
}

impl Meeting {
    const PATIENCE: Duration = Duration::from_millis(500);

    const fn new() -> Self {
        Meeting {
            state: Mutex::new(MeetingState {
                caller: None,
                arrived: Vec::new(),
                left: Vec::new(),
                gave_up: false,
                on_the_callers_thread: false,
            }),
            changed: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, MeetingState> {
        // A panicking thread leaves the state as it was: it is still worth reading.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn open(&self, caller: ThreadId) {
        self.state().caller = Some(caller);
    }

    /// Buffer `buffer`'s thread arrives, and waits for the others.
    fn arrive(&self, buffer: u8) {
        let mut state = self.state();
        state.arrived.push(buffer);
        if state.caller == Some(thread::current().id()) {
            state.on_the_callers_thread = true;
            state.gave_up = true;
        }
        self.changed.notify_all();
        drop(self.wait_while(state, |state| state.arrived.len() < usize::from(BUFFERS)));
    }

    /// Waits until every buffer after `buffer` has left, so the threads finish in reverse order.
    fn leave_in_reverse(&self, buffer: u8) {
        let state = self.state();
        let mut state = self.wait_while(state, |state| {
            (buffer + 1..BUFFERS).any(|later| !state.left.contains(&later))
        });
        state.left.push(buffer);
        self.changed.notify_all();
    }

    /// Waits while `waiting` holds, unless the meeting has given up; gives up after `PATIENCE`.
    fn wait_while<'a>(
        &self,
        mut state: MutexGuard<'a, MeetingState>,
        waiting: impl Fn(&MeetingState) -> bool,
    ) -> MutexGuard<'a, MeetingState> {
        let deadline = Instant::now() + Self::PATIENCE;
        while waiting(&state) && !state.gave_up {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                state.gave_up = true;
                self.changed.notify_all();
                break;
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        state
    }
}
