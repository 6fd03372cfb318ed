//! What the machine offers: cores, memory in use, open-file limits, sockets and ports, the terminal.

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

/// How many threads wanted a core, on average over the last minute, where the system reports it
/// (Linux: the first figure of /proc/loadavg). Above the number of cores, some of them waited:
/// a measurement of parallel work taken then shares the cores with whatever else was running.
pub fn load_average() -> Option<f64> {
    let loads = std::fs::read_to_string("/proc/loadavg").ok()?;
    loads.split_whitespace().next()?.parse().ok()
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

/// Files each request in flight holds in a program that also runs the local server: the client's
/// socket and the server's.
const FILES_PER_REQUEST: u64 = 2;
/// Files kept for everything else a lesson opens: stdio, the runtime's own descriptors, pipes.
const SPARE_FILES: u64 = 64;

/// How many requests to the local server this process can hold in flight at once, up to `wanted`.
///
/// Every socket is a file, and a request in flight holds two here (the client's and the local
/// server's, both in this process). Raises the open-file limit if it must and may; if it still
/// falls short, returns how many fit instead (at least one), for the lesson to lower its
/// concurrency or to say what to do.
pub fn affordable_in_flight(wanted: usize) -> io::Result<usize> {
    let needed = FILES_PER_REQUEST * wanted as u64 + SPARE_FILES;
    let limit = ensure_open_file_limit(needed)?;
    if limit >= needed {
        return Ok(wanted);
    }
    let affordable = limit.saturating_sub(SPARE_FILES) / FILES_PER_REQUEST;
    Ok(usize::try_from(affordable).unwrap_or(usize::MAX).max(1))
}

/// Sockets this machine holds in TIME_WAIT towards `server_port` on this machine (Linux, from
/// /proc/net/tcp). The side that closes a connection keeps its socket, and its local port, in
/// TIME_WAIT for a minute, so that stray packets of the old connection cannot confuse a new one.
pub fn sockets_in_time_wait(server_port: u16) -> Option<usize> {
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    Some(count_time_waits(&table, server_port))
}

fn count_time_waits(table: &str, server_port: u16) -> usize {
    const TIME_WAIT: &str = "06";
    let remote_port = format!(":{server_port:04X}");
    table
        .lines()
        .skip(1) // the header
        .filter(|line| {
            // Fields: slot, local address:port, remote address:port, state, ...
            let mut fields = line.split_whitespace().skip(2);
            let remote = fields.next().unwrap_or("");
            let state = fields.next().unwrap_or("");
            remote.ends_with(&remote_port) && state == TIME_WAIT
        })
        .count()
}

/// How many local ports this machine hands out to outgoing connections (Linux).
pub fn local_port_count() -> Option<u32> {
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").ok()?;
    port_count(&range)
}

fn port_count(range: &str) -> Option<u32> {
    let mut ends = range.split_whitespace().map(str::parse::<u32>);
    let (Some(Ok(low)), Some(Ok(high))) = (ends.next(), ends.next()) else {
        return None;
    };
    Some(high.saturating_sub(low) + 1)
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
    fn the_load_average_is_a_number_where_there_is_one() {
        if std::path::Path::new("/proc/loadavg").exists() {
            let load = load_average().expect("a load average on Linux");
            assert!(load.is_finite() && load >= 0.0, "{load}");
        }
    }

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

    #[test]
    fn a_few_requests_in_flight_are_always_affordable() {
        assert_eq!(affordable_in_flight(1).expect("read the limit"), 1);
        assert_eq!(affordable_in_flight(0).expect("read the limit"), 0);
    }

    #[test]
    fn time_waits_are_counted_towards_one_port() {
        // Two sockets towards port 8080 (1F90), one in TIME_WAIT (06), one established (01), and
        // one in TIME_WAIT towards another port.
        let table = "\
  sl  local_address rem_address   st tx_queue rx_queue
   0: 0100007F:A001 0100007F:1F90 06 00000000:00000000
   1: 0100007F:A002 0100007F:1F90 01 00000000:00000000
   2: 0100007F:A003 0100007F:1F91 06 00000000:00000000
";
        assert_eq!(count_time_waits(table, 8080), 1);
        assert_eq!(count_time_waits(table, 8081), 1);
        assert_eq!(count_time_waits(table, 9000), 0);
    }

    #[test]
    fn the_local_port_range_is_read_inclusively() {
        assert_eq!(port_count("32768\t60999\n"), Some(28232));
        assert_eq!(port_count("nonsense"), None);
    }
}
