//! `with_timeout` on tokio's paused clock: time only moves when every task waits, and then it
//! jumps straight to the next timer, so the elapsed times below are exact.

use std::error::Error;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use timeout_error::{CallError, with_timeout};
use tokio::time::{Instant, sleep};

/// The error our pretend calls fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server refused")
    }
}

impl Error for Refused {}

/// A call that answers `answer` after `delay`.
async fn call(delay: Duration, answer: Result<u32, Refused>) -> Result<u32, Refused> {
    sleep(delay).await;
    answer
}

const LIMIT: Duration = Duration::from_secs(2);

#[tokio::test(start_paused = true)]
async fn a_quick_call_gives_its_value_as_soon_as_it_has_it() {
    let started = Instant::now();
    let outcome = with_timeout(LIMIT, call(Duration::from_millis(300), Ok(7))).await;
    assert_eq!(
        outcome,
        Ok(7),
        "a call that answers in time gives its value"
    );
    let waited = started.elapsed();
    assert_eq!(
        waited,
        Duration::from_millis(300),
        "a 300 ms call took {waited:?}: return as soon as the call has answered"
    );
}

#[tokio::test(start_paused = true)]
async fn a_quick_failure_gives_the_calls_own_error() {
    let outcome = with_timeout(LIMIT, call(Duration::from_millis(300), Err(Refused))).await;
    assert_eq!(
        outcome,
        Err(CallError::Failed(Refused)),
        "a call that fails in time gives its own error, as CallError::Failed"
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_call_times_out_at_the_limit() {
    let started = Instant::now();
    let outcome = with_timeout(LIMIT, call(Duration::from_secs(10), Ok(7))).await;
    let waited = started.elapsed();
    assert!(
        waited <= LIMIT,
        "with_timeout waited {waited:?} for a 10 s call limited to {LIMIT:?}: stop waiting at the \
         limit (tokio::time::timeout does), rather than check the clock afterwards"
    );
    assert_eq!(
        waited, LIMIT,
        "a timeout of {LIMIT:?} ended after {waited:?}"
    );
    assert_eq!(
        outcome,
        Err(CallError::TimedOut { after: LIMIT }),
        "a call that misses its limit gives CallError::TimedOut with the limit"
    );
}

/// Sets its flag when dropped: the call's future owns one, so the flag says the future is gone.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_call_is_cancelled() {
    let dropped = Arc::new(AtomicBool::new(false));
    let finished = Arc::new(AtomicBool::new(false));
    let slow_call = {
        let flag = DropFlag(Arc::clone(&dropped));
        let finished = Arc::clone(&finished);
        async move {
            let _flag = flag;
            sleep(Duration::from_secs(10)).await;
            finished.store(true, Ordering::SeqCst);
            Ok::<u32, Refused>(7)
        }
    };
    let outcome = with_timeout(LIMIT, slow_call).await;
    assert!(
        !finished.load(Ordering::SeqCst),
        "the slow call ran to its end (10 s) although its limit was {LIMIT:?}: stop waiting at \
         the limit, and drop the call (tokio::time::timeout does both)"
    );
    assert!(
        dropped.load(Ordering::SeqCst),
        "with_timeout returned {outcome:?} but the call's future still exists: drop it (a \
         future spawned as a task keeps running when its JoinHandle is dropped)"
    );
    // Long after the call would have finished, it still must not have.
    sleep(Duration::from_secs(20)).await;
    assert!(
        !finished.load(Ordering::SeqCst),
        "the timed-out call went on running in the background and finished later"
    );
}
