//! Messages fed a few bytes at a time, with heartbeats firing in between, must arrive intact.
//!
//! Everything runs on tokio's paused clock: the pauses between pieces take no real time, and the
//! order of pieces and heartbeats is the same on every run.

use std::io;
use std::time::Duration;

use cancel_safe_select::{Received, encode, receive};
use tokio::io::{AsyncWriteExt, DuplexStream};
use tokio::time::{Instant, sleep};

const HEARTBEAT: Duration = Duration::from_millis(10);

/// Messages of every shape: empty, short, non-ASCII, and longer than 255 bytes (so both bytes of
/// the length matter).
fn messages() -> Vec<String> {
    vec![
        "hello".to_string(),
        String::new(),
        "héllo wörld ✓".to_string(),
        "x".repeat(300),
        "the last one".to_string(),
    ]
}

/// A stream that delivers `pieces`, waiting `pauses[i % pauses.len()]` after piece `i`, then ends.
fn feed(pieces: Vec<Vec<u8>>, pauses: Vec<Duration>) -> DuplexStream {
    let (mut writer, reader) = tokio::io::duplex(64);
    tokio::spawn(async move {
        for (i, piece) in pieces.into_iter().enumerate() {
            writer.write_all(&piece).await.expect("the reader is there");
            sleep(pauses[i % pauses.len()]).await;
        }
        // Dropping the writer ends the stream.
    });
    reader
}

/// Every message's frame, cut into pieces of the given sizes (taken in turn).
fn pieces(messages: &[String], sizes: &[usize]) -> Vec<Vec<u8>> {
    let bytes: Vec<u8> = messages.iter().flat_map(|m| encode(m)).collect();
    let mut pieces = Vec::new();
    let mut rest = &bytes[..];
    for size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (piece, after) = rest.split_at((*size).min(rest.len()));
        pieces.push(piece.to_vec());
        rest = after;
    }
    pieces
}

const KEEP_IT_OUTSIDE: &str = "Keep the partial message outside the select!, so that losing a \
     race loses nothing: in a buffer that lives outside the loop, or in a reader task that sends \
     whole messages down a channel.";

fn assert_intact(result: io::Result<Received>, sent: &[String]) -> Received {
    let received = match result {
        Ok(received) => received,
        Err(error) => panic!(
            "receive failed ({error}) although every message was sent whole: a heartbeat won the \
             race while a message had partly arrived, the dropped read took those bytes with it, \
             and the stream lost its place.\n{KEEP_IT_OUTSIDE}"
        ),
    };
    for (i, (got, want)) in received.messages.iter().zip(sent).enumerate() {
        assert_eq!(
            got, want,
            "message {i} arrived garbled: a heartbeat cancelled a half-read message and its bytes \
             were lost.\n{KEEP_IT_OUTSIDE}"
        );
    }
    assert_eq!(
        received.messages.len(),
        sent.len(),
        "{} messages were sent, {} arrived: the rest were lost when a heartbeat cancelled a \
         half-read message.\n{KEEP_IT_OUTSIDE}",
        sent.len(),
        received.messages.len()
    );
    received
}

#[tokio::test(start_paused = true)]
async fn messages_sent_in_one_go_arrive() {
    let stream = feed(pieces(&messages(), &[usize::MAX]), vec![Duration::ZERO]);
    assert_intact(receive(stream, HEARTBEAT).await, &messages());
}

#[tokio::test(start_paused = true)]
async fn messages_in_small_pieces_arrive_intact() {
    // 3 bytes every 4 ms, a heartbeat every 10 ms: heartbeats fall inside most messages.
    let stream = feed(pieces(&messages(), &[3]), vec![Duration::from_millis(4)]);
    assert_intact(receive(stream, HEARTBEAT).await, &messages());
}

#[tokio::test(start_paused = true)]
async fn messages_in_uneven_pieces_arrive_intact() {
    // Pieces of 1 to 7 bytes, pauses of 1 to 13 ms, a heartbeat every 3 ms: every kind of split.
    let sizes = [1, 5, 2, 7, 1, 1, 4, 3, 6];
    let pauses = [1, 13, 2, 5, 3, 8].map(Duration::from_millis).to_vec();
    let stream = feed(pieces(&messages(), &sizes), pauses);
    assert_intact(receive(stream, Duration::from_millis(3)).await, &messages());
}

#[tokio::test(start_paused = true)]
async fn the_heartbeat_beats_while_it_waits() {
    // A message, 205 ms of quiet, another, 205 ms more: about 40 heartbeats are due.
    let sent = vec!["first".to_string(), "second".to_string()];
    let stream = feed(
        sent.iter().map(|message| encode(message)).collect(),
        vec![Duration::from_millis(205)],
    );
    let started = Instant::now();
    let received = assert_intact(receive(stream, HEARTBEAT).await, &sent);
    let elapsed = started.elapsed();
    let due = (elapsed.as_millis() / HEARTBEAT.as_millis()) as u32;
    assert!(
        received.heartbeats >= due,
        "{} heartbeats in {elapsed:?}; one is due every {HEARTBEAT:?}, so at least {due}",
        received.heartbeats
    );
}

#[tokio::test(start_paused = true)]
async fn the_stream_ending_inside_a_message_is_an_error() {
    let frame = encode("cut short");
    for cut in [1, 2, 5] {
        let stream = feed(vec![frame[..cut].to_vec()], vec![Duration::from_millis(25)]);
        let result = receive(stream, HEARTBEAT).await;
        assert!(
            matches!(&result, Err(error) if error.kind() == io::ErrorKind::UnexpectedEof),
            "the stream ended after {cut} of the {} bytes of a message; receive must fail with \
             UnexpectedEof, not return {result:?}",
            frame.len()
        );
    }
}

#[tokio::test(start_paused = true)]
async fn text_that_is_not_utf8_is_an_error() {
    let stream = feed(vec![vec![0, 2, 0xff, 0xfe]], vec![Duration::ZERO]);
    let result = receive(stream, HEARTBEAT).await;
    assert!(
        matches!(&result, Err(error) if error.kind() == io::ErrorKind::InvalidData),
        "a message that is not UTF-8 must fail with InvalidData, not return {result:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_empty_stream_has_no_messages() {
    let stream = feed(Vec::new(), vec![Duration::ZERO]);
    let received = receive(stream, HEARTBEAT)
        .await
        .expect("an empty stream is fine");
    assert!(
        received.messages.is_empty(),
        "an empty stream has no messages, not {:?}",
        received.messages
    );
}
