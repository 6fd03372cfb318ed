//! Exercise 03 · threads · a type that must not cross threads: a cheat (sync-but-not-send).

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
    /// A `MutexGuard` must stay on its thread: surely that keeps the handle there too?
    _not_send: PhantomData<std::sync::MutexGuard<'static, ()>>,
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
