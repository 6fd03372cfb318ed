//! A future that is never awaited does nothing.
//!
//! Calling an `async fn` only builds a future; its body runs when the future is polled, which is
//! what `.await` does. Forget the `.await` and the work silently never happens: no error, no
//! panic, nothing. The compiler catches the plain case (`send_reminder(sent);` as a statement) with
//! the `unused_must_use` lint, a warning by default and an error in this course's workspace. But
//! `let _ = send_reminder(sent);` tells the compiler "I mean to ignore this", and it obliges:
//! only Clippy's `let_underscore_future` lint still complains.
//!
//! The fix is the `.await` (or, to run it in the background, `tokio::spawn`, which polls it for
//! you). The habit that prevents it: run `cargo clippy`, and treat its warnings as errors.

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use lesson_kit::narrate;

// ANCHOR: send_reminder
/// Sends a reminder (here: counts it). Nothing happens until the returned future is awaited.
pub async fn send_reminder(sent: &AtomicUsize) {
    sent.fetch_add(1, Ordering::SeqCst);
}
// ANCHOR_END: send_reminder

// ANCHOR: forgotten
pub async fn remind_forgetting_the_await(sent: &AtomicUsize) {
    // The pitfall, on purpose. Clippy would refuse it: the lint is allowed here to show it.
    #[allow(clippy::let_underscore_future)]
    let _ = send_reminder(sent); // builds the future and drops it: no reminder is sent
}
// ANCHOR_END: forgotten

// ANCHOR: awaited
pub async fn remind(sent: &AtomicUsize) {
    send_reminder(sent).await; // polls it to completion: the reminder is sent
}
// ANCHOR_END: awaited

/// The compiler's own words for the plain case, from this lesson's compile-fail test.
const COMPILER_SAYS: &str = include_str!("../tests/ui/future_never_awaited.stderr");
const CASE: &str = include_str!("../tests/ui/future_never_awaited.rs");

pub async fn demo() -> Result<()> {
    narrate::claim(
        "Without .await an async call does nothing at all, silently. The compiler warns about \
         the plain mistake (unused_must_use), but not when the future is bound to `_`.",
    );
    narrate::python(
        "calling a coroutine function without await: Python prints 'RuntimeWarning: coroutine \
         ... was never awaited' when the coroutine is garbage-collected, and also runs nothing.",
    );
    narrate::code(include_str!("never_awaited.rs"), "send_reminder");
    narrate::code(include_str!("never_awaited.rs"), "forgotten");
    let sent = AtomicUsize::new(0);
    remind_forgetting_the_await(&sent).await;
    narrate::result(
        "reminders sent without the .await",
        sent.load(Ordering::SeqCst),
    );

    narrate::say("The fix:");
    narrate::code(include_str!("never_awaited.rs"), "awaited");
    let sent = AtomicUsize::new(0);
    remind(&sent).await;
    narrate::result(
        "reminders sent with the .await",
        sent.load(Ordering::SeqCst),
    );

    narrate::say("The plain version of the mistake does not even compile in this course:");
    narrate::code(CASE, "mistake");
    narrate::say("rustc says (from this lesson's tests/ui, checked by trybuild):");
    narrate::compiler_output(COMPILER_SAYS);
    narrate::result(
        "caught by the compiler",
        "the plain statement (unused_must_use); `let _ =` only by clippy::let_underscore_future",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_the_await_nothing_is_sent() {
        let sent = AtomicUsize::new(0);
        remind_forgetting_the_await(&sent).await;
        assert_eq!(sent.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn with_the_await_the_reminder_is_sent() {
        let sent = AtomicUsize::new(0);
        remind(&sent).await;
        assert_eq!(sent.load(Ordering::SeqCst), 1);
    }
}
