//! The libraries a case is compiled against: the package's own and its direct dependencies, as
//! cargo built them for the package's tests (already built when a check runs: asking cargo again
//! costs a tenth of a second).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use runner::{Limits, Runner};
use serde::Deserialize;

/// What `rustc` needs to compile a case as if it were one of the package's tests.
#[derive(Debug, Clone)]
pub struct Libraries {
    /// The package's edition.
    pub edition: String,
    /// `--extern NAME=PATH` for the package's library and each of its direct dependencies.
    pub externs: Vec<(String, PathBuf)>,
    /// Where their own dependencies are (`-L dependency=...`).
    pub search: Vec<PathBuf>,
}

/// Building takes long only the first time; an hour means something is stuck.
const CARGO_LIMITS: Limits = Limits {
    timeout: Duration::from_secs(60 * 60),
    output_cap: 8 << 20,
};

impl Libraries {
    /// Asks cargo (the one running the tests, `$CARGO`) to build the package's tests, which it
    /// finds fresh, and reads from its report where every library is.
    pub fn of(
        manifest_dir: &Path,
        package: &str,
        target_dir: Option<&Path>,
    ) -> Result<Libraries, String> {
        let manifest = manifest_dir.join("Cargo.toml");
        let built = built_libraries(&manifest, package, target_dir)?;
        let dependencies = direct_dependencies(&manifest, package)?;
        let own = built
            .iter()
            .find(|artifact| artifact.manifest_path == manifest)
            .ok_or_else(|| {
                format!("cargo built no library for {package}: a compile-fail check needs one")
            })?;
        let mut externs = vec![(own.name.clone(), own.file.clone())];
        for dependency in dependencies {
            let wanted = dependency.name.replace('-', "_");
            let candidates: Vec<&Artifact> = built
                .iter()
                .filter(|artifact| artifact.name == wanted)
                .collect();
            match candidates.as_slice() {
                [one] => externs.push((dependency.extern_name(), one.file.clone())),
                // A build dependency, or one only for another platform: not for the cases.
                [] => {}
                _ => {
                    return Err(format!(
                        "cargo built {} twice for {package} (two versions, or two sets of \
                         features); a compile-fail case cannot tell which one to use",
                        dependency.name
                    ));
                }
            }
        }
        let mut search: Vec<PathBuf> = built
            .iter()
            .filter_map(|artifact| artifact.file.parent().map(Path::to_path_buf))
            .collect();
        search.sort();
        search.dedup();
        Ok(Libraries {
            edition: own.edition.clone(),
            externs,
            search,
        })
    }
}

/// One library cargo built.
#[derive(Debug, Clone)]
struct Artifact {
    /// The library's crate name (`lesson_kit`).
    name: String,
    manifest_path: PathBuf,
    edition: String,
    /// The file to link against: the `.rlib`, or a proc macro's shared library.
    file: PathBuf,
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    manifest_path: Option<PathBuf>,
    target: Option<Target>,
    #[serde(default)]
    filenames: Vec<PathBuf>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
    edition: String,
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Every library cargo built for the package's tests, as `cargo build --test '*'` reports them:
/// the very command the course's grader builds the checks with, so that it finds them fresh.
fn built_libraries(
    manifest: &Path,
    package: &str,
    target_dir: Option<&Path>,
) -> Result<Vec<Artifact>, String> {
    let mut command = cargo();
    command
        .args([
            "build",
            "--message-format=json",
            "--test",
            "*",
            "--package",
            package,
        ])
        .arg("--manifest-path")
        .arg(manifest);
    if let Some(dir) = target_dir {
        command.env("CARGO_TARGET_DIR", dir);
    }
    let artifacts = Arc::new(Mutex::new(Vec::new()));
    let collecting = Arc::clone(&artifacts);
    let finished = Runner::new(CARGO_LIMITS)
        .on_stdout_line(move |line| {
            if let Some(artifact) = artifact_of(line) {
                let mut artifacts = collecting.lock().unwrap_or_else(PoisonError::into_inner);
                artifacts.push(artifact);
            }
        })
        .run(&mut command)
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if !finished.ending.success() {
        return Err(format!(
            "cargo could not build {package} ({}):\n{}",
            finished.ending,
            finished.stderr.last_lines(20)
        ));
    }
    let artifacts = std::mem::take(&mut *artifacts.lock().unwrap_or_else(PoisonError::into_inner));
    Ok(artifacts)
}

/// The library one line of cargo's report tells of, if it tells of one.
fn artifact_of(line: &str) -> Option<Artifact> {
    let message: Message = serde_json::from_str(line).ok()?;
    if message.reason != "compiler-artifact" {
        return None;
    }
    let target = message.target?;
    let is_library = target
        .kind
        .iter()
        .any(|kind| kind.contains("lib") || kind == "proc-macro");
    if !is_library {
        return None;
    }
    let file = message.filenames.into_iter().find(|file| {
        file.extension()
            .is_some_and(|ext| ext == "rlib" || ext == "so" || ext == "dylib" || ext == "dll")
    })?;
    Some(Artifact {
        name: target.name,
        manifest_path: message.manifest_path?,
        edition: target.edition,
        file,
    })
}

/// A dependency as `cargo metadata` lists it.
#[derive(Debug, Deserialize)]
struct Dependency {
    name: String,
    rename: Option<String>,
    /// `None` for a normal dependency, `"dev"`, or `"build"`.
    kind: Option<String>,
}

impl Dependency {
    /// The name the package's code uses for it.
    fn extern_name(&self) -> String {
        self.rename.as_ref().unwrap_or(&self.name).replace('-', "_")
    }
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    manifest_path: PathBuf,
    dependencies: Vec<Dependency>,
}

/// The package's normal and dev-dependencies: what its tests, and so its cases, may use.
fn direct_dependencies(manifest: &Path, package: &str) -> Result<Vec<Dependency>, String> {
    let mut command = cargo();
    command
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .arg("--manifest-path")
        .arg(manifest);
    let finished = runner::run(&mut command, CARGO_LIMITS)
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if !finished.ending.success() || finished.stdout.dropped > 0 {
        return Err(format!(
            "cargo metadata failed ({}):\n{}",
            finished.ending,
            finished.stderr.last_lines(10)
        ));
    }
    let metadata: Metadata = serde_json::from_str(&finished.stdout.text)
        .map_err(|error| format!("cargo metadata said something unexpected: {error}"))?;
    let found = metadata
        .packages
        .into_iter()
        .find(|candidate| candidate.name == package && candidate.manifest_path == manifest);
    let package = found.ok_or_else(|| format!("cargo metadata does not list {package}"))?;
    Ok(package
        .dependencies
        .into_iter()
        .filter(|dependency| dependency.kind.as_deref() != Some("build"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libraries_are_read_from_cargos_report_and_the_rest_ignored() {
        let line = r#"{"reason":"compiler-artifact","manifest_path":"/c/Cargo.toml","target":{"name":"lesson_kit","kind":["lib"],"edition":"2024"},"filenames":["/t/deps/liblesson_kit-1.rmeta","/t/deps/liblesson_kit-1.rlib"]}"#;
        let artifact = artifact_of(line).expect("a library");
        assert_eq!(artifact.name, "lesson_kit");
        assert_eq!(artifact.file, PathBuf::from("/t/deps/liblesson_kit-1.rlib"));
        assert_eq!(artifact.edition, "2024");
        let test = line.replace(r#"["lib"]"#, r#"["test"]"#);
        assert!(artifact_of(&test).is_none());
        assert!(artifact_of(r#"{"reason":"build-finished","success":true}"#).is_none());
    }

    #[test]
    fn a_renamed_dependency_is_known_by_its_new_name() {
        let dependency = Dependency {
            name: "lesson-kit".to_string(),
            rename: None,
            kind: Some("dev".to_string()),
        };
        assert_eq!(dependency.extern_name(), "lesson_kit");
        let renamed = Dependency {
            rename: Some("kit".to_string()),
            ..dependency
        };
        assert_eq!(renamed.extern_name(), "kit");
    }
}
