// A std::sync::MutexGuard held across an .await, inside a spawned task.
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn fetch_points() -> u64 {
    tokio::time::sleep(Duration::from_millis(10)).await;
    1
}

// ANCHOR: mistake
async fn add_points(total: Arc<Mutex<u64>>) {
    let mut guard = total.lock().unwrap();
    let points = fetch_points().await; // the guard is still alive here
    *guard += points;
}

fn start(total: Arc<Mutex<u64>>) {
    tokio::spawn(add_points(total)); // a spawned task may move between threads at any .await
}
// ANCHOR_END: mistake

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async { start(Arc::new(Mutex::new(0))) });
}
