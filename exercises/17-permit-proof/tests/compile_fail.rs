//! The compiler must refuse to make a `Permit` anywhere but `Limiter::acquire`. Each file in
//! tests/ui is a program that must *not* compile, with the error it must give. (That a permit
//! cannot be copied is checked in tests/check.rs, by asking the compiler whether it is `Clone`.)

#[test]
fn a_permit_cannot_be_forged() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
