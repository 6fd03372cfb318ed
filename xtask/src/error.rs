//! The error type the book's modules (`book.rs`, `book/`) still return: a message for the person
//! at the keyboard. The rest of xtask returns `anyhow::Error` with context; once the book's
//! modules do too, this file goes.

use std::fmt;

/// What went wrong and what to do, in one message.
#[derive(Debug)]
pub struct Error(String);

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// So `?` turns it into an `anyhow::Error` where the book's commands are dispatched.
impl std::error::Error for Error {}
