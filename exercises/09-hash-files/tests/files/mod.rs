//! Files for the checks: a folder of their own under cargo's temporary folder for tests, removed
//! when the check ends, and what goes in it.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A folder made for one check, removed with everything in it when dropped.
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// Makes an empty folder named after the check (and this process, so that two runs at once
    /// keep apart).
    pub fn new(check: &str) -> Scratch {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("hash-files-{check}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&path); // left by an earlier run with the same process id
        fs::create_dir_all(&path).expect("the checks can make a folder of their own");
        Scratch { path }
    }

    /// Writes a file holding `bytes`.
    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path.join(name);
        fs::write(&path, bytes).expect("the checks can write their files");
        path
    }

    /// Writes a file of `len` bytes, a 64 KiB block at a time, so that the check itself never
    /// holds the whole file in memory. Block `i` is full of the byte `i % 251`.
    pub fn big_file(&self, name: &str, len: usize) -> PathBuf {
        let path = self.path.join(name);
        let mut file = File::create(&path).expect("the checks can write their files");
        for (index, start) in (0..len).step_by(BLOCK).enumerate() {
            let block = vec![(index % 251) as u8; BLOCK.min(len - start)];
            file.write_all(&block)
                .expect("the checks can write their files");
        }
        path
    }

    /// Makes a named pipe (a FIFO): opening it for reading waits until someone opens it for
    /// writing, and reading it gives what they write, until they close it.
    pub fn fifo(&self, name: &str) -> io::Result<PathBuf> {
        let path = self.path.join(name);
        let status = Command::new("mkfifo").arg(&path).status()?;
        if !status.success() {
            return Err(io::Error::other(format!(
                "mkfifo {}: {status}",
                path.display()
            )));
        }
        Ok(path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// How `big_file` writes.
pub const BLOCK: usize = 64 * 1024;

/// The SHA-256 of `bytes` in hex, computed here, in one piece.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
