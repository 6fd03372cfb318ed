//! The hex digests of eight deterministic buffers, in order: identical on every machine.

use lesson_kit::data::deterministic_buffers;
use rayon_hash::hash_all;

#[test]
fn digests_of_the_deterministic_buffers() {
    let buffers = deterministic_buffers(8, 64 * 1024);
    let lines: Vec<String> = hash_all(&buffers)
        .iter()
        .enumerate()
        .map(|(index, hashed)| {
            format!(
                "buffer {index} ({} bytes): {}",
                buffers[index].len(),
                hashed.hex()
            )
        })
        .collect();
    insta::assert_snapshot!("digests", lines.join("\n"));
}
