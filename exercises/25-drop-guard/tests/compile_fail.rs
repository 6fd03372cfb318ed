//! A `Reservation` that is dropped as soon as it is made must be flagged by the compiler: the
//! `unused_must_use` lint, which the course's workspace denies. Each file in tests/ui is a program
//! that must *not* compile, and the `.errors` file beside it names the errors it must give: each
//! one's code and main message, whatever the words of your `#[must_use]`.

#[test]
fn an_unused_reservation_is_flagged_by_the_compiler() {
    compile_fail::check("tests/ui");
}
