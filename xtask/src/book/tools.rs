//! mdBook, installed on first use into the course's own target directory, so building the book
//! needs nothing but the Rust toolchain and nothing is installed globally.
//!
//! It is an installed binary rather than a library of the xtask on purpose: the xtask is also the
//! learners' grader, and mdBook as a dependency would add its compile time to every learner's
//! first `cargo xtask check`. `cargo install` builds it apart, once, only for those who build the
//! book.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::compile::cargo;
use runner::Limits;

/// The mdBook this book is written for. A newer one may render differently or reject the config:
/// upgrade on purpose, rebuild, and look at the pages.
pub const MDBOOK_VERSION: &str = "0.5.4";

/// Enough for `mdbook build` and its search box. Leaving out `serve` and `watch` (an HTTP server,
/// tokio and a file watcher) saves a third of a cold install.
const BUILD_FEATURES: &str = "search";
/// What `mdbook serve` needs on top.
const SERVE_FEATURES: &str = "search,serve,watch";

/// `mdbook --version` and `mdbook serve --help` answer at once: a minute means it is stuck, and
/// a stuck binary is one to reinstall.
const QUERY_LIMITS: Limits = Limits {
    timeout: Duration::from_secs(60),
    output_cap: 64 << 10,
};

/// An mdBook binary of the pinned version.
#[derive(Debug, Clone)]
pub struct Mdbook {
    pub path: PathBuf,
}

impl Mdbook {
    /// The pinned mdBook in `tools_dir`, installed there first if it is missing, of another
    /// version, or (when `serve` is asked for) built without `mdbook serve`.
    pub fn ensure(tools_dir: &Path, serve: bool) -> Result<Mdbook> {
        let mdbook = Mdbook {
            path: tools_dir
                .join("bin")
                .join(format!("mdbook{}", std::env::consts::EXE_SUFFIX)),
        };
        let current = mdbook.version().as_deref() == Some(MDBOOK_VERSION);
        if current && (!serve || mdbook.can_serve()) {
            return Ok(mdbook);
        }
        let features = if serve {
            SERVE_FEATURES
        } else {
            BUILD_FEATURES
        };
        install(tools_dir, features)?;
        match mdbook.version() {
            Some(version) if version == MDBOOK_VERSION => Ok(mdbook),
            other => bail!(
                "installed mdBook, but {} reports version {other:?}, not {MDBOOK_VERSION}",
                mdbook.path.display()
            ),
        }
    }

    /// `0.5.4` from `mdbook v0.5.4`, or `None` if there is no working binary.
    fn version(&self) -> Option<String> {
        let finished = runner::run(self.command().arg("--version"), QUERY_LIMITS).ok()?;
        let text = finished.stdout.text.trim();
        let version = text.rsplit(' ').next()?.trim_start_matches('v');
        finished.ending.success().then(|| version.to_string())
    }

    fn can_serve(&self) -> bool {
        runner::run(self.command().args(["serve", "--help"]), QUERY_LIMITS)
            .is_ok_and(|finished| finished.ending.success())
    }

    /// A command running this mdBook.
    pub fn command(&self) -> Command {
        Command::new(&self.path)
    }
}

fn install(tools_dir: &Path, features: &str) -> Result<()> {
    eprintln!(
        "Installing mdBook {MDBOOK_VERSION} into {} (once; about a minute on two cores)...",
        tools_dir.display()
    );
    std::fs::create_dir_all(tools_dir)
        .with_context(|| format!("cannot create {}", tools_dir.display()))?;
    let status = cargo()
        .args(["install", "mdbook", "--locked", "--no-default-features"])
        .arg("--version")
        .arg(format!("={MDBOOK_VERSION}"))
        .args(["--features", features])
        .arg("--root")
        .arg(tools_dir)
        // Its own target directory, kept: a reinstall (with `serve`, say) reuses what it built,
        // and never waits for a lock held by a build of the course.
        .arg("--target-dir")
        .arg(tools_dir.join("build"))
        .env_remove("CARGO_TARGET_DIR")
        // Unoptimised: it compiles in half the time (57 s against 1 min 58 s cold, on two
        // cores), and still renders this book in well under a second.
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "false")
        .current_dir(tools_dir)
        .stdin(Stdio::null())
        .status()
        .context("cannot run cargo install")?;
    if !status.success() {
        bail!(
            "`cargo install mdbook --version ={MDBOOK_VERSION}` failed ({status}); it needs to \
             reach crates.io once"
        );
    }
    Ok(())
}
