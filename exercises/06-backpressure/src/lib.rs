//! Exercise 06 · threads · a bounded queue between a fast reader and a slow writer
//!
//! Lesson: `cargo run -p lesson-threads -- --section 7` ("A bounded channel: backpressure")
//!
//! `copy_through` copies chunks from a `source` (a file read block by block, the rows of a
//! database cursor) to a `sink` that is slower (it writes them to a slow disk, or uploads them).
//! Today it reads the whole source into memory before it writes the first chunk: a source of
//! 10 GB needs 10 GB of memory, and nothing is written until everything has been read.
//!
//! Make it a pipeline. Write on a thread of its own while the calling thread reads, so that the
//! two overlap, with a queue between them that never holds more than `capacity` chunks: when it
//! is full, the reader waits for the writer to take one. The slow end then sets the pace, which
//! is called backpressure, and memory stays at `capacity` chunks whatever the source's size. Use
//! the room you are given, too: while the writer is busy, the reader should fill the queue. Return
//! how many chunks were written, in the order they were read. (`capacity` is at least 1.)
//!
//! The checks give it a fast source that counts the chunks read, and a sink that counts the chunks
//! written and takes a millisecond over each: at no moment may the reader be more than
//! `capacity` + 2 chunks ahead of the writer (one in the reader's hand, one in the writer's). Its
//! first chunk, the sink holds until the reader is `capacity` + 1 ahead (a second at most): a queue
//! that cannot fill keeps the reader waiting on every write. And the reading and the writing must
//! happen on different threads. A panic in the sink may end the copy early; the checks do not
//! look at that.
//!
//! Grade it with `cargo xtask check backpressure`; `cargo xtask hint backpressure` when stuck.

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
    // TODO: everything is read before anything is written, and all of it waits in memory. Write
    // on a thread of its own as the chunks are read, with no more than `capacity` waiting.
    let everything: Vec<Chunk> = source.into_iter().collect();
    let copied = everything.len();
    for chunk in everything {
        sink(chunk);
    }
    copied
}
