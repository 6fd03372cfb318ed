//! Exercise 03 · threads · a type that must not cross threads: a solution.

use std::cell::Cell;
use std::marker::PhantomData;
use std::thread::{self, ThreadId};

thread_local! {
    /// Frames counted on this thread. Each thread has its own.
    static FRAMES: Cell<u64> = const { Cell::new(0) };
}

/// A handle on the current thread's frame counter.
pub struct LocalHandle {
    owner: ThreadId,
    /// Raw pointers are neither `Send` nor `Sync`, so neither is a type that holds one: the
    /// compiler now refuses to move or share a handle across threads. Zero bytes at run time.
    _not_send: PhantomData<*const ()>,
}

impl LocalHandle {
    /// A handle for the calling thread.
    pub fn new() -> Self {
        LocalHandle {
            owner: thread::current().id(),
            _not_send: PhantomData,
        }
    }

    /// Counts a frame; returns how many this thread has counted.
    pub fn bump(&self) -> u64 {
        // The compiler enforces this now; the check stays as documentation that costs nothing.
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
