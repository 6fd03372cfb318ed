//! The digests, their order, files that cannot be read, and whether the files are hashed at the
//! same time. (How much memory hashing a big file takes is checked in tests/memory.rs, a program
//! of its own, so that no other check's memory is counted.)

mod files;

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use files::{Scratch, sha256_hex};
use hash_files::hash_files;

/// The SHA-256 of no bytes at all, and of "abc", as `sha256sum` prints them.
const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

/// Results as text, so that a failed comparison reads well (an `io::Error` cannot be compared).
fn described(results: &[io::Result<String>]) -> Vec<Result<String, io::ErrorKind>> {
    results
        .iter()
        .map(|result| match result {
            Ok(digest) => Ok(digest.clone()),
            Err(error) => Err(error.kind()),
        })
        .collect()
}

#[test]
fn every_digest_is_right_and_in_the_order_of_the_paths() {
    let folder = Scratch::new("digests");
    let big = vec![7_u8; 3 * 1024 * 1024 + 5];
    let paths = vec![
        folder.file("abc.txt", b"abc"),
        folder.file("big.bin", &big),
        folder.file("empty", b""),
    ];
    let results = hash_files(&paths);
    assert_eq!(
        described(&results),
        [
            Ok(ABC.to_string()),
            Ok(sha256_hex(&big)),
            Ok(EMPTY.to_string())
        ],
        "one SHA-256 per path, in hex, in the order of the paths"
    );
}

#[test]
fn no_paths_give_no_digests() {
    assert!(hash_files(&[]).is_empty(), "no paths, no results");
}

#[test]
fn a_file_that_cannot_be_read_is_reported_and_the_rest_are_hashed() {
    let folder = Scratch::new("unreadable");
    let paths = vec![
        folder.file("abc.txt", b"abc"),
        folder.path().join("no-such-file"),
        folder.path().to_path_buf(), // a folder, not a file
        folder.file("empty", b""),
    ];
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| hash_files(&paths)));
    let Ok(results) = outcome else {
        panic!(
            "hash_files panicked on a missing file or a folder among the paths: a file that \
             cannot be read must be reported as the Err in its place, and every other file \
             hashed, not end everything"
        );
    };
    assert_eq!(
        results.len(),
        paths.len(),
        "{} results for {} paths: give one result per path, failures included, in their places",
        results.len(),
        paths.len()
    );
    let results = described(&results);
    assert_eq!(
        (&results[0], &results[3]),
        (&Ok(ABC.to_string()), &Ok(EMPTY.to_string())),
        "the readable files around the unreadable ones should be hashed: {results:?}"
    );
    assert_eq!(
        results[1],
        Err(io::ErrorKind::NotFound),
        "a missing file should be an Err of kind NotFound, in its place: {results:?}"
    );
    assert!(
        results[2].is_err(),
        "a folder cannot be hashed: it should be an Err, in its place: {results:?}"
    );
}

/// Two named pipes: the second is written to as soon as it is opened, the first only after that.
/// Hashed at the same time, the second is opened while the first still waits for its data; hashed
/// one after another, the first waits for data that would come only after the second is opened.
#[test]
fn files_are_hashed_at_the_same_time() {
    let cores = thread::available_parallelism().map_or(1, |cores| cores.get());
    if cores < 2 {
        eprintln!("skipped: this machine has one core, so rayon hashes one file at a time");
        return;
    }
    let folder = Scratch::new("fifos");
    let (first, second) = match (folder.fifo("first"), folder.fifo("second")) {
        (Ok(first), Ok(second)) => (first, second),
        (Err(error), _) | (_, Err(error)) => panic!("the check cannot make a named pipe: {error}"),
    };
    let (hashed, results) = mpsc::channel();
    thread::spawn({
        let paths = vec![first.clone(), second.clone()];
        move || {
            let _ = hashed.send(hash_files(&paths));
        }
    });
    // Opening a pipe for writing waits until the hashing opens it for reading.
    let (opened, second_opened) = mpsc::channel();
    thread::spawn(move || write_when_opened(&second, b"second", &opened));
    let at_once = second_opened.recv_timeout(Duration::from_secs(2)).is_ok();
    // Either way, the first pipe gets its data now, so that the hashing can end.
    let (unused, _) = mpsc::channel();
    thread::spawn(move || write_when_opened(&first, b"first", &unused));
    let results = results
        .recv_timeout(Duration::from_secs(10))
        .expect("hash_files returns once both pipes have had their data");
    assert!(
        at_once,
        "the second file was not opened while the first was still waiting for its data: the \
         files were hashed one after another, and a file that is slow to read held up every \
         file after it.\nHash them on rayon's threads, all at once."
    );
    assert_eq!(
        described(&results),
        [Ok(sha256_hex(b"first")), Ok(sha256_hex(b"second"))],
        "each pipe's digest, in the order of the paths"
    );
}

/// Opens the pipe at `path` for writing (which waits for a reader), says so on `opened`, and
/// writes `bytes` into it.
fn write_when_opened(path: &PathBuf, bytes: &[u8], opened: &mpsc::Sender<()>) {
    let Ok(mut pipe) = OpenOptions::new().write(true).open(path) else {
        return;
    };
    let _ = opened.send(()); // nobody may be listening any more: the check is over
    let _ = pipe.write_all(bytes); // a reader that went away: nothing to do about it
}
