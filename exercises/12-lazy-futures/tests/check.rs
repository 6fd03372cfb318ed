//! `save_all` must save every note, and save them together: on tokio's paused clock, time moves
//! only when every task waits, so the elapsed times below are exact.

use std::time::Duration;

use lazy_futures::{Note, Store, save_all};
use tokio::time::Instant;

const LATENCY: Duration = Duration::from_millis(250);

fn notes(count: u32) -> Vec<Note> {
    (1..=count)
        .map(|id| Note {
            id,
            text: format!("note number {id}"),
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn every_note_is_saved() {
    let store = Store::new(LATENCY);
    save_all(&store, notes(5)).await;
    let saved = store.saved();
    assert!(
        !saved.is_empty(),
        "the store holds none of the 5 notes: `store.save(note)` builds a future, and a future \
         does nothing until it is awaited"
    );
    assert_eq!(
        saved,
        notes(5),
        "the store should hold each of the 5 notes exactly once"
    );
}

#[tokio::test(start_paused = true)]
async fn the_saves_run_together() {
    let store = Store::new(LATENCY);
    let started = Instant::now();
    save_all(&store, notes(5)).await;
    let took = started.elapsed();
    let saved = store.saved().len();
    assert_eq!(
        saved, 5,
        "the store held {saved} of the 5 notes when save_all returned: a future does nothing \
         until it is awaited; make every save run, and return only when all are done"
    );
    assert_eq!(
        took,
        LATENCY,
        "saving 5 notes took {took:?}, one save takes {LATENCY:?}: the saves ran {}; run them \
         all together so the batch takes one save's time",
        if took >= 5 * LATENCY {
            "one after another"
        } else {
            "partly one after another"
        }
    );
}
