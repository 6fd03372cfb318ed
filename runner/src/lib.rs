//! The one way the course's tools start another program: the grader (cargo, compiled checks),
//! the book (lessons whose output it captures), the bench (the Python originals, copies of
//! itself) and the lessons' smoke tests. It is why they survive whatever that program does:
//!
//! - **Deadlocks and endless loops**: every program gets a time limit. Each runs in a process
//!   group of its own, so at the limit the whole tree goes (a check that ran cargo that ran rustc,
//!   a learner's program that spawned children), not just the direct child. A caller can look at
//!   the program before it is killed ([`Runner::on_time_up`]), to tell a deadlock from a loop.
//! - **Children left behind**: once the program ends, what is left of its group is killed too, so
//!   an orphan can neither outlive the run nor hold its pipes open.
//! - **Floods of output**: stdout and stderr are read on threads of their own as they arrive (a
//!   full pipe nobody reads would block the program for ever: a deadlock of our own making). The
//!   first `output_cap` bytes of each are kept, and on request the last few; what lies between is
//!   counted and dropped. A caller can also watch the output as it comes ([`Runner::on_stdout`]),
//!   and end the program early when it has seen enough ([`Runner::stop_with`]).
//! - **Runaway memory**: on request, a limit on the program's data ([`Runner::memory_limit`]), so
//!   a runaway allocation fails inside the program instead of taking the machine.
//! - **Ctrl-C**: programs in process groups of their own don't get the terminal's Ctrl-C, so the
//!   runner catches it (and SIGTERM, SIGHUP, SIGQUIT), kills every group it is running, and exits
//!   as that signal would have ended it. A signal that comes while a program is being started
//!   waits until the program's group is known, so no child is ever left behind.
//!
//! The program's stdin is empty: one waiting for input would otherwise wait for ever.

mod capture;
mod interrupt;

use std::fmt;
use std::io;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

pub use capture::Captured;
use capture::{Caps, Chunks, Lines, Reader, Sink};

/// How long and how loud a program may be: the bounds every caller chooses.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long it may run before it is killed, with everything it started.
    pub timeout: Duration,
    /// Bytes kept from the start of each of stdout and stderr.
    pub output_cap: usize,
}

/// How a program ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It exited with this code.
    Exited(i32),
    /// A signal ended it (SIGABRT from `abort`, SIGSEGV from a stack overflow, SIGKILL from the
    /// kernel out of memory, ...).
    Signaled(i32),
    /// It outlived its time limit and was killed, with everything it started.
    TimedOut,
}

impl Ending {
    pub fn success(self) -> bool {
        self == Ending::Exited(0)
    }

    /// The same ending as std's `ExitStatus`, for callers that pass one on; `None` if it timed
    /// out, which std has no word for.
    pub fn exit_status(self) -> Option<ExitStatus> {
        // A wait status as the kernel encodes it: the exit code in the second byte, or the
        // number of the signal that ended the process in the first.
        match self {
            Ending::Exited(code) => Some(ExitStatus::from_raw((code & 0xff) << 8)),
            Ending::Signaled(signal) => Some(ExitStatus::from_raw(signal)),
            Ending::TimedOut => None,
        }
    }

    fn of(status: ExitStatus) -> Ending {
        match (status.code(), status.signal()) {
            (Some(code), _) => Ending::Exited(code),
            (None, Some(signal)) => Ending::Signaled(signal),
            // Only a stopped or continued process has neither, and `wait` reports neither.
            (None, None) => Ending::Exited(-1),
        }
    }
}

/// As std says it ("exit status: 1", "signal: 6 (SIGABRT)"), or "timed out".
impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.exit_status() {
            Some(status) => status.fmt(f),
            None => f.write_str("timed out"),
        }
    }
}

/// What a program printed, and how it ended.
#[derive(Debug, Clone)]
pub struct Finished {
    pub ending: Ending,
    pub stdout: Captured,
    pub stderr: Captured,
}

/// A program still running at its time limit, just before it is killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Running {
    /// Its process id, which is also the id of its process group (under `/proc` on Linux).
    pub pid: u32,
}

/// Ends a running program early, from any thread: a watcher of its output that has seen enough (a
/// failed test when one failure is all that is reported, a flood). Clones share one switch.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<StopState>);

#[derive(Debug, Default)]
struct StopState {
    /// When the program is to be ended, once asked.
    at: Mutex<Option<Instant>>,
    /// Whether the runner ended the program because of it.
    ended: AtomicBool,
}

impl Stop {
    pub fn new() -> Self {
        Stop::default()
    }

    /// Asks for the program to be ended, with everything it started; the runner does it within a
    /// poll (at most 25 ms). Asked before the program starts, it ends the program as it starts.
    pub fn now(&self) {
        self.after(Duration::ZERO);
    }

    /// Asks for the program to be ended `delay` from now, unless it ends first (a program about
    /// to crash on its own says more than one killed). An earlier request stands.
    pub fn after(&self, delay: Duration) {
        let at = Instant::now() + delay;
        let mut when = self.0.at.lock().unwrap_or_else(PoisonError::into_inner);
        if when.is_none_or(|earlier| at < earlier) {
            *when = Some(at);
        }
    }

    /// Whether the runner ended the program because of this switch: how a caller tells its own
    /// kill from a crash.
    pub fn ended_it(&self) -> bool {
        self.0.ended.load(Ordering::Relaxed)
    }

    /// Whether the time to end the program has come.
    fn is_due(&self) -> bool {
        let when = self.0.at.lock().unwrap_or_else(PoisonError::into_inner);
        when.is_some_and(|at| Instant::now() >= at)
    }

    fn mark_ended(&self) {
        // Only the flag crosses threads; nothing else is published with it.
        self.0.ended.store(true, Ordering::Relaxed);
    }
}

/// Runs `command` to its end or to its time limit, keeping the first `output_cap` bytes of its
/// stdout and of its stderr. `Err` only if it could not be started (or waited for).
pub fn run(command: &mut Command, limits: Limits) -> io::Result<Finished> {
    Runner::new(limits).run(command)
}

/// [`run`] with more to it: a tail of the output kept, output watched as it arrives, a memory
/// limit, a look at a program that ran out of time.
pub struct Runner<'a> {
    limits: Limits,
    tail_cap: usize,
    memory_limit: Option<u64>,
    stdout_sink: Option<Box<dyn Sink>>,
    stderr_sink: Option<Box<dyn Sink>>,
    on_time_up: Option<Box<dyn FnOnce(Running) + 'a>>,
    stop: Option<Stop>,
}

/// How often to look whether the program has ended: often at first, so quick programs return
/// quickly, then less, so a long one costs no CPU.
const FIRST_POLL: Duration = Duration::from_millis(1);
const LONGEST_POLL: Duration = Duration::from_millis(25);

/// How long the readers may take to see the pipes close once the program's group is gone.
/// Closing takes microseconds; only a process that left the group (a daemon) can hold a pipe
/// longer, and what had arrived by then is what is reported.
const DRAIN_PATIENCE: Duration = Duration::from_secs(2);

impl<'a> Runner<'a> {
    pub fn new(limits: Limits) -> Self {
        Runner {
            limits,
            tail_cap: 0,
            memory_limit: None,
            stdout_sink: None,
            stderr_sink: None,
            on_time_up: None,
            stop: None,
        }
    }

    /// Also keep the last `bytes` of each stream, past the output cap (in [`Captured::tail`]), so
    /// a flood shows both how it began and how it ended.
    pub fn keep_tail(mut self, bytes: usize) -> Self {
        self.tail_cap = bytes;
        self
    }

    /// Limits the program's data (heap, thread stacks and other private writable memory:
    /// `RLIMIT_DATA`) to `bytes`, for it and for every process it starts, from its first
    /// instruction; an allocation past it fails inside the program (Rust aborts with "memory
    /// allocation of N bytes failed").
    ///
    /// Linux only: elsewhere the program runs without the limit. Setting a limit in the child
    /// before `exec` takes unsafe code, so the child inherits it instead: for the instant of the
    /// spawn, this process's own soft limit is lowered to `bytes` (no other program is started
    /// meanwhile), then put back. A caller whose own data is near `bytes` would feel it.
    pub fn memory_limit(mut self, bytes: u64) -> Self {
        self.memory_limit = Some(bytes);
        self
    }

    /// Calls `on_chunk` with stdout's bytes as they arrive, all of them, even past the cap. It
    /// runs on the reader's thread: a slow one slows the program's output down.
    pub fn on_stdout(mut self, on_chunk: impl FnMut(&[u8]) + Send + 'static) -> Self {
        self.stdout_sink = Some(Box::new(Chunks(on_chunk)));
        self
    }

    /// [`Runner::on_stdout`] for stderr.
    pub fn on_stderr(mut self, on_chunk: impl FnMut(&[u8]) + Send + 'static) -> Self {
        self.stderr_sink = Some(Box::new(Chunks(on_chunk)));
        self
    }

    /// Calls `on_line` with each line of stdout as it arrives (without its newline, and a line of
    /// a megabyte in pieces). Replaces [`Runner::on_stdout`].
    pub fn on_stdout_line(mut self, on_line: impl FnMut(&str) + Send + 'static) -> Self {
        self.stdout_sink = Some(Box::new(Lines::new(on_line)));
        self
    }

    /// [`Runner::on_stdout_line`] for stderr. Replaces [`Runner::on_stderr`].
    pub fn on_stderr_line(mut self, on_line: impl FnMut(&str) + Send + 'static) -> Self {
        self.stderr_sink = Some(Box::new(Lines::new(on_line)));
        self
    }

    /// Lets `stop` end the program early ([`Stop::now`], [`Stop::after`]), as its time limit would
    /// but without [`Runner::on_time_up`]'s look. A program stopped so is reported as killed
    /// (`Ending::Signaled(9)`), and [`Stop::ended_it`] says so.
    pub fn stop_with(mut self, stop: Stop) -> Self {
        self.stop = Some(stop);
        self
    }

    /// Calls `look` when the program reaches its time limit, while it (and its group) still run;
    /// it is killed once `look` returns.
    pub fn on_time_up(mut self, look: impl FnOnce(Running) + 'a) -> Self {
        self.on_time_up = Some(Box::new(look));
        self
    }

    /// Runs `command` as set up, to its end or its time limit.
    pub fn run(self, command: &mut Command) -> io::Result<Finished> {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // A group of its own, whose id is its pid: what is killed in one go.
            .process_group(0);
        let memory_limit = self.memory_limit;
        let (mut child, group) = interrupt::spawn_in_group(command, |spawn| match memory_limit {
            Some(bytes) => with_inherited_memory_limit(bytes, spawn),
            None => spawn(),
        })?;

        let caps = Caps {
            head: self.limits.output_cap,
            tail: self.tail_cap,
        };
        let stdout = Reader::start(child.stdout.take(), caps, self.stdout_sink);
        let stderr = Reader::start(child.stderr.take(), caps, self.stderr_sink);
        let waited = wait_within(
            &mut child,
            self.limits.timeout,
            self.on_time_up,
            self.stop.as_ref(),
        );
        // Whether it ended or ran out of time, its whole group goes now: on time, orphans it left
        // would hold the pipes open and outlive the run; past it, this is the kill.
        group.kill();
        drop(group);
        let ending = match waited {
            Ok(Waited::Ended(status)) => Ending::of(status),
            Ok(Waited::Stopped) => {
                // Reap the killed child, so it leaves no zombie; how it ended is the kill's doing.
                Ending::of(child.wait()?)
            }
            Ok(Waited::TimedOut) => {
                // Reap the killed child, so it leaves no zombie.
                child.wait()?;
                Ending::TimedOut
            }
            Err(error) => {
                let _ = child.wait();
                return Err(error);
            }
        };

        let patience_ends = Instant::now() + DRAIN_PATIENCE;
        Ok(Finished {
            ending,
            stdout: stdout.finish(patience_ends),
            stderr: stderr.finish(patience_ends),
        })
    }
}

/// How the wait for a program ended; in all but the first, the program is still to be killed.
enum Waited {
    Ended(ExitStatus),
    Stopped,
    TimedOut,
}

/// Waits for the child to end, for `stop`, or for `timeout` to pass (after `on_time_up` had its
/// look), whichever comes first.
fn wait_within(
    child: &mut Child,
    timeout: Duration,
    on_time_up: Option<Box<dyn FnOnce(Running) + '_>>,
    stop: Option<&Stop>,
) -> io::Result<Waited> {
    let deadline = Instant::now() + timeout;
    let mut pause = FIRST_POLL;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Waited::Ended(status));
        }
        if let Some(stop) = stop.filter(|stop| stop.is_due()) {
            stop.mark_ended();
            return Ok(Waited::Stopped);
        }
        let now = Instant::now();
        if now >= deadline {
            if let Some(look) = on_time_up {
                look(Running { pid: child.id() });
            }
            return Ok(Waited::TimedOut);
        }
        thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(LONGEST_POLL);
    }
}

/// Runs `spawn` with this process's soft data limit at `bytes` (no higher than its hard one), so
/// that the child starts with it, then puts the limit back.
#[cfg(target_os = "linux")]
fn with_inherited_memory_limit(
    bytes: u64,
    spawn: &mut dyn FnMut() -> io::Result<Child>,
) -> io::Result<Child> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let ours = getrlimit(Resource::Data);
    let lowered = Rlimit {
        current: Some(ours.maximum.map_or(bytes, |maximum| maximum.min(bytes))),
        maximum: ours.maximum,
    };
    setrlimit(Resource::Data, lowered)?;
    let spawned = spawn();
    // A soft limit may always be raised back up to the hard one, which is unchanged.
    let _ = setrlimit(Resource::Data, ours);
    spawned
}

#[cfg(not(target_os = "linux"))]
fn with_inherited_memory_limit(
    _bytes: u64,
    spawn: &mut dyn FnMut() -> io::Result<Child>,
) -> io::Result<Child> {
    spawn()
}
