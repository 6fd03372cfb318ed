//! A `Reservation` that is dropped as soon as it is made must be refused by the compiler (with
//! `#![deny(unused_must_use)]`, as the course's workspace sets it). Each file in tests/ui is a
//! program that must *not* compile, with the error it must give.

#[test]
fn an_unused_reservation_does_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
