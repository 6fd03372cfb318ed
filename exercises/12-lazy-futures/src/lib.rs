//! Exercise 12 · async · futures are lazy: make them run
//!
//! Lesson: `cargo run -p lesson-async -- --section 1` ("Futures are lazy")
//!
//! `save_all` is meant to save every note to a slow `Store`, but the store stays empty: calling
//! `store.save(note)` only *builds* a future, and a future does nothing until it is awaited. Each
//! one is bound to a variable and dropped at the end of the loop body, unrun. Make the saves
//! happen, and make them happen *together*: the saves are independent, so five of them should take
//! as long as one, not five times as long (`futures::future::join_all` is in the dependencies).
//!
//! The checks look at what the store holds afterwards and, on tokio's paused clock, at how long
//! `save_all` took (exactly one save's latency). They cannot see *how* you ran the futures
//! together: `join_all`, a `FuturesUnordered` or a hand-written `join!` all pass.
//!
//! Grade it with `cargo xtask check lazy-futures`; `cargo xtask hint lazy-futures` when stuck.

use std::sync::Mutex;
use std::time::Duration;

/// Something worth keeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: u32,
    pub text: String,
}

/// A slow store, such as a database across the network: every save takes `latency`.
#[derive(Debug)]
pub struct Store {
    latency: Duration,
    saved: Mutex<Vec<Note>>,
}

impl Store {
    /// An empty store whose saves each take `latency`.
    pub fn new(latency: Duration) -> Self {
        Store {
            latency,
            saved: Mutex::new(Vec::new()),
        }
    }

    /// Saves a note. Like any `async fn`, calling it runs none of this body: it returns a future
    /// that does the work when awaited.
    pub async fn save(&self, note: Note) {
        tokio::time::sleep(self.latency).await; // the round trip to the database
        self.saved.lock().expect("no save panics").push(note);
    }

    /// Every note saved so far, by id.
    pub fn saved(&self) -> Vec<Note> {
        let mut saved = self.saved.lock().expect("no save panics").clone();
        saved.sort_by_key(|note| note.id);
        saved
    }
}

/// Saves every note, all at once, and returns when they are all saved.
pub async fn save_all(store: &Store, notes: Vec<Note>) {
    for note in notes {
        // TODO: this builds a future and drops it at the end of the loop body, so the note is
        // never saved. Collect the futures instead, and run them all together.
        let saving = store.save(note);
    }
}
