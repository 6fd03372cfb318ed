//! `load_checksum` runs on a single-threaded runtime (the default of `#[tokio::test]`) beside a
//! heartbeat task. The store's `load` blocks its thread until the heartbeat has ticked a few times,
//! which can only happen if the runtime's thread is free meanwhile; it gives up after a second.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use heartbeat::{BlockingStore, checksum, load_checksum};

/// How often the heartbeat ticks.
const BEAT: Duration = Duration::from_millis(5);
/// How many ticks the store waits for before it answers.
const TICKS_WANTED: usize = 3;
/// How long the store waits for them at most: far longer than 3 ticks take on a busy machine.
const GIVE_UP_AFTER: Duration = Duration::from_secs(1);

/// What the store saw during one `load`.
#[derive(Debug, Clone, Copy)]
struct Load {
    ticks_during: usize,
    blocked_for: Duration,
    thread: ThreadId,
}

/// A slow store: `load` blocks until the heartbeat has ticked `TICKS_WANTED` times.
struct HeartbeatGatedStore {
    value: Vec<u8>,
    /// The thread that runs the runtime (and so the heartbeat): a `load` there waits in vain.
    runtime_thread: ThreadId,
    ticks: Arc<AtomicUsize>,
    /// One message per tick. (A std receiver, because `load` is blocking code.)
    tick_signal: Mutex<mpsc::Receiver<()>>,
    loads: Mutex<Vec<Load>>,
}

impl BlockingStore for HeartbeatGatedStore {
    fn load(&self, key: &str) -> Vec<u8> {
        let started = Instant::now();
        let before = self.ticks.load(Ordering::SeqCst);
        let signal = self.tick_signal.lock().expect("the store's lock");
        // On the runtime's own thread no tick can come while `load` blocks it: don't wait.
        let on_the_runtime = thread::current().id() == self.runtime_thread;
        while !on_the_runtime && self.ticks.load(Ordering::SeqCst) - before < TICKS_WANTED {
            let left = GIVE_UP_AFTER.saturating_sub(started.elapsed());
            // Stop waiting when time is up (or the heartbeat is gone).
            if left.is_zero() || signal.recv_timeout(left).is_err() {
                break;
            }
        }
        self.loads.lock().expect("the store's lock").push(Load {
            ticks_during: self.ticks.load(Ordering::SeqCst) - before,
            blocked_for: started.elapsed(),
            thread: thread::current().id(),
        });
        if key == "report" {
            self.value.clone()
        } else {
            Vec::new()
        }
    }
}

/// Starts a heartbeat task on the current runtime and returns the store that listens to it.
fn store_beside_a_heartbeat() -> (Arc<HeartbeatGatedStore>, tokio::task::JoinHandle<()>) {
    let ticks = Arc::new(AtomicUsize::new(0));
    let (tick_sender, tick_signal) = mpsc::channel();
    let heartbeat = tokio::spawn({
        let ticks = Arc::clone(&ticks);
        async move {
            let mut interval = tokio::time::interval(BEAT);
            loop {
                interval.tick().await;
                ticks.fetch_add(1, Ordering::SeqCst);
                // The store may have stopped listening; the count above is what matters.
                let _ = tick_sender.send(());
            }
        }
    });
    let store = Arc::new(HeartbeatGatedStore {
        value: (0..100_000_u32).map(|i| (i % 251) as u8).collect(),
        // `#[tokio::test]` runs the runtime, and every task on it, on the test's own thread.
        runtime_thread: thread::current().id(),
        ticks,
        tick_signal: Mutex::new(tick_signal),
        loads: Mutex::new(Vec::new()),
    });
    (store, heartbeat)
}

fn only_load(store: &HeartbeatGatedStore) -> Load {
    let loads = store.loads.lock().expect("the store's lock");
    assert_eq!(
        loads.len(),
        1,
        "load_checksum should call `load` exactly once"
    );
    loads[0]
}

#[tokio::test]
async fn the_heartbeat_keeps_ticking_while_the_store_loads() {
    let (store, heartbeat) = store_beside_a_heartbeat();
    let answer = load_checksum(Arc::clone(&store), "report").await;
    heartbeat.abort();

    assert_eq!(
        answer,
        checksum(&store.value),
        "the answer is not the checksum of the value stored under \"report\""
    );
    let load = only_load(&store);
    assert!(
        load.thread != store.runtime_thread,
        "`load` ran on the runtime's own thread and blocked it, so no other task could run (the \
         heartbeat ticked {} times).\nHand it to tokio::task::spawn_blocking and await the \
         JoinHandle: the load then runs on a thread of tokio's blocking pool",
        load.ticks_during
    );
    assert!(
        load.ticks_during >= 1,
        "the heartbeat ticked {} times while the store was loading (blocked for {:.1?}): the load \
         ran on another thread, but the runtime's thread was blocked meanwhile, waiting for it \
         in place (a `join`, a blocking `recv`?).\nAwait the JoinHandle of \
         tokio::task::spawn_blocking instead: awaiting frees the thread",
        load.ticks_during,
        load.blocked_for
    );
}

#[tokio::test]
async fn the_load_runs_off_the_runtime_thread() {
    let (store, heartbeat) = store_beside_a_heartbeat();
    load_checksum(Arc::clone(&store), "report").await;
    heartbeat.abort();

    assert!(
        only_load(&store).thread != store.runtime_thread,
        "`load` ran on the runtime's own thread and blocked it.\nHand it to \
         tokio::task::spawn_blocking, which runs it on a thread of tokio's blocking pool"
    );
}
