//! Reading one output stream on a thread of its own: what is kept of it (its head, and on request
//! its tail), and who watches it as it arrives.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// What was kept of one output stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    /// The stream's first bytes, up to the output cap.
    pub text: String,
    /// Bytes that arrived past the cap and were dropped (not counting the tail).
    pub dropped: usize,
    /// The stream's last bytes, after those dropped, when a tail was asked for
    /// ([`crate::Runner::keep_tail`]).
    pub tail: String,
}

impl Captured {
    /// Everything kept, with a line where bytes were dropped.
    pub fn with_gap_marked(&self) -> String {
        if self.dropped == 0 {
            return format!("{}{}", self.text, self.tail);
        }
        format!(
            "{}\n[... {} bytes dropped ...]\n{}",
            self.text, self.dropped, self.tail
        )
    }

    /// The stream's last `count` lines, as far as they were kept (a traceback ends with the
    /// error).
    pub fn last_lines(&self, count: usize) -> String {
        let end = if self.tail.is_empty() {
            &self.text
        } else {
            &self.tail
        };
        let lines: Vec<&str> = end.lines().collect();
        lines[lines.len().saturating_sub(count)..].join("\n")
    }
}

/// How much of a stream to keep.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub head: usize,
    pub tail: usize,
}

/// Who watches a stream as it arrives.
pub trait Sink: Send {
    fn chunk(&mut self, bytes: &[u8]);
    /// The stream has ended.
    fn end(&mut self) {}
}

/// A sink that takes the bytes as they come.
pub struct Chunks<F>(pub F);

impl<F: FnMut(&[u8]) + Send> Sink for Chunks<F> {
    fn chunk(&mut self, bytes: &[u8]) {
        (self.0)(bytes);
    }
}

/// A sink that takes whole lines.
pub struct Lines<F> {
    on_line: F,
    partial: Vec<u8>,
}

/// A "line" of a megabyte is no line a person reads: it is passed on in pieces.
const LONGEST_LINE: usize = 1 << 20;

impl<F: FnMut(&str) + Send> Lines<F> {
    pub fn new(on_line: F) -> Self {
        Lines {
            on_line,
            partial: Vec::new(),
        }
    }

    fn pass_on(&mut self) {
        (self.on_line)(&String::from_utf8_lossy(&self.partial));
        self.partial.clear();
    }
}

impl<F: FnMut(&str) + Send> Sink for Lines<F> {
    fn chunk(&mut self, bytes: &[u8]) {
        for piece in bytes.split_inclusive(|&byte| byte == b'\n') {
            match piece.strip_suffix(b"\n") {
                Some(line) => {
                    self.partial.extend_from_slice(line);
                    self.pass_on();
                }
                None => {
                    self.partial.extend_from_slice(piece);
                    if self.partial.len() >= LONGEST_LINE {
                        self.pass_on();
                    }
                }
            }
        }
    }

    fn end(&mut self) {
        if !self.partial.is_empty() {
            self.pass_on();
        }
    }
}

/// The bytes kept of a stream so far.
#[derive(Default)]
struct Kept {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    dropped: usize,
}

impl Kept {
    fn keep(&mut self, bytes: &[u8], caps: Caps) {
        let room = caps.head.saturating_sub(self.head.len()).min(bytes.len());
        self.head.extend_from_slice(&bytes[..room]);
        let rest = &bytes[room..];
        if rest.len() >= caps.tail {
            // The newest bytes alone fill the tail: everything held before is dropped.
            self.dropped += self.tail.len() + rest.len() - caps.tail;
            self.tail.clear();
            self.tail.extend(&rest[rest.len() - caps.tail..]);
        } else {
            self.tail.extend(rest);
            let over = self.tail.len().saturating_sub(caps.tail);
            self.tail.drain(..over);
            self.dropped += over;
        }
    }
}

/// A stream being read on its own thread.
pub struct Reader {
    kept: Arc<Mutex<Kept>>,
    thread: Option<JoinHandle<()>>,
}

impl Reader {
    pub fn start(
        pipe: Option<impl Read + Send + 'static>,
        caps: Caps,
        mut sink: Option<Box<dyn Sink>>,
    ) -> Reader {
        let kept = Arc::new(Mutex::new(Kept::default()));
        let thread = pipe.map(|mut pipe| {
            let kept = Arc::clone(&kept);
            thread::spawn(move || {
                let mut buffer = [0_u8; 8192];
                // A read error ends the stream as its end does: what arrived is all there is.
                while let Ok(read @ 1..) = pipe.read(&mut buffer) {
                    if let Some(sink) = &mut sink {
                        sink.chunk(&buffer[..read]);
                    }
                    lock(&kept).keep(&buffer[..read], caps);
                }
                if let Some(sink) = &mut sink {
                    sink.end();
                }
            })
        });
        Reader { kept, thread }
    }

    /// What was kept, once the stream has ended or at `deadline`, whichever comes first. A
    /// reader still blocked at the deadline is left to end whenever its pipe closes.
    pub fn finish(mut self, deadline: Instant) -> Captured {
        if let Some(thread) = self.thread.take() {
            while !thread.is_finished() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(5));
            }
            if thread.is_finished() {
                // Only a panicking sink could make the thread panic; what it kept is still here.
                let _ = thread.join();
            }
        }
        let kept = lock(&self.kept);
        let tail: Vec<u8> = kept.tail.iter().copied().collect();
        Captured {
            text: String::from_utf8_lossy(&kept.head).into_owned(),
            dropped: kept.dropped,
            tail: String::from_utf8_lossy(&tail).into_owned(),
        }
    }
}

fn lock(kept: &Mutex<Kept>) -> std::sync::MutexGuard<'_, Kept> {
    // Nothing panics while holding the lock; if something had, the bytes are still right.
    kept.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept_of(chunks: &[&[u8]], caps: Caps) -> Kept {
        let mut kept = Kept::default();
        for chunk in chunks {
            kept.keep(chunk, caps);
        }
        kept
    }

    #[test]
    fn the_head_and_the_tail_are_kept_and_the_middle_counted() {
        let caps = Caps { head: 3, tail: 4 };
        let kept = kept_of(&[b"abcde", b"fgh", b"ijklmn"], caps);
        assert_eq!(kept.head, b"abc");
        assert_eq!(kept.tail.iter().copied().collect::<Vec<u8>>(), b"klmn");
        assert_eq!(kept.dropped, 14 - 3 - 4);
    }

    #[test]
    fn without_a_tail_everything_past_the_head_is_dropped() {
        let kept = kept_of(&[b"abcdef", b"gh"], Caps { head: 4, tail: 0 });
        assert_eq!(kept.head, b"abcd");
        assert!(kept.tail.is_empty());
        assert_eq!(kept.dropped, 4);
    }

    #[test]
    fn lines_are_whole_across_chunks_and_the_last_one_is_not_lost() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let collecting = Arc::clone(&seen);
        let mut lines = Lines::new(move |line: &str| {
            collecting
                .lock()
                .expect("not poisoned")
                .push(line.to_string())
        });
        lines.chunk(b"one\ntw");
        lines.chunk(b"o\n\nthree");
        lines.end();
        assert_eq!(
            *seen.lock().expect("not poisoned"),
            ["one", "two", "", "three"]
        );
    }

    #[test]
    fn the_last_lines_come_from_the_tail_when_there_is_one() {
        let captured = Captured {
            text: "first\nsecond\n".to_string(),
            dropped: 10,
            tail: "ninth\ntenth\n".to_string(),
        };
        assert_eq!(captured.last_lines(1), "tenth");
        assert_eq!(
            captured.with_gap_marked(),
            "first\nsecond\n\n[... 10 bytes dropped ...]\nninth\ntenth\n"
        );
        let short = Captured {
            text: "a\nb\nc".to_string(),
            ..Captured::default()
        };
        assert_eq!(short.last_lines(2), "b\nc");
        assert_eq!(short.with_gap_marked(), "a\nb\nc");
    }
}
