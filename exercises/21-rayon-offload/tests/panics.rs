//! A job that panics on rayon must panic in the code that awaited it.
//!
//! A panic that escapes a `rayon::spawn` job aborts the whole process. These checks keep that
//! behaviour but say why first (see `explaining_pool`): catch the panic on the rayon thread with
//! `std::panic::catch_unwind`, send it back, and resume it with `std::panic::resume_unwind` where
//! `on_rayon` was awaited.

use std::io::Write;
use std::sync::Once;

use rayon_offload::on_rayon;

/// Sets up rayon's global pool as rayon would (a panic escaping a job aborts), but explains the
/// abort on stderr first. Every check here calls it before it uses rayon.
fn explaining_pool() {
    static BUILD: Once = Once::new();
    BUILD.call_once(|| {
        rayon::ThreadPoolBuilder::new()
            .panic_handler(|_| {
                // Straight to stderr: the test harness would swallow `eprintln!` when we abort.
                let _ = writeln!(
                    std::io::stderr(),
                    "a job panicked on a rayon thread and nothing caught it: rayon aborts the \
                     process when a panic escapes a rayon::spawn job. Catch it inside the job \
                     with std::panic::catch_unwind, send it back, and resume it with \
                     std::panic::resume_unwind where on_rayon was awaited"
                );
                std::process::abort();
            })
            .build_global()
            .expect("rayon's global pool was already built");
    });
}

#[tokio::test]
#[should_panic(expected = "the job failed on purpose")]
async fn a_panicking_job_panics_where_it_was_awaited() {
    explaining_pool();
    on_rayon(|| -> u32 { panic!("the job failed on purpose") }).await;
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
