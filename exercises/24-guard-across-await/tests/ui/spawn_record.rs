//! Spawns `record` on a multi-threaded runtime: it must compile, so its future must be `Send`.

use std::sync::Arc;
use std::time::Duration;

use guard_across_await::{Store, Tracker};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let tracker = Arc::new(Tracker::new(Store::new(Duration::from_millis(1))));
    let visits: Vec<_> = (0..4)
        .map(|_| {
            let tracker = Arc::clone(&tracker);
            tokio::spawn(async move { tracker.record("home").await })
        })
        .collect();
    for visit in visits {
        visit.await.expect("a visit panicked");
    }
    assert_eq!(tracker.visits("home").await, 4);
}
