//! `CallError` is a proper error: a `Failed` names the call's own error as its source.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use timeout_error::CallError;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server refused")
    }
}

impl Error for Refused {}

#[test]
fn a_failure_names_its_cause_and_a_timeout_has_none() {
    let failed: CallError<Refused> = CallError::Failed(Refused);
    let cause = failed
        .source()
        .and_then(|cause| cause.downcast_ref::<Refused>());
    assert_eq!(
        cause,
        Some(&Refused),
        "CallError::Failed(error).source() should be that error, so reporters can show the cause"
    );
    let timed_out: CallError<Refused> = CallError::TimedOut {
        after: Duration::from_secs(2),
    };
    assert!(
        timed_out.source().is_none(),
        "a timeout has no underlying error"
    );
}
