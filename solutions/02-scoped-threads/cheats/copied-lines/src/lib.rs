//! Exercise 02 · threads · scoped threads borrowing local data: a cheat (copied-lines).

use std::thread;

/// Counts the lines that `is_match` accepts, on `threads` threads that borrow `lines`.
///
/// With fewer lines than threads, a thread per line is enough; with no lines, none at all.
pub fn count_matching_lines(
    lines: &[String],
    threads: usize,
    is_match: impl Fn(&str) -> bool + Sync,
) -> usize {
    if lines.is_empty() {
        return 0; // `chunks(0)` would panic, and there is nothing to count anyway
    }
    let per_thread = lines.len().div_ceil(threads.max(1));
    // A shared reference to the closure is `Send` because the closure is `Sync`: every thread
    // calls the same one, none owns it.
    let is_match = &is_match;
    thread::scope(|scope| {
        // Start every thread first. `collect` matters: `map` is lazy, so without it each thread
        // would be spawned and joined in turn by the `sum` below, one after another.
        let counting: Vec<_> = lines
            .chunks(per_thread) // slices of the caller's lines: borrowed, not copied
            .map(|part| {
                // A copy of the part, so the thread owns its lines.
                let part = part.to_vec();
                scope.spawn(move || part.iter().filter(|line| is_match(line)).count())
            })
            .collect();
        counting
            .into_iter()
            // `join` is `Err` only if `is_match` panicked; pass that panic on to our caller.
            .map(|thread| thread.join().expect("a counting thread panicked"))
            .sum()
    }) // every thread has been joined here, so no borrow of `lines` outlives this call
}
