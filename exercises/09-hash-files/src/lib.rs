//! Exercise 09 · processes · the original's hash_file: files on disk, on every core
//!
//! Lesson: `cargo run -p lesson-processes -- --section 6` ("The original's hash_file: rayon over
//! file paths")
//!
//! `hash_files` gives the SHA-256 of every file in `paths`, as the 64 hex digits `sha256sum`
//! prints, in the order of `paths`. It has three problems:
//! 1. it hashes one file after another on the calling thread, so one core does all the work and
//!    a file that is slow to read holds up every file after it;
//! 2. it reads each file into memory whole before hashing it: a 10 GB file needs 10 GB;
//! 3. a file that cannot be read (missing, a folder, no permission) ends the whole program.
//!
//! Hash the files on rayon's threads, each one read and hashed a piece at a time (a SHA-256 can be
//! fed its input in as many pieces as you like), and report a file that cannot be read as the
//! `Err` in its own place, while every other file is hashed.
//!
//! The checks compare the digests with known ones; give it a missing file and a folder among good
//! files; hash a 24 MiB file while counting the bytes allocated (no more than 4 MiB may be at
//! once); and give it two named pipes (Unix FIFOs), writing to the second only once it is open and
//! to the first only after that: hashed one after another, the first waits for ever for data that
//! comes only once the second has been opened, so the check gives up after two seconds and says
//! so. On a machine with a single core that check is skipped, and says so. They need a Unix
//! `mkfifo`.
//!
//! Grade it with `cargo xtask check hash-files`; `cargo xtask hint hash-files` when stuck.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::PathBuf;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

/// Every file's SHA-256 as hex, or why it could not be read, in the order of `paths`.
pub fn hash_files(paths: &[PathBuf]) -> Vec<io::Result<String>> {
    // TODO (1, 2, 3): one file after another, each read whole, and the first that cannot be read
    // ends everything.
    paths
        .iter()
        .map(|path| {
            let bytes = fs::read(path).expect("every file can be read");
            Ok(hex(&Sha256::digest(&bytes)))
        })
        .collect()
}

/// A digest as the hexadecimal digits `sha256sum` prints.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}
