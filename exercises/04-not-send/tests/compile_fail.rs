//! The compiler must refuse to send a `LocalHandle` to another thread or share it between threads.
//! Each file in tests/ui is a program that must *not* compile, with the error it must give.

#[test]
fn a_local_handle_cannot_cross_threads() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
