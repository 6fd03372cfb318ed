//! Exercise 32 · pitfalls · a select! loop that isn't cancellation-safe
//!
//! Lesson: `cargo run -p lesson-pitfalls -- --section 6` ("A select! loop that loses data")
//!
//! `receive` reads messages from a byte stream (a socket, say) and, while it waits, beats a
//! heartbeat every `heartbeat_every`. Each message is framed as two bytes of length (big-endian)
//! and then that many bytes of UTF-8 text ([`encode`] writes one). The loop races "read the next
//! message" against "the next heartbeat is due" in `tokio::select!`, and `select!` *drops* the
//! branches that lose. When a heartbeat wins while a message has only partly arrived, the dropped
//! `read_message` takes the bytes it had already read with it: the stream is out of step, the next
//! "length" is the middle of some text, and messages come out garbled, or not at all.
//!
//! Keep the partial message outside the race, so that losing a race loses nothing. Two good ways:
//! read whatever bytes are available, with a read that is cancellation-safe (it either reads
//! something or nothing), into a buffer that lives outside the loop, and cut complete messages out
//! of it; or read whole messages with `read_message` on a task of its own and receive them from a
//! channel (receiving from a channel is cancellation-safe).
//! `read_message` is right outside a race: it reports a stream that ends inside a message as an
//! error, and only an end between messages as the end.
//!
//! The checks feed messages a few bytes at a time with pauses in between (on tokio's paused clock,
//! so the heartbeat surely fires mid-message) and compare what arrives with what was sent; they
//! count the heartbeats too, so dropping the heartbeat is no fix. A stream that ends mid-message
//! must be an error of kind `UnexpectedEof`. What they cannot see: the other branches a real loop
//! would have (a shutdown signal, say), which must be cancellation-safe too.
//!
//! Grade it with `cargo xtask check cancel-safe-select`; `cargo xtask hint cancel-safe-select` when stuck.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};

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
    loop {
        tokio::select! {
            // TODO: when the heartbeat wins, this `read_message` future is dropped, and with it
            // whatever part of a message it had read. Keep partial messages outside the race.
            message = read_message(&mut stream) => match message? {
                Some(message) => received.messages.push(message),
                None => return Ok(received),
            },
            _ = heartbeat.tick() => received.heartbeats += 1,
        }
    }
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
