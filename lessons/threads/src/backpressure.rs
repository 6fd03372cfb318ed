//! A bounded channel: backpressure.
//!
//! A producer faster than its consumer fills whatever sits between them. With an unbounded
//! channel, that is memory: every item the consumer has not reached waits in the queue, and the
//! queue grows for as long as the producer stays ahead, by as much as the producer can make. The
//! producer "finishes" early, and the work is not done at all: it is all waiting.
//!
//! A bounded channel of capacity k makes `send` wait while k items are queued. The queue never
//! holds more than k, and the producer goes at the consumer's pace: the slow end pushes back on
//! the fast one, which is what *backpressure* means. Nothing is lost and nothing piles up; the
//! producer's own input (a file, a socket, a database cursor) is read only as fast as it can be
//! used. A little room in the queue (k > 0) keeps the consumer busy while the producer makes the
//! next item.

use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use lesson_kit::measure::{format_bytes, format_duration};
use lesson_kit::narrate;

/// One item of work: a chunk of data read by the producer, such as a block of a file.
pub type Chunk = Vec<u8>;

/// How big each chunk is.
pub const CHUNK_BYTES: usize = 64 << 10;

/// What one run of the pipeline saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// The most chunks waiting in the channel right after a send.
    pub peak_queued: usize,
    /// When the producer had sent its last chunk.
    pub producer_done: Duration,
    /// When the consumer had dealt with the last one.
    pub consumer_done: Duration,
    pub consumed: usize,
}

// ANCHOR: pipeline
/// A producer (this thread) sends `chunks` chunks as fast as it can make them; a consumer
/// thread takes `consume_time` over each one. `channel` is what connects them.
pub fn run_pipeline(
    chunks: usize,
    consume_time: Duration,
    (sender, receiver): (Sender<Chunk>, Receiver<Chunk>),
) -> Result<Run> {
    let started = Instant::now();
    thread::scope(|scope| {
        let consumer = scope.spawn(move || {
            let mut consumed = 0;
            for _chunk in receiver {
                thread::sleep(consume_time); // hashing it, writing it out...
                consumed += 1;
            }
            (consumed, started.elapsed())
        });
        let mut peak_queued = 0;
        for _ in 0..chunks {
            // A bounded channel that is full makes this wait until the consumer takes one.
            sender
                .send(vec![0; CHUNK_BYTES])
                .map_err(|_| anyhow!("the consumer stopped early"))?;
            peak_queued = peak_queued.max(sender.len());
        }
        let producer_done = started.elapsed();
        drop(sender); // the consumer's loop ends once the queue is empty
        let (consumed, consumer_done) = consumer
            .join()
            .map_err(|_| anyhow!("the consumer panicked"))?;
        Ok(Run {
            peak_queued,
            producer_done,
            consumer_done,
            consumed,
        })
    })
}
// ANCHOR_END: pipeline

fn report(label: &str, run: &Run) {
    narrate::result(
        &format!("{label}: most chunks queued"),
        format!(
            "{} ({})",
            run.peak_queued,
            format_bytes((run.peak_queued * CHUNK_BYTES) as u64)
        ),
    );
    narrate::result(
        &format!("{label}: producer done / consumer done"),
        format!(
            "{} / {}",
            format_duration(run.producer_done),
            format_duration(run.consumer_done)
        ),
    );
}

pub fn demo(chunks: usize) -> Result<()> {
    let consume_time = Duration::from_millis(1);
    let capacity = 8;
    narrate::claim(&format!(
        "A producer that outruns its consumer queues everything it makes when the channel is \
         unbounded, and finishes long before the work is done. A bounded channel of {capacity} \
         never queues more than {capacity}, and holds the producer to the consumer's pace."
    ));
    narrate::python(
        "queue.Queue(maxsize=k): put() blocks while k items wait (asyncio.Queue(maxsize=k): \
         await put() waits). Queue() with no maxsize is the unbounded one.",
    );
    narrate::code(include_str!("backpressure.rs"), "pipeline");
    narrate::say(&format!(
        "{chunks} chunks of {}, made as fast as the producer can; the consumer takes {} over \
         each.",
        format_bytes(CHUNK_BYTES as u64),
        format_duration(consume_time)
    ));
    let flooded = run_pipeline(chunks, consume_time, unbounded())?;
    report("unbounded", &flooded);
    let paced = run_pipeline(chunks, consume_time, bounded(capacity))?;
    report(&format!("bounded({capacity})"), &paced);
    narrate::result(
        "chunks consumed, both ways",
        format!("{} and {} of {chunks}", flooded.consumed, paced.consumed),
    );
    narrate::say(
        "Both took as long as the consumer needs: a queue never makes the slow end faster. The \
         unbounded one only held the whole backlog in memory meanwhile, and told the producer it \
         was done when nothing was.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounded_channel_never_queues_more_than_its_capacity() {
        let run = run_pipeline(40, Duration::from_millis(1), bounded(4)).expect("runs");
        assert!(run.peak_queued <= 4, "{run:?}");
        assert_eq!(run.consumed, 40);
    }

    #[test]
    fn an_unbounded_channel_queues_what_the_consumer_has_not_reached() {
        // The consumer takes 5 ms a chunk; the producer needs microseconds for all 20, so most of
        // them wait in the queue at some point.
        let run = run_pipeline(20, Duration::from_millis(5), unbounded()).expect("runs");
        assert!(run.peak_queued >= 10, "{run:?}");
        assert!(run.producer_done < run.consumer_done, "{run:?}");
        assert_eq!(run.consumed, 20);
    }
}
