// An Rc held across an .await, in a future given to a helper that spawns it.
use std::rc::Rc;
use std::time::Duration;

use lesson_pitfalls::send_bounds::{Config, spawn_with_limit};

// ANCHOR: mistake
async fn greet(text: &str) -> String {
    let config = Rc::new(Config {
        greeting: text.to_string(),
    });
    tokio::time::sleep(Duration::from_millis(20)).await; // `config` is still alive here
    config.greeting.clone()
}

fn start() {
    spawn_with_limit(Duration::from_secs(1), greet("hello"));
}
// ANCHOR_END: mistake

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async { start() });
}
