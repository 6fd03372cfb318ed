//! The compiler must refuse to make a `Permit` anywhere but `Limiter::acquire`, and to copy one.
//! Each file in tests/ui is a program that must *not* compile, with the error it must give.

#[test]
fn a_permit_cannot_be_forged_or_copied() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
