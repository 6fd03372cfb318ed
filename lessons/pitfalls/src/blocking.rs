//! Blocking the runtime without noticing.
//!
//! A tokio worker thread runs one task at a time, and switches to another only at an `.await` that
//! has to wait. Code that keeps the thread busy between two `.await`s, whether it sleeps, waits on
//! a lock, reads a file with `std::fs`, or simply computes for a long time, holds up *every other
//! task* on that thread for as long as it runs. Nothing warns you: the program is just slow in
//! bursts, timers fire late and requests time out for no visible reason. Worst of all is a blocking
//! wait for another task (`recv()` on a `std::sync::mpsc` channel, say): if that task runs on the
//! blocked thread, as it always does on a runtime of one thread, the wait never ends.
//!
//! The innocent-looking culprit here is parsing a large JSON document in a request handler:
//! `serde_json::from_slice` has no `.await` in it, so while it runs nothing else can. A heartbeat
//! task (the course kit's), which should tick every few milliseconds, shows the stall as one long
//! gap.
//!
//! The fix is to move the blocking work off the runtime's threads with
//! `tokio::task::spawn_blocking` and await its result: the runtime thread is free while a thread
//! from tokio's blocking pool does the work. (For long CPU-heavy work a rayon pool is the better
//! home; `lesson-blocking` compares the two.) Python's counterpart, `asyncio.to_thread`, frees the
//! event loop only for work that lets go of the GIL, and CPython's JSON parser never does: there,
//! this fix needs a process.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use lesson_kit::heartbeat::Heartbeat;
use lesson_kit::measure::{format_bytes, format_duration};
use lesson_kit::{Versus, narrate};
use serde_json::Value;
use tokio::time::Instant;

/// A JSON array of `count` sensor readings, as an upload might carry: always the same bytes.
pub fn readings_document(count: usize) -> Vec<u8> {
    let mut json = String::from("[");
    for index in 0..count {
        if index > 0 {
            json.push(',');
        }
        // Writing to a String cannot fail.
        let _ = write!(
            json,
            r#"{{"sensor":"s-{}","at":{},"celsius":{}.{}}}"#,
            index % 97,
            1_700_000_000 + index,
            15 + index % 13,
            index % 10
        );
    }
    json.push(']');
    json.into_bytes()
}

/// Parses an upload and counts its readings: pure CPU work, with no `.await` anywhere in it.
/// Freeing the parsed tree (many small allocations) at the end is part of the work too.
pub fn count_readings(body: &[u8]) -> Result<usize, serde_json::Error> {
    let readings: Value = serde_json::from_slice(body)?;
    Ok(readings.as_array().map_or(0, Vec::len))
}

// ANCHOR: blocks
/// Looks harmless: it is async, and it is one line.
pub async fn handle_upload_blocking(body: &[u8]) -> Result<usize, serde_json::Error> {
    count_readings(body) // holds this thread, and every task waiting for it, until done
}
// ANCHOR_END: blocks

// ANCHOR: offloaded
/// The same work on tokio's blocking pool: this thread is free meanwhile.
pub async fn handle_upload(body: Arc<[u8]>) -> Result<usize> {
    let counting = tokio::task::spawn_blocking(move || count_readings(&body));
    let count = counting.await??; // first `?`: the task panicked; second: the JSON was bad
    Ok(count)
}
// ANCHOR_END: offloaded

pub async fn demo(readings: usize, period: Duration) -> Result<()> {
    narrate::claim(
        "A long stretch of work with no .await in it (here, parsing a big JSON upload) freezes \
         every other task on its thread; spawn_blocking moves it off and the freeze disappears.",
    );
    narrate::python(
        "calling json.loads on a big body inside an async handler stalls the event loop the \
         same way, and `await asyncio.to_thread(json.loads, body)` does not fix it. CPython's \
         JSON parser is C code that keeps the GIL from start to end, and the switch interval \
         (sys.getswitchinterval()) can only ask a thread to let go between bytecodes, so the \
         event loop waits for the whole parse (`python3 bench/python/json_gil.py` measures it). \
         CPU work in C that keeps the GIL needs a process in Python (ProcessPoolExecutor), and \
         should send back something small: unpickling a big result runs under the loop's GIL \
         again. spawn_blocking's thread holds no lock the runtime needs, so here the runtime's \
         thread is really free.",
    );
    let body: Arc<[u8]> = readings_document(readings).into();
    narrate::say(&format!(
        "An upload of {} ({readings} readings); a heartbeat task beside it should tick every {}.",
        format_bytes(body.len() as u64),
        format_duration(period)
    ));
    narrate::code(include_str!("blocking.rs"), "blocks");

    let heartbeat = Heartbeat::start(period);
    tokio::time::sleep(period * 3).await; // let the heartbeat settle into its rhythm
    let started = Instant::now();
    let count = handle_upload_blocking(&body).await?;
    let parse_time = started.elapsed();
    tokio::time::sleep(period * 3).await;
    let stall = heartbeat.stop().longest_gap();
    narrate::result(
        "parsed in place",
        format!("{count} readings in {}", format_duration(parse_time)),
    );
    narrate::result("the heartbeat's longest gap", Versus::new(stall, period));

    narrate::say("The fix:");
    narrate::code(include_str!("blocking.rs"), "offloaded");
    let heartbeat = Heartbeat::start(period);
    tokio::time::sleep(period * 3).await;
    let started = Instant::now();
    let count = handle_upload(Arc::clone(&body)).await?;
    let parse_time = started.elapsed();
    tokio::time::sleep(period * 3).await;
    let gap = heartbeat.stop().longest_gap();
    narrate::result(
        "parsed with spawn_blocking",
        format!("{count} readings in {}", format_duration(parse_time)),
    );
    narrate::result("the heartbeat's longest gap", Versus::new(gap, period));
    narrate::say(
        "Other things that block without looking like it: std::thread::sleep, std::fs, \
         std::sync::Mutex::lock under contention, DNS lookups through ToSocketAddrs, \
         reqwest::blocking, and any loop that computes for more than a millisecond or so.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    //! No timing luck: these check *whether* the heartbeat could run, not how fast anything was.
    use super::*;

    #[tokio::test]
    async fn parsing_in_place_lets_nothing_else_run() {
        // One thread (the test runtime's): while the parse runs, the heartbeat cannot tick.
        let heartbeat = Heartbeat::start(Duration::from_millis(1));
        let body = readings_document(20_000);
        let before = heartbeat.count();
        let count = handle_upload_blocking(&body).await.expect("valid JSON");
        let after = heartbeat.count();
        assert_eq!(count, 20_000);
        assert_eq!(
            before, after,
            "the heartbeat ticked during a blocking parse"
        );
        heartbeat.stop();
    }

    #[tokio::test]
    async fn spawn_blocking_leaves_the_thread_free() {
        // The blocking work waits until the heartbeat, on the runtime's one thread, has ticked
        // three more times: possible only if that thread is free while the work runs.
        let heartbeat = Arc::new(Heartbeat::start(Duration::from_millis(1)));
        let watched = Arc::clone(&heartbeat);
        let ticked_meanwhile = tokio::task::spawn_blocking(move || {
            let target = watched.count() + 3;
            let give_up = std::time::Instant::now() + Duration::from_secs(30);
            while watched.count() < target && std::time::Instant::now() < give_up {
                std::thread::sleep(Duration::from_millis(1));
            }
            watched.count() >= target
        })
        .await
        .expect("the blocking task ran");
        assert!(ticked_meanwhile);
    }

    #[tokio::test]
    async fn the_offloaded_handler_counts_the_same() {
        let body: Arc<[u8]> = readings_document(1000).into();
        assert_eq!(handle_upload(body).await.expect("valid JSON"), 1000);
    }

    #[tokio::test]
    async fn bad_json_is_an_error_not_a_panic() {
        let body: Arc<[u8]> = b"[{\"sensor\":".to_vec().into();
        assert!(handle_upload(body).await.is_err());
    }

    #[test]
    fn the_document_is_valid_json_of_the_right_size() {
        let value: Value = serde_json::from_slice(&readings_document(3)).expect("valid");
        assert_eq!(value.as_array().map(Vec::len), Some(3));
        assert_eq!(
            value[1]["celsius"].as_f64(),
            Some(16.1),
            "{}",
            String::from_utf8_lossy(&readings_document(3))
        );
    }
}
