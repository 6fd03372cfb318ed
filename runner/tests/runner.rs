//! The runner's promises, each tried on a real program: `sh` scripts, and this very test binary
//! started again as a helper for what must happen in a process of its own (a signal ends it).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use runner::{Ending, Limits, Runner, Stop, run};

fn limits(timeout: Duration, output_cap: usize) -> Limits {
    Limits {
        timeout,
        output_cap,
    }
}

/// Long enough that a program ending on its own is never taken for a hung one.
const PLENTY: Duration = Duration::from_secs(60);

fn shell(script: &str) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", script]);
    command
}

#[test]
fn output_and_exit_code_are_captured() {
    let finished = run(
        &mut shell("echo out; echo err >&2; exit 3"),
        limits(PLENTY, 100),
    )
    .expect("run sh");
    assert_eq!(finished.ending, Ending::Exited(3));
    assert_eq!(finished.ending.to_string(), "exit status: 3");
    assert_eq!(finished.stdout.text, "out\n");
    assert_eq!(finished.stderr.text, "err\n");
    assert_eq!(finished.stdout.dropped, 0);
}

#[test]
fn a_signal_that_ends_the_program_is_reported() {
    let finished = run(&mut shell("kill -ABRT $$"), limits(PLENTY, 100)).expect("run sh");
    assert_eq!(finished.ending, Ending::Signaled(6));
    let status = finished.ending.exit_status().expect("not a timeout");
    assert_eq!(status.code(), None);
    assert!(finished.ending.to_string().contains("SIGABRT"));
}

#[test]
fn stdin_is_empty() {
    // A program reading stdin sees its end at once, instead of waiting for a terminal.
    let finished = run(
        &mut shell("if read line; then echo \"read: $line\"; else echo end; fi"),
        limits(PLENTY, 100),
    )
    .expect("run sh");
    assert_eq!(finished.stdout.text, "end\n");
}

#[test]
fn a_program_past_its_time_limit_is_killed_with_its_whole_tree() {
    // The child prints its group's id, starts a grandchild, and both would sleep for an hour.
    let started = Instant::now();
    let finished = run(
        &mut shell("echo $$; sleep 3600 & sleep 3600"),
        limits(Duration::from_millis(300), 100),
    )
    .expect("run sh");
    assert_eq!(finished.ending, Ending::TimedOut);
    assert_eq!(finished.ending.exit_status(), None);
    assert!(started.elapsed() < Duration::from_secs(30));
    let group = printed_pid(&finished.stdout.text);
    assert_eq!(live_members_soon(group), Vec::<u32>::new());
}

#[test]
fn the_caller_sees_the_program_still_running_at_its_time_limit() {
    let seen = Mutex::new(None);
    let finished = Runner::new(limits(Duration::from_millis(200), 100))
        .on_time_up(|running| {
            // What a grader samples before the kill: the program is there, and not yet a zombie.
            let alive = !live_members(running.pid).is_empty();
            *seen.lock().expect("not poisoned") = Some((running.pid, alive));
        })
        .run(&mut shell("echo $$; exec sleep 3600"))
        .expect("run sh");
    assert_eq!(finished.ending, Ending::TimedOut);
    let printed = printed_pid(&finished.stdout.text);
    assert_eq!(
        seen.into_inner().expect("not poisoned"),
        Some((printed, true))
    );
}

#[test]
fn a_grandchild_holding_the_pipes_does_not_hold_the_result() {
    // `sh` ends at once, but the `sleep` it left would keep stdout open for an hour.
    let started = Instant::now();
    let finished = run(&mut shell("sleep 3600 & echo $$"), limits(PLENTY, 100)).expect("run sh");
    assert_eq!(finished.ending, Ending::Exited(0));
    assert!(started.elapsed() < Duration::from_secs(30));
    // And the grandchild is gone with its group.
    let group = printed_pid(&finished.stdout.text);
    assert_eq!(live_members_soon(group), Vec::<u32>::new());
}

/// 16 MiB: far more than a pipe holds, so an unread pipe would block the program for ever.
const FLOOD: usize = 16 << 20;

#[test]
fn a_flood_of_output_is_capped_and_does_not_block() {
    let finished = run(
        &mut shell(&format!("head -c {FLOOD} /dev/zero")),
        limits(PLENTY, 1000),
    )
    .expect("run sh");
    assert_eq!(finished.ending, Ending::Exited(0));
    assert_eq!(finished.stdout.text.len(), 1000);
    assert_eq!(finished.stdout.dropped, FLOOD - 1000);
    assert_eq!(finished.stdout.tail, "");
}

#[test]
fn a_flood_keeps_its_head_and_its_tail_when_asked() {
    // Numbered lines, so the head and the tail can be told apart.
    let finished = Runner::new(limits(PLENTY, 12))
        .keep_tail(13)
        .run(&mut shell("seq 1 100000"))
        .expect("run sh");
    assert_eq!(finished.stdout.text, "1\n2\n3\n4\n5\n6\n");
    assert_eq!(finished.stdout.tail, "99999\n100000\n");
    let total: usize = (1..=100_000).map(|n: u32| n.to_string().len() + 1).sum();
    assert_eq!(finished.stdout.dropped, total - 12 - 13);
    assert_eq!(finished.stdout.last_lines(1), "100000");
}

#[test]
fn output_is_watched_as_it_arrives_even_past_the_cap() {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let collecting = Arc::clone(&lines);
    let stderr_bytes = Arc::new(Mutex::new(0));
    let counting = Arc::clone(&stderr_bytes);
    let finished = Runner::new(limits(PLENTY, 2))
        .on_stdout_line(move |line| {
            collecting
                .lock()
                .expect("not poisoned")
                .push(line.to_string())
        })
        .on_stderr(move |chunk| *counting.lock().expect("not poisoned") += chunk.len())
        .run(&mut shell(&format!(
            "printf 'one\\ntwo\\nthree'; head -c {FLOOD} /dev/zero >&2"
        )))
        .expect("run sh");
    assert_eq!(finished.stdout.text, "on");
    assert_eq!(
        *lines.lock().expect("not poisoned"),
        ["one", "two", "three"]
    );
    assert_eq!(*stderr_bytes.lock().expect("not poisoned"), FLOOD);
}

#[test]
fn a_watcher_that_has_seen_enough_stops_the_program_and_its_tree() {
    // The program says it failed, then would sleep for an hour, with a grandchild doing the same.
    let stop = Stop::new();
    let watching = stop.clone();
    let started = Instant::now();
    let finished = Runner::new(limits(PLENTY, 100))
        .stop_with(stop.clone())
        .on_stderr_line(move |line| {
            if line == "FAILED" {
                watching.now();
            }
        })
        .run(&mut shell(
            "echo $$; sleep 3600 & echo FAILED >&2; sleep 3600",
        ))
        .expect("run sh");
    assert!(started.elapsed() < PLENTY / 2, "{:?}", started.elapsed());
    assert!(stop.ended_it());
    assert_eq!(finished.ending, Ending::Signaled(9));
    assert_eq!(finished.stderr.text, "FAILED\n");
    let group = finished
        .stdout
        .text
        .trim()
        .parse()
        .expect("sh printed its pid");
    assert_eq!(live_members_soon(group), Vec::<u32>::new());
}

#[test]
fn a_program_that_ends_within_a_stops_delay_ends_as_it_would() {
    // Asked to stop after a minute, the program ends on its own first: its own ending stands.
    let stop = Stop::new();
    stop.after(PLENTY);
    let finished = Runner::new(limits(PLENTY, 100))
        .stop_with(stop.clone())
        .run(&mut shell("kill -ABRT $$"))
        .expect("run sh");
    assert_eq!(finished.ending, Ending::Signaled(6));
    assert!(!stop.ended_it());
}

#[test]
fn a_stop_that_is_never_asked_for_changes_nothing() {
    let stop = Stop::new();
    let finished = Runner::new(limits(PLENTY, 100))
        .stop_with(stop.clone())
        .run(&mut shell("echo done; exit 4"))
        .expect("run sh");
    assert_eq!(finished.ending, Ending::Exited(4));
    assert!(!stop.ended_it());
}

#[cfg(target_os = "linux")]
#[test]
fn a_memory_limit_holds_from_the_first_instruction_for_the_program_and_what_it_starts() {
    // `ulimit -d` reports RLIMIT_DATA in KiB: the shell has it as it starts, and so does the
    // shell it starts.
    let finished = Runner::new(limits(PLENTY, 100))
        .memory_limit(64 << 20)
        .run(&mut shell("ulimit -d; sh -c 'ulimit -d'"))
        .expect("run sh");
    assert_eq!(finished.ending, Ending::Exited(0));
    assert_eq!(finished.stdout.text, "65536\n65536\n");
    // And this process has its own limit back.
    let ours = rustix::process::getrlimit(rustix::process::Resource::Data);
    assert_ne!(ours.current, Some(64 << 20));
}

#[test]
fn a_program_that_cannot_start_is_an_error() {
    let error = run(
        &mut Command::new("/nonexistent/program"),
        limits(PLENTY, 100),
    )
    .expect_err("no such program");
    assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
}

#[test]
fn ctrl_c_kills_the_running_programs_and_exits_as_interrupted() {
    let mut helper = start_helper("one", "");
    let group: u32 = first_line(&mut helper, "group ")
        .parse()
        .expect("the helper printed the group's id");
    signal(&helper, rustix::process::Signal::INT);
    let status = wait_for(&mut helper);
    assert_eq!(status.code(), Some(130), "exits as Ctrl-C would end it");
    assert_eq!(live_members_soon(group), Vec::<u32>::new());
}

#[test]
fn a_signal_during_a_spawn_leaves_no_program_behind() {
    // The helper starts programs in a loop, so a signal lands in the middle of a spawn about as
    // often as anywhere else. Each program carries a marker in its environment; one started but
    // not yet known to the signal's handler would survive it, marked.
    for attempt in 0..20_u64 {
        let marker = format!("{}-{attempt}", std::process::id());
        let mut helper = start_helper("loop", &marker);
        first_line(&mut helper, "looping");
        // A different moment in the loop each time.
        std::thread::sleep(Duration::from_micros(500 + attempt * 737));
        signal(&helper, rustix::process::Signal::TERM);
        let status = wait_for(&mut helper);
        assert_eq!(status.code(), Some(128 + 15), "attempt {attempt}");
        assert_eq!(
            live_marked_soon(&marker),
            Vec::<u32>::new(),
            "attempt {attempt}"
        );
    }
}

/// What the tests above start as a process of its own: `RUNNER_TEST_HELPER` says which part.
#[test]
#[ignore = "a helper that the signal tests start in a process of its own"]
fn signal_helper() {
    let marker = std::env::var(MARKER).unwrap_or_default();
    match std::env::var("RUNNER_TEST_HELPER").as_deref() {
        Ok("one") => {
            // Runs one program that would sleep for an hour, and tells its group's id.
            let finished = Runner::new(limits(Duration::from_secs(3600), 100))
                .on_stdout_line(|line| println!("group {line}"))
                .run(&mut shell("echo $$; sleep 3600 & sleep 3600"));
            panic!("the signal should have ended this process, not {finished:?}");
        }
        Ok("loop") => {
            println!("looping");
            loop {
                let mut command = Command::new("sleep");
                command.arg("3600").env(MARKER, &marker);
                let _ = run(&mut command, limits(Duration::from_millis(1), 100));
            }
        }
        _ => {}
    }
}

/// The environment variable that marks the helper's programs.
const MARKER: &str = "RUNNER_TEST_MARKER";

/// This test binary, started again to run only [`signal_helper`], in `mode`.
fn start_helper(mode: &str, marker: &str) -> Child {
    Command::new(std::env::current_exe().expect("the test binary's path"))
        .args([
            "signal_helper",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("RUNNER_TEST_HELPER", mode)
        .env(MARKER, marker)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the helper")
}

/// What follows `prefix` on the first line of the helper's stdout that has it (libtest may have
/// begun the line with the test's name).
fn first_line(helper: &mut Child, prefix: &str) -> String {
    let stdout = helper.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    let found = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| Some(line.split_once(prefix)?.1.to_string()));
    // The rest of its output is not needed, but its pipe must stay open and read: a thread
    // drains it until the helper ends.
    std::thread::spawn(move || lines.for_each(drop));
    found.unwrap_or_else(|| panic!("the helper never printed {prefix:?}"))
}

fn signal(child: &Child, signal: rustix::process::Signal) {
    let pid = rustix::process::Pid::from_child(child);
    rustix::process::kill_process(pid, signal).expect("signal the helper");
}

/// The helper's exit status; it fails the test if the helper outlives the signal for a minute.
fn wait_for(helper: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + PLENTY;
    while Instant::now() < deadline {
        if let Some(status) = helper.try_wait().expect("wait for the helper") {
            return status;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = helper.kill();
    panic!("the helper outlived the signal");
}

/// The processes (not zombies) in process group `group`.
fn live_members(group: u32) -> Vec<u32> {
    live_processes(|pid| {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // After the command's name in parentheses: state, parent, group.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        Some(fields.get(2)?.parse::<u32>().ok()? == group)
    })
}

/// The processes (not zombies) whose environment holds `marker`.
fn live_marked(marker: &str) -> Vec<u32> {
    let wanted = format!("{MARKER}={marker}");
    live_processes(|pid| {
        let environment = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
        Some(
            environment
                .split(|&byte| byte == 0)
                .any(|entry| entry == wanted.as_bytes()),
        )
    })
}

/// The processes that are not zombies and for which `matches` says yes.
fn live_processes(matches: impl Fn(u32) -> Option<bool>) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("read /proc").flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|name| name.parse().ok())
        else {
            continue;
        };
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| {
                Some(
                    stat.rsplit_once(')')?
                        .1
                        .split_whitespace()
                        .next()?
                        .to_string(),
                )
            });
        let alive = state.is_some_and(|state| state != "Z" && state != "X");
        if alive && matches(pid) == Some(true) {
            found.push(pid);
        }
    }
    found
}

/// The pid a shell printed first thing (`echo $$`); it also names the group the runner made.
fn printed_pid(stdout: &str) -> u32 {
    stdout.trim().parse().expect("sh printed its pid")
}

/// SIGKILL takes effect as the kernel gets to it, not when `kill` returns: what is still alive a
/// few seconds on was not killed.
fn live_members_soon(group: u32) -> Vec<u32> {
    eventually_none(|| live_members(group))
}

fn live_marked_soon(marker: &str) -> Vec<u32> {
    eventually_none(|| live_marked(marker))
}

fn eventually_none(find: impl Fn() -> Vec<u32>) -> Vec<u32> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = find();
        if found.is_empty() || Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
