//! The original's `hash_file`: files on disk, read in chunks, hashed on every core.
//!
//! The Python lesson this course follows hashes files with a `ProcessPoolExecutor`, mapping a
//! `hash_file` function over file *paths*: each worker opens its file and feeds it to `hashlib` in
//! 8 KiB chunks. Only a path goes to a worker and only a digest comes back, so little is pickled.
//!
//! In Rust it is rayon over the same paths. Each thread opens its file and streams it into a
//! `Sha256` a chunk at a time (`update` for each chunk, `finalize` at the end), so a file is
//! never in memory whole, however big. A file that is missing or cannot be read is an `Err` in
//! its own place among the results: reported, while every other file is hashed.
//!
//! The lesson makes its files in a folder of its own under the system's temporary folder, and a
//! [`ScratchFolder`] removes it when the section ends, fails or panics. Ctrl-C ends a program
//! without running anything, `Drop` included, so the next run first removes folders that runs no
//! longer alive left behind.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use lesson_kit::data::{Digest, deterministic_bytes, sha256};
use lesson_kit::measure::{format_bytes, format_duration, timed};
use lesson_kit::{narrate, system};
use rayon::prelude::*;
use sha2::{Digest as _, Sha256};

use crate::balance::{PIECES_PER_THREAD, capacity, percent, rate};

/// How much of a file is read at a time. The original reads 8 KiB; 64 KiB makes eight times
/// fewer system calls for the same bytes, and is still nothing like a whole file in memory.
pub const CHUNK_BYTES: usize = 64 * 1024;

// ANCHOR: hash_file
/// The SHA-256 of the file at `path`, read a chunk at a time.
pub fn hash_file(path: &Path) -> io::Result<Digest> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut chunk = vec![0_u8; CHUNK_BYTES];
    loop {
        match file.read(&mut chunk) {
            Ok(0) => return Ok(hasher.finalize().into()), // the end of the file
            Ok(read) => hasher.update(&chunk[..read]),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {} // a signal: read again
            Err(error) => return Err(error),
        }
    }
}
// ANCHOR_END: hash_file

// ANCHOR: hash_files
/// Every file's digest, or the error that stopped it, in the order of `paths`.
pub fn hash_files(paths: &[PathBuf]) -> Vec<io::Result<Digest>> {
    paths.par_iter().map(|path| hash_file(path)).collect()
}
// ANCHOR_END: hash_files

/// The same, one file after another on this thread.
pub fn hash_files_one_by_one(paths: &[PathBuf]) -> Vec<io::Result<Digest>> {
    paths.iter().map(|path| hash_file(path)).collect()
}

/// What every folder this lesson makes is called, before the number of the process that made it.
const FOLDER_PREFIX: &str = "lesson-processes-files-";

// ANCHOR: scratch_folder
/// A folder made for one run, removed with everything in it when this value is dropped: when
/// the section ends, returns an error or panics (as a `try`/`finally` would remove it in Python).
#[derive(Debug)]
pub struct ScratchFolder {
    path: PathBuf,
}

impl ScratchFolder {
    /// Makes `{parent}/lesson-processes-files-{this process's id}`, empty.
    pub fn create(parent: &Path) -> io::Result<ScratchFolder> {
        let path = parent.join(format!("{FOLDER_PREFIX}{}", std::process::id()));
        // A folder of that name is a leftover of an earlier process with the same id.
        match fs::remove_dir_all(&path) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
            _ => {}
        }
        fs::create_dir_all(&path)?;
        Ok(ScratchFolder { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchFolder {
    fn drop(&mut self) {
        // Nothing to do about a failure here but leave the folder to the next run's tidy-up.
        let _ = fs::remove_dir_all(&self.path);
    }
}
// ANCHOR_END: scratch_folder

/// Removes the folders in `parent` that earlier runs made and left behind (stopped with Ctrl-C,
/// say), and returns how many. A folder's name carries the id of the process that made it; one
/// whose process is still running (another run, right now) is left alone. Only where the system
/// lists its processes in `/proc` (Linux): elsewhere it removes nothing.
pub fn remove_leftovers(parent: &Path) -> usize {
    let Ok(entries) = fs::read_dir(parent) else {
        return 0;
    };
    if !Path::new("/proc/self").exists() {
        return 0;
    }
    entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let id = name
                .to_str()
                .and_then(|name| name.strip_prefix(FOLDER_PREFIX));
            id.is_some_and(|id| id.parse::<u32>().is_ok() && !Path::new("/proc").join(id).exists())
        })
        .filter(|entry| fs::remove_dir_all(entry.path()).is_ok())
        .count()
}

/// Writes `count` files of `len` deterministic bytes into `folder` (seeds 0, 1, ...), each flushed
/// to the disk before this returns, and returns their paths and their digests.
pub fn write_files(folder: &Path, count: usize, len: usize) -> io::Result<Vec<(PathBuf, Digest)>> {
    (0..count as u64)
        .into_par_iter()
        .map(|seed| {
            let path = folder.join(format!("file-{seed:03}.bin"));
            let bytes = deterministic_bytes(seed, len);
            let mut file = File::create(&path)?;
            file.write_all(&bytes)?;
            // Flushed to the disk now, so that the kernel's writing back of fresh files doesn't
            // compete with the hashing that is about to be timed.
            file.sync_all()?;
            Ok((path, sha256(&bytes)))
        })
        .collect()
}

/// Rounds of each rate; the lesson prints their median.
const ROUNDS: usize = 3;

/// One round over `files` (`total` bytes in all): the rates, in bytes per second, of one core
/// alone, of `cores` cores each hashing its own files at once (the capacity), and of rayon.
fn measure_round(files: &[PathBuf], cores: usize, total: u64) -> [f64; 3] {
    let per_second = |seconds: f64| total as f64 / seconds.max(1e-9);
    let (_, alone) = timed(|| hash_files_one_by_one(files));
    let at_once = capacity(cores, |core| {
        // The files a split by turns gives this core: core 0 takes 0, cores, 2 × cores, ...
        let mine: Vec<PathBuf> = files.iter().skip(core).step_by(cores).cloned().collect();
        hash_files_one_by_one(&mine);
        total * mine.len() as u64 / files.len().max(1) as u64
    });
    let (_, together) = timed(|| hash_files(files));
    [
        per_second(alone.as_secs_f64()),
        at_once,
        per_second(together.as_secs_f64()),
    ]
}

pub fn demo(megabytes: usize) -> Result<()> {
    let cores = rayon::current_num_threads();
    narrate::claim(&format!(
        "rayon over file paths, each file streamed into a Sha256 in chunks, hashes files on \
         every core; a missing or unreadable file is reported and the rest are hashed. \
         Measured against one core and against {cores} cores hashing files at once."
    ));
    narrate::python(
        "with ProcessPoolExecutor() as pool: pool.map(hash_file, paths), where hash_file opens \
         its path and calls sha256.update on 8 KiB at a time: the original lesson's.",
    );
    narrate::code(include_str!("hash_files.rs"), "hash_file");
    narrate::code(include_str!("hash_files.rs"), "hash_files");
    narrate::code(include_str!("hash_files.rs"), "scratch_folder");

    let temporary = std::env::temp_dir();
    let removed = remove_leftovers(&temporary);
    if removed > 0 {
        narrate::say(&format!(
            "Removed {removed} folder(s) an interrupted run left in {}.",
            temporary.display()
        ));
    }
    let folder = ScratchFolder::create(&temporary)
        .with_context(|| format!("cannot make a folder in {}", temporary.display()))?;
    let count = PIECES_PER_THREAD * cores;
    let len = (megabytes * 1024 * 1024 / count).max(1);
    let (written, write_time) = timed(|| write_files(folder.path(), count, len));
    let written =
        written.with_context(|| format!("cannot write in {}", folder.path().display()))?;
    let total = (count * len) as u64;
    narrate::say(&format!(
        "{count} files of {} ({} in all) written to {} and flushed to the disk in {} (not \
         timed below). Then one more path that doesn't exist, and one that is a folder:",
        format_bytes(len as u64),
        format_bytes(total),
        folder.path().display(),
        format_duration(write_time)
    ));
    let missing = folder.path().join("missing.bin");
    let not_a_file = folder.path().join("a-folder.bin");
    fs::create_dir(&not_a_file).context("cannot make the folder to hash")?;
    let mut paths: Vec<PathBuf> = written.iter().map(|(path, _)| path.clone()).collect();
    paths.extend([missing, not_a_file]);

    hash_files(&paths[..1]); // start rayon's threads, untimed: a program does it once
    let one_by_one = hash_files_one_by_one(&paths);
    let results = hash_files(&paths);
    report_files(&paths, &results, &written);
    let same = one_by_one.iter().zip(&results).all(|pair| match pair {
        (Ok(first), Ok(second)) => first == second,
        (Err(first), Err(second)) => first.kind() == second.kind(),
        _ => false,
    });
    narrate::result(
        "the same outcome one by one and on every core",
        if same { "yes" } else { "NO" },
    );

    let files = &paths[..count];
    let rounds: Vec<[f64; 3]> = (0..ROUNDS)
        .map(|_| measure_round(files, cores, total))
        .collect();
    let [alone, at_once, together] = [0, 1, 2].map(|which| {
        let mut rates: Vec<f64> = rounds.iter().map(|round| round[which]).collect();
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    });
    narrate::say(&format!(
        "The rates, the median of {ROUNDS} rounds. The files were just written, so they are read \
         back from the kernel's page cache: this is hashing plus reading through the file API, \
         not the disk's speed."
    ));
    narrate::result("one core, one file after another", rate(alone));
    narrate::result(
        "capacity: every core hashing files at once",
        format!("{} ({cores} cores)", rate(at_once)),
    );
    narrate::result(
        "rayon over the paths",
        format!(
            "{}, {:.2}× one core, {} of capacity",
            rate(together),
            together / alone.max(1e-9),
            percent(together, at_once)
        ),
    );
    if let Some(load) = system::load_average() {
        narrate::result(
            "load average over the last minute",
            format!("{load:.2}, on {cores} cores"),
        );
    }
    drop(folder); // removes the folder and every file in it
    narrate::say(
        "Each thread reads its own file, so no data crosses between threads: the path goes in, \
         the digest comes out, as in the original, minus the processes.",
    );
    Ok(())
}

/// Prints how many files were hashed, whether each digest matches the bytes written, and every
/// error with the file it came from.
fn report_files(paths: &[PathBuf], results: &[io::Result<Digest>], written: &[(PathBuf, Digest)]) {
    let hashed = results.iter().filter(|result| result.is_ok()).count();
    narrate::result("hashed", format!("{hashed} of {} paths", paths.len()));
    let correct = results
        .iter()
        .zip(written)
        .filter(|(result, (_, expected))| result.as_ref().is_ok_and(|digest| digest == expected))
        .count();
    narrate::result(
        "digests equal to those of the bytes written",
        format!("{correct} of {}", written.len()),
    );
    for (path, result) in paths.iter().zip(results) {
        if let Err(error) = result {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            narrate::result(&name, format!("not hashed: {error}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder for one test, under which it makes its own (the tests run side by side), removed
    /// when the test ends.
    struct TestFolder(PathBuf);

    impl TestFolder {
        fn new(test: &str) -> TestFolder {
            let path = std::env::temp_dir().join(format!(
                "lesson-processes-test-{}-{test}",
                std::process::id()
            ));
            fs::create_dir_all(&path).expect("a folder for the test");
            TestFolder(path)
        }
    }

    impl Drop for TestFolder {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_file_is_hashed_as_its_bytes_are() {
        let test = TestFolder::new("bytes");
        let folder = ScratchFolder::create(&test.0).expect("a scratch folder");
        // Longer than a chunk, and not a whole number of chunks.
        let written = write_files(folder.path(), 2, CHUNK_BYTES * 2 + 123).expect("written");
        for (path, expected) in &written {
            assert_eq!(&hash_file(path).expect("hashed"), expected, "{path:?}");
        }
        let empty = folder.path().join("empty");
        File::create(&empty).expect("an empty file");
        assert_eq!(hash_file(&empty).expect("hashed"), sha256(b""));
    }

    #[test]
    fn a_bad_path_is_an_error_in_its_place_and_the_rest_are_hashed() {
        let test = TestFolder::new("bad-path");
        let folder = ScratchFolder::create(&test.0).expect("a scratch folder");
        let written = write_files(folder.path(), 3, 1000).expect("written");
        let mut paths: Vec<PathBuf> = written.iter().map(|(path, _)| path.clone()).collect();
        paths.insert(1, folder.path().join("missing"));
        paths.push(folder.path().to_path_buf()); // a folder, not a file
        let results = hash_files(&paths);
        assert_eq!(results.len(), 5);
        let missing = results[1].as_ref().expect_err("missing");
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        assert!(results[4].is_err(), "a folder can't be read as a file");
        assert_eq!(results[0].as_ref().expect("hashed"), &written[0].1);
        assert_eq!(results[3].as_ref().expect("hashed"), &written[2].1);
    }

    #[test]
    fn the_folder_goes_when_dropped_even_by_a_panic() {
        let test = TestFolder::new("panic");
        let folder = ScratchFolder::create(&test.0).expect("a scratch folder");
        let path = folder.path().to_path_buf();
        write_files(&path, 1, 10).expect("written");
        let panicked = std::panic::catch_unwind(move || {
            let _folder = folder;
            panic!("the section failed");
        });
        assert!(panicked.is_err());
        assert!(!path.exists(), "{path:?} is still there");
    }

    #[test]
    fn leftovers_of_dead_processes_are_removed_and_live_ones_kept() {
        let test = TestFolder::new("leftovers");
        let ours = ScratchFolder::create(&test.0).expect("ours");
        // No process has an id this large (Linux allows at most 2^22).
        let dead = test.0.join(format!("{FOLDER_PREFIX}4294967290"));
        let unrelated = test.0.join("someone-elses");
        fs::create_dir_all(&dead).expect("a leftover");
        fs::create_dir_all(&unrelated).expect("another folder");
        let removed = remove_leftovers(&test.0);
        if Path::new("/proc/self").exists() {
            assert_eq!(removed, 1);
            assert!(!dead.exists());
        }
        assert!(ours.path().exists(), "this process is alive");
        assert!(unrelated.exists(), "not the lesson's");
    }
}
