//! `call_with_retry` must retry 429s after waits that double, give up after `max_attempts`, and
//! never retry other failures. A scripted fake API notes when it is called; on tokio's paused
//! clock those moments are exact.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use retry_backoff::{Api, Backoff, CallError, Response, call_with_retry};
use tokio::time::Instant;

/// More calls than any check needs: a retry loop without an end stops here.
const TOO_MANY_CALLS: usize = 50;

/// An API that gives scripted answers (the last one again and again once the script runs out)
/// and notes when it was called.
struct ScriptedApi {
    started: Instant,
    script: Mutex<VecDeque<u16>>,
    calls: Mutex<Vec<Duration>>,
}

impl ScriptedApi {
    fn answering(statuses: &[u16]) -> Self {
        ScriptedApi {
            started: Instant::now(),
            script: Mutex::new(statuses.iter().copied().collect()),
            calls: Mutex::new(Vec::new()),
        }
    }

    /// When each call came, in ms since the API was made.
    fn calls_ms(&self) -> Vec<u128> {
        let calls = self.calls.lock().unwrap();
        calls.iter().map(|at| at.as_millis()).collect()
    }
}

impl Api for ScriptedApi {
    async fn call(&self) -> Response {
        let count = {
            let mut calls = self.calls.lock().unwrap();
            calls.push(self.started.elapsed());
            calls.len()
        };
        assert!(
            count < TOO_MANY_CALLS,
            "the API was called {count} times: stop after `max_attempts` calls"
        );
        let status = {
            let mut script = self.script.lock().unwrap();
            if script.len() > 1 {
                script.pop_front().unwrap()
            } else {
                script[0]
            }
        };
        Response {
            status,
            body: format!("answer to call {count}"),
        }
    }
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

const PATIENT: Backoff = Backoff {
    first_delay: Duration::from_millis(100),
    max_attempts: 4,
};

/// Explains the expected schedule when the actual one differs.
fn schedule_message(got: &[u128], expected: &[u128], backoff: Backoff) -> String {
    let first = backoff.first_delay.as_millis();
    let why = if got.len() > 1 && got.iter().all(|&at| at == 0) {
        "\nThe waits took no time on tokio's clock: `std::thread::sleep` blocks the thread (and \
         every task on it) where tokio's timer cannot see it. Wait with \
         `tokio::time::sleep(delay).await`."
    } else {
        ""
    };
    format!(
        "the API was called at {got:?} ms; it should be called at {expected:?} ms: after a 429, \
         wait {first} ms, then {} ms after the next, {} ms after the one after, and so on.{why}",
        first * 2,
        first * 4
    )
}

#[tokio::test(start_paused = true)]
async fn succeeds_after_two_429s() {
    let api = ScriptedApi::answering(&[429, 429, 200]);
    let result = call_with_retry(&api, PATIENT).await;
    let calls = api.calls_ms();
    assert_eq!(
        calls,
        [0, 100, 300],
        "{}",
        schedule_message(&calls, &[0, 100, 300], PATIENT)
    );
    assert_eq!(
        result,
        Ok("answer to call 3".to_string()),
        "the third call succeeded: its body is the answer"
    );
}

#[tokio::test(start_paused = true)]
async fn gives_up_after_max_attempts() {
    let api = ScriptedApi::answering(&[429]);
    let started = Instant::now();
    let result = call_with_retry(&api, PATIENT).await;
    let took = started.elapsed();
    let calls = api.calls_ms();
    let expected = [0, 100, 300, 700];
    assert_eq!(
        calls,
        expected,
        "{}",
        schedule_message(&calls, &expected, PATIENT)
    );
    assert_eq!(
        result,
        Err(CallError::GaveUp { attempts: 4 }),
        "after 4 calls that all got 429, give up with CallError::GaveUp"
    );
    assert_eq!(
        took,
        ms(700),
        "giving up took {took:?}: return as soon as the last attempt has failed, without one \
         more wait"
    );
}

#[tokio::test(start_paused = true)]
async fn a_shorter_backoff_doubles_from_its_own_first_delay() {
    let backoff = Backoff {
        first_delay: ms(50),
        max_attempts: 3,
    };
    let api = ScriptedApi::answering(&[429]);
    let result = call_with_retry(&api, backoff).await;
    let calls = api.calls_ms();
    assert_eq!(
        calls,
        [0, 50, 150],
        "{}",
        schedule_message(&calls, &[0, 50, 150], backoff)
    );
    assert_eq!(
        result,
        Err(CallError::GaveUp { attempts: 3 }),
        "after 3 calls that all got 429, give up with CallError::GaveUp"
    );
}

#[tokio::test(start_paused = true)]
async fn a_404_is_not_retried() {
    let api = ScriptedApi::answering(&[404, 200]);
    let started = Instant::now();
    let result = call_with_retry(&api, PATIENT).await;
    let calls = api.calls_ms().len();
    assert_eq!(
        calls, 1,
        "a 404 was tried {calls} times: it will not change by waiting, so return it at once"
    );
    assert_eq!(
        result,
        Err(CallError::Failed { status: 404 }),
        "a 404 is given back as CallError::Failed"
    );
    assert_eq!(
        started.elapsed(),
        Duration::ZERO,
        "a 404 should come back without any wait"
    );
}

#[tokio::test(start_paused = true)]
async fn other_failures_after_a_429_are_not_retried() {
    let api = ScriptedApi::answering(&[429, 500, 200]);
    let result = call_with_retry(&api, PATIENT).await;
    let calls = api.calls_ms();
    assert!(
        calls.len() <= 2,
        "the API was called {} times; a 429 and then a 500 should make two calls: the 500 will \
         not change by waiting, so return it at once (only 429 is worth another try)",
        calls.len()
    );
    assert_eq!(
        calls,
        [0, 100],
        "{}",
        schedule_message(&calls, &[0, 100], PATIENT)
    );
    assert_eq!(
        result,
        Err(CallError::Failed { status: 500 }),
        "the 500 is given back as CallError::Failed"
    );
}
