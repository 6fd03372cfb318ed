//! The handle works on its own thread, and the compiler knows it must not leave it.
//!
//! Whether a type is `Send` or `Sync` is decided by the compiler; the `Probe` traits below let a
//! check ask it, and print the answer. (A program that sends a `Send`-less handle to a thread does
//! not compile at all, so a check cannot simply try it: it would fail to build instead of saying
//! what is wrong.)

use std::marker::PhantomData;

use not_send::LocalHandle;

#[test]
fn a_local_handle_cannot_be_sent_to_another_thread() {
    assert!(
        !Probe::<LocalHandle>::new().is_send(),
        "LocalHandle is Send, so `std::thread::spawn(move || handle.bump())` compiles, and the \
         handle then panics at run time on the wrong thread.\nGive LocalHandle a field whose type \
         is not Send, such as `PhantomData<*const ()>` (raw pointers are neither Send nor Sync)"
    );
}

#[test]
fn a_local_handle_cannot_be_shared_between_threads() {
    assert!(
        !Probe::<LocalHandle>::new().is_sync(),
        "LocalHandle is Sync, so a scoped thread may borrow it (`scope.spawn(|| handle.bump())` \
         compiles), and the handle then panics at run time on the wrong thread.\nGive LocalHandle \
         a field whose type is not Sync, such as `PhantomData<*const ()>`"
    );
}

#[test]
fn counts_frames_on_its_own_thread() {
    let handle = LocalHandle::new();
    assert_eq!(handle.bump(), 1, "the first frame counted on a thread");
    assert_eq!(
        handle.bump(),
        2,
        "the second frame counted on the same thread"
    );
}

#[test]
fn each_thread_counts_its_own_frames() {
    let main = LocalHandle::new();
    main.bump();
    let other = std::thread::spawn(|| LocalHandle::new().bump());
    assert_eq!(
        other.join().expect("the other thread"),
        1,
        "a new thread's first frame: each thread has a counter of its own"
    );
    assert_eq!(main.bump(), 2, "this thread's count goes on where it was");
}

/// Asks the compiler whether `T` is `Send` and `Sync`. Method lookup tries `Probe<T>` before
/// `&Probe<T>`: the `Is*` traits answer `true` when their bound holds, and only otherwise do the
/// `Not*` traits, implemented one reference further away, get to answer `false`.
struct Probe<T>(PhantomData<T>);

impl<T> Probe<T> {
    fn new() -> &'static Self {
        &Probe(PhantomData)
    }
}

trait IsSend {
    fn is_send(&self) -> bool {
        true
    }
}
impl<T: Send> IsSend for Probe<T> {}

trait NotSend {
    fn is_send(&self) -> bool {
        false
    }
}
impl<T> NotSend for &Probe<T> {}

trait IsSync {
    fn is_sync(&self) -> bool {
        true
    }
}
impl<T: Sync> IsSync for Probe<T> {}

trait NotSync {
    fn is_sync(&self) -> bool {
        false
    }
}
impl<T> NotSync for &Probe<T> {}
