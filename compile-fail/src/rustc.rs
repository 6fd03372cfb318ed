//! Compiling one case with `rustc`, as one of the package's tests, and reading what it said.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use runner::Limits;
use serde::Deserialize;

use crate::artifacts::Libraries;
use crate::expected::Error;

/// A case is a few lines: seconds, even on a busy machine. A minute means a hang.
const RUSTC_LIMITS: Limits = Limits {
    timeout: Duration::from_secs(60),
    output_cap: 4 << 20,
};

/// One error, and how the compiler rendered it (with its spans, notes and help), for the learner.
#[derive(Debug, Clone)]
pub struct Said {
    pub error: Error,
    pub rendered: String,
}

/// Everything the compiler said about a case that was an error.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    pub errors: Vec<Said>,
}

impl Verdict {
    /// The first error as the compiler rendered it.
    pub fn rendered_first(&self) -> String {
        self.errors
            .first()
            .map(|said| said.rendered.trim_end().to_string())
            .unwrap_or_default()
    }
}

/// The compiler cargo would use: `$RUSTC`, or `rustc` (through rustup, it picks the toolchain of
/// the folder it runs in).
fn rustc(dir: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()));
    command.current_dir(dir);
    command
}

/// `rustc --version`, such as `rustc 1.95.0 (59807616e 2025-12-04)`.
pub fn version(dir: &Path) -> String {
    let mut command = rustc(dir);
    command.arg("--version");
    match runner::run(&mut command, RUSTC_LIMITS) {
        Ok(finished) if finished.ending.success() => finished.stdout.text.trim().to_string(),
        _ => "an unknown rustc".to_string(),
    }
}

/// Compiles `case` against `libraries`, checking only (no code is generated, nothing is linked),
/// and returns the errors the compiler gave.
pub fn compile(case: &Path, libraries: &Libraries, dir: &Path) -> Result<Verdict, String> {
    let out = std::env::temp_dir().join(format!(
        "compile-fail-{}-{}",
        std::process::id(),
        case.file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default()
    ));
    let mut command = rustc(dir);
    command
        // Relative to the package, as the compiler's messages then name it.
        .arg(case.strip_prefix(dir).unwrap_or(case))
        .args(["--edition", &libraries.edition])
        .args(["--crate-type", "bin", "--crate-name", "case"])
        .args(["--emit", "metadata", "--error-format", "json"])
        .arg("--out-dir")
        .arg(&out);
    for search in &libraries.search {
        command
            .arg("-L")
            .arg(format!("dependency={}", search.display()));
    }
    for (name, file) in &libraries.externs {
        command
            .arg("--extern")
            .arg(format!("{name}={}", file.display()));
    }
    let finished = runner::run(&mut command, RUSTC_LIMITS);
    // The metadata written is of no use: leave nothing behind.
    let _ = std::fs::remove_dir_all(&out);
    let finished = finished.map_err(|error| format!("cannot run rustc: {error}"))?;
    if finished.ending == runner::Ending::TimedOut {
        return Err(format!(
            "rustc took over {:?} on {}",
            RUSTC_LIMITS.timeout,
            case.display()
        ));
    }
    let mut verdict = Verdict::default();
    for line in finished.stderr.text.lines() {
        if let Some(said) = error_of(line) {
            verdict.errors.push(said);
        }
    }
    // Refused, yet no error in its words: the compiler itself failed (a missing library, say).
    if !finished.ending.success() && verdict.errors.is_empty() {
        return Err(format!(
            "rustc failed on {} ({}) without saying why:\n{}",
            case.display(),
            finished.ending,
            finished.stderr.last_lines(10)
        ));
    }
    Ok(verdict)
}

#[derive(Deserialize)]
struct Diagnostic {
    level: String,
    message: String,
    code: Option<Code>,
    rendered: Option<String>,
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

/// An error from one line of the compiler's JSON; `None` for warnings, notes and the closing
/// "aborting due to N previous errors", which says nothing new.
fn error_of(line: &str) -> Option<Said> {
    let diagnostic: Diagnostic = serde_json::from_str(line).ok()?;
    if diagnostic.level != "error" || diagnostic.message.starts_with("aborting due to") {
        return None;
    }
    let message = diagnostic.message.lines().next().unwrap_or("").to_string();
    Some(Said {
        error: Error {
            code: diagnostic.code.map(|code| code.code),
            message,
        },
        rendered: diagnostic.rendered.unwrap_or(diagnostic.message),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_read_with_their_codes_and_the_rest_ignored() {
        let error = r#"{"$message_type":"diagnostic","message":"field `held` of struct `Permit` is private","code":{"code":"E0451","explanation":"..."},"level":"error","spans":[],"children":[],"rendered":"error[E0451]: field `held` of struct `Permit` is private\n"}"#;
        let said = error_of(error).expect("an error");
        assert_eq!(said.error.code.as_deref(), Some("E0451"));
        assert_eq!(
            said.error.message,
            "field `held` of struct `Permit` is private"
        );
        let lint = r#"{"message":"this lint expectation is unfulfilled","code":{"code":"unfulfilled_lint_expectations","explanation":null},"level":"error","spans":[],"children":[],"rendered":"error: ..."}"#;
        let said = error_of(lint).expect("a lint's error");
        assert_eq!(
            said.error.code.as_deref(),
            Some("unfulfilled_lint_expectations")
        );
        let warning = error.replace(r#""level":"error""#, r#""level":"warning""#);
        assert!(error_of(&warning).is_none());
        let aborting = r#"{"message":"aborting due to 1 previous error","code":null,"level":"error","rendered":"error: aborting"}"#;
        assert!(error_of(aborting).is_none());
    }
}
