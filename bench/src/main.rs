//! `cargo xtask bench`: being written.

fn main() {
    println!("The benchmark is being written.");
}
