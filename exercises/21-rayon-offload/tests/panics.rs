//! A job that panics on rayon must panic in the code that awaited it.
//!
//! A panic that escapes a `rayon::spawn` job aborts the whole process, as rayon does when no one
//! handles it. These checks give rayon's pool a panic handler instead (see `explaining_pool`), so
//! that an escaped panic is noted and explained rather than fatal: catch the panic on the rayon
//! thread with `std::panic::catch_unwind`, send it back, and resume it with
//! `std::panic::resume_unwind` where `on_rayon` was awaited.

use std::sync::{Condvar, Mutex, Once, PoisonError};
use std::time::{Duration, Instant};

use rayon_offload::on_rayon;

/// Whether a panic escaped a rayon job, and a way to wait for one to be noted.
static ESCAPED: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new());

const EXPLANATION: &str = "a job panicked on a rayon thread and nothing caught it there: rayon \
    aborts the whole process when a panic escapes a rayon::spawn job (these checks handle it, to \
    tell you).\nCatch it inside the job with std::panic::catch_unwind, send it back, and resume \
    it with std::panic::resume_unwind where on_rayon was awaited.";

/// Sets up rayon's global pool with a panic handler that notes an escaped panic (rather than
/// aborting, rayon's default). Every check here calls it before it uses rayon.
fn explaining_pool() {
    static BUILD: Once = Once::new();
    BUILD.call_once(|| {
        rayon::ThreadPoolBuilder::new()
            .panic_handler(|_| {
                let (escaped, noted) = &ESCAPED;
                *escaped.lock().unwrap_or_else(PoisonError::into_inner) = true;
                noted.notify_all();
            })
            .build_global()
            .expect("rayon's global pool was already built");
    });
}

/// Whether a panic escaped a rayon job, waiting up to `patience` for rayon to report one: rayon
/// hands an escaped panic to its handler only after the job has unwound.
fn escaped_within(patience: Duration) -> bool {
    let (escaped, noted) = &ESCAPED;
    let deadline = Instant::now() + patience;
    let mut seen = escaped.lock().unwrap_or_else(PoisonError::into_inner);
    while !*seen {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        seen = noted
            .wait_timeout(seen, left)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
    *seen
}

/// The text a panic carried, if it was text.
fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

#[tokio::test]
async fn a_panicking_job_panics_where_it_was_awaited() {
    explaining_pool();
    let awaited = tokio::spawn(on_rayon(|| -> u32 { panic!("the job failed on purpose") })).await;
    let Err(error) = awaited else {
        panic!("a job that panicked came back with a value from on_rayon");
    };
    let payload = error.try_into_panic().ok();
    let same_panic = payload.as_deref().and_then(message) == Some("the job failed on purpose");
    if !same_panic {
        if escaped_within(Duration::from_secs(1)) {
            panic!("{EXPLANATION}");
        }
        panic!(
            "on_rayon should panic where it is awaited with the job's own panic (\"the job \
             failed on purpose\"), and it panicked with {:?}",
            payload.as_deref().and_then(message)
        );
    }
}

#[tokio::test]
async fn the_pool_survives_a_panicking_job() {
    explaining_pool();
    let failed = tokio::spawn(on_rayon(|| -> u32 { panic!("the job failed on purpose") })).await;
    assert!(failed.is_err(), "the panicking job returned a value");
    assert_eq!(
        on_rayon(|| 6 * 7).await,
        42,
        "on_rayon stopped working after a job panicked"
    );
}
