//! Compile-fail checks that compare what matters: each error's code and main message.
//!
//! An exercise whose concept is "the compiler refuses this" keeps, in `tests/ui/`, programs that
//! must not compile, each with a `.errors` file beside it that names the errors the compiler must
//! give, in order:
//!
//! ```text
//! # recorded with rustc 1.95.0 (59807616e 2025-12-04)
//! error[E0451]: field `held` of struct `permit_proof::Permit` is private
//! ```
//!
//! and one line in `tests/compile_fail.rs`: `compile_fail::check("tests/ui");`.
//!
//! Why not trybuild, which the course uses elsewhere: trybuild compares the compiler's whole
//! output, spans, notes, help and the paths of the standard library's sources included, and those
//! change from one compiler to the next (a `.stderr` recorded with rustc 1.95 names
//! `std/src/thread/functions.rs`, which older std does not have). The code and the main message
//! are what the check is about, and they hold. It is also quicker: trybuild builds a cargo project
//! of its own for the cases; this compiles each case with `rustc` straight against the libraries
//! cargo already built, all cases at once.
//!
//! When a check fails under a compiler other than the one that recorded it, the failure says so:
//! the wording may have changed rather than the code. `COMPILE_FAIL=record` writes the `.errors`
//! files anew from what the compiler says (read the diff before committing it).

mod artifacts;
mod expected;
mod rustc;

use std::path::{Path, PathBuf};

pub use expected::{Error, Expected};

use crate::artifacts::Libraries;

/// Checks that the compiler refuses every `*.rs` in `dir` (relative to the package being tested)
/// with the errors in its `.errors` file, and panics with what to do if not. The package is the
/// one `cargo test` (or the course's grader) runs the check for: `CARGO_MANIFEST_DIR` and
/// `CARGO_PKG_NAME` name it.
#[track_caller]
pub fn check(dir: &str) {
    let outcome = from_environment().and_then(|cases| cases.dir(dir).run());
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

fn from_environment() -> Result<Cases, String> {
    let var = |name: &str| {
        std::env::var_os(name).ok_or_else(|| {
            format!("{name} is not set: run compile-fail checks with `cargo test` or the grader")
        })
    };
    let package = var("CARGO_PKG_NAME")?.to_string_lossy().into_owned();
    Ok(Cases::new(
        PathBuf::from(var("CARGO_MANIFEST_DIR")?),
        &package,
    ))
}

/// The compile-fail cases of one package.
#[derive(Debug, Clone)]
pub struct Cases {
    manifest_dir: PathBuf,
    package: String,
    dir: PathBuf,
    record: bool,
    target_dir: Option<PathBuf>,
}

impl Cases {
    /// The cases of `package`, whose `Cargo.toml` is in `manifest_dir`, in its `tests/ui`.
    pub fn new(manifest_dir: PathBuf, package: &str) -> Cases {
        Cases {
            manifest_dir,
            package: package.to_string(),
            dir: PathBuf::from("tests/ui"),
            record: std::env::var("COMPILE_FAIL").is_ok_and(|mode| mode == "record"),
            target_dir: None,
        }
    }

    /// Where cargo builds the package, if not where the environment says (`CARGO_TARGET_DIR`, or
    /// the workspace's `target/`).
    pub fn target_dir(mut self, dir: PathBuf) -> Cases {
        self.target_dir = Some(dir);
        self
    }

    /// The folder of the cases, relative to the package.
    pub fn dir(mut self, dir: impl AsRef<Path>) -> Cases {
        self.dir = dir.as_ref().to_path_buf();
        self
    }

    /// Writes each case's `.errors` file from what the compiler says, instead of comparing.
    pub fn record(mut self, record: bool) -> Cases {
        self.record = record;
        self
    }

    /// Compiles every case and compares; `Err` says, for a learner, what went wrong.
    pub fn run(&self) -> Result<(), String> {
        let cases = self.case_files()?;
        let libraries = Libraries::of(
            &self.manifest_dir,
            &self.package,
            self.target_dir.as_deref(),
        )?;
        let compiler = rustc::version(&self.manifest_dir);
        let outcomes: Vec<Result<(), String>> = std::thread::scope(|scope| {
            let compiling: Vec<_> = cases
                .iter()
                .map(|case| scope.spawn(|| self.one(case, &libraries, &compiler)))
                .collect();
            compiling
                .into_iter()
                .map(|thread| {
                    thread
                        .join()
                        .unwrap_or_else(|_| Err("compiling a case panicked".to_string()))
                })
                .collect()
        });
        let failures: Vec<String> = outcomes.into_iter().filter_map(Result::err).collect();
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("\n\n"))
        }
    }

    fn case_files(&self) -> Result<Vec<PathBuf>, String> {
        let dir = self.manifest_dir.join(&self.dir);
        let entries = std::fs::read_dir(&dir)
            .map_err(|error| format!("cannot read the cases in {}: {error}", dir.display()))?;
        let mut cases: Vec<PathBuf> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .collect();
        cases.sort();
        if cases.is_empty() {
            return Err(format!("there are no cases (*.rs) in {}", dir.display()));
        }
        Ok(cases)
    }

    /// Compiles one case and compares (or records) what the compiler said.
    fn one(&self, case: &Path, libraries: &Libraries, compiler: &str) -> Result<(), String> {
        let shown = case
            .strip_prefix(&self.manifest_dir)
            .unwrap_or(case)
            .display()
            .to_string();
        let said = rustc::compile(case, libraries, &self.manifest_dir)?;
        let errors_file = case.with_extension("errors");
        if self.record {
            if said.errors.is_empty() {
                return Err(format!("{shown} compiles: there is nothing to record"));
            }
            let expected = Expected {
                compiler: compiler.to_string(),
                errors: said.errors.iter().map(|e| e.error.clone()).collect(),
            };
            return std::fs::write(&errors_file, expected.render(&shown))
                .map_err(|error| format!("cannot write {}: {error}", errors_file.display()));
        }
        let text = std::fs::read_to_string(&errors_file).map_err(|error| {
            format!(
                "cannot read {} ({error}): each case needs the errors it must give \
                 (`COMPILE_FAIL=record cargo test` writes them)",
                errors_file.display()
            )
        })?;
        let expected = Expected::parse(&text);
        let got: Vec<&Error> = said.errors.iter().map(|e| &e.error).collect();
        let wanted: Vec<&Error> = expected.errors.iter().collect();
        if got == wanted {
            return Ok(());
        }
        let mut failure = if got.is_empty() {
            format!(
                "{shown} compiles, but the compiler must refuse it with:\n{}",
                listed(&wanted)
            )
        } else {
            format!(
                "{shown}: the compiler must refuse it with:\n{}\nbut it said:\n{}",
                listed(&wanted),
                said.rendered_first()
            )
        };
        let why = case_comment(case);
        if !why.is_empty() {
            failure.push_str(&format!("\nWhat the case is about:\n{why}"));
        }
        if !got.is_empty() && !expected.compiler.is_empty() && expected.compiler != compiler {
            failure.push_str(&format!(
                "\nThese errors were recorded with {}; this is {compiler}, whose wording may \
                 differ. If the code is right, the check needs recording again for this compiler \
                 (`COMPILE_FAIL=record cargo test -p {}`).",
                expected.compiler, self.package
            ));
        }
        Err(failure)
    }
}

fn listed(errors: &[&Error]) -> String {
    let lines: Vec<String> = errors.iter().map(|error| format!("  {error}")).collect();
    lines.join("\n")
}

/// The comment a case opens with (`//!` or `//` lines), which says what it is about.
fn case_comment(case: &Path) -> String {
    let Ok(source) = std::fs::read_to_string(case) else {
        return String::new();
    };
    let lines: Vec<&str> = source
        .lines()
        .map_while(|line| {
            line.strip_prefix("//!")
                .or_else(|| line.strip_prefix("//"))
                .map(str::trim)
        })
        .collect();
    lines
        .iter()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}
