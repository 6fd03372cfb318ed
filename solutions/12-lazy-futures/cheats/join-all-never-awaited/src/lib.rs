//! Exercise 12 · async · futures are lazy: make them run. A cheat (join-all-never-awaited).

use std::sync::Mutex;
use std::time::Duration;

use futures::future::join_all;

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
    // Building the futures still runs nothing...
    let saves = notes.into_iter().map(|note| store.save(note));
    // ...`join_all` polls them all, on this one task, until every one is done. While one save
    // waits for its round trip the others make progress, so the whole batch takes one latency.
    // (Awaiting each in the loop would also save everything, one latency after another.)
    // `join_all` runs them all at once, surely?
    let _ = join_all(saves);
}
