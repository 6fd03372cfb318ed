// Does not compile, on purpose: `thread::spawn` may not borrow a local variable.
use std::thread;

fn main() {
    // ANCHOR: borrow
    let names = vec!["Ada", "Grace"];
    let handle = thread::spawn(|| println!("{names:?}"));
    handle.join().unwrap();
    // ANCHOR_END: borrow
}
