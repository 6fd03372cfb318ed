//! What a check program is doing when it runs out of time: a deadlock (every thread waits, none
//! runs), an endless loop (a thread burns a core), or a flood (its output keeps growing). Read
//! from the process itself just before it is killed: on Linux, `/proc` holds every thread of every
//! process in its group, with its state, the CPU time it used and where in the kernel it waits.
//! Elsewhere there is nothing to read, and the grader says plainly that it timed out.
//!
//! Where in *its own code* each thread waits (function and line) would take unwinding another
//! process's stacks, which no well-kept crate does without system libraries (libunwind, elfutils):
//! so threads are named and their states given instead.

use std::collections::BTreeMap;
use std::time::Duration;

/// How long the program is watched before the verdict: long enough for a looping thread to show
/// on the kernel's 10 ms clock, short enough that nobody notices it.
pub const WINDOW: Duration = Duration::from_millis(300);

/// Output that grows by this much in the window is a flood, whatever the threads do; a few lines
/// (a heartbeat, a progress line) are not.
const FLOODING: u64 = 64 << 10;

/// A thread that used this share of a core in the window is running, not waiting. On a busy
/// machine a looping thread may get little of a core; it is still seen runnable (`R`) each time.
const BURNING: f64 = 0.05;

/// One thread as `/proc` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Thread {
    pub pid: u32,
    pub tid: u32,
    /// Its name (at most 15 bytes: the kernel cuts longer ones).
    pub name: String,
    /// `R` running, `S` sleeping, `D` waiting on a disk, `T` stopped, `Z` a zombie, ...
    pub state: char,
    /// Where in the kernel it waits (`futex_wait_queue`, `do_epoll_wait`), if it does.
    pub waits_in: Option<String>,
    /// CPU time used so far, in clock ticks.
    pub ticks: u64,
}

/// What the program was doing at its time limit.
#[derive(Debug, Clone, PartialEq)]
pub enum Hang {
    /// Its output kept growing, fast.
    Flood,
    /// These threads used a core's worth of CPU between the two looks (name, share of a core).
    Loop { burning: Vec<(String, f64)> },
    /// No thread ran: they all wait.
    Deadlock { waiting: Vec<Thread> },
    /// Nothing could be read (not Linux, or the program ended meanwhile).
    Unknown,
}

/// Looks at the program twice, [`WINDOW`] apart, and says what it is doing. `printed` is how many
/// bytes it had printed so far; the harness's main thread (`harness`, the program's own pid) is
/// libtest waiting for its tests, not a test.
pub fn diagnose(group: u32, printed: impl Fn() -> u64) -> Hang {
    let printed_before = printed();
    let before = threads_of_group(group);
    std::thread::sleep(WINDOW);
    let after = threads_of_group(group);
    let grew = printed().saturating_sub(printed_before);
    classify(group, &before, &after, grew)
}

/// What the program is doing, from its threads before and after the window and how many bytes it
/// printed in between; `harness` is the thread of libtest's own that waits for the tests.
fn classify(harness: u32, before: &[Thread], after: &[Thread], grew: u64) -> Hang {
    if after.is_empty() {
        return Hang::Unknown;
    }
    if grew >= FLOODING {
        return Hang::Flood;
    }
    let earlier: BTreeMap<u32, &Thread> = before.iter().map(|t| (t.tid, t)).collect();
    let window_ticks = WINDOW.as_secs_f64() * TICKS_PER_SECOND;
    let mut burning: Vec<(String, f64)> = after
        .iter()
        .filter_map(|thread| {
            let was = earlier.get(&thread.tid)?;
            let used = thread.ticks.saturating_sub(was.ticks);
            let share = used as f64 / window_ticks;
            let runnable = thread.state == 'R' && was.state == 'R';
            (share >= BURNING || runnable).then(|| (thread.name.clone(), share))
        })
        .collect();
    if !burning.is_empty() {
        burning.sort_by(|a, b| b.1.total_cmp(&a.1));
        return Hang::Loop { burning };
    }
    let waiting = after
        .iter()
        .filter(|thread| thread.tid != harness && thread.state != 'Z')
        .cloned()
        .collect();
    Hang::Deadlock { waiting }
}

/// The kernel's clock for CPU times in `/proc` (USER_HZ), which is 100 on every Linux that Rust
/// supports; `sysconf` would say the same at the cost of unsafe code.
const TICKS_PER_SECOND: f64 = 100.0;

/// Every thread of every process in process group `group`; none off Linux.
pub fn threads_of_group(group: u32) -> Vec<Thread> {
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut threads = Vec::new();
    for pid in processes
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
    {
        let Some(stat) = read(&format!("/proc/{pid}/stat")).and_then(|s| Stat::parse(&s)) else {
            continue;
        };
        if stat.group != group {
            continue;
        }
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
            continue;
        };
        for tid in tasks
            .flatten()
            .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        {
            let task = format!("/proc/{pid}/task/{tid}");
            let Some(stat) = read(&format!("{task}/stat")).and_then(|s| Stat::parse(&s)) else {
                continue;
            };
            let waits_in = read(&format!("{task}/wchan"))
                .map(|wchan| wchan.trim().to_string())
                .filter(|wchan| !wchan.is_empty() && wchan != "0");
            threads.push(Thread {
                pid,
                tid,
                name: stat.name,
                state: stat.state,
                waits_in,
                ticks: stat.ticks,
            });
        }
    }
    threads.sort_by_key(|thread| (thread.pid, thread.tid));
    threads
}

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// The fields of a `/proc/.../stat` line the grader needs.
struct Stat {
    name: String,
    state: char,
    group: u32,
    ticks: u64,
}

impl Stat {
    /// `pid (name) state ppid pgrp ... utime stime ...`: the name may hold spaces and
    /// parentheses, so the fields are counted from its last `)`.
    fn parse(line: &str) -> Option<Stat> {
        let open = line.find('(')?;
        let close = line.rfind(')')?;
        let name = line.get(open + 1..close)?.to_string();
        let fields: Vec<&str> = line.get(close + 1..)?.split_whitespace().collect();
        // Counted from the state, field 3 of proc(5): pgrp is 5, utime 14, stime 15.
        let state = fields.first()?.chars().next()?;
        let group = fields.get(2)?.parse().ok()?;
        let utime: u64 = fields.get(11)?.parse().ok()?;
        let stime: u64 = fields.get(12)?.parse().ok()?;
        Some(Stat {
            name,
            state,
            group,
            ticks: utime + stime,
        })
    }
}

/// What a thread waits for, in a learner's words, from where in the kernel it waits.
pub fn waiting_for(thread: &Thread) -> &'static str {
    let Some(wchan) = thread.waits_in.as_deref() else {
        return match thread.state {
            'R' => "running",
            'T' | 't' => "stopped",
            _ => "waiting",
        };
    };
    if wchan.contains("futex") {
        "waiting on a lock, a channel, a join or a condition"
    } else if wchan.contains("epoll") || wchan.contains("poll") || wchan.contains("select") {
        "waiting for I/O or a timer (an async runtime with nothing to do)"
    } else if wchan.contains("nanosleep") || wchan.contains("hrtimer") {
        "sleeping"
    } else if wchan.contains("pipe") {
        "waiting to read or write a pipe"
    } else if wchan.contains("wait") && !wchan.contains("sk_wait") {
        "waiting for a child process"
    } else if wchan.contains("sk_") || wchan.contains("inet") || wchan.contains("tcp") {
        "waiting on a socket"
    } else {
        "waiting"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread(tid: u32, name: &str, state: char, ticks: u64) -> Thread {
        Thread {
            pid: 1,
            tid,
            name: name.to_string(),
            state,
            waits_in: Some("futex_wait_queue".to_string()),
            ticks,
        }
    }

    #[test]
    fn stat_lines_are_read_past_names_with_spaces_and_parentheses() {
        let line = "42 (my (odd) name) S 1 40 40 0 -1 4194304 1 0 0 0 7 3 0 0 20 0 2 0 1 0 0";
        let stat = Stat::parse(line).expect("a stat line");
        assert_eq!(stat.name, "my (odd) name");
        assert_eq!((stat.state, stat.group, stat.ticks), ('S', 40, 10));
    }

    #[test]
    fn a_thread_using_a_core_is_a_loop_and_idle_threads_a_deadlock() {
        let before = [thread(1, "check", 'S', 5), thread(2, "spins", 'R', 100)];
        let spinning = [thread(1, "check", 'S', 5), thread(2, "spins", 'R', 128)];
        assert_eq!(
            classify(1, &before, &spinning, 0),
            Hang::Loop {
                burning: vec![("spins".to_string(), 28.0 / 30.0)]
            }
        );
        let idle = [thread(1, "check", 'S', 5), thread(2, "waits", 'S', 100)];
        assert_eq!(
            classify(1, &before, &idle, 100),
            Hang::Deadlock {
                waiting: vec![thread(2, "waits", 'S', 100)]
            }
        );
        assert_eq!(classify(1, &before, &idle, FLOODING), Hang::Flood);
        assert_eq!(classify(1, &before, &[], 0), Hang::Unknown);
    }

    #[test]
    fn waits_are_named_in_plain_words() {
        let mut sleeping = thread(1, "t", 'S', 0);
        sleeping.waits_in = Some("hrtimer_nanosleep".to_string());
        assert_eq!(waiting_for(&sleeping), "sleeping");
        sleeping.waits_in = Some("futex_wait_queue".to_string());
        assert!(waiting_for(&sleeping).contains("lock"));
        sleeping.waits_in = None;
        assert_eq!(waiting_for(&sleeping), "waiting");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_threads_of_a_real_group_are_found() {
        // This test process's own group holds this very thread, which is running.
        let own = read("/proc/self/stat").and_then(|line| Stat::parse(&line));
        let group = own.expect("this process's stat").group;
        let me: u32 = std::fs::read_link("/proc/thread-self")
            .expect("/proc/thread-self")
            .file_name()
            .and_then(|tid| tid.to_str()?.parse().ok())
            .expect("a thread id");
        let threads = threads_of_group(group);
        let found = threads.iter().find(|t| t.tid == me).expect("this thread");
        assert_eq!(found.state, 'R');
        assert_eq!(found.pid, std::process::id());
    }
}
