//! `Shutdown::trigger` consumes the switch, so the compiler refuses a second trigger. Each file in
//! tests/ui is a program that must *not* compile, with the error it must give.

#[test]
fn a_shutdown_cannot_be_triggered_twice() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
