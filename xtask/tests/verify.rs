//! The course's promise, checked on every test run: `cargo xtask verify` proves that every
//! exercise's untouched starter fails its checks, its solution passes the very same checks and its
//! known wrong answers (cheats) fail them, that every exercise is listed with a hint, and that the
//! sealed fingerprints are up to date.

use std::process::Command;

#[test]
fn every_starter_fails_and_every_solution_passes() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("verify")
        .env("NO_COLOR", "1")
        .output()
        .expect("run cargo xtask verify");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("exercises are sound"), "{stdout}");
    assert!(
        stdout.contains("cheats graded, all rejected"),
        "verify did not grade the cheats: {stdout}"
    );
}
