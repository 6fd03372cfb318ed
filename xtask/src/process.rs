//! The one place the grader launches other programs (cargo, compiled checks), and the reason it
//! survives whatever they do.
//!
//! - **Deadlocks and endless loops**: every program gets a time limit. Each runs in a process group
//!   of its own, so on timeout the whole tree goes (a check that ran cargo that ran rustc, or a
//!   learner's program that spawned children), not just the direct child.
//! - **Floods of output**: stdout and stderr are read on their own threads as they arrive (a full
//!   pipe would otherwise block the child forever: a deadlock of our own making), and only the first
//!   `output_cap` bytes of each are kept.
//! - **Ctrl-C**: children in their own process groups don't get the terminal's Ctrl-C, so the grader
//!   catches it, kills the group it is running, and exits, leaving nothing behind.

use std::io::{self, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, Once, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long and how loud a program may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: Duration,
    /// Bytes kept of each of stdout and stderr; the rest is counted and dropped.
    pub output_cap: usize,
}

/// How a program ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It exited with this code.
    Exited(i32),
    /// A signal ended it (SIGABRT from `abort`, SIGSEGV from a stack overflow, ...).
    Signaled(i32),
    /// It outlived its time limit and was killed, with everything it started.
    TimedOut,
}

impl Ending {
    pub fn success(self) -> bool {
        self == Ending::Exited(0)
    }
}

/// The output of a program that ran to the end (or was killed).
#[derive(Debug, Clone)]
pub struct Finished {
    pub ending: Ending,
    pub stdout: Captured,
    pub stderr: Captured,
}

/// The first bytes of one output stream.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    pub text: String,
    /// Bytes that arrived after the cap and were dropped.
    pub dropped: usize,
}

/// The process group running now, so the Ctrl-C handler knows what to kill (0: none).
static RUNNING_GROUP: AtomicI32 = AtomicI32::new(0);
/// True from just before a spawn until its group is in `RUNNING_GROUP`: a signal in that window
/// is held back (in `HELD_SIGNAL`) and acted on once the group is known, so no child is orphaned.
static SPAWNING: AtomicBool = AtomicBool::new(false);
static HELD_SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Runs `command` to the end or to its time limit, capturing its output.
///
/// Its stdin is empty: a program waiting for input would otherwise wait for the grader's terminal.
pub fn run(command: &mut Command, limits: Limits) -> io::Result<Finished> {
    run_inner(command, limits, None)
}

/// Like [`run`], and calls `on_line` with each line of stdout as it arrives (all of them, even past
/// the cap), which is how the grader shows progress while cargo builds.
pub fn run_watching_lines(
    command: &mut Command,
    limits: Limits,
    on_line: impl FnMut(&str) + Send + 'static,
) -> io::Result<Finished> {
    run_inner(command, limits, Some(Box::new(on_line)))
}

/// Called with each line of a program's stdout.
type LineWatcher = Box<dyn FnMut(&str) + Send>;

fn run_inner(
    command: &mut Command,
    limits: Limits,
    on_line: Option<LineWatcher>,
) -> io::Result<Finished> {
    install_interrupt_handler();
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    SPAWNING.store(true, Ordering::SeqCst);
    let spawned = command.spawn();
    let group = spawned
        .as_ref()
        .map_or(0, |child| i32::try_from(child.id()).unwrap_or(0));
    RUNNING_GROUP.store(group, Ordering::SeqCst);
    SPAWNING.store(false, Ordering::SeqCst);
    let held = HELD_SIGNAL.swap(0, Ordering::SeqCst);
    if held != 0 {
        kill_group(group);
        std::process::exit(128 + held);
    }
    let mut child = spawned?;

    let stdout = read_capped(child.stdout.take(), limits.output_cap, on_line);
    let stderr = read_capped(child.stderr.take(), limits.output_cap, None);
    let ending = wait_with_timeout(&mut child, group, limits.timeout);
    RUNNING_GROUP.store(0, Ordering::SeqCst);
    let ending = ending?;

    Ok(Finished {
        ending,
        stdout: stdout.finish(),
        stderr: stderr.finish(),
    })
}

fn wait_with_timeout(child: &mut Child, group: i32, timeout: Duration) -> io::Result<Ending> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            // The child is gone, but it may have left children of its own in its group (a test
            // that spawned a process and panicked before reaping it): they go too.
            kill_group(group);
            return Ok(ending_of(status));
        }
        if Instant::now() >= deadline {
            kill_group(group);
            child.wait()?;
            return Ok(Ending::TimedOut);
        }
        // Poll often at first, so quick programs return quickly, then back off.
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(25));
    }
}

fn ending_of(status: ExitStatus) -> Ending {
    match (status.code(), status.signal()) {
        (Some(code), _) => Ending::Exited(code),
        (None, Some(signal)) => Ending::Signaled(signal),
        (None, None) => Ending::Exited(-1),
    }
}

fn kill_group(group: i32) {
    if group > 0 {
        // SAFETY: killpg only sends a signal; a group that no longer exists is reported as ESRCH,
        // which is the outcome we wanted anyway.
        #[allow(unsafe_code)]
        unsafe {
            libc::killpg(group, libc::SIGKILL);
        }
    }
}

/// A stream being read on its own thread.
struct Reader {
    shared: Arc<Mutex<Kept>>,
    thread: Option<JoinHandle<()>>,
}

/// The bytes kept of a stream so far, and how many were dropped past the cap.
#[derive(Default)]
struct Kept {
    bytes: Vec<u8>,
    dropped: usize,
}

/// How long to wait for a stream's end once its program has ended. Only a grandchild that left
/// the process group can hold a pipe open longer; what arrived by then is what is reported.
const DRAIN_PATIENCE: Duration = Duration::from_secs(2);

fn read_capped(
    stream: Option<impl Read + Send + 'static>,
    cap: usize,
    mut on_line: Option<LineWatcher>,
) -> Reader {
    let shared = Arc::new(Mutex::new(Kept::default()));
    let thread = stream.map(|mut stream| {
        let shared = Arc::clone(&shared);
        thread::spawn(move || {
            let mut partial_line = Vec::new();
            let mut buffer = [0_u8; 8192];
            // A read error ends the stream like its end does: what arrived is all there is.
            while let Ok(read) = stream.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                if let Some(on_line) = &mut on_line {
                    for &byte in &buffer[..read] {
                        if byte != b'\n' {
                            partial_line.push(byte);
                        }
                        // A "line" of a megabyte is no line a person reads: pass it on in pieces.
                        if byte == b'\n' || partial_line.len() >= 1 << 20 {
                            on_line(&String::from_utf8_lossy(&partial_line));
                            partial_line.clear();
                        }
                    }
                }
                let mut kept = shared.lock().unwrap_or_else(PoisonError::into_inner);
                let room = cap.saturating_sub(kept.bytes.len()).min(read);
                kept.bytes.extend_from_slice(&buffer[..room]);
                kept.dropped += read - room;
            }
            if let (Some(on_line), false) = (&mut on_line, partial_line.is_empty()) {
                on_line(&String::from_utf8_lossy(&partial_line));
            }
        })
    });
    Reader { shared, thread }
}

impl Reader {
    fn finish(mut self) -> Captured {
        if let Some(thread) = self.thread.take() {
            let deadline = Instant::now() + DRAIN_PATIENCE;
            while !thread.is_finished() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(5));
            }
            if thread.is_finished() {
                // The reader thread never panics; if it somehow did, its bytes are still shared.
                let _ = thread.join();
            }
        }
        let kept = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        Captured {
            text: String::from_utf8_lossy(&kept.bytes).into_owned(),
            dropped: kept.dropped,
        }
    }
}

/// On Ctrl-C, a closed terminal or a polite `kill`, take the running child's whole process group
/// down too, then exit as a program killed by that signal would (130 for Ctrl-C). The children run
/// in process groups of their own, so the terminal's signals don't reach them: this does.
fn install_interrupt_handler() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        extern "C" fn on_interrupt(signal: libc::c_int) {
            if SPAWNING.load(Ordering::SeqCst) {
                // The child's group isn't known yet; `run_inner` acts on this once it is.
                HELD_SIGNAL.store(signal, Ordering::SeqCst);
                return;
            }
            let group = RUNNING_GROUP.load(Ordering::SeqCst);
            if group > 0 {
                // SAFETY: killpg and _exit are async-signal-safe.
                #[allow(unsafe_code)]
                unsafe {
                    libc::killpg(group, libc::SIGKILL);
                }
            }
            // SAFETY: as above.
            #[allow(unsafe_code)]
            unsafe {
                libc::_exit(128 + signal)
            };
        }
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
            // SAFETY: the handler only calls async-signal-safe functions and reads an atomic.
            #[allow(unsafe_code)]
            unsafe {
                libc::signal(signal, on_interrupt as *const () as libc::sighandler_t);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(timeout_ms: u64, output_cap: usize) -> Limits {
        Limits {
            timeout: Duration::from_millis(timeout_ms),
            output_cap,
        }
    }

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn captures_output_and_exit_code() {
        let finished = run(
            &mut shell("echo out; echo err >&2; exit 3"),
            limits(10_000, 100),
        )
        .expect("run sh");
        assert_eq!(finished.ending, Ending::Exited(3));
        assert_eq!(finished.stdout.text, "out\n");
        assert_eq!(finished.stderr.text, "err\n");
    }

    #[test]
    fn a_program_that_never_ends_is_killed_with_its_children() {
        // The child starts a grandchild, and both would sleep for an hour.
        let started = Instant::now();
        let finished =
            run(&mut shell("sleep 3600 & sleep 3600"), limits(300, 100)).expect("run sh");
        assert_eq!(finished.ending, Ending::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(60));
    }

    #[test]
    fn a_flood_of_output_is_capped_not_blocking() {
        // 16 MiB: far more than a pipe holds, so an unread pipe would block the child for ever.
        let finished = run(
            &mut shell("head -c 16777216 /dev/zero"),
            limits(60_000, 1000),
        )
        .expect("run sh");
        assert_eq!(finished.ending, Ending::Exited(0));
        assert_eq!(finished.stdout.text.len(), 1000);
        assert_eq!(finished.stdout.dropped, 16 * 1024 * 1024 - 1000);
    }

    #[test]
    fn a_signal_is_reported() {
        let finished = run(&mut shell("kill -ABRT $$"), limits(10_000, 100)).expect("run sh");
        assert_eq!(finished.ending, Ending::Signaled(libc::SIGABRT));
    }
}
