//! Listing the files of a folder, the one way the grader does it.
//!
//! Symbolic links are never followed: a learner's link to their home folder (or a link loop) must
//! not make the grader hash gigabytes or fail for every exercise. `target/` folders (a crate's own
//! build output) are skipped.

use std::io;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// Every regular file under `dir`, sorted; a missing folder has none.
pub fn files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error).context(folder.display().to_string()),
        };
        for entry in entries {
            let entry = entry.with_context(|| folder.display().to_string())?;
            // `file_type` describes the entry itself, not what a link points at.
            let kind = entry
                .file_type()
                .with_context(|| entry.path().display().to_string())?;
            if kind.is_dir() && entry.file_name() != "target" {
                pending.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_target_folders_are_left_out() {
        let dir = std::env::temp_dir().join(format!("xtask-walk-{}", std::process::id()));
        // A leftover from an earlier run would only make the test start from a dirty folder.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src/nested")).expect("mkdir");
        std::fs::create_dir_all(dir.join("target")).expect("mkdir");
        std::fs::write(dir.join("src/lib.rs"), "").expect("write");
        std::fs::write(dir.join("src/nested/a.rs"), "").expect("write");
        std::fs::write(dir.join("target/built"), "").expect("write");
        std::os::unix::fs::symlink(&dir, dir.join("src/loop")).expect("symlink");
        let found = files(&dir).expect("walk");
        assert_eq!(found, [dir.join("src/lib.rs"), dir.join("src/nested/a.rs")]);
        assert!(files(&dir.join("missing")).expect("walk").is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
