//! What the compiler refuses, checked with the compiler itself: each case in `tests/ui` must fail
//! to compile with exactly the error saved beside it (the lesson prints that error to learners).
//!
//! After a change, `TRYBUILD=overwrite cargo test -p lesson-threads --test compile_fail` rewrites
//! the `.stderr` files; read the new text before committing it.

#[test]
fn the_compiler_refuses_unsafe_sharing() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
