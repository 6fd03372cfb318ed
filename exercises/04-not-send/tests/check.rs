//! The handle still works on its own thread.

use not_send::LocalHandle;

#[test]
fn counts_frames_on_its_own_thread() {
    let handle = LocalHandle::new();
    assert_eq!(handle.bump(), 1);
    assert_eq!(handle.bump(), 2);
}

#[test]
fn each_thread_counts_its_own_frames() {
    let main = LocalHandle::new();
    main.bump();
    let other = std::thread::spawn(|| LocalHandle::new().bump());
    assert_eq!(other.join().expect("the other thread"), 1);
    assert_eq!(main.bump(), 2);
}
