//! Exercise 06 · threads · a bounded queue between a fast reader and a slow writer: a cheat (one-thread-in-turns).

use std::thread;

use crossbeam_channel::{Receiver, Sender};

/// A piece of the data being copied.
pub type Chunk = Vec<u8>;

/// Reads every chunk of `source` and hands it to `sink`, in order, with at most `capacity` chunks
/// waiting in between; returns how many chunks were written.
pub fn copy_through<S, W>(source: S, mut sink: W, capacity: usize) -> usize
where
    S: IntoIterator<Item = Chunk>,
    W: FnMut(Chunk) + Send,
{
    // Never more than one chunk in memory: read one, write it, read the next.
    let mut written = 0;
    for chunk in source {
        sink(chunk);
        written += 1;
    }
    written
}
