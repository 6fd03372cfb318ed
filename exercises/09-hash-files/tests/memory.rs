//! Hashing a big file must not take the file's size in memory: it is read a piece at a time. The
//! checks compare the process's peak resident memory (Linux's `VmHWM` in `/proc/self/status`)
//! before and after: this program runs only this check, so nothing else raises it meanwhile.

mod files;

use std::fs;

use files::Scratch;
use hash_files::hash_files;

const FILE_MIB: u64 = 24;
const ALLOWED_MIB: u64 = 4;

/// The most resident memory this process has had, in KiB; `None` where the system does not say.
fn peak_resident_kib() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_big_file_is_never_in_memory_whole() {
    let folder = Scratch::new("big");
    let path = folder.big_file("big.bin", (FILE_MIB << 20) as usize);
    let Some(before) = peak_resident_kib() else {
        eprintln!("skipped: this system does not report a process's peak memory");
        return;
    };
    let results = hash_files(&[path]);
    let after = peak_resident_kib().unwrap_or(before);
    assert!(results[0].is_ok(), "the file can be hashed: {results:?}");
    let grew_mib = after.saturating_sub(before) / 1024;
    assert!(
        grew_mib <= ALLOWED_MIB,
        "hashing a {FILE_MIB} MiB file raised this process's peak memory by {grew_mib} MiB: the \
         whole file was in memory at once.\nRead it a piece at a time and feed each piece to the \
         hasher (`update`), or copy the file into the hasher: a Sha256 is an io::Write."
    );
}
