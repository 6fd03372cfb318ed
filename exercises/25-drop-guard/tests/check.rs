//! Whatever ends a reservation, the registry gets its slot back. The async checks run on tokio's
//! paused clock, so the 10 s of pretend work take no real time.

use std::sync::Once;
use std::time::Duration;

use drop_guard::{Registry, process};
use tokio::sync::oneshot;
use tokio::time::{sleep, timeout};

const SLOW: Duration = Duration::from_secs(10);

#[test]
fn a_dropped_reservation_gives_its_slot_back() {
    let registry = Registry::default();
    let reservation = registry.reserve("seat 12A");
    assert_eq!(
        reservation.name(),
        "seat 12A",
        "a reservation names its slot"
    );
    assert_eq!(
        registry.held(),
        ["seat 12A"],
        "a slot is held while its Reservation lives"
    );
    drop(reservation);
    assert!(
        registry.held().is_empty(),
        "{:?} still held after its Reservation was dropped: give the slot back in \
         `impl Drop for Reservation`",
        registry.held()
    );
}

/// Work that reports which slots are held while it runs, then takes `SLOW`.
async fn slow_work(registry: Registry, seen: oneshot::Sender<Vec<String>>) -> u32 {
    // The check may have stopped listening; what it needs is the registry afterwards.
    let _ = seen.send(registry.held());
    sleep(SLOW).await;
    7
}

#[tokio::test(start_paused = true)]
async fn the_slot_is_held_while_the_work_runs_and_given_back_after() {
    let registry = Registry::default();
    let (seen_sender, seen) = oneshot::channel();
    let output = process(
        registry.clone(),
        "seat 12A",
        slow_work(registry.clone(), seen_sender),
    )
    .await;
    assert_eq!(output, 7, "process should return what the work returned");
    assert_eq!(
        seen.await.expect("the work ran"),
        ["seat 12A"],
        "the slot must be held while the work runs (`let _ = ...` drops a guard at once; \
         `let _reservation = ...` keeps it to the end of the scope)"
    );
    assert!(
        registry.held().is_empty(),
        "{:?} still held after the work finished",
        registry.held()
    );
}

#[tokio::test(start_paused = true)]
async fn a_timeout_gives_the_slot_back() {
    let registry = Registry::default();
    let (seen_sender, _seen) = oneshot::channel();
    let work = slow_work(registry.clone(), seen_sender);
    let outcome = timeout(
        Duration::from_secs(1),
        process(registry.clone(), "seat 12A", work),
    )
    .await;
    assert!(
        outcome.is_err(),
        "10 s of work should not finish within a 1 s timeout"
    );
    assert!(
        registry.held().is_empty(),
        "{:?} still held after a timeout cancelled the work: a cancelled future is dropped, \
         never resumed, so the code after its `.await` never runs: give the slot back in \
         `impl Drop for Reservation`",
        registry.held()
    );
}

#[tokio::test(start_paused = true)]
async fn an_abort_gives_the_slot_back() {
    let registry = Registry::default();
    let (seen_sender, seen) = oneshot::channel();
    let task = tokio::spawn(process(
        registry.clone(),
        "seat 12A",
        slow_work(registry.clone(), seen_sender),
    ));
    // Wait until the work is under way, holding its slot, then abort the task.
    seen.await.expect("the work started");
    task.abort();
    let ended = task.await;
    assert!(
        ended.as_ref().is_err_and(|error| error.is_cancelled()),
        "the aborted task should end cancelled, not {ended:?}"
    );
    assert!(
        registry.held().is_empty(),
        "{:?} still held after the task holding it was aborted: give the slot back in \
         `impl Drop for Reservation`",
        registry.held()
    );
}

#[tokio::test(start_paused = true)]
async fn panicking_work_gives_the_slot_back_too() {
    hush_the_works_panic();
    let registry = Registry::default();
    let task = tokio::spawn(process(registry.clone(), "seat 12A", async {
        sleep(Duration::from_millis(10)).await;
        panic!("the work failed on purpose");
    }));
    let ended = task.await;
    assert!(
        ended.as_ref().is_err_and(|error| error.is_panic()),
        "the task should end with the work's panic"
    );
    assert!(
        registry.held().is_empty(),
        "{:?} still held after the work panicked: `Drop` runs while a panic unwinds, code after \
         the `.await` does not, so give the slot back in `impl Drop for Reservation`",
        registry.held()
    );
}

/// Keeps the work's own (expected) panic out of the test output, so that what it shows is the
/// checks' verdict. Any other panic is printed as usual.
fn hush_the_works_panic() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let print = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() != Some(&"the work failed on purpose") {
                print(info);
            }
        }));
    });
}
