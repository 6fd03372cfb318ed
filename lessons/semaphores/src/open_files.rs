//! Room for the requests in flight: every socket is a file, and a process may open only so many.
//!
//! Each request in flight holds two sockets in this process (the client's and the local
//! server's), and the open-file limit is often 1024. The kit raises the limit if the system
//! allows ([`lesson_kit::system::affordable_in_flight`]); these say what the lesson does when it
//! still falls short.

use anyhow::{Context, Result, bail};
use lesson_kit::{narrate, system};

/// Makes sure this process may hold `in_flight` requests open at once, or says what to do.
pub fn ensure_room_for(in_flight: usize) -> Result<()> {
    let affordable = system::affordable_in_flight(in_flight).context(OPEN_FILE_LIMIT)?;
    if affordable < in_flight {
        bail!(
            "{in_flight} requests in flight need more open files than this process may open \
             (`ulimit -n`); choose --concurrency {affordable} or less"
        );
    }
    Ok(())
}

/// How many requests an unbounded flood from this process may start: `wanted`, or as many as fit
/// in its open files, saying so.
pub fn affordable_requests(wanted: usize) -> Result<usize> {
    let affordable = system::affordable_in_flight(wanted).context(OPEN_FILE_LIMIT)?;
    if affordable < wanted {
        narrate::say(&format!(
            "This process may not open enough files for {wanted} requests at once, so this flood \
             is {affordable} requests (`ulimit -n` shows the limit)."
        ));
    }
    Ok(affordable)
}

const OPEN_FILE_LIMIT: &str = "cannot read or raise this process's open-file limit";
