use std::collections::HashSet;
use std::thread;

use spawn_join::{checksum, checksum_all};

fn buffers() -> Vec<Vec<u8>> {
    (0..6_u8).map(|i| vec![i; 1000 + usize::from(i)]).collect()
}

#[test]
fn the_answers_are_right_and_in_order() {
    let expected: Vec<u64> = buffers().iter().map(|buffer| checksum(buffer)).collect();
    let answers: Vec<u64> = checksum_all(buffers()).iter().map(|c| c.value).collect();
    assert_eq!(answers, expected);
}

#[test]
fn every_buffer_gets_a_thread_of_its_own() {
    let answers = checksum_all(buffers());
    let threads: HashSet<_> = answers.iter().map(|c| c.thread).collect();
    assert!(
        !threads.contains(&thread::current().id()),
        "a checksum was computed on the calling thread: spawn a thread for each buffer"
    );
    assert_eq!(
        threads.len(),
        answers.len(),
        "{} buffers were checksummed on {} threads: spawn one thread per buffer",
        answers.len(),
        threads.len()
    );
}

#[test]
fn no_buffers_no_threads() {
    assert!(checksum_all(Vec::new()).is_empty());
}
