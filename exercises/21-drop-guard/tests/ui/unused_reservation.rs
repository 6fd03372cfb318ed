// Reserving a slot and dropping the guard on the spot guards nothing: the compiler must refuse.
#![deny(unused_must_use)]

use drop_guard::Registry;

fn main() {
    let registry = Registry::default();
    registry.reserve("seat 12A");
}
