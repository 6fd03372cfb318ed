//! Building exercises' checks with cargo, in one go, and sorting cargo's report by exercise.
//!
//! One `cargo build --keep-going` for all the exercises being graded is much faster than one cargo
//! run per exercise, and `--keep-going` means a compile error in one exercise does not stop the
//! others from building. Cargo's JSON messages say which package each executable and each error
//! belongs to.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context as _;
use runner::{Limits, Runner};
use serde::Deserialize;

/// What building gave, per package folder.
#[derive(Debug, Default)]
pub struct Built {
    /// The compiled integration tests (the checks) of each package.
    pub checks: HashMap<PathBuf, Vec<Check>>,
    /// The compiler's errors for each package that failed to build, in order.
    pub errors: HashMap<PathBuf, Vec<String>>,
    /// The compiler's warnings about each package's own `src/` (not its checks), in order.
    pub warnings: HashMap<PathBuf, Vec<String>>,
    /// Cargo's own complaint when it could not even start building (a broken Cargo.toml, say).
    pub cargo_failure: Option<String>,
}

/// One compiled check: an integration test file of an exercise, such as `tests/check.rs`.
#[derive(Debug, Clone)]
pub struct Check {
    /// The test target's name: the file's name without `.rs`.
    pub name: String,
    pub executable: PathBuf,
}

/// Progress while cargo builds: the name of each crate as it is done.
#[derive(Debug, Clone)]
pub struct Compiled(pub String);

/// A cold build of the whole course's dependencies takes minutes on two cores; an hour means
/// something is stuck.
const BUILD_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// Builds the integration tests of `packages` in the workspace at `workspace`.
pub fn build_checks(
    workspace: &Path,
    packages: &[&str],
    target_dir: Option<&Path>,
    progress: Option<Sender<Compiled>>,
) -> anyhow::Result<Built> {
    let mut command = cargo();
    command
        .current_dir(workspace)
        .args([
            "build",
            "--keep-going",
            "--message-format=json",
            "--test",
            "*",
        ])
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"));
    for package in packages {
        command.args(["--package", package]);
    }
    if let Some(target_dir) = target_dir {
        command.env("CARGO_TARGET_DIR", target_dir);
    }
    // Each message is read once, as it arrives: progress for the learner, and the result. So
    // nothing depends on how much of cargo's output a capture keeps.
    let built = Arc::new(Mutex::new(Built::default()));
    let collecting = Arc::clone(&built);
    let root = workspace.to_path_buf();
    let limits = Limits {
        timeout: BUILD_TIMEOUT,
        output_cap: 64 << 10,
    };
    let watching = Runner::new(limits).on_stdout_line(move |line| {
        let Ok(message) = serde_json::from_str::<Message>(line) else {
            return;
        };
        let mut built = collecting.lock().unwrap_or_else(PoisonError::into_inner);
        if let (Some(progress), Some(target)) = (&progress, &message.target)
            && message.reason == "compiler-artifact"
        {
            // Nobody listening any more is fine: progress is only for show.
            let _ = progress.send(Compiled(target.name.clone()));
        }
        built.record(message, &root);
    });
    let finished = watching.run(&mut command).context("cannot run cargo")?;

    let mut built = std::mem::take(&mut *built.lock().unwrap_or_else(PoisonError::into_inner));
    if !finished.ending.success() && built.errors.is_empty() {
        built.cargo_failure = Some(cargo_complaint(&finished.stderr.text));
    }
    Ok(built)
}

impl Built {
    /// Files one of cargo's messages: a compiled check, or a compiler error or warning, by package
    /// folder. `workspace` is what the compiler's paths are relative to.
    fn record(&mut self, message: Message, workspace: &Path) {
        let Some(package_dir) = message.manifest_path.as_deref().and_then(Path::parent) else {
            return;
        };
        match message.reason.as_str() {
            "compiler-artifact" => {
                let Some(target) = message
                    .target
                    .filter(|t| t.kind.iter().any(|k| k == "test"))
                else {
                    return;
                };
                if let Some(executable) = message.executable {
                    let checks = self.checks.entry(package_dir.to_path_buf()).or_default();
                    checks.push(Check {
                        name: target.name,
                        executable,
                    });
                }
            }
            "compiler-message" => {
                let Some(diagnostic) = message.message else {
                    return;
                };
                let learners =
                    diagnostic.is_about(&workspace.join(package_dir).join("src"), workspace);
                if diagnostic.level == "warning" && learners {
                    if let Some(rendered) = diagnostic.rendered {
                        let warnings = self.warnings.entry(package_dir.to_path_buf()).or_default();
                        if !warnings.contains(&rendered) {
                            warnings.push(rendered);
                        }
                    }
                } else if let Some(error) = diagnostic.into_error() {
                    let errors = self.errors.entry(package_dir.to_path_buf()).or_default();
                    errors.push(error);
                }
            }
            _ => {}
        }
    }
}

/// The `cargo` that runs us (cargo sets `$CARGO`), or the one on the PATH.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

#[derive(Debug, Deserialize)]
struct Message {
    reason: String,
    manifest_path: Option<PathBuf>,
    target: Option<Target>,
    executable: Option<PathBuf>,
    message: Option<Diagnostic>,
}

#[derive(Debug, Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Diagnostic {
    level: String,
    message: String,
    rendered: Option<String>,
    #[serde(default)]
    spans: Vec<Span>,
}

#[derive(Debug, Deserialize)]
struct Span {
    file_name: PathBuf,
    is_primary: bool,
}

impl Diagnostic {
    /// Whether its main place is under `dir`; the compiler's paths are relative to `workspace`.
    fn is_about(&self, dir: &Path, workspace: &Path) -> bool {
        self.spans
            .iter()
            .filter(|span| span.is_primary)
            .any(|span| workspace.join(&span.file_name).starts_with(dir))
    }

    /// The rendered text of a real error; `None` for warnings and for the closing
    /// "aborting due to N previous errors", which says nothing new.
    fn into_error(self) -> Option<String> {
        let is_error = self.level == "error" || self.level == "error: internal compiler error";
        if !is_error || self.message.starts_with("aborting due to") {
            return None;
        }
        Some(self.rendered.unwrap_or(self.message))
    }
}

/// Cargo's own error lines, without its progress chatter.
fn cargo_complaint(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            !(line.starts_with("Compiling")
                || line.starts_with("Checking")
                || line.starts_with("Blocking")
                || line.starts_with("Finished")
                || line.starts_with("Fresh"))
        })
        .collect();
    lines.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_kept_and_noise_dropped() {
        let error = Diagnostic {
            level: "error".into(),
            message: "mismatched types".into(),
            rendered: Some("error[E0308]: mismatched types\n --> src/lib.rs:1:1".into()),
            spans: Vec::new(),
        };
        assert_eq!(
            error.into_error().as_deref(),
            Some("error[E0308]: mismatched types\n --> src/lib.rs:1:1")
        );
        let warning = Diagnostic {
            level: "warning".into(),
            message: "unused".into(),
            rendered: None,
            spans: Vec::new(),
        };
        assert_eq!(warning.into_error(), None);
        let aborting = Diagnostic {
            level: "error".into(),
            message: "aborting due to 2 previous errors".into(),
            rendered: None,
            spans: Vec::new(),
        };
        assert_eq!(aborting.into_error(), None);
    }

    #[test]
    fn a_diagnostic_is_about_the_file_of_its_primary_span() {
        let warning = Diagnostic {
            level: "warning".into(),
            message: "unused implementer of `Future` that must be used".into(),
            rendered: None,
            spans: vec![
                Span {
                    file_name: "exercises/08-lazy/tests/check.rs".into(),
                    is_primary: false,
                },
                Span {
                    file_name: "exercises/08-lazy/src/lib.rs".into(),
                    is_primary: true,
                },
            ],
        };
        let workspace = Path::new("/course");
        let src = workspace.join("exercises/08-lazy/src");
        assert!(warning.is_about(&src, workspace));
        assert!(!warning.is_about(&workspace.join("exercises/08-lazy/tests"), workspace));
    }
}
