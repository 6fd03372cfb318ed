//! Running another program to the end, or until its time is up.
//!
//! The bench starts the Python originals (which start processes of their own: pip's builds,
//! `ProcessPoolExecutor`'s workers) and copies of itself. A program that hangs (a deadlock, a
//! server that never answers) must not hang the bench, so:
//!
//! - each runs in a process group of its own, and the whole group is killed when its time is up
//!   (killing only the direct child would leave its children running, and holding its pipes);
//! - its stdout and stderr are read on threads of their own while it runs: a child that fills a
//!   pipe nobody reads would otherwise block forever, waiting for us;
//! - once it has ended, the readers get a short grace to see the pipes close, and no more: a
//!   process that left the group (a daemon) could hold them open for ever. What arrived is kept;
//! - Ctrl-C at the terminal reaches only the terminal's process group, which the children have
//!   left, so the bench catches it and takes the running groups down before it exits.

use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long the readers may take to see the pipes close once the program's group is gone.
/// Closing takes microseconds; only an escaped process holding a pipe makes them wait this long.
const READER_GRACE: Duration = Duration::from_secs(2);

/// What a program left behind.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// The last few lines of stderr: where a Python traceback ends with the actual error.
    pub fn stderr_tail(&self, lines: usize) -> String {
        let all: Vec<&str> = self.stderr.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

/// Runs `command` with no stdin. `Ok(None)` if it ran past `limit` and was killed, with every
/// process it started.
pub fn run_within(command: &mut Command, limit: Duration) -> io::Result<Option<Finished>> {
    interrupt::install();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own group, whose id is its pid: what `killpg` takes down in one go.
        .process_group(0)
        .spawn()?;
    let group = Group::running(&child);
    let stdout = Reader::start(child.stdout.take());
    let stderr = Reader::start(child.stderr.take());
    let ended = wait_within(&mut child, limit);
    // Whether it ended or is past its time, its whole group goes now: on time, orphans it left
    // would hold the pipes open and outlive the measurement; past it, this is the kill.
    group.kill();
    drop(group);
    let status = match ended? {
        Some(status) => Some(status),
        None => {
            // Reap the killed child, so it leaves no zombie.
            child.wait()?;
            None
        }
    };
    let grace_ends = Instant::now() + READER_GRACE;
    let stdout = stdout.finish(grace_ends);
    let stderr = stderr.finish(grace_ends);
    Ok(status.map(|status| Finished {
        status,
        stdout,
        stderr,
    }))
}

/// The child's exit status, or `None` if it is still running after `limit`.
fn wait_within(child: &mut Child, limit: Duration) -> io::Result<Option<ExitStatus>> {
    let started = Instant::now();
    while started.elapsed() <= limit {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        // The programs time themselves, so polling adds nothing to any figure.
        thread::sleep(Duration::from_millis(20));
    }
    Ok(None)
}

/// Sends SIGKILL to every process in the group `id`.
fn kill_group(id: u32) {
    let Ok(group) = libc::pid_t::try_from(id) else {
        return;
    };
    if group > 0 {
        // SAFETY: killpg only sends a signal. A group that has already gone is reported as ESRCH,
        // which is the outcome we wanted anyway.
        #[allow(unsafe_code)]
        unsafe {
            libc::killpg(group, libc::SIGKILL);
        }
    }
}

/// A child's process group, known to the Ctrl-C handler for as long as this lives.
struct Group {
    id: u32,
    slot: Option<usize>,
}

impl Group {
    fn running(child: &Child) -> Group {
        Group {
            id: child.id(),
            slot: interrupt::register(child.id()),
        }
    }

    fn kill(&self) {
        kill_group(self.id);
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if let Some(slot) = self.slot {
            interrupt::unregister(slot);
        }
    }
}

/// One output stream, read on its own thread into a buffer the caller can take at any time.
struct Reader {
    bytes: Arc<Mutex<Vec<u8>>>,
    thread: Option<JoinHandle<()>>,
}

impl Reader {
    fn start(pipe: Option<impl Read + Send + 'static>) -> Reader {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let thread = pipe.map(|mut pipe| {
            let bytes = Arc::clone(&bytes);
            thread::spawn(move || {
                let mut buffer = [0_u8; 8192];
                // A read error ends the stream as its end does: what arrived is all there is.
                while let Ok(read @ 1..) = pipe.read(&mut buffer) {
                    bytes
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .extend_from_slice(&buffer[..read]);
                }
            })
        });
        Reader { bytes, thread }
    }

    /// What has arrived, once the stream has ended or at `deadline`, whichever comes first. A
    /// reader still blocked at the deadline is left to end whenever its pipe closes.
    fn finish(mut self, deadline: Instant) -> String {
        if let Some(thread) = self.thread.take() {
            while !thread.is_finished() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(5));
            }
            if thread.is_finished() {
                // The thread only reads; if it had panicked, its bytes would still be shared.
                let _ = thread.join();
            }
        }
        let bytes = self.bytes.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// Ctrl-C (or a polite `kill`) while children run: kill their groups, then exit as a program
/// killed by that signal would (130 for Ctrl-C). A signal handler may only touch atomics and
/// async-signal-safe calls, hence a fixed table of slots rather than a collection.
mod interrupt {
    use std::sync::Once;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// More than the bench ever runs at once (one, but tests run in parallel). A child that finds
    /// no free slot still runs; only Ctrl-C would miss it.
    const SLOTS: usize = 32;
    /// Process group ids of the running children; 0 is a free slot.
    static RUNNING: [AtomicU32; SLOTS] = [const { AtomicU32::new(0) }; SLOTS];

    pub fn register(group: u32) -> Option<usize> {
        RUNNING.iter().position(|slot| {
            slot.compare_exchange(0, group, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        })
    }

    pub fn unregister(slot: usize) {
        RUNNING[slot].store(0, Ordering::SeqCst);
    }

    pub fn install() {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            for signal in [libc::SIGINT, libc::SIGTERM] {
                // SAFETY: the handler reads atomics and calls only async-signal-safe functions.
                #[allow(unsafe_code)]
                unsafe {
                    libc::signal(signal, on_signal as *const () as libc::sighandler_t);
                }
            }
        });
    }

    extern "C" fn on_signal(signal: libc::c_int) {
        for slot in &RUNNING {
            let group = slot.load(Ordering::SeqCst);
            if let Ok(group @ 1..) = libc::pid_t::try_from(group) {
                // SAFETY: killpg is async-signal-safe.
                #[allow(unsafe_code)]
                unsafe {
                    libc::killpg(group, libc::SIGKILL);
                }
            }
        }
        // SAFETY: _exit is async-signal-safe (unlike `exit`, it runs no destructors).
        #[allow(unsafe_code)]
        unsafe {
            libc::_exit(128 + signal)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn output_is_collected() {
        let finished = run_within(
            &mut shell("echo out; echo err >&2"),
            Duration::from_secs(10),
        )
        .expect("sh runs")
        .expect("sh finishes in time");
        assert!(finished.status.success());
        assert_eq!(finished.stdout, "out\n");
        assert_eq!(finished.stderr_tail(1), "err");
    }

    #[test]
    fn a_program_past_its_limit_is_killed() {
        let started = Instant::now();
        let finished = run_within(Command::new("sleep").arg("10"), Duration::from_millis(100))
            .expect("sleep runs");
        assert!(finished.is_none());
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_program_past_its_limit_is_killed_with_its_children() {
        // The grandchildren inherit the pipes: killing only `sh` would leave the readers waiting
        // for `sleep 100`. The bound is loose on purpose; the point is not 100 s.
        let started = Instant::now();
        let finished = run_within(
            &mut shell("sleep 8 & sleep 100"),
            Duration::from_millis(300),
        )
        .expect("sh runs");
        assert!(finished.is_none());
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn children_left_behind_do_not_hold_the_result() {
        // `sh` ends at once, but the `sleep` it left would keep stdout open for 100 s.
        let started = Instant::now();
        let finished = run_within(&mut shell("sleep 100 & echo done"), Duration::from_secs(60))
            .expect("sh runs")
            .expect("sh finishes in time");
        assert_eq!(finished.stdout, "done\n");
        assert!(started.elapsed() < Duration::from_secs(30));
    }
}
