//! A `select!` loop that loses data.
//!
//! `tokio::select!` drops every branch that didn't win, and a loop around it builds them afresh
//! each time round. That is harmless for a future that holds nothing yet, and a data-loss bug for a
//! future that was half-way through something. `read_line` is such a future: it moves the bytes it
//! has read out of the reader into a buffer *of its own*, and when it is dropped before the line is
//! complete, those bytes go with it. The reader has already moved past them. Tokio's documentation
//! says so under "Cancel safety" for each method; `read_line` is listed as not cancel-safe.
//!
//! Here a sensor sends each reading in two pieces, with a pause between them (a slow network does
//! this all the time), while the loop also ticks a timer to report its status. Whenever the tick
//! lands in the pause, the first half of a reading is lost.
//!
//! The fix is to keep the partial data somewhere that outlives each trip round the loop. `Lines`
//! (from `reader.lines()`) keeps its buffer inside itself, so its `next_line()` can be dropped and
//! called again without losing a byte: it is documented as cancel-safe. The general recipes are the
//! same: keep state in a value that lives outside the `select!`, or create the future once, before
//! the loop, and poll it by `&mut` in each round.

use std::time::Duration;

use anyhow::Result;
use lesson_kit::narrate;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader, DuplexStream};
use tokio::time::{Instant, interval_at, sleep_until};

/// What a reading loop got: the lines, and how many status ticks it made meanwhile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    pub lines: Vec<String>,
    pub ticks: usize,
}

// ANCHOR: loses_data
pub async fn read_losing_data(
    stream: impl AsyncRead + Unpin,
    tick: Duration,
) -> std::io::Result<Received> {
    let mut reader = BufReader::new(stream);
    let mut status = interval_at(Instant::now() + tick, tick);
    let mut received = Received::default();
    loop {
        let mut line = String::new();
        tokio::select! {
            read = reader.read_line(&mut line) => {
                if read? == 0 {
                    return Ok(received); // the stream has ended
                }
                received.lines.push(line.trim_end().to_string());
            }
            // When this wins, the half-read line above is dropped, bytes and all.
            _ = status.tick() => received.ticks += 1,
        }
    }
}
// ANCHOR_END: loses_data

// ANCHOR: keeps_data
pub async fn read_keeping_data(
    stream: impl AsyncRead + Unpin,
    tick: Duration,
) -> std::io::Result<Received> {
    let mut lines = BufReader::new(stream).lines(); // holds a partial line between calls
    let mut status = interval_at(Instant::now() + tick, tick);
    let mut received = Received::default();
    loop {
        tokio::select! {
            line = lines.next_line() => match line? {
                Some(line) => received.lines.push(line),
                None => return Ok(received), // the stream has ended
            },
            _ = status.tick() => received.ticks += 1, // next_line is cancel-safe: nothing lost
        }
    }
}
// ANCHOR_END: keeps_data

/// The readings the sensor sends.
pub fn readings(count: usize) -> Vec<String> {
    (1..=count)
        .map(|index| format!("sensor-{index} celsius={}.{}", 18 + index % 7, index % 10))
        .collect()
}

/// Sends each reading as two pieces: the first half 0.2 ticks into its slot of three ticks, the
/// rest at 1.7 ticks. The status tick at 1.0 falls between the two, and the ticks at 2.0 and 3.0
/// fall between readings. Every event is at least 0.3 ticks from every other, so the order is
/// the same on the paused clock and, with ticks of tens of milliseconds, on a real one.
pub async fn send_in_pieces(mut sensor: DuplexStream, lines: Vec<String>, tick: Duration) {
    let start = Instant::now();
    for (slot, line) in lines.iter().enumerate() {
        let slot_start = start + tick * (3 * slot as u32);
        let (first, rest) = line.split_at(line.len() / 2);
        sleep_until(slot_start + tick / 5).await;
        // The reader may have stopped early (an error); then no one wants the rest.
        if sensor.write_all(first.as_bytes()).await.is_err() {
            return;
        }
        sleep_until(slot_start + tick * 17 / 10).await;
        if sensor
            .write_all(format!("{rest}\n").as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
    // Dropping `sensor` ends the stream: the reader sees end-of-file.
}

/// Runs a reading loop against the sensor, connected by an in-memory pipe.
pub async fn run<F, Fut>(read: F, count: usize, tick: Duration) -> Result<Received>
where
    F: FnOnce(DuplexStream, Duration) -> Fut,
    Fut: Future<Output = std::io::Result<Received>>,
{
    let (sensor, reader_side) = tokio::io::duplex(1024);
    let sender = tokio::spawn(send_in_pieces(sensor, readings(count), tick));
    let received = read(reader_side, tick).await?;
    sender.await?;
    Ok(received)
}

/// How many bytes of `sent` never arrived (newlines not counted).
pub fn bytes_lost(sent: &[String], received: &[String]) -> usize {
    let total = |lines: &[String]| lines.iter().map(String::len).sum::<usize>();
    total(sent).saturating_sub(total(received))
}

pub async fn demo(count: usize, tick: Duration) -> Result<()> {
    narrate::claim(
        "A future that is half-way through reading, dropped by select! when another branch \
         wins, takes what it read with it. Lines::next_line keeps partial data between calls, \
         so the same loop built on it loses nothing.",
    );
    narrate::python(
        "asyncio.wait_for(reader.readline(), ...) cancelled mid-line: asyncio's StreamReader \
         keeps the partial line, Rust's read_line does not. Check each method's cancel safety.",
    );
    narrate::code(include_str!("cancel_safety.rs"), "loses_data");
    let sent = readings(count);
    narrate::say(&format!(
        "A sensor sends {count} readings such as {:?}, each in two pieces with a pause between \
         them; the loop ticks a status report every {} ms.",
        sent[0],
        tick.as_millis()
    ));
    let lossy = run(read_losing_data, count, tick).await?;
    let intact = lossy
        .lines
        .iter()
        .filter(|line| sent.contains(line))
        .count();
    narrate::result(
        "read_line in select!",
        format!(
            "{intact} of {count} readings intact, {} bytes lost; first received: {:?}",
            bytes_lost(&sent, &lossy.lines),
            lossy.lines.first().map_or("(nothing)", String::as_str)
        ),
    );
    narrate::code(include_str!("cancel_safety.rs"), "keeps_data");
    let kept = run(read_keeping_data, count, tick).await?;
    let intact = kept.lines.iter().filter(|line| sent.contains(line)).count();
    narrate::result(
        "next_line in select!",
        format!(
            "{intact} of {count} readings intact, {} bytes lost, {} status ticks",
            bytes_lost(&sent, &kept.lines),
            kept.ticks
        ),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    //! On the paused clock, with an in-memory pipe: the order of every event is fixed, so the
    //! loss is certain in one version and impossible in the other. No timing luck either way.
    use super::*;

    const TICK: Duration = Duration::from_millis(100);

    #[tokio::test(start_paused = true)]
    async fn read_line_in_select_loses_the_first_half_of_every_reading() {
        let received = run(read_losing_data, 4, TICK)
            .await
            .expect("the pipe works");
        let sent = readings(4);
        let second_halves: Vec<String> = sent
            .iter()
            .map(|line| line[line.len() / 2..].to_string())
            .collect();
        assert_eq!(received.lines, second_halves);
        assert!(bytes_lost(&sent, &received.lines) > 0);
    }

    #[tokio::test(start_paused = true)]
    async fn next_line_in_select_keeps_every_reading() {
        let received = run(read_keeping_data, 4, TICK)
            .await
            .expect("the pipe works");
        assert_eq!(received.lines, readings(4));
        // Ticks at 1.0, 2.0, ... up to the last piece at 10.7: the timer really did fire.
        assert_eq!(received.ticks, 10);
    }

    #[test]
    fn lost_bytes_are_counted() {
        let sent = vec!["abcd".to_string(), "ef".to_string()];
        assert_eq!(bytes_lost(&sent, &["cd".to_string(), "ef".to_string()]), 2);
        assert_eq!(bytes_lost(&sent, &sent), 0);
    }
}
