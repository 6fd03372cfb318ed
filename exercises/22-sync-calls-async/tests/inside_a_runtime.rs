//! Called from code that already runs on a tokio runtime, `lookup_blocking` must return
//! `Err(BlockingError::InsideRuntime)` instead of panicking.

use std::panic::{self, AssertUnwindSafe};

use sync_calls_async::{BlockingError, Profile, lookup_blocking};

/// Calls `lookup_blocking`, turning a panic into an explanation the checks can print.
fn call(id: u32) -> Result<Result<Profile, BlockingError>, String> {
    panic::catch_unwind(AssertUnwindSafe(|| lookup_blocking(id))).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!("lookup_blocking({id}) panicked: {message}")
    })
}

fn assert_refused_inside(runtime: &str) {
    match call(1) {
        Ok(Err(BlockingError::InsideRuntime)) => {}
        Ok(other) => panic!(
            "inside a {runtime} runtime, lookup_blocking(1) should return \
             Err(BlockingError::InsideRuntime), not {other:?}"
        ),
        Err(panic) => panic!(
            "inside a {runtime} runtime, {panic}\nCheck for a runtime first with \
             tokio::runtime::Handle::try_current() and return Err(BlockingError::InsideRuntime)"
        ),
    }
}

#[tokio::test]
async fn inside_a_single_threaded_runtime_it_refuses() {
    assert_refused_inside("single-threaded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_multi_threaded_runtime_it_refuses() {
    assert_refused_inside("multi-threaded");
}
