//! Exercise 03 · threads · a type that must not cross threads
//!
//! Lesson: `cargo run -p lesson-threads -- --section 4` ("Shared state: Arc<Mutex<_>> and
//! channels")
//!
//! A `LocalHandle` counts frames in its thread's *thread-local* counter, so it only makes sense on
//! the thread that created it. Today that rule is checked at run time: use a handle on another
//! thread and `bump` panics, in production, some day. Move the rule to compile time: make
//! `LocalHandle` neither `Send` nor `Sync`, so the compiler refuses to send or share it.
//!
//! Auto traits (`Send`, `Sync`) come from a type's fields: a type is `Send` only if all its fields
//! are, and likewise for `Sync`. So one field whose type is neither is enough. The standard choice
//! is the zero-sized marker `_not_send: PhantomData<*const ()>` (raw pointers are neither `Send`
//! nor `Sync`, and `PhantomData` costs nothing at run time); any field that is neither will do.
//!
//! The checks ask the compiler whether `LocalHandle` is `Send` and whether it is `Sync` (both must
//! be no), and check that a handle still counts on its own thread. Try what they stand for, too:
//! `std::thread::spawn(move || handle.bump())` should now stop compiling, and the compiler's
//! message says which field is to blame.
//!
//! Grade it with `cargo xtask check not-send`; `cargo xtask hint not-send` when stuck.

use std::cell::Cell;
use std::thread::{self, ThreadId};

thread_local! {
    /// Frames counted on this thread. Each thread has its own.
    static FRAMES: Cell<u64> = const { Cell::new(0) };
}

/// A handle on the current thread's frame counter.
pub struct LocalHandle {
    owner: ThreadId,
}

impl LocalHandle {
    /// A handle for the calling thread.
    pub fn new() -> Self {
        LocalHandle {
            owner: thread::current().id(),
        }
    }

    /// Counts a frame; returns how many this thread has counted.
    pub fn bump(&self) -> u64 {
        // TODO: once the compiler enforces the rule, this run-time check can never fire.
        assert_eq!(
            thread::current().id(),
            self.owner,
            "a LocalHandle was used on the wrong thread"
        );
        FRAMES.with(|frames| {
            frames.set(frames.get() + 1);
            frames.get()
        })
    }
}

impl Default for LocalHandle {
    fn default() -> Self {
        Self::new()
    }
}
