//! The mistakes this lesson shows that the compiler refuses. Each case in `tests/ui` must fail to
//! compile with exactly the message in its `.stderr` file, which the lesson prints.
//!
//! After a compiler upgrade changes the wording, regenerate the files with
//! `TRYBUILD=overwrite cargo test -p lesson-pitfalls --test compile_errors` and review the diff.

#[test]
fn the_compiler_refuses_these_mistakes() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
