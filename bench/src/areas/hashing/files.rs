//! Hashing files, as the Python original's `hash_file` does: the data is on disk, each worker is
//! given only a path, opens the file and feeds it to SHA-256 a chunk at a time, so no file is ever
//! in memory whole and nothing big passes between workers.
//!
//! The files are written once, flushed to disk and left in the page cache, as they would be for a
//! program that hashes files it just downloaded: what is timed is reading and hashing, not the disk
//! (the kernel writing back a gigabyte meanwhile would compete for the CPU, hence the flush).

use std::fs::File;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use lesson_kit::data::Digest;
use rayon::prelude::*;
use sha2::{Digest as _, Sha256};

/// The original's read size: `file.read(8192)`.
pub const CHUNK_BYTES: usize = 8 * 1024;

/// A folder of files to hash, removed with everything in it when dropped (also after an error).
#[derive(Debug)]
pub struct Files {
    folder: PathBuf,
    pub paths: Vec<PathBuf>,
}

impl Files {
    /// Writes each buffer into a file of its own in a new folder `folder`, flushed to disk.
    pub fn write(folder: &Path, buffers: &[Vec<u8>]) -> anyhow::Result<Files> {
        // A folder left by a bench that was killed holds nothing worth keeping.
        if folder.exists() {
            std::fs::remove_dir_all(folder)
                .with_context(|| format!("cannot clear {}", folder.display()))?;
        }
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        let mut files = Files {
            folder: folder.to_path_buf(),
            paths: Vec::with_capacity(buffers.len()),
        };
        for (index, buffer) in buffers.iter().enumerate() {
            let path = folder.join(format!("piece-{index}.bin"));
            write_flushed(&path, buffer)
                .with_context(|| format!("cannot write {}", path.display()))?;
            files.paths.push(path);
        }
        Ok(files)
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        // Nothing to do about a folder that cannot be removed but leave it: it is under the
        // bench's output folder, and the next run clears it.
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

fn write_flushed(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The SHA-256 of one file, read `CHUNK_BYTES` at a time.
pub fn hash_file(path: &Path) -> io::Result<Digest> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut chunk = [0_u8; CHUNK_BYTES];
    loop {
        let read = file.read(&mut chunk)?;
        if read == 0 {
            return Ok(hasher.finalize().into());
        }
        hasher.update(&chunk[..read]);
    }
}

/// Every file's digest, one file after another on this thread.
pub fn hash_files_one_by_one(paths: &[PathBuf]) -> anyhow::Result<Vec<Digest>> {
    paths.iter().map(|path| hash_named(path)).collect()
}

/// Every file's digest, rayon's threads taking the paths from one another as they finish.
pub fn hash_files_in_parallel(paths: &[PathBuf]) -> anyhow::Result<Vec<Digest>> {
    paths.par_iter().map(|path| hash_named(path)).collect()
}

fn hash_named(path: &Path) -> anyhow::Result<Digest> {
    hash_file(path).with_context(|| format!("cannot hash {}", path.display()))
}

#[cfg(test)]
mod tests {
    use lesson_kit::data::{deterministic_buffers, sha256};

    use super::*;

    #[test]
    fn files_hash_like_the_buffers_and_are_removed_afterwards() {
        let folder =
            std::env::temp_dir().join(format!("course-bench-files-{}", std::process::id()));
        // Longer than a chunk and not a multiple of it, so the last read is a short one.
        let buffers = deterministic_buffers(3, 2 * CHUNK_BYTES + 100);
        let expected: Vec<Digest> = buffers.iter().map(|buffer| sha256(buffer)).collect();
        {
            let files = Files::write(&folder, &buffers).expect("write the files");
            assert_eq!(hash_files_one_by_one(&files.paths).expect("hash"), expected);
            assert_eq!(
                hash_files_in_parallel(&files.paths).expect("hash"),
                expected
            );
        }
        assert!(!folder.exists());
    }

    #[test]
    fn a_missing_file_is_an_error_that_names_it() {
        let missing = PathBuf::from("/nonexistent/piece-0.bin");
        let error = hash_files_in_parallel(&[missing]).expect_err("no such file");
        assert!(
            format!("{error:#}").contains("cannot hash /nonexistent/piece-0.bin"),
            "{error:#}"
        );
    }
}
