//! Exercise 32 · pitfalls · a select! loop that isn't cancellation-safe: a solution, the other
//! way. A task of its own reads whole messages and sends them down a channel; the loop races the
//! channel's `recv`, which is cancellation-safe, against the heartbeat. The first way, a buffer
//! outside the loop, is in solutions/27-cancel-safe-select/src.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::mpsc;

/// What `receive` got.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    /// The messages, in the order they arrived.
    pub messages: Vec<String>,
    /// How many heartbeats were beaten while waiting.
    pub heartbeats: u32,
}

/// One message as it travels: two bytes of length (big-endian), then the text.
pub fn encode(message: &str) -> Vec<u8> {
    let length = u16::try_from(message.len()).expect("a message is at most 65535 bytes");
    let mut frame = length.to_be_bytes().to_vec();
    frame.extend_from_slice(message.as_bytes());
    frame
}

/// Reads messages until the stream ends, beating a heartbeat every `heartbeat_every` meanwhile.
///
/// Fails if the stream fails, ends in the middle of a message (`UnexpectedEof`), or carries text
/// that is not UTF-8 (`InvalidData`).
pub async fn receive(
    mut stream: impl AsyncRead + Unpin + Send + 'static,
    heartbeat_every: Duration,
) -> io::Result<Received> {
    let mut received = Received::default();
    let mut heartbeat = tokio::time::interval(heartbeat_every);
    // The reader owns the stream and reads whole messages, one after another: nothing races it,
    // so nothing interrupts a read half-way. A channel of one is enough: the loop below takes each
    // message as soon as it comes.
    let (sender, mut messages) = mpsc::channel(1);
    let reader = tokio::spawn(async move {
        loop {
            let message = read_message(&mut stream).await;
            let last = !matches!(message, Ok(Some(_)));
            // The loop below stops listening only once it has what it needs; then stop too.
            if sender.send(message).await.is_err() || last {
                break;
            }
        }
    });
    let outcome = loop {
        tokio::select! {
            // `recv` is cancellation-safe: if the heartbeat wins, the message stays in the
            // channel for the next turn.
            message = messages.recv() => match message {
                Some(Ok(Some(message))) => received.messages.push(message),
                Some(Ok(None)) => break Ok(received),
                Some(Err(error)) => break Err(error),
                // The reader always sends the end or an error before it stops, unless it panicked.
                None => break Err(io::Error::other("the reader task stopped without a word")),
            },
            _ = heartbeat.tick() => received.heartbeats += 1,
        }
    };
    // The reader has sent its last message (or the loop gave up on it): let it go.
    reader.abort();
    outcome
}

/// Reads one message; `None` when the stream ends cleanly, between messages. A stream that ends
/// inside a message, even one byte into its length, is an `UnexpectedEof` error.
async fn read_message(stream: &mut (impl AsyncRead + Unpin)) -> io::Result<Option<String>> {
    let mut length = [0; 2];
    // The end of the stream before the first byte of a message is a clean end.
    if stream.read(&mut length[..1]).await? == 0 {
        return Ok(None);
    }
    // `read_exact` is not cancellation-safe: dropped half-way, the bytes it read are lost.
    stream.read_exact(&mut length[1..]).await?;
    let mut text = vec![0; usize::from(u16::from_be_bytes(length))];
    stream.read_exact(&mut text).await?;
    String::from_utf8(text)
        .map(Some)
        .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))
}
