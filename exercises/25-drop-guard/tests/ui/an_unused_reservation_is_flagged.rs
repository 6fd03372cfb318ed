// Reserving a slot and dropping the guard on the spot guards nothing: the compiler must flag it.
//
// This program expects the `unused_must_use` lint on that line, whatever the words of your
// `#[must_use]`: if the lint never fires, the `#[expect]` fails the build and says why. The one
// error the program must give is a fixed one, the second `#[expect]`, which never comes true.
#![deny(unfulfilled_lint_expectations)]

use drop_guard::Registry;

fn main() {
    let registry = Registry::default();
    #[expect(
        unused_must_use,
        reason = "a Reservation dropped as soon as it is made guards nothing, and the compiler \
                  should say so: mark the Reservation struct #[must_use = \"...\"]"
    )]
    registry.reserve("seat 12A");

    #[expect(unused_variables, reason = "the one error this program must give")]
    let used = "a variable that is used";
    assert!(!used.is_empty());
}
