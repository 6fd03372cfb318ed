use not_send::LocalHandle;

fn main() {
    let handle = LocalHandle::new();
    std::thread::spawn(move || handle.bump());
}
