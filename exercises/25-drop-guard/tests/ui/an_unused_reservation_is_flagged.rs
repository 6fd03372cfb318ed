// Reserving a slot and dropping the guard on the spot guards nothing, and the compiler must say
// so: mark the Reservation struct `#[must_use = "..."]`, whatever its words. The course's
// workspace denies `unused_must_use`, and so does this program.
#![deny(unused_must_use)]

use drop_guard::Registry;

fn main() {
    let registry = Registry::default();
    registry.reserve("seat 12A");
}
