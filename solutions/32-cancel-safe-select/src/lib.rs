//! Exercise 32 · pitfalls · a select! loop that isn't cancellation-safe: a solution, with a buffer
//! outside the loop. The other way, a reader task and a channel, is in
//! solutions/27-cancel-safe-select/alternatives/reader-task.

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

/// How many bytes of length come before a message's text.
const HEADER: usize = 2;

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
    // Bytes read but not yet cut into messages. It lives outside the `select!`, so a race that
    // the heartbeat wins costs nothing: the next read appends to what is already here.
    let mut buffer = Vec::new();
    loop {
        while let Some(message) = take_message(&mut buffer)? {
            received.messages.push(message);
        }
        tokio::select! {
            // `read_buf` is cancellation-safe: if the heartbeat wins, it has read nothing.
            read = stream.read_buf(&mut buffer) => {
                if read? == 0 {
                    // The end of the stream: fine between messages, an error inside one.
                    return if buffer.is_empty() {
                        Ok(received)
                    } else {
                        Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!("the stream ended inside a message ({} bytes of it arrived)", buffer.len()),
                        ))
                    };
                }
            }
            _ = heartbeat.tick() => received.heartbeats += 1,
        }
    }
}

/// Cuts the first message off the front of `buffer`, if all of it has arrived.
fn take_message(buffer: &mut Vec<u8>) -> io::Result<Option<String>> {
    let Some(&[high, low]) = buffer.get(..HEADER) else {
        return Ok(None);
    };
    let end = HEADER + usize::from(u16::from_be_bytes([high, low]));
    if buffer.len() < end {
        return Ok(None);
    }
    let text = buffer[HEADER..end].to_vec();
    buffer.drain(..end);
    String::from_utf8(text)
        .map(Some)
        .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))
}
