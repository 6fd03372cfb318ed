//! The checks on a throwaway package of their own: a library with a private field, and cases that
//! must not compile.

use std::path::{Path, PathBuf};

use compile_fail::Cases;

/// A package with a library, in a workspace and a target directory of its own.
struct Package {
    root: PathBuf,
}

const LIBRARY: &str = "pub struct Secret {\n    hidden: u32,\n}\n\nimpl Secret {\n    \
                       pub fn new() -> Self {\n        Secret { hidden: 7 }\n    }\n\n    \
                       pub fn peek(&self) -> u32 {\n        self.hidden\n    }\n}\n";

const FORGED: &str = "// Only `Secret::new` may make a Secret.\nuse fixture::Secret;\n\n\
                      fn main() {\n    let forged = Secret { hidden: 1 };\n    \
                      assert_eq!(forged.peek(), 1);\n}\n";

const HONEST: &str = "// Making one the proper way compiles.\nuse fixture::Secret;\n\n\
                      fn main() {\n    assert_eq!(Secret::new().peek(), 7);\n}\n";

impl Package {
    fn new(name: &str) -> Package {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("compile-fail-fixtures")
            .join(format!("{name}-{}", std::process::id()));
        // A package left by an earlier run is made anew.
        let _ = std::fs::remove_dir_all(&root);
        let package = Package { root };
        package.write(
            "Cargo.toml",
            "[package]\nname = \"fixture\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
             # A workspace of its own, not the course's.\n[workspace]\n",
        );
        package.write("src/lib.rs", LIBRARY);
        // Where an exercise calls `compile_fail::check`; here only there, as in an exercise.
        package.write("tests/compile_fail.rs", "#[test]\nfn cases() {}\n");
        package
    }

    fn write(&self, relative: &str, contents: &str) {
        let path = self.root.join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root.join(relative)).expect("read")
    }

    fn cases(&self) -> Cases {
        Cases::new(self.root.clone(), "fixture")
            .target_dir(self.root.join("target"))
            .record(false)
    }
}

impl Drop for Package {
    fn drop(&mut self) {
        // A failed test's package is left for a look.
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

#[test]
fn recorded_errors_pass_and_name_the_code_and_the_compiler() {
    let package = Package::new("recorded");
    package.write("tests/ui/forged.rs", FORGED);
    package.cases().record(true).run().expect("recording");
    let errors = package.read("tests/ui/forged.errors");
    assert!(errors.contains("\nerror[E0451]: "), "{errors}");
    assert!(errors.contains("# recorded with rustc "), "{errors}");
    package
        .cases()
        .run()
        .expect("the compiler refuses it as recorded");
}

#[test]
fn a_case_that_compiles_fails_the_check_and_says_what_it_is_about() {
    let package = Package::new("compiles");
    package.write("tests/ui/honest.rs", HONEST);
    package.write(
        "tests/ui/honest.errors",
        "error[E0451]: field `hidden` of struct `Secret` is private\n",
    );
    let failure = package.cases().run().expect_err("it compiles");
    assert!(
        failure.contains("tests/ui/honest.rs compiles, but the compiler must refuse it with:"),
        "{failure}"
    );
    assert!(
        failure.contains("Making one the proper way compiles."),
        "{failure}"
    );
}

#[test]
fn another_error_fails_and_shows_what_the_compiler_said() {
    let package = Package::new("other-error");
    package.write("tests/ui/forged.rs", FORGED);
    package.cases().record(true).run().expect("recording");
    let recorded = package.read("tests/ui/forged.errors");
    package.write(
        "tests/ui/forged.errors",
        &recorded.replace("error[E0451]: ", "error[E0999]: "),
    );
    let failure = package.cases().run().expect_err("another code");
    assert!(failure.contains("error[E0999]"), "{failure}");
    assert!(failure.contains("but it said:\nerror[E0451]"), "{failure}");
    // Recorded by this very compiler: no word about compilers.
    assert!(!failure.contains("were recorded with"), "{failure}");
}

#[test]
fn a_failure_under_another_compiler_says_so() {
    let package = Package::new("other-compiler");
    package.write("tests/ui/forged.rs", FORGED);
    package.write(
        "tests/ui/forged.errors",
        "# recorded with rustc 1.0.0 (a8c0a3f 2015-05-13)\n\
         error[E0451]: field `hidden` of struct `Secret` is not yours\n",
    );
    let failure = package.cases().run().expect_err("other words");
    assert!(
        failure.contains(
            "These errors were recorded with rustc 1.0.0 (a8c0a3f 2015-05-13); this is rustc "
        ),
        "{failure}"
    );
    assert!(
        failure.contains("COMPILE_FAIL=record cargo test -p fixture"),
        "{failure}"
    );
}

#[test]
fn a_case_without_its_errors_file_says_how_to_write_one() {
    let package = Package::new("no-errors-file");
    package.write("tests/ui/forged.rs", FORGED);
    let failure = package.cases().run().expect_err("no .errors file");
    assert!(failure.contains("forged.errors"), "{failure}");
    assert!(failure.contains("COMPILE_FAIL=record"), "{failure}");
}
