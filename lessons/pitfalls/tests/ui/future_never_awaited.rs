// A future created and never awaited. The workspace turns `unused_must_use` into an error; a
// crate on default settings would get the same message as a warning.
#![deny(unused_must_use)]

use std::sync::atomic::{AtomicUsize, Ordering};

async fn send_reminder(sent: &AtomicUsize) {
    sent.fetch_add(1, Ordering::SeqCst);
}

// ANCHOR: mistake
async fn remind(sent: &AtomicUsize) {
    send_reminder(sent); // forgot the .await
}
// ANCHOR_END: mistake

fn main() {
    let sent = AtomicUsize::new(0);
    drop(remind(&sent));
}
