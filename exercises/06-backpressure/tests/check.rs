//! A source that counts what it gave, a sink that counts what it got, and what they saw of each
//! other: how far the reader got ahead of the writer, and on which threads each ran.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use backpressure::{Chunk, copy_through};

/// How long the slow sink takes over each chunk: simulated work, not a wait for anything. The
/// source is fast: it takes no time.
const WORK: Duration = Duration::from_millis(1);

/// What the source and the sink saw.
#[derive(Debug, Default)]
struct Seen {
    /// Chunks the source has given out (the reader's count).
    read: usize,
    /// Chunks the sink has been handed (the writer's count).
    written: usize,
    /// The furthest the reader got ahead of the writer, just after it read a chunk.
    most_ahead: usize,
    reader_threads: Vec<ThreadId>,
    writer_threads: Vec<ThreadId>,
    /// The chunks the sink was handed, by their first byte.
    order: Vec<u8>,
    /// Whether the sink gave up waiting, at its first chunk, for the reader to fill the queue.
    gave_up_waiting: bool,
}

/// The shared record of one copy, and a way to wait for it to change.
#[derive(Default)]
struct Record {
    seen: Mutex<Seen>,
    changed: Condvar,
}

impl Record {
    fn seen(&self) -> MutexGuard<'_, Seen> {
        // A panicking sink leaves the counts as they were: still worth reading.
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A source of `chunks` chunks, chunk `i` full of the byte `i`.
    fn source(&self, chunks: u8) -> impl Iterator<Item = Chunk> + '_ {
        (0..chunks).map(move |index| {
            let mut seen = self.seen();
            seen.read += 1;
            seen.most_ahead = seen.most_ahead.max(seen.read - seen.written);
            seen.reader_threads.push(thread::current().id());
            self.changed.notify_all();
            vec![index; 64]
        })
    }

    /// The sink: notes each chunk, and takes `WORK` over it. At its first chunk it waits, a second
    /// at most, until the reader is `fill` chunks ahead.
    fn write(&self, chunk: Chunk, fill: usize) {
        let mut seen = self.seen();
        seen.written += 1;
        seen.writer_threads.push(thread::current().id());
        seen.order.push(chunk[0]);
        if seen.written == 1 {
            let deadline = Instant::now() + Duration::from_secs(1);
            while seen.read < fill && !seen.gave_up_waiting {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    seen.gave_up_waiting = true;
                    break;
                }
                seen = self
                    .changed
                    .wait_timeout(seen, left)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
        }
        drop(seen);
        thread::sleep(WORK);
    }
}

/// Copies `chunks` chunks through a queue of `capacity`; what was returned, and what was seen.
fn copy(chunks: u8, capacity: usize) -> (usize, Record) {
    let record = Record::default();
    let fill = capacity + 1;
    let copied = copy_through(
        record.source(chunks),
        |chunk| record.write(chunk, fill),
        capacity,
    );
    (copied, record)
}

#[test]
fn every_chunk_is_written_once_in_the_order_read() {
    let (copied, record) = copy(30, 3);
    let seen = record.seen();
    let expected: Vec<u8> = (0..30).collect();
    assert_eq!(
        seen.order, expected,
        "the sink should get every chunk once, in the order the source gave them"
    );
    assert_eq!(
        copied, 30,
        "copy_through should return how many chunks it wrote"
    );
}

#[test]
fn nothing_to_copy_copies_nothing() {
    let (copied, record) = copy(0, 2);
    assert_eq!(copied, 0, "an empty source writes nothing");
    assert_eq!(record.seen().written, 0, "an empty source writes nothing");
}

#[test]
fn the_reader_never_gets_more_than_the_capacity_ahead() {
    const CAPACITY: usize = 4;
    const CHUNKS: u8 = 60;
    let (_, record) = copy(CHUNKS, CAPACITY);
    let seen = record.seen();
    let allowed = CAPACITY + 2;
    assert!(
        seen.most_ahead <= allowed,
        "the reader got {} chunks ahead of the writer (of {CHUNKS}), and a queue of {CAPACITY} \
         allows {allowed} (the queue, plus one chunk in each thread's hand): the chunks the \
         writer had not reached piled up in memory.\nThe queue between them must hold at most \
         `capacity` chunks, and make the reader wait when it is full.",
        seen.most_ahead
    );
}

#[test]
fn the_reader_fills_the_queue_while_the_writer_is_busy() {
    const CAPACITY: usize = 4;
    let (_, record) = copy(20, CAPACITY);
    let seen = record.seen();
    assert!(
        !seen.gave_up_waiting,
        "while the writer held its first chunk for a second, the reader got only {} chunks \
         ahead, and a queue of {CAPACITY} leaves room for {}: the reader waited for every \
         write.\nGive the queue room for `capacity` chunks (a channel of capacity 0 hands chunks \
         over one at a time, the reader waiting each time).",
        seen.read.saturating_sub(1),
        CAPACITY + 1
    );
}

#[test]
fn reading_and_writing_happen_on_different_threads() {
    let (_, record) = copy(10, 2);
    let seen = record.seen();
    let shared = seen
        .writer_threads
        .iter()
        .any(|writer| seen.reader_threads.contains(writer));
    assert!(
        !shared,
        "chunks were read and written on the same thread, one after the other, so the reading \
         waited for every write and the writing for every read.\nWrite on a thread of your own \
         (a scoped one can borrow the sink) while the calling thread reads."
    );
}
