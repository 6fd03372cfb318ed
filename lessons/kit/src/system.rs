//! What the machine offers: cores, memory in use, open-file limits, the terminal.

use std::io::{self, IsTerminal};

/// Cores this process may run on (what rayon and tokio size their pools by).
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The resident memory of this process in bytes (VmRSS), where the system reports it (Linux).
pub fn resident_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The number of threads this process has, where the system reports it (Linux).
pub fn thread_count() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("Threads:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The open-file limit of this process: (soft, hard). Every socket is a file, so the soft limit
/// caps how many connections a program can hold open at once.
pub fn open_file_limit() -> io::Result<(u64, u64)> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we pass and reads nothing else.
    #[allow(unsafe_code)]
    let result = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    if result != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((limit.rlim_cur, limit.rlim_max))
}

/// Sets this process's soft open-file limit (never above the hard limit), returning the new value.
pub fn set_open_file_limit(soft: u64) -> io::Result<u64> {
    let (_, hard) = open_file_limit()?;
    let limit = libc::rlimit {
        rlim_cur: soft.min(hard),
        rlim_max: hard,
    };
    // SAFETY: setrlimit only reads the struct we pass.
    #[allow(unsafe_code)]
    let result = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
    if result != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(limit.rlim_cur)
}

/// Makes sure this process may open at least `wanted` files, raising the soft limit towards the
/// hard one if needed. Returns the limit now in force, which may still be below `wanted`.
///
/// Many systems start programs with a soft limit of 1024, so a lesson with 500 connections open
/// (500 client sockets plus 500 server sockets, in one process) would fail without this.
pub fn ensure_open_file_limit(wanted: u64) -> io::Result<u64> {
    let (soft, _) = open_file_limit()?;
    if soft >= wanted {
        Ok(soft)
    } else {
        set_open_file_limit(wanted)
    }
}

/// Columns of the terminal on stdout, else `$COLUMNS`, else 80.
pub fn terminal_width() -> usize {
    if let Some(width) = stdout_terminal_width() {
        return width;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse().ok())
        .filter(|&columns| columns > 0)
        .unwrap_or(80)
}

fn stdout_terminal_width() -> Option<usize> {
    if !io::stdout().is_terminal() {
        return None;
    }
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes a `winsize` into the struct we pass, and nothing else.
    #[allow(unsafe_code)]
    let result = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
    (result == 0 && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

/// Whether to print colours: only to a terminal, and never when `NO_COLOR` is set (no-color.org).
pub fn color_enabled() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_memory_cores_and_threads() {
        assert!(available_cores() >= 1);
        assert!(resident_memory().is_some_and(|bytes| bytes > 0));
        assert!(thread_count().is_some_and(|threads| threads >= 1));
    }

    #[test]
    fn the_open_file_limit_can_be_read_and_kept() {
        let (soft, hard) = open_file_limit().expect("read the limit");
        assert!(soft <= hard);
        assert_eq!(ensure_open_file_limit(1).expect("keep the limit"), soft);
    }
}
