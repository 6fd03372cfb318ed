//! Starting threads and getting their results back.
//!
//! `std::thread::spawn` runs a closure on a new OS thread and returns a `JoinHandle`. `join` waits
//! for the thread to finish and hands back whatever the closure returned, or `Err` if it panicked.
//! While one thread blocks (sleeps, reads a file, waits for a server) the others run: the
//! operating system schedules them, so blocking calls made on different threads overlap.
//!
//! A spawned thread may outlive the function that started it, so its closure must own everything
//! it touches (`move`, and the `'static` bound on `spawn`): it cannot borrow a local variable.
//! `std::thread::scope` lifts that rule. Every thread started inside a scope is joined before the
//! scope returns, so the compiler knows the threads end before the locals do, and lets them borrow.

use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use lesson_kit::measure::{format_duration, ideal_io_time};
use lesson_kit::{Timeline, Versus, narrate};

// ANCHOR: spawn_and_join
/// Three threads each make a blocking wait; `join` collects what each one returned.
pub fn wait_on_three_threads(timeline: &Timeline, wait: Duration) -> Vec<String> {
    let handles: Vec<thread::JoinHandle<String>> = (1..=3)
        .map(|number| {
            // The thread gets its own handle on the timeline: it may outlive this function.
            let timeline = timeline.clone();
            thread::spawn(move || {
                let _span = timeline.start(format!("thread {number}"));
                thread::sleep(wait); // stands in for any blocking call: a query, a file, a GET
                format!("thread {number} waited {}", format_duration(wait))
            })
        })
        .collect();
    handles
        .into_iter()
        // `join` is `Err` only if the thread panicked, which would be a bug here: pass it on.
        .map(|handle| handle.join().expect("a waiting thread panicked"))
        .collect()
}
// ANCHOR_END: spawn_and_join

// ANCHOR: scope
/// Counts the words in `lines` on `threads` threads, each borrowing its share of the lines.
pub fn count_words_in_scope(lines: &[&str], threads: usize) -> usize {
    let per_thread = lines.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|scope| {
        let handles: Vec<_> = lines
            .chunks(per_thread) // borrowed slices of `lines`: nothing is copied
            .map(|share| scope.spawn(move || count_words(share)))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a counting thread panicked"))
            .sum()
    }) // every thread of the scope has finished here, so `lines` was never borrowed too long
}
// ANCHOR_END: scope

pub fn count_words(lines: &[&str]) -> usize {
    lines
        .iter()
        .map(|line| line.split_whitespace().count())
        .sum()
}

pub fn demo(wait: Duration, threads: usize) -> Result<()> {
    narrate::claim(
        "Three blocking waits on three threads overlap: they take as long as one. `join` hands \
         back each thread's result, and `thread::scope` lets threads borrow local data.",
    );
    narrate::python(
        "threading.Thread(target=f).start() and t.join(), though Python's join returns nothing: \
         concurrent.futures' future.result() is the closer match.",
    );
    narrate::code(include_str!("spawn.rs"), "spawn_and_join");

    let timeline = Timeline::new();
    let started = Instant::now();
    let messages = wait_on_three_threads(&timeline, wait);
    let elapsed = started.elapsed();
    narrate::result("joined", messages.join("; "));
    narrate::result(
        "three waits on three threads",
        Versus::new(elapsed, ideal_io_time(3, wait, 3)),
    );
    timeline.print();

    narrate::say(
        "`thread::spawn` would refuse to let a thread borrow a local variable. The compiler's \
         own words, from this lesson's tests (tests/ui/spawn_borrows_local.rs):",
    );
    narrate::code(include_str!("../tests/ui/spawn_borrows_local.rs"), "borrow");
    let error = include_str!("../tests/ui/spawn_borrows_local.stderr");
    narrate::compiler_output(error);
    narrate::result("a borrow in thread::spawn", compiler_verdict(error));
    narrate::say("A scope makes the same borrow fine:");
    narrate::code(include_str!("spawn.rs"), "scope");

    // This very file is the text: every learner gets the same count.
    let source = include_str!("spawn.rs");
    let lines: Vec<&str> = source.lines().collect();
    let one_thread = count_words(&lines);
    let scoped = count_words_in_scope(&lines, threads);
    narrate::result(
        &format!(
            "words in spawn.rs, {} borrowing its lines",
            crate::threads(threads)
        ),
        format!("{scoped} (one thread alone counts {one_thread})"),
    );
    Ok(())
}

/// `refused at compile time: error[E0373]: ...` from the first error line of saved compiler output.
pub fn compiler_verdict(stderr: &str) -> String {
    let error = stderr
        .lines()
        .find(|line| line.starts_with("error"))
        .unwrap_or("no error recorded (run the lesson's compile_fail test)");
    format!("refused at compile time: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_hands_back_what_each_thread_returned() {
        let messages = wait_on_three_threads(&Timeline::new(), Duration::ZERO);
        assert_eq!(
            messages,
            [
                "thread 1 waited 0 ns",
                "thread 2 waited 0 ns",
                "thread 3 waited 0 ns"
            ]
        );
    }

    #[test]
    fn three_threads_each_record_a_span() {
        let timeline = Timeline::new();
        wait_on_three_threads(&timeline, Duration::from_millis(1));
        let mut labels: Vec<String> = timeline.spans().into_iter().map(|s| s.label).collect();
        labels.sort();
        assert_eq!(labels, ["thread 1", "thread 2", "thread 3"]);
    }

    #[test]
    fn scoped_threads_count_what_one_thread_counts() {
        let lines = ["one two", "three", "", "four five six", "seven"];
        assert_eq!(count_words(&lines), 7);
        for threads in [0, 1, 2, 3, 5, 10] {
            assert_eq!(
                count_words_in_scope(&lines, threads),
                7,
                "{threads} threads"
            );
        }
        assert_eq!(count_words_in_scope(&[], 4), 0);
    }
}
