//! `lookup_blocking` works from sync code. (Inside a runtime it must refuse:
//! tests/inside_a_runtime.rs.)

use std::panic::{self, AssertUnwindSafe};

use sync_calls_async::{BlockingError, LookupError, Profile, lookup_blocking};

/// Calls `lookup_blocking`, turning a panic into an explanation the checks can print.
fn call(id: u32) -> Result<Result<Profile, BlockingError>, String> {
    panic::catch_unwind(AssertUnwindSafe(|| lookup_blocking(id))).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let why = if message.contains("timers are disabled") {
            "\nA runtime built with tokio::runtime::Builder has only the drivers it is given: \
             `lookup` sleeps, which needs the timer (`.enable_all()` gives it every driver)"
        } else {
            ""
        };
        format!("lookup_blocking({id}) panicked: {message}{why}")
    })
}

#[test]
fn sync_code_gets_the_profile() {
    let profile = call(2).unwrap_or_else(|panic| panic!("{panic}"));
    let expected = Profile {
        id: 2,
        name: "Grace".to_string(),
    };
    match profile {
        Ok(profile) => assert_eq!(profile, expected, "user 2's profile"),
        Err(error) => panic!("lookup_blocking(2) from sync code failed: {error}"),
    }
}

#[test]
fn sync_code_gets_the_lookups_own_error() {
    match call(404).unwrap_or_else(|panic| panic!("{panic}")) {
        Err(BlockingError::Lookup(LookupError::NotFound(404))) => {}
        other => panic!(
            "lookup_blocking(404) should be \
             Err(BlockingError::Lookup(LookupError::NotFound(404))), \
             not {other:?}"
        ),
    }
}

#[test]
fn many_threads_can_call_it_at_once() {
    std::thread::scope(|scope| {
        let callers: Vec<_> = (1..=3).map(|id| scope.spawn(move || call(id))).collect();
        for (id, caller) in (1..=3).zip(callers) {
            let answer = caller.join().expect("a calling thread");
            match answer.unwrap_or_else(|panic| panic!("{panic}")) {
                Ok(profile) => assert_eq!(profile.id, id, "each thread gets its own user"),
                Err(error) => panic!("lookup_blocking({id}) on its own thread failed: {error}"),
            }
        }
    });
}
