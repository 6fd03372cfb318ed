//! The Python originals: finding an interpreter, giving it httpx and requests, running the scripts.
//!
//! The scripts live in `bench/python/`. Their packages go into a virtual environment the bench
//! makes under the output folder (`target/bench/venv`), so nothing is installed into the learner's
//! own Python. When no `python3` is found, or the environment cannot be made (no network, no
//! `venv` module), the bench runs without the Python side and the report says why. Asking for a
//! particular interpreter with `--python` makes any of these failures an error instead.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use runner::{Ending, Finished, Limits, Runner};
use serde::de::DeserializeOwned;

/// The folder of the Python programs, in the source tree this bench was built from.
const SCRIPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python");
/// The pinned packages the scripts need.
const REQUIREMENTS: &str = include_str!("../python/requirements.txt");
/// Written into the environment once its packages are installed: if it still matches
/// `REQUIREMENTS`, the next run reuses the environment instead of installing again.
const INSTALLED_MARKER: &str = "course-bench-requirements.txt";
/// The oldest Python the scripts are written for.
const OLDEST: (u32, u32) = (3, 8);
const QUICK_CHECK: Duration = Duration::from_secs(60);
const INSTALL_LIMIT: Duration = Duration::from_secs(600);
/// Bytes kept of the start of what a Python program prints on each stream, and of its end: the
/// scripts print a line of JSON, pip a few screens at most, and a traceback ends with the error.
const OUTPUT_CAP: usize = 1 << 20;
const OUTPUT_TAIL: usize = 64 << 10;

/// Which interpreter to build the environment from.
#[derive(Debug, Clone)]
pub enum Choice {
    /// `python3` from the PATH if there is one; skip the Python side if not.
    Auto,
    /// This interpreter, and an error if it cannot be used.
    Given(PathBuf),
    /// No Python side, for this reason.
    Off(String),
}

/// A Python ready to run the scripts.
#[derive(Debug, Clone)]
pub struct Python {
    /// The environment's interpreter.
    interpreter: PathBuf,
    /// "Python 3.11.7, httpx 0.28.1, requests 2.34.2", for the report.
    pub versions: String,
}

/// The outcome of getting Python ready.
#[derive(Debug)]
pub enum Setup {
    Ready(Python),
    Skipped(String),
}

/// Finds the interpreter, and makes (or reuses) the environment in `venv`.
pub fn prepare(choice: Choice, venv: &Path) -> anyhow::Result<Setup> {
    let (base, insist) = match choice {
        Choice::Off(why) => return Ok(Setup::Skipped(why)),
        Choice::Auto => (PathBuf::from("python3"), false),
        Choice::Given(path) => (path, true),
    };
    match make_environment(&base, venv) {
        Ok(python) => Ok(Setup::Ready(python)),
        Err(why) if insist => Err(why),
        Err(why) => Ok(Setup::Skipped(format!("{why:#}"))),
    }
}

fn make_environment(base: &Path, venv: &Path) -> anyhow::Result<Python> {
    check_version(base)?;
    let interpreter = venv.join("bin").join("python");
    let marker = venv.join(INSTALLED_MARKER);
    let up_to_date = std::fs::read_to_string(&marker).is_ok_and(|text| text == REQUIREMENTS);
    if !(up_to_date && versions(&interpreter).is_ok()) {
        eprintln!(
            "Python: making a virtual environment in {} and installing httpx and requests \
             (once; later runs reuse it)",
            venv.display()
        );
        create_venv(base, venv)?;
        install_requirements(&interpreter, venv)?;
        std::fs::write(&marker, REQUIREMENTS)
            .with_context(|| format!("could not write {}", marker.display()))?;
    }
    let versions = versions(&interpreter)?;
    Ok(Python {
        interpreter,
        versions,
    })
}

/// Checks that `base` runs and is new enough.
fn check_version(base: &Path) -> anyhow::Result<()> {
    let finished = run(Command::new(base).arg("--version"), QUICK_CHECK).map_err(|error| {
        if error.kind() == io::ErrorKind::NotFound {
            anyhow!(
                "no `{}` found; install Python 3.8 or newer, or point --python at one",
                base.display()
            )
        } else {
            anyhow!(error).context(format!("could not run `{} --version`", base.display()))
        }
    })?;
    // Old Pythons printed their version on stderr.
    let said = format!("{}{}", finished.stdout.text, finished.stderr.text);
    let version = parse_version(&said).with_context(|| {
        format!(
            "`{} --version` said {:?}, not a Python version",
            base.display(),
            said.trim()
        )
    })?;
    if version < OLDEST {
        bail!(
            "{} is Python {}.{}; the scripts need {}.{} or newer",
            base.display(),
            version.0,
            version.1,
            OLDEST.0,
            OLDEST.1
        );
    }
    Ok(())
}

/// `(3, 11)` from "Python 3.11.7".
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let number = text.trim().strip_prefix("Python ")?;
    let mut parts = number.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts
        .next()?
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()?;
    Some((major, minor))
}

fn create_venv(base: &Path, venv: &Path) -> anyhow::Result<()> {
    let finished = run(
        Command::new(base).args(["-m", "venv", "--clear"]).arg(venv),
        INSTALL_LIMIT,
    )
    .with_context(|| format!("could not run `{} -m venv`", base.display()))?;
    if !finished.ending.success() {
        bail!(
            "`{} -m venv {}` failed (on Debian and Ubuntu the venv module is the package \
             python3-venv): {}",
            base.display(),
            venv.display(),
            finished.stderr.last_lines(3)
        );
    }
    Ok(())
}

fn install_requirements(interpreter: &Path, venv: &Path) -> anyhow::Result<()> {
    let requirements = Path::new(SCRIPTS).join("requirements.txt");
    let finished = run(
        Command::new(interpreter)
            // Few retries and a short timeout: without a network, say so in seconds, not minutes.
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--quiet",
                "--retries",
                "2",
                "--timeout",
                "20",
                "-r",
            ])
            .arg(&requirements),
        INSTALL_LIMIT,
    )
    .with_context(|| format!("could not run pip in {}", venv.display()))?;
    if !finished.ending.success() {
        bail!(
            "pip could not install httpx and requests into {} (is the package index \
             reachable?): {}",
            venv.display(),
            pip_complaint(&finished)
        );
    }
    Ok(())
}

/// What pip said went wrong: its `ERROR:` lines, without the retry warnings before them.
fn pip_complaint(finished: &Finished) -> String {
    let stderr = finished.stderr.with_gap_marked();
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("ERROR:"))
        .collect();
    if errors.is_empty() {
        finished.stderr.last_lines(1)
    } else {
        errors.join(" ")
    }
}

fn versions(interpreter: &Path) -> anyhow::Result<String> {
    let finished = run(
        Command::new(interpreter).args([
            "-c",
            "import platform, httpx, requests; \
             print(f'Python {platform.python_version()}, httpx {httpx.__version__}, \
             requests {requests.__version__}')",
        ]),
        QUICK_CHECK,
    )
    .with_context(|| format!("could not run {}", interpreter.display()))?;
    if !finished.ending.success() {
        bail!(
            "{} cannot import httpx and requests: {}",
            interpreter.display(),
            finished.stderr.last_lines(1)
        );
    }
    Ok(finished.stdout.text.trim().to_string())
}

/// Runs a command to the end; a timeout is an error.
fn run(command: &mut Command, limit: Duration) -> io::Result<Finished> {
    let limits = Limits {
        timeout: limit,
        output_cap: OUTPUT_CAP,
    };
    let finished = Runner::new(limits).keep_tail(OUTPUT_TAIL).run(command)?;
    if finished.ending == Ending::TimedOut {
        return Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("still running after {} s, so stopped", limit.as_secs()),
        ));
    }
    Ok(finished)
}

impl Python {
    /// Runs `bench/python/{script}` with `args` and reads the one line of JSON it prints.
    pub fn run<T: DeserializeOwned>(
        &self,
        script: &str,
        args: &[String],
        limit: Duration,
    ) -> anyhow::Result<T> {
        let path = Path::new(SCRIPTS).join(script);
        let finished = run(Command::new(&self.interpreter).arg(&path).args(args), limit)
            .with_context(|| format!("python {script}"))?;
        if !finished.ending.success() {
            bail!(
                "python {script} {} failed ({}): {}",
                args.join(" "),
                finished.ending,
                finished.stderr.last_lines(3)
            );
        }
        serde_json::from_str(finished.stdout.text.trim()).with_context(|| {
            format!(
                "python {script} printed {:?}, not the JSON expected",
                finished.stdout.text
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_what_python_prints() {
        assert_eq!(parse_version("Python 3.11.7\n"), Some((3, 11)));
        assert_eq!(parse_version("Python 3.13.0rc1"), Some((3, 13)));
        assert_eq!(parse_version("Python 2.7.18"), Some((2, 7)));
        assert_eq!(parse_version("command not found"), None);
    }

    #[test]
    fn a_missing_interpreter_skips_or_fails_as_asked() {
        let nowhere = Path::new("/nonexistent/python3");
        let venv = std::env::temp_dir().join("course-bench-unused-venv");
        match prepare(Choice::Given(nowhere.to_path_buf()), &venv) {
            Err(error) => assert!(
                error
                    .to_string()
                    .contains("no `/nonexistent/python3` found")
            ),
            Ok(setup) => panic!("expected an error, got {setup:?}"),
        }
        match prepare(Choice::Off("--quick".to_string()), &venv) {
            Ok(Setup::Skipped(why)) => assert_eq!(why, "--quick"),
            other => panic!("expected a skip, got {other:?}"),
        }
    }
}
