// Does not compile, on purpose: an `Rc` may not be sent to another thread.
use std::rc::Rc;
use std::thread;

fn main() {
    // ANCHOR: rc
    let total = Rc::new(0_u64);
    let for_the_thread = Rc::clone(&total);
    let handle = thread::spawn(move || println!("{for_the_thread}"));
    handle.join().unwrap();
    // ANCHOR_END: rc
}
