//! The compiler must refuse to make a `Permit` anywhere but `Limiter::acquire`. Each file in
//! tests/ui is a program that must *not* compile, and the `.errors` file beside it names the
//! errors it must give: each one's code and main message. (That a permit cannot be copied is
//! checked in tests/check.rs, by asking the compiler whether it is `Clone`.)

#[test]
fn a_permit_cannot_be_forged() {
    compile_fail::check("tests/ui");
}
