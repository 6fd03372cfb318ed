//! Exercise 02 · threads · scoped threads borrowing local data
//!
//! Lesson: `cargo run -p lesson-threads -- --section 1` ("Threads: spawn, join, scope")
//!
//! `count_matching_lines` counts the lines for which `is_match` says yes, and must share the work
//! among `threads` threads: split `lines` into `threads` contiguous parts (`chunks` of
//! `lines.len().div_ceil(threads)` lines does it), count each part on a thread of its own, all
//! running at once, and add up their counts. Neither `lines` nor `is_match` is `'static`: they
//! belong to the caller, so `std::thread::spawn` refuses them (try it, and read the error).
//! `std::thread::scope` accepts them, because it joins its threads before it returns.
//!
//! The checks look at the count, at which threads called `is_match` (exactly `threads` of them,
//! none of them yours, all alive at the same time: each is held at its first line until all have
//! started, for half a second at most), and at the address of every line `is_match` was shown:
//! each must be the caller's own `String`, seen once, so copying the lines for the threads
//! (`to_vec()`, `clone()`) fails. They cannot see *how* you split the lines, only that each thread
//! was given some of them.
//!
//! Grade it with `cargo xtask check scoped-threads`; `cargo xtask hint scoped-threads` when stuck.

/// Counts the lines that `is_match` accepts, on `threads` threads that borrow `lines`.
///
/// With fewer lines than threads, a thread per line is enough; with no lines, none at all.
pub fn count_matching_lines(
    lines: &[String],
    threads: usize,
    is_match: impl Fn(&str) -> bool + Sync,
) -> usize {
    // TODO: this counts on the calling thread, one line after another. Split `lines` into
    // `threads` parts and count each part on a scoped thread, then add the counts up. Start every
    // thread before joining any of them, or they run one after another.
    lines.iter().filter(|line| is_match(line)).count()
}
