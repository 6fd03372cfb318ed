//! A `Reservation` that is dropped as soon as it is made must be flagged by the compiler (the
//! `unused_must_use` lint, which the course's workspace denies). tests/ui holds a program that
//! expects that lint on such a line, whatever the `#[must_use]` attribute says, and otherwise gives
//! one fixed error: a second one, "this lint expectation is unfulfilled", means the compiler did
//! not flag the unused reservation.

#[test]
fn an_unused_reservation_is_flagged_by_the_compiler() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
