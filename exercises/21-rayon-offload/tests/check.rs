//! `on_rayon` runs its closure on a rayon thread and keeps the runtime free meanwhile;
//! `sha256_hex` gives the right digests.

use std::sync::mpsc;
use std::time::Duration;

use rayon_offload::{on_rayon, sha256_hex};
use sha2::{Digest, Sha256};

#[tokio::test]
async fn the_work_runs_on_a_rayon_thread() {
    // `current_thread_index` is `Some` only on a thread of rayon's pool.
    let rayon_thread = on_rayon(rayon::current_thread_index).await;
    assert!(
        rayon_thread.is_some(),
        "the closure given to on_rayon did not run on a rayon thread: start it with rayon::spawn"
    );
}

#[tokio::test]
async fn the_runtime_runs_other_tasks_while_rayon_works() {
    // A task on the same single-threaded runtime sends a message; the work waits for it. The
    // message can only arrive if the runtime's one thread is free while the work runs. (It gives
    // up after a second, so a blocked runtime fails this check instead of hanging; and at once if
    // the work runs on the runtime's thread itself, where the message cannot come.)
    let runtime_thread = std::thread::current().id();
    let (ping_sender, ping) = mpsc::channel::<()>();
    let pinger = tokio::spawn(async move { ping_sender.send(()) });
    let waited = on_rayon(move || {
        if std::thread::current().id() == runtime_thread {
            return Waited::OnTheRuntimesThread;
        }
        match ping.recv_timeout(Duration::from_secs(1)) {
            Ok(()) => Waited::Pinged,
            Err(_) => Waited::InVain,
        }
    })
    .await;
    pinger.abort();
    assert_ne!(
        waited,
        Waited::OnTheRuntimesThread,
        "the work ran on the runtime's own thread, holding it: start it with rayon::spawn"
    );
    assert_eq!(
        waited,
        Waited::Pinged,
        "another task on the runtime could not run while the work ran (for a second): on_rayon \
         held the runtime's thread, waiting for the work in place.\nAwait a oneshot receiver \
         instead (rayon::scope, ThreadPool::install and rayon::join all block their caller)"
    );
}

/// What the work saw while it waited for the other task's message.
#[derive(Debug, PartialEq, Eq)]
enum Waited {
    Pinged,
    InVain,
    OnTheRuntimesThread,
}

#[tokio::test]
async fn answers_come_back_to_their_own_callers() {
    let answers = futures::future::join_all((0..8_u64).map(|n| on_rayon(move || n * n))).await;
    assert_eq!(
        answers,
        vec![0, 1, 4, 9, 16, 25, 36, 49],
        "eight calls at once, each awaiting its own answer (n * n for n in 0..8)"
    );
}

#[tokio::test]
async fn sha256_hex_gives_the_right_digests() {
    assert_eq!(
        sha256_hex(b"abc".to_vec()).await,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "the SHA-256 of \"abc\" is wrong: lowercase hex, 64 digits"
    );
    let big: Vec<u8> = (0..4_000_000_u32).map(|i| (i % 253) as u8).collect();
    let expected = format!("{:x}", Sha256::digest(&big));
    assert_eq!(
        sha256_hex(big).await,
        expected,
        "the SHA-256 of a 4 MB buffer is wrong"
    );
}
